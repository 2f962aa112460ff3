import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import { appendValuesSinkChanges, getValuesSinkRows, resetValuesConnector } from '../values/store.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, descriptor, lines, newReader, pollUntil } from './test-support.js';

/**
 * The incremental snapshot of tables receiving writes (from another connection, not paced
 * by the reader) during the whole snapshot: inserts, updates, primary key updates that move
 * rows across chunks, deletes, multi-statement transactions. The changelog applies with no
 * retraction of an absent row (the values sink checks) and ends equal to the table.
 */

let db: MariaDbServer;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
});
after(async () => {
  await db?.stop();
});

function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** Writes to `table` (key columns a, b) until `stop()` is called; returns the writes done. */
function startWriter(table: string, seed: number): { stop: () => Promise<number>; count: () => number } {
  const rnd = prng(seed);
  let running = true;
  let n = 0;
  const conn = db.connect({ multipleStatements: true });
  const loop = (async () => {
    const c = await conn;
    let next = 100_000;
    while (running) {
      const a = rnd(2000);
      switch (rnd(5)) {
        case 0:
          await c.query(`INSERT INTO app.${table} VALUES (${next++}, ${rnd(3)}, ${rnd(1000)})`);
          break;
        case 1:
          await c.query(`UPDATE app.${table} SET v = v + 1 WHERE a = ${a}`);
          break;
        case 2:
          await c.query(`DELETE FROM app.${table} WHERE a = ${a} AND b = 0`);
          break;
        case 3:
          // Moves a row to another chunk (key update), forwards or backwards.
          await c.query(`UPDATE IGNORE app.${table} SET a = ${rnd(2) === 0 ? next++ : -1 - rnd(1000)} WHERE a = ${a} AND b = 1`);
          break;
        default:
          await c.query(
            `BEGIN; UPDATE app.${table} SET v = -v WHERE a = ${rnd(2000)}; INSERT IGNORE INTO app.${table} VALUES (${rnd(2000)}, 9, 9); ` +
              `DELETE FROM app.${table} WHERE a = ${rnd(2000)} AND b = 2; COMMIT`,
          );
      }
      n++;
    }
    await c.end();
  })();
  return {
    count: () => n,
    stop: async () => {
      running = false;
      await loop;
      return n;
    },
  };
}

async function mysqlRows(table: string): Promise<string[]> {
  const rows = await db.query<{ a: number; b: number; v: number | null }>(`SELECT a, b, v FROM app.${table}`);
  return rows.map((r) => `${r.a} | ${r.b} | ${r.v === null ? 'NULL' : r.v}`).sort();
}

async function snapshotUnderWrites(table: string, keyDecl: string, extra: Record<string, string>, sink: string): Promise<void> {
  await db.query(`CREATE TABLE app.${table} (a INT NOT NULL, b INT NOT NULL, v INT${keyDecl})`);
  await db.query(`INSERT INTO app.${table} SELECT seq, seq % 3, seq FROM app.seq_0_to_1999`);
  resetValuesConnector();
  const fields = [{ name: 'a', type: T.int(false) }, { name: 'b', type: T.int(false) }, { name: 'v', type: T.int() }];
  const reader = newReader(descriptor(fields, null, cdcOptions(db, 'app', table, { 'scan.incremental.snapshot.chunk.size': '50', ...extra })));
  const writer = startWriter(table, 11);
  // The writer is running at full speed before the snapshot starts, and until it ends.
  while (writer.count() < 10) await new Promise((r) => setTimeout(r, 1));
  await reader.open();
  try {
    const got = new ChangeBatch();
    const apply = (): void => appendValuesSinkChanges(sink, new ChangeBatch(got.kinds.splice(0), got.rows.splice(0)), null);
    await pollUntil(
      reader,
      got,
      () => {
        apply();
        return (reader.snapshotOffsets() as { phase: string }).phase === 'binlog';
      },
      'the end of the snapshot',
      64,
    );
    await writer.stop();
    const expected = await mysqlRows(table);
    await pollUntil(reader, got, () => {
      apply();
      return JSON.stringify(lines(getValuesSinkRows(sink))) === JSON.stringify(expected);
    }, 'the table state');
    assert.deepEqual(lines(getValuesSinkRows(sink)), expected);
  } finally {
    await writer.stop();
    await reader.close();
  }
}

describe('mysql-cdc snapshot under concurrent writes', () => {
  test('a composite primary key, chunks reconciled with the binlog between their watermarks', async () => {
    await snapshotUnderWrites('cw1', ', PRIMARY KEY (a, b)', {}, 'cw1');
  });

  test("a table without a primary key split by 'scan.incremental.snapshot.chunk.key-column'", async () => {
    await snapshotUnderWrites('cw2', ', KEY (a)', { 'scan.incremental.snapshot.chunk.key-column': 'a' }, 'cw2');
  });

  test("the consistent-snapshot scheme ('scan.incremental.snapshot.enabled' = 'false')", async () => {
    await snapshotUnderWrites('cw3', ', PRIMARY KEY (a, b)', { 'scan.incremental.snapshot.enabled': 'false' }, 'cw3');
  });
});
