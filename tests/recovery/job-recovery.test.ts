import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/testing/changelog.js';
import { crashCopy, materialize, registryWithMemSink, type MemSinkDisk } from '../../src/testing/exactly-once-sink.js';
import { Session } from '../../src/runtime/session.js';

/**
 * Recovery end to end inside one process: a job is "killed" at a random moment (its data
 * directory and its sink's storage are copied in one synchronous step, as a crash would
 * leave them), a new session restores from the copy, and the sink's changelog, applied as a
 * multiset, must equal an uninterrupted run's: a lost change or a change applied twice
 * shows up as a wrong or negative multiplicity.
 */

const PIPELINE = (seed: number, rows: number): string => `
SET 'execution.checkpointing.interval' = '15ms';
CREATE TABLE gen (id INT, region STRING, v BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'datagen', 'seed' = '${seed}', 'number-of-rows' = '${rows}', 'rows-per-second' = '40000',
  'fields.id.min' = '1', 'fields.id.max' = '400', 'fields.region.length' = '1', 'fields.v.min' = '1', 'fields.v.max' = '100',
  'changelog.update-ratio' = '0.3', 'changelog.delete-ratio' = '0.1');
CREATE TABLE dws (region STRING, cnt BIGINT, total BIGINT) WITH ('connector' = 'memsink');
INSERT INTO dws SELECT region, COUNT(*), SUM(v) FROM gen GROUP BY region;
`;

async function runToEnd(sql: string): Promise<string[]> {
  const disk: MemSinkDisk = { changes: [], token: null };
  const s = new Session({ registry: registryWithMemSink(disk) });
  await s.execute(sql);
  for (const j of s.jobs) await j.done();
  assert.equal(s.jobs[0]!.state, 'FINISHED', String(s.jobs[0]!.error?.message));
  return materialize(disk.changes);
}

async function crashAndRecover(sql: string, crashAfterMs: number, corruptNewest: boolean): Promise<{ table: string[]; log: string[] }> {
  const dir1 = mkdtempSync(join(tmpdir(), 'recovery-a-'));
  const dir2 = mkdtempSync(join(tmpdir(), 'recovery-b-'));
  try {
    const disk1: MemSinkDisk = { changes: [], token: null };
    const s1 = new Session({ registry: registryWithMemSink(disk1), dataDir: dir1 });
    await s1.execute(sql);
    await new Promise((r) => setTimeout(r, crashAfterMs));
    // The crash: everything durable at this instant, copied in one synchronous step.
    crashCopy(dir1, dir2);
    const disk2: MemSinkDisk = { changes: [...disk1.changes], token: disk1.token };
    for (const j of s1.jobs) await j.cancel();
    if (corruptNewest) {
      const cdir = join(dir2, 'jobs', 'job-1', 'checkpoints');
      const files = readdirSync(cdir).filter((f) => f.endsWith('.ckpt')).sort();
      if (files.length > 1) {
        const f = join(cdir, files[files.length - 1]!);
        const b = readFileSync(f);
        writeFileSync(f, b.subarray(0, Math.floor(b.length / 2)));
      }
    }
    const log: string[] = [];
    const s2 = new Session({ registry: registryWithMemSink(disk2), dataDir: dir2, log: (l) => log.push(l) });
    await s2.restore();
    for (const j of s2.jobs) await j.done();
    assert.equal(s2.jobs.length, 1);
    assert.equal(s2.jobs[0]!.state, 'FINISHED', String(s2.jobs[0]!.error?.message));
    return { table: materialize(disk2.changes), log };
  } finally {
    rmSync(dir1, { recursive: true, force: true });
    rmSync(dir2, { recursive: true, force: true });
  }
}

test('a crash at a random moment loses nothing and applies nothing twice (20 trials)', async () => {
  const seed = Number(process.env['STRATA_RECOVERY_SEED'] ?? Date.now() % 100_000);
  const rng = new Rng(seed);
  for (let trial = 0; trial < 20; trial++) {
    const dataSeed = rng.range(1, 1_000_000);
    const sql = PIPELINE(dataSeed, 3000);
    const expected = await runToEnd(sql);
    const at = rng.range(0, 90);
    const { table, log } = await crashAndRecover(sql, at, false);
    assert.deepEqual(table, expected, `seed ${seed} trial ${trial}: crash after ${at} ms (STRATA_RECOVERY_SEED=${seed})\n${log.join('\n')}`);
    assert.ok(log.some((l) => /restored 4 statements from the session journal, 1 jobs running/.test(l)), `seed ${seed} trial ${trial}: ${log.join('\n')}`);
  }
});

test('a torn newest checkpoint is skipped, the previous one is used, and the result is still exact', async () => {
  const seed = Number(process.env['STRATA_RECOVERY_SEED'] ?? Date.now() % 100_000);
  const rng = new Rng(seed);
  let skippedSeen = false;
  for (let trial = 0; trial < 6; trial++) {
    const sql = PIPELINE(rng.range(1, 1_000_000), 3000);
    const expected = await runToEnd(sql);
    const { table, log } = await crashAndRecover(sql, rng.range(40, 80), true);
    assert.deepEqual(table, expected, `seed ${seed} trial ${trial} (STRATA_RECOVERY_SEED=${seed})\n${log.join('\n')}`);
    if (log.some((l) => /skipped checkpoint .*chk-\d+\.ckpt: .*torn write/.test(l))) skippedSeen = true;
  }
  assert.ok(skippedSeen, `seed ${seed}: no trial had two checkpoints to tear the newest of`);
});
