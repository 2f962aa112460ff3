import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, changeLines, descriptor, newReader, pollUntil } from './test-support.js';
import type { MysqlCdcSource } from './source.js';

/**
 * One binlog reader per source server (binlog-hub.ts): readers of different tables share one
 * replication connection; a reader joining from an older position rewinds the shared dump
 * without giving the others any change twice.
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

async function dumpThreads(): Promise<number> {
  const r = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump'");
  return Number(r[0]!.n);
}

/**
 * Waits (bounded) until the server has `n` binlog dump threads. A dump thread notices a closed
 * connection only when a write to it fails (the second one, after the peer's reset), so each
 * round writes to a scratch table.
 */
async function expectDumpThreads(n: number): Promise<void> {
  for (let i = 0; ; i++) {
    const have = await dumpThreads();
    if (have === n) return;
    assert.ok(i < 300, `${have} binlog dump threads, expected ${n}`);
    await db.query('INSERT INTO app.scratch VALUES ()');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function reader(table: string, extra: Record<string, string>): Promise<MysqlCdcSource> {
  const r = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', table, extra)));
  await r.open();
  return r;
}

async function until(r: MysqlCdcSource, got: ChangeBatch, line: string): Promise<void> {
  await pollUntil(r, got, () => changeLines(got).includes(line), line);
}

describe('mysql-cdc shared binlog reader', () => {
  test('two tables share one dump; a reader joining from an older position rewinds it without duplicates', async () => {
    await db.query('CREATE TABLE app.s1 (id INT PRIMARY KEY, v INT)');
    await db.query('CREATE TABLE app.s2 (id INT PRIMARY KEY, v INT)');
    await db.query('CREATE TABLE app.scratch (id INT AUTO_INCREMENT PRIMARY KEY)');
    const older = await db.masterStatus();
    await db.query('INSERT INTO app.s1 VALUES (1, 1)');
    const a = await reader('s1', { 'scan.startup.mode': 'latest-offset' });
    const b = await reader('s2', { 'scan.startup.mode': 'latest-offset' });
    const ga = new ChangeBatch();
    const gb = new ChangeBatch();
    try {
      await db.query('INSERT INTO app.s1 VALUES (2, 2)');
      await db.query('BEGIN; INSERT INTO app.s2 VALUES (10, 10); UPDATE app.s1 SET v = 20 WHERE id = 2; COMMIT');
      await until(a, ga, '+U 2 | 20');
      await until(b, gb, '+I 10 | 10');
      await expectDumpThreads(1);

      // A third reader from before row 1: the shared dump goes back; a and b skip what they have.
      const c = await reader('s1', { 'scan.startup.mode': 'specific-offset', 'scan.startup.specific-offset.file': older.file, 'scan.startup.specific-offset.pos': String(older.pos) });
      const gc = new ChangeBatch();
      try {
        await until(c, gc, '+U 2 | 20');
        await db.query('INSERT INTO app.s1 VALUES (3, 3)');
        await db.query('INSERT INTO app.s2 VALUES (11, 11)');
        await until(a, ga, '+I 3 | 3');
        await until(b, gb, '+I 11 | 11');
        await until(c, gc, '+I 3 | 3');
        assert.deepEqual(changeLines(ga), ['+I 2 | 2', '-U 2 | 2', '+U 2 | 20', '+I 3 | 3']);
        assert.deepEqual(changeLines(gb), ['+I 10 | 10', '+I 11 | 11']);
        assert.deepEqual(changeLines(gc), ['+I 1 | 1', '+I 2 | 2', '-U 2 | 2', '+U 2 | 20', '+I 3 | 3']);
        await expectDumpThreads(1);
      } finally {
        await c.close();
      }
      // The others keep streaming after a subscriber leaves.
      await db.query('DELETE FROM app.s1 WHERE id = 1');
      await until(a, ga, '-D 1 | 1');
    } finally {
      await a.close();
      await b.close();
    }
    await expectDumpThreads(0);
  });
});
