import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { T } from '../../core/types.js';
import type { StateValue } from '../../engine/state/codec.js';
import { appendValuesSinkChanges, getValuesSinkRows, resetValuesConnector } from '../values/store.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, descriptor, lines, newReader, pollUntil } from './test-support.js';

/** Offsets: stop, restore, continue — by file + position, mid-snapshot, and a purged binlog. */

let db: MariaDbServer;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
});
after(async () => {
  await db?.stop();
});

const FIELDS = [{ name: 'id', type: T.int(false) }, { name: 'v', type: T.bigint() }];

async function mysqlRows(table: string): Promise<string[]> {
  const rows = await db.query<{ id: number; v: string | null }>(`SELECT id, CAST(v AS CHAR) AS v FROM app.${table}`);
  return rows.map((r) => `${r.id} | ${r.v === null ? 'NULL' : `${r.v}n`}`).sort();
}

/** Applies `b` to the multiset sink `id` (throws on a retraction of an absent row: a duplicate or a gap). */
function apply(id: string, b: ChangeBatch): string[] {
  appendValuesSinkChanges(id, b, null);
  return lines(getValuesSinkRows(id));
}

async function readUntilEqual(offsets: StateValue, table: string, sink: string, extra: Record<string, string> = {}): Promise<StateValue> {
  const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', table, extra)));
  reader.restoreOffsets(offsets);
  await reader.open();
  try {
    const expected = await mysqlRows(table);
    const got = new ChangeBatch();
    await pollUntil(reader, got, () => {
      const b = new ChangeBatch(got.kinds.splice(0), got.rows.splice(0));
      // Also wait for the snapshot's end (phase 'binlog'), so that the offsets are the binlog's.
      return JSON.stringify(apply(sink, b)) === JSON.stringify(expected) && (reader.snapshotOffsets() as { phase: string }).phase === 'binlog';
    }, 'the table state');
    return reader.snapshotOffsets();
  } finally {
    await reader.close();
  }
}

describe('mysql-cdc offsets', () => {
  test('stop, restore the offsets, continue: no change lost, none twice', async () => {
    resetValuesConnector();
    await db.query('CREATE TABLE app.r1 (id INT PRIMARY KEY, v INT)');
    await db.query('INSERT INTO app.r1 VALUES (1, 1), (2, 2)');
    // The declared BIGINT column is cast from MySQL INT.
    let offsets = await readUntilEqual(null, 'r1', 'k1');
    await db.query('INSERT INTO app.r1 VALUES (3, 3)');
    offsets = await readUntilEqual(offsets, 'r1', 'k1');
    await db.query('UPDATE app.r1 SET v = 20 WHERE id = 2');
    await db.query('DELETE FROM app.r1 WHERE id = 1');
    await db.query('INSERT INTO app.r1 VALUES (4, 4)');
    offsets = await readUntilEqual(offsets, 'r1', 'k1');
    assert.equal((offsets as { phase: string }).phase, 'binlog');
    assert.deepEqual(lines(getValuesSinkRows('k1')), await mysqlRows('r1'));
  });

  test('resuming in the middle of the snapshot catches the returned rows up, then reads the rest', async () => {
    resetValuesConnector();
    await db.query('CREATE TABLE app.r2 (id INT PRIMARY KEY, v INT)');
    const values: string[] = [];
    for (let i = 1; i <= 50; i++) values.push(`(${i}, ${i})`);
    await db.query(`INSERT INTO app.r2 VALUES ${values.join(', ')}`);
    const extra = { 'scan.incremental.snapshot.chunk.size': '10' };
    const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', 'r2', extra)));
    await reader.open();
    const first = new ChangeBatch();
    // Only the first chunk (max 10 keeps the second in the queue).
    await pollUntil(reader, first, () => first.length >= 10, 'the first chunk', 10);
    const offsets = reader.snapshotOffsets();
    await reader.close();
    assert.equal((offsets as { phase: string }).phase, 'snapshot');
    apply('k2', first);
    // Changes to returned rows (ids 1..10) and to rows not read yet.
    await db.query('UPDATE app.r2 SET v = 100 WHERE id = 3');
    await db.query('DELETE FROM app.r2 WHERE id = 5');
    await db.query('UPDATE app.r2 SET v = 300 WHERE id = 30');
    await db.query('DELETE FROM app.r2 WHERE id = 40');
    await db.query('INSERT INTO app.r2 VALUES (60, 60)');
    await db.query('UPDATE app.r2 SET id = 70 WHERE id = 7');
    await readUntilEqual(offsets, 'r2', 'k2', extra);
    assert.deepEqual(lines(getValuesSinkRows('k2')), await mysqlRows('r2'));
  });

  test('a binlog purged while the reader was stopped is a definite CONNECTOR_DATA error from poll', async () => {
    await db.query('CREATE TABLE app.r3 (id INT PRIMARY KEY, v INT)');
    await db.query('INSERT INTO app.r3 VALUES (1, 1)');
    resetValuesConnector();
    const offsets = await readUntilEqual(null, 'r3', 'k3');
    await db.query('INSERT INTO app.r3 VALUES (2, 2)');
    await db.query('FLUSH BINARY LOGS');
    const { file } = await db.masterStatus();
    // MariaDB keeps files whose transactions InnoDB has not checkpointed yet: purge until only the current file is left.
    for (let attempt = 0; ; attempt++) {
      await db.query(`PURGE BINARY LOGS TO '${file}'`);
      const left = await db.query<{ Log_name: string }>('SHOW BINARY LOGS');
      if (left.length === 1 && left[0]!.Log_name === file) break;
      assert.ok(attempt < 500, `binlogs not purged: ${left.map((r) => r.Log_name).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', 'r3')));
    reader.restoreOffsets(offsets);
    await reader.open();
    try {
      let error: unknown = null;
      for (let i = 0; i < 100 && error === null; i++) {
        try {
          reader.poll(100);
        } catch (e) {
          error = e;
          break;
        }
        await Promise.race([reader.ready(), new Promise((r) => setTimeout(r, 100))]);
      }
      assert.ok(error instanceof StrataError, `expected a StrataError, got ${String(error)}`);
      assert.equal(error.code, 'CONNECTOR_DATA');
      assert.equal(error.retryable, false);
      assert.match(error.message, /purged/);
      assert.match(error.message, new RegExp((offsets as { file: string }).file.replace('.', '\\.')));
      assert.doesNotMatch(error.message, new RegExp(db.cdcPassword));
    } finally {
      await reader.close();
    }
  });
});
