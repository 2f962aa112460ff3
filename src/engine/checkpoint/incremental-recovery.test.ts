import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangeBatch } from '../../core/batch.js';
import type { ConnectorSpec } from '../../core/options.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../../core/row-kind.js';
import type { Row } from '../../core/values.js';
import { defaultRegistry, type ConnectorRegistry } from '../../connectors/registry.js';
import { Session } from '../../runtime/session.js';
import { Rng } from '../../testing/changelog.js';
import { formatToken, parseToken, tokenAtOrBefore, type CommitToken } from '../commit-token.js';
import type { SinkWriter } from '../connector.js';
import { readCheckpointParent } from './store.js';

/**
 * Recovery from incremental checkpoints, end to end in one process: a GROUP BY over a
 * growing key space (so most checkpoints are deltas on a full one) is "killed" at a random
 * moment (data directory and sink copied in one synchronous step), a new session restores
 * the chain, and the sink's changelog, applied as a multiset, must equal an uninterrupted
 * run's. (tests/recovery/job-recovery.test.ts does the same with a small state.)
 */

interface Disk {
  changes: [RowKind, Row][];
  token: string | null;
}

const SPEC: ConnectorSpec = { name: 'memsink', doc: 'test sink: exactly-once in memory', sink: { doc: 'all changes.' }, options: [] };

class MemSink implements SinkWriter {
  readonly #disk: Disk;
  readonly #job: string;
  #pending: [RowKind, Row][] = [];
  #recovered: CommitToken | null = null;
  constructor(disk: Disk, job: string) {
    this.#disk = disk;
    this.#job = job;
  }
  open(): Promise<void> {
    const t = this.#disk.token === null ? null : parseToken(this.#disk.token);
    this.#recovered = t !== null && t.job === this.#job ? t : null;
    return Promise.resolve();
  }
  recoveredTokens(): readonly CommitToken[] {
    return this.#recovered === null ? [] : [this.#recovered];
  }
  write(batch: ChangeBatch): void {
    for (let i = 0; i < batch.length; i++) this.#pending.push([batch.kinds[i]!, batch.rows[i]!]);
  }
  commit(token?: CommitToken): Promise<void> {
    const p = this.#pending;
    this.#pending = [];
    if (token !== undefined && this.#recovered !== null && tokenAtOrBefore(token, this.#recovered)) return Promise.resolve();
    this.#disk.changes.push(...p);
    if (token !== undefined) this.#disk.token = formatToken(token);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function registryWith(disk: Disk): ConnectorRegistry {
  const r = defaultRegistry();
  r.register({ spec: SPEC, sinkAccepts: () => 'all', runtime: { createSink: (_t, ctx) => new MemSink(disk, ctx.jobName) } });
  return r;
}

function materialize(changes: readonly [RowKind, Row][]): string[] {
  const m = new Map<string, number>();
  for (const [k, row] of changes) {
    const key = row.map((v) => (v === null ? 'NULL' : String(v))).join('|');
    const n = (m.get(key) ?? 0) + (k === INSERT || k === UPDATE_AFTER ? 1 : k === UPDATE_BEFORE || k === DELETE ? -1 : 0);
    if (n < 0) throw new assert.AssertionError({ message: `row ${key} retracted more often than inserted (a change applied twice or lost)` });
    if (n === 0) m.delete(key);
    else m.set(key, n);
  }
  return [...m].map(([k, n]) => `${k} x${n}`).sort();
}

const PIPELINE = (seed: number): string => `
SET 'execution.checkpointing.interval' = '5ms';
CREATE TABLE gen (id INT, v BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'datagen', 'seed' = '${seed}', 'number-of-rows' = '8000', 'rows-per-second' = '60000',
  'fields.id.min' = '1', 'fields.id.max' = '5000', 'fields.v.min' = '1', 'fields.v.max' = '100',
  'changelog.update-ratio' = '0.3', 'changelog.delete-ratio' = '0.1');
CREATE TABLE dws (id INT, cnt BIGINT, total BIGINT) WITH ('connector' = 'memsink');
INSERT INTO dws SELECT id, COUNT(*), SUM(v) FROM gen GROUP BY id;
`;

/**
 * The crash: everything durable at this instant, copied in one synchronous step. A rename
 * running on libuv's thread pool meanwhile can make a listed `.tmp` file vanish before it
 * is copied: the copy is then taken again (still without the job running in between).
 */
function crashCopy(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      cpSync(from, to, { recursive: true });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
      rmSync(to, { recursive: true, force: true });
    }
  }
}

async function runToEnd(sql: string): Promise<string[]> {
  const disk: Disk = { changes: [], token: null };
  const s = new Session({ registry: registryWith(disk) });
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
      const disk1: Disk = { changes: [], token: null };
      const s1 = new Session({ registry: registryWith(disk1), dataDir: dir1 });
      await s1.execute(sql);
      const at = rng.range(40, 130);
      await new Promise((r) => setTimeout(r, at));
      crashCopy(dir1, dir2);
      const disk2: Disk = { changes: [...disk1.changes], token: disk1.token };
      for (const j of s1.jobs) await j.cancel();
      const cdir = join(dir2, 'jobs', 'job-1', 'checkpoints');
      for (const f of readdirSync(cdir)) if (f.endsWith('.ckpt') && readCheckpointParent(join(cdir, f)) !== null) deltasOnDisk++;
      const log: string[] = [];
      const s2 = new Session({ registry: registryWith(disk2), dataDir: dir2, log: (l) => log.push(l) });
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
