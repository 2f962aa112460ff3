import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { T } from '../../core/types.js';
import type { StateValue } from '../../engine/state/codec.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, descriptor, newReader, pollUntil } from './test-support.js';

/**
 * `RESET MASTER` while the reader is stopped: restoring its offsets is a definite
 * CONNECTOR_DATA error naming the position it needed and the remedy, both when the new binlog
 * is shorter than the position and when it has grown past it (reading there would decode
 * another history).
 */

let db: MariaDbServer;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
});
after(async () => {
  await db?.stop();
});

const FIELDS = [{ name: 'id', type: T.int(false) }, { name: 'v', type: T.varchar(200) }];

async function errorOnRestore(offsets: StateValue): Promise<StrataError> {
  const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', 'rm')));
  reader.restoreOffsets(offsets);
  await reader.open();
  try {
    for (let i = 0; i < 200; i++) {
      try {
        reader.poll(100);
      } catch (e) {
        assert.ok(e instanceof StrataError, `expected a StrataError, got ${String(e)}`);
        return e;
      }
      await Promise.race([reader.ready(), new Promise((r) => setTimeout(r, 50))]);
    }
    assert.fail('no error after RESET MASTER');
  } finally {
    await reader.close();
  }
}

function checkDefinite(e: StrataError, offsets: { file: string; pos: number }): void {
  assert.equal(e.code, 'CONNECTOR_DATA');
  assert.equal(e.retryable, false);
  assert.ok(e.message.includes(`${offsets.file}:${offsets.pos}`), e.message);
  assert.match(e.message, /RESET MASTER|reset|purged/);
  assert.match(e.hint ?? '', /new snapshot.*'scan\.startup\.mode' = 'initial'/);
  assert.doesNotMatch(e.message, new RegExp(db.cdcPassword));
}

describe('mysql-cdc after RESET MASTER', () => {
  test('restoring offsets from before the reset is a definite error with the position and the remedy', async () => {
    await db.query('CREATE TABLE app.rm (id INT PRIMARY KEY, v VARCHAR(200))');
    for (let i = 1; i <= 20; i++) await db.query(`INSERT INTO app.rm VALUES (${i}, REPEAT('x', 150))`);
    const reader = newReader(descriptor(FIELDS, [0], cdcOptions(db, 'app', 'rm')));
    await reader.open();
    let offsets: StateValue;
    try {
      const got = new ChangeBatch();
      await pollUntil(reader, got, () => got.length >= 20 && (reader.snapshotOffsets() as { phase: string }).phase === 'binlog', 'the snapshot');
      await db.query('INSERT INTO app.rm VALUES (21, NULL)');
      await pollUntil(reader, got, () => got.length >= 21, 'an insert');
      offsets = reader.snapshotOffsets();
    } finally {
      await reader.close();
    }
    const at = offsets as { file: string; pos: number };
    await db.query('RESET MASTER');
    // The new binlog is shorter than the saved position.
    checkDefinite(await errorOnRestore(offsets), at);
    // The new binlog has grown past the saved position: a different history at the same place.
    for (let i = 100; i < 140; i++) await db.query(`INSERT INTO app.rm VALUES (${i}, REPEAT('y', 150))`);
    const { file, pos } = await db.masterStatus();
    assert.equal(file, at.file);
    assert.ok(pos > at.pos, `the new binlog (${pos}) should be past ${at.pos}`);
    checkDefinite(await errorOnRestore(offsets), at);
  });
});
