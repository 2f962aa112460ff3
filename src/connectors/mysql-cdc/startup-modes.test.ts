import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, changeLines, descriptor, newReader, pollUntil } from './test-support.js';

/**
 * `scan.startup.mode`: earliest-offset, specific-offset (file + position, and GTID), snapshot.
 * Each test ends with a sentinel row written last, so "exactly these changes" is checked
 * without waiting for silence.
 */

let db: MariaDbServer;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
});
after(async () => {
  await db?.stop();
});

const FIELDS = [{ name: 'id', type: T.int(false) }, { name: 'v', type: T.int() }];

/** Reads with `options` until the sentinel row (id 999) appears; returns the changes before it. */
async function readUntilSentinel(table: string, options: Record<string, string>): Promise<string[]> {
  const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', table, options)));
  await reader.open();
  try {
    await db.query(`INSERT INTO app.${table} VALUES (999, 0)`);
    const got = new ChangeBatch();
    await pollUntil(reader, got, () => changeLines(got).some((l) => l.startsWith('+I 999 ')), 'the sentinel');
    const all = changeLines(got);
    assert.equal(all[all.length - 1], '+I 999 | 0');
    return all.slice(0, -1);
  } finally {
    await reader.close();
  }
}

describe('mysql-cdc startup modes', () => {
  test("'earliest-offset' reads every change still in the binlog, from the oldest file", async () => {
    await db.query('CREATE TABLE app.e1 (id INT PRIMARY KEY, v INT)');
    await db.query('INSERT INTO app.e1 VALUES (1, 1), (2, 2)');
    await db.query('FLUSH BINARY LOGS');
    await db.query('UPDATE app.e1 SET v = 20 WHERE id = 2');
    await db.query('DELETE FROM app.e1 WHERE id = 1');
    const got = await readUntilSentinel('e1', { 'scan.startup.mode': 'earliest-offset' });
    assert.deepEqual(got, ['+I 1 | 1', '+I 2 | 2', '-U 2 | 2', '+U 2 | 20', '-D 1 | 1']);
  });

  test("'specific-offset' by file and position starts exactly there", async () => {
    await db.query('CREATE TABLE app.e2 (id INT PRIMARY KEY, v INT)');
    await db.query('INSERT INTO app.e2 VALUES (1, 1)');
    const { file, pos } = await db.masterStatus();
    await db.query('INSERT INTO app.e2 VALUES (2, 2)');
    await db.query('UPDATE app.e2 SET v = 10 WHERE id = 1');
    const got = await readUntilSentinel('e2', {
      'scan.startup.mode': 'specific-offset',
      'scan.startup.specific-offset.file': file,
      'scan.startup.specific-offset.pos': String(pos),
    });
    assert.deepEqual(got, ['+I 2 | 2', '-U 1 | 1', '+U 1 | 10']);
  });

  test("'specific-offset' by GTID set starts after the transactions it names", async () => {
    await db.query('CREATE TABLE app.e3 (id INT PRIMARY KEY, v INT)');
    await db.query('INSERT INTO app.e3 VALUES (1, 1)');
    const [row] = await db.query<{ g: string }>('SELECT @@gtid_binlog_pos AS g');
    await db.query('FLUSH BINARY LOGS');
    await db.query('INSERT INTO app.e3 VALUES (3, 3)');
    await db.query('DELETE FROM app.e3 WHERE id = 1');
    const got = await readUntilSentinel('e3', { 'scan.startup.mode': 'specific-offset', 'scan.startup.specific-offset.gtid-set': row!.g });
    assert.deepEqual(got, ['+I 3 | 3', '-D 1 | 1']);
  });

  test("'snapshot' reads the current rows and then finishes", async () => {
    await db.query('CREATE TABLE app.e4 (id INT PRIMARY KEY, v INT)');
    await db.query('INSERT INTO app.e4 VALUES (1, 1), (2, 2), (3, 3)');
    await db.query('UPDATE app.e4 SET v = 30 WHERE id = 3');
    const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', 'e4', { 'scan.startup.mode': 'snapshot', 'scan.incremental.snapshot.chunk.size': '2' })));
    await reader.open();
    try {
      const got = new ChangeBatch();
      for (let i = 0; i < 1000 && !reader.finished; i++) {
        const b = reader.poll(100);
        if (b !== null) got.append(b);
        else await reader.ready();
      }
      assert.equal(reader.finished, true);
      assert.deepEqual(changeLines(got), ['+I 1 | 1', '+I 2 | 2', '+I 3 | 30']);
      assert.deepEqual(reader.progress(), { phase: 'stream', tablesTotal: 1, tablesDone: 1, rowsRead: 3, rowsEstimated: reader.progress()!.rowsEstimated });
    } finally {
      await reader.close();
    }
  });
});
