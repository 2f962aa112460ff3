import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import type { StateValue } from '../../engine/state/codec.js';
import { appendValuesSinkChanges, getValuesSinkRows, resetValuesConnector } from '../values/store.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, changeLines, descriptor, lines, newReader, pollUntil } from './test-support.js';
import type { MysqlCdcSource } from './source.js';

/**
 * Exact replay (engine/connector.ts): a reader restored with offsets taken at any moment
 * (right after open, mid-snapshot, in the binlog phase) returns exactly the changes the
 * original returned after them, while the table keeps changing, thanks to the snapshot spool
 * under `stateDir`.
 */

let db: MariaDbServer;
let stateDir: string;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
  stateDir = mkdtempSync(join(tmpdir(), 'strata-cdc-state-'));
});
after(async () => {
  await db?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const FIELDS = [{ name: 'id', type: T.int(false) }, { name: 'v', type: T.int() }];
const CHUNK = { 'scan.incremental.snapshot.chunk.size': '20' };

/** A deterministic stream of writes over the whole key range (seeded). */
function writer(table: string, seed: number): () => Promise<void> {
  let s = seed >>> 0;
  let next = 1000;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  return async () => {
    const id = 1 + rnd(200);
    switch (rnd(4)) {
      case 0:
        await db.query(`INSERT INTO app.${table} VALUES (${next++}, ${rnd(1000)})`);
        break;
      case 1:
        await db.query(`UPDATE app.${table} SET v = v + 1 WHERE id = ${id}`);
        break;
      case 2:
        await db.query(`DELETE FROM app.${table} WHERE id = ${id}`);
        break;
      default:
        // A transaction touching a low and a high key (rows returned and not yet read).
        await db.query(`BEGIN; UPDATE app.${table} SET v = -v WHERE id = ${1 + rnd(20)}; INSERT IGNORE INTO app.${table} VALUES (${next++}, 7); UPDATE app.${table} SET v = MOD(v, 1000) * 2 WHERE id = ${150 + rnd(50)}; COMMIT`);
    }
  };
}

async function mysqlRows(table: string): Promise<string[]> {
  const rows = await db.query<{ id: number; v: number | null }>(`SELECT id, v FROM app.${table}`);
  return rows.map((r) => `${r.id} | ${r.v === null ? 'NULL' : r.v}`).sort();
}

async function createTable(table: string): Promise<void> {
  await db.query(`CREATE TABLE app.${table} (id INT PRIMARY KEY, v INT)`);
  const values: string[] = [];
  for (let i = 1; i <= 200; i++) values.push(`(${i}, ${i})`);
  await db.query(`INSERT INTO app.${table} VALUES ${values.join(', ')}`);
}

interface Checkpoint {
  readonly offsets: StateValue;
  /** Changes returned before the offsets were taken. */
  readonly at: number;
  readonly phase: string;
}

/** Opens a reader (restored with `offsets` when given) on `stateDir`. */
async function open(table: string, offsets: StateValue | undefined): Promise<MysqlCdcSource> {
  const r = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', table, CHUNK)), stateDir);
  if (offsets !== undefined) r.restoreOffsets(offsets);
  await r.open();
  return r;
}

/** Polls `reader` (small batches), writing to the table between polls (at most 100 writes), until `cond`. */
async function drive(reader: MysqlCdcSource, seq: string[], write: () => Promise<void>, cps: Checkpoint[], cond: () => boolean, all?: ChangeBatch): Promise<void> {
  let writes = 0;
  for (let i = 0; !cond(); i++) {
    assert.ok(i < 5000, 'the reader did not progress');
    const b = reader.poll(15);
    if (b !== null) {
      seq.push(...changeLines(b));
      all?.append(b);
    }
    const o = reader.snapshotOffsets();
    cps.push({ offsets: o, at: seq.length, phase: (o as { phase: string }).phase });
    if (writes++ < 100) await write();
    if (b === null) await Promise.race([reader.ready(), new Promise((r) => setTimeout(r, 20))]);
  }
}

/** A restored reader's first `n` changes. */
async function tail(table: string, offsets: StateValue, n: number): Promise<{ seq: string[]; reader: MysqlCdcSource }> {
  const reader = await open(table, offsets);
  const got = new ChangeBatch();
  if (n > 0) await pollUntil(reader, got, () => got.length >= n, `${n} changes from the restored reader`, 7);
  return { seq: changeLines(got), reader };
}

describe('mysql-cdc exact replay', () => {
  test('restored at the start, mid-snapshot and in the binlog phase, a reader returns exactly the original tail', async () => {
    await createTable('x1');
    const write = writer('x1', 42);
    const a = await open('x1', undefined);
    const seq: string[] = [];
    const cps: Checkpoint[] = [{ offsets: a.snapshotOffsets(), at: 0, phase: 'snapshot' }];
    try {
      // The snapshot with writes between polls, then some binlog changes.
      await drive(a, seq, write, cps, () => cps[cps.length - 1]!.phase === 'binlog');
      const endOfSnapshot = seq.length;
      await drive(a, seq, write, cps, () => seq.length >= endOfSnapshot + 30);
    } finally {
      await a.close();
    }
    // The table changes more before the restored readers run.
    for (let i = 0; i < 30; i++) await write();
    const snapshotCps = cps.filter((c) => c.phase === 'snapshot');
    assert.ok(snapshotCps.length >= 6, `only ${snapshotCps.length} snapshot-phase checkpoints`);
    const binlogCp = cps.filter((c) => c.phase === 'binlog')[3]!;
    const picks = [cps[0]!, snapshotCps[2]!, snapshotCps[Math.floor(snapshotCps.length / 2)]!, snapshotCps[snapshotCps.length - 1]!, binlogCp];
    for (const cp of picks) {
      const { seq: got, reader } = await tail('x1', cp.offsets, seq.length - cp.at);
      await reader.close();
      assert.deepEqual(got.slice(0, seq.length - cp.at), seq.slice(cp.at), `restored at change ${cp.at} (${cp.phase})`);
    }
    // Restored in the binlog phase, the reader no longer needs the spool.
    assert.equal(existsSync(join(stateDir, 'default_catalog.default_database.src', 'snapshot.spool')), false);
  });

  test('stopped mid-snapshot and restored earlier: the same changes, then the rest of the snapshot, ending equal to the table', async () => {
    await createTable('x2');
    const write = writer('x2', 7);
    const a = await open('x2', undefined);
    const seq: string[] = [];
    const aAll = new ChangeBatch();
    const cps: Checkpoint[] = [];
    try {
      await drive(a, seq, write, cps, () => seq.length >= 80, aAll);
    } finally {
      await a.close();
    }
    assert.equal(cps[cps.length - 1]!.phase, 'snapshot');
    for (let i = 0; i < 30; i++) await write();
    const cp = cps[2]!;
    const b = await open('x2', cp.offsets);
    try {
      const bAll = new ChangeBatch();
      await pollUntil(b, bAll, () => (b.snapshotOffsets() as { phase: string }).phase === 'binlog' && bAll.length >= seq.length - cp.at, 'the end of the snapshot');
      assert.deepEqual(changeLines(bAll).slice(0, seq.length - cp.at), seq.slice(cp.at));
      for (let i = 0; i < 10; i++) await write();
      const expected = await mysqlRows('x2');
      // The first reader's head, then the restored reader: one changelog (the values sink rejects
      // a retraction of an absent row) that ends equal to the table.
      resetValuesConnector();
      appendValuesSinkChanges('x2', new ChangeBatch(aAll.kinds.slice(0, cp.at), aAll.rows.slice(0, cp.at)), null);
      const sink = (): string[] => lines(getValuesSinkRows('x2'));
      appendValuesSinkChanges('x2', bAll, null);
      const more = new ChangeBatch();
      await pollUntil(b, more, () => {
        appendValuesSinkChanges('x2', new ChangeBatch(more.kinds.splice(0), more.rows.splice(0)), null);
        return JSON.stringify(sink()) === JSON.stringify(expected);
      }, 'the table state');
      assert.deepEqual(sink(), expected);
    } finally {
      await b.close();
    }
  });
});
