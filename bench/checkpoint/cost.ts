/**
 * Checkpoint cost at large state: a job builds ~1 M rows of operator state (a GROUP BY
 * over 1 M keys; a join holding 2 × 500 K rows), then checkpoints. Reports the pause of the
 * job while state is snapshotted and encoded (the job does not step meanwhile), the
 * background write (temp file, fsync, rename), the file size, and the restore time of a
 * new job from that checkpoint (read, verify CRC, decode, restore operators).
 *
 *   node dist/bench/checkpoint/cost.js [--rows 1000000] [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultRegistry } from '../../src/connectors/registry.js';
import { StrataError } from '../../src/core/errors.js';
import { Session } from '../../src/runtime/session.js';

const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' } } });
const ROWS = Number(values.rows ?? 1_000_000);
const RUNS = Number(values.runs ?? 3);

const PIPELINES: Record<string, (rows: number) => string> = {
  'group-by 1 key per row': (rows) => `
CREATE TABLE gen (id BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}', 'rows-per-second' = '1000000000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}', 'fields.v.min' = '1', 'fields.v.max' = '1000', 'seed' = '1');
CREATE TABLE out (id BIGINT, n BIGINT, total BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT id, COUNT(*), SUM(v) FROM gen GROUP BY id;`,
  'join 2 x half the rows': (rows) => `
CREATE TABLE a (k BIGINT, x BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows / 2}', 'rows-per-second' = '1000000000',
  'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '${rows / 2}', 'seed' = '2');
CREATE TABLE b (k BIGINT, y BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows / 2}', 'rows-per-second' = '1000000000',
  'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '${rows / 2}', 'seed' = '3');
CREATE TABLE out (k BIGINT, x BIGINT, y BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT a.k, a.x, b.y FROM a JOIN b ON a.k = b.k;`,
};

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

console.log(`checkpoint cost: ${ROWS} rows of state, ${RUNS} runs, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
console.log('pipeline                  | state rows | file MB | pause (snapshot+encode) ms | write ms | restore ms');
for (const [name, sql] of Object.entries(PIPELINES)) {
  const pause: number[] = [];
  const write: number[] = [];
  const restore: number[] = [];
  let bytes = 0;
  let stateRows = 0;
  for (let run = 0; run < RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'strata-ckpt-bench-'));
    try {
      const s1 = new Session({ registry: defaultRegistry(), dataDir: dir });
      await s1.execute(`SET 'execution.checkpointing.interval' = '0';\n${sql(ROWS)}`);
      const job = s1.jobs[0]!;
      await job.done(); // a finished job writes its final checkpoint
      if (job.state !== 'FINISHED' || job.lastCheckpoint === null) throw new StrataError('INTERNAL', `job ended ${job.state}: ${job.error?.message ?? 'no checkpoint'}`);
      stateRows = [...job.graph.stateSizes().values()].reduce((a, b) => a + b, 0);
      pause.push(job.lastCheckpoint.encodeMillis);
      write.push(job.lastCheckpoint.writeMillis);
      bytes = job.lastCheckpoint.bytes;
      const s2 = new Session({ registry: defaultRegistry(), dataDir: dir });
      const t0 = performance.now();
      await s2.restore();
      restore.push(performance.now() - t0);
      await s2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(
    `${name.padEnd(25)} | ${String(stateRows).padStart(10)} | ${(bytes / 1e6).toFixed(1).padStart(7)} | ${median(pause).toFixed(0).padStart(26)} | ${median(write).toFixed(0).padStart(8)} | ${median(restore).toFixed(0).padStart(10)}`,
  );
}
