import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, changeLines, descriptor, newReader, pollUntil } from './test-support.js';

/** The server restarts (same datadir and port) while the reader streams: it reconnects with backoff and loses nothing. */

let db: MariaDbServer;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
});
after(async () => {
  await db?.stop();
});

const FIELDS = [{ name: 'id', type: T.int(false) }, { name: 'v', type: T.int() }];

describe('mysql-cdc across a server restart', () => {
  test('changes before, during the outage and after the restart all arrive once, in order', async () => {
    await db.query('CREATE TABLE app.rs (id INT PRIMARY KEY, v INT)');
    await db.query('INSERT INTO app.rs VALUES (1, 1)');
    const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', 'rs', { 'connect.max-retries': '12', 'heartbeat.interval': '1s' })));
    await reader.open();
    try {
      const got = new ChangeBatch();
      await pollUntil(reader, got, () => got.length >= 1, 'the snapshot');
      await db.query('INSERT INTO app.rs VALUES (2, 2)');
      await pollUntil(reader, got, () => got.length >= 2, 'the first insert');
      await db.query('UPDATE app.rs SET v = 10 WHERE id = 1');
      // Clean shutdown and start on the same datadir: the binlog continues in a new file.
      await db.restart();
      await db.query('INSERT INTO app.rs VALUES (3, 3)');
      await db.query('DELETE FROM app.rs WHERE id = 2');
      await pollUntil(reader, got, () => got.length >= 6, 'the changes after the restart');
      assert.deepEqual(changeLines(got), ['+I 1 | 1', '+I 2 | 2', '-U 1 | 1', '+U 1 | 10', '+I 3 | 3', '-D 2 | 2']);
      // And it keeps streaming.
      await db.query('INSERT INTO app.rs VALUES (4, 4)');
      await pollUntil(reader, got, () => got.length >= 7, 'a later insert');
      assert.equal(changeLines(got)[6], '+I 4 | 4');
      assert.equal((reader.snapshotOffsets() as { phase: string }).phase, 'binlog');
    } finally {
      await reader.close();
    }
  });
});
