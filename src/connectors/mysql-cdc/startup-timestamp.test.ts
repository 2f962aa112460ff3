import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, changeLines, descriptor, newReader, pollUntil } from './test-support.js';

/**
 * `scan.startup.mode` = 'timestamp': the first transaction whose binlog timestamp (whole
 * seconds, as Flink CDC compares them) is at or after `scan.startup.timestamp-millis`, found
 * across several binlog files.
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

/** Waits until the wall clock is in a later second than `ms`; returns the start of that second. */
async function nextSecond(ms: number): Promise<number> {
  const target = (Math.floor(ms / 1000) + 1) * 1000;
  while (Date.now() < target + 5) await new Promise((r) => setTimeout(r, Math.max(1, target + 5 - Date.now())));
  return target;
}

async function readUntilSentinel(millis: number): Promise<string[]> {
  const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', 'ts', { 'scan.startup.mode': 'timestamp', 'scan.startup.timestamp-millis': String(millis) })));
  await reader.open();
  try {
    await db.query('INSERT INTO app.ts VALUES (999, 0)');
    const got = new ChangeBatch();
    await pollUntil(reader, got, () => changeLines(got).some((l) => l.startsWith('+I 999 ')), 'the sentinel');
    return changeLines(got).slice(0, -1);
  } finally {
    await reader.close();
    await db.query('DELETE FROM app.ts WHERE id = 999');
  }
}

describe("mysql-cdc 'timestamp' startup", () => {
  test('starts at the first transaction at or after the time, across binlog files', async () => {
    await db.query('CREATE TABLE app.ts (id INT PRIMARY KEY, v INT)');
    await db.query('INSERT INTO app.ts VALUES (1, 1)');
    await db.query('FLUSH BINARY LOGS');
    await db.query('INSERT INTO app.ts VALUES (2, 2)');
    // Everything from here on has a binlog timestamp at or after `t`.
    const t = await nextSecond(Date.now());
    await db.query('UPDATE app.ts SET v = 20 WHERE id = 2');
    await db.query('INSERT INTO app.ts VALUES (3, 3)');
    await db.query('FLUSH BINARY LOGS');
    await db.query('DELETE FROM app.ts WHERE id = 1');
    const fromT = await readUntilSentinel(t);
    assert.deepEqual(fromT, ['-U 2 | 2', '+U 2 | 20', '+I 3 | 3', '-D 1 | 1']);

    // A time before every binlog event: everything still in the binlog.
    const all = await readUntilSentinel(0);
    assert.deepEqual(all.slice(0, 2), ['+I 1 | 1', '+I 2 | 2']);
    assert.deepEqual(all.slice(2, 6), fromT);

    // A time after the last event: only what is written after the reader opens.
    const later = await nextSecond(Date.now());
    assert.deepEqual(await readUntilSentinel(later + 60_000), []);
  });
});
