import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../runtime/session.js';
import { Rng } from '../../testing/changelog.js';
import { crashCopy, materialize, registryWithMemSink, type MemSinkDisk } from '../../testing/exactly-once-sink.js';
import { readCheckpointParent } from './store.js';

/**
 * Recovery from incremental checkpoints, end to end in one process: a GROUP BY over a
 * growing key space (so most checkpoints are deltas on a full one) is "killed" at a random
 * moment (data directory and sink copied in one synchronous step), a new session restores
 * the chain, and the sink's changelog, applied as a multiset, must equal an uninterrupted
 * run's. (tests/recovery/job-recovery.test.ts does the same with a small state.)
 */

const PIPELINE = (seed: number): string => `
SET 'execution.checkpointing.interval' = '5ms';
CREATE TABLE gen (id INT, v BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'datagen', 'seed' = '${seed}', 'number-of-rows' = '8000', 'rows-per-second' = '60000',
  'fields.id.min' = '1', 'fields.id.max' = '5000', 'fields.v.min' = '1', 'fields.v.max' = '100',
  'changelog.update-ratio' = '0.3', 'changelog.delete-ratio' = '0.1');
CREATE TABLE dws (id INT, cnt BIGINT, total BIGINT) WITH ('connector' = 'memsink');
INSERT INTO dws SELECT id, COUNT(*), SUM(v) FROM gen GROUP BY id;
`;

async function runToEnd(sql: string): Promise<string[]> {
  const disk: MemSinkDisk = { changes: [], token: null };
  const s = new Session({ registry: registryWithMemSink(disk) });
  await s.execute(sql);
  for (const j of s.jobs) await j.done();
  assert.equal(s.jobs[0]!.state, 'FINISHED', String(s.jobs[0]!.error?.message));
  return materialize(disk.changes);
}

test('a crash while checkpoints are incremental restores the chain exactly (12 trials)', async () => {
  const seed = Number(process.env['STRATA_RECOVERY_SEED'] ?? Date.now() % 100_000);
  const rng = new Rng(seed);
  let chains = 0;
  let deltasOnDisk = 0;
  for (let trial = 0; trial < 12; trial++) {
    const sql = PIPELINE(rng.range(1, 1_000_000));
    const expected = await runToEnd(sql);
    const dir1 = mkdtempSync(join(tmpdir(), 'incr-a-'));
    const dir2 = mkdtempSync(join(tmpdir(), 'incr-b-'));
    try {
      const disk1: MemSinkDisk = { changes: [], token: null };
      const s1 = new Session({ registry: registryWithMemSink(disk1), dataDir: dir1 });
      await s1.execute(sql);
      const at = rng.range(40, 130);
      await new Promise((r) => setTimeout(r, at));
      crashCopy(dir1, dir2);
      const disk2: MemSinkDisk = { changes: [...disk1.changes], token: disk1.token };
      for (const j of s1.jobs) await j.cancel();
      const cdir = join(dir2, 'jobs', 'job-1', 'checkpoints');
      for (const f of readdirSync(cdir)) if (f.endsWith('.ckpt') && readCheckpointParent(join(cdir, f)) !== null) deltasOnDisk++;
      const log: string[] = [];
      const s2 = new Session({ registry: registryWithMemSink(disk2), dataDir: dir2, log: (l) => log.push(l) });
      await s2.restore();
      for (const j of s2.jobs) await j.done();
      assert.equal(s2.jobs[0]!.state, 'FINISHED', String(s2.jobs[0]!.error?.message));
      assert.deepEqual(materialize(disk2.changes), expected, `seed ${seed} trial ${trial}: crash after ${at} ms (STRATA_RECOVERY_SEED=${seed})\n${log.join('\n')}`);
      if (log.some((l) => /restored from checkpoint \d+ .*= full checkpoint \d+ \+ \d+ incremental/.test(l))) chains++;
    } finally {
      rmSync(dir1, { recursive: true, force: true });
      rmSync(dir2, { recursive: true, force: true });
    }
  }
  assert.ok(deltasOnDisk > 0, `seed ${seed}: no incremental checkpoint was written`);
  assert.ok(chains > 0, `seed ${seed}: no trial restored from a chain of incremental checkpoints`);
});
