import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import type { StateValue } from '../../engine/state/codec.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, changeLines, descriptor, newReader, pollUntil } from './test-support.js';

/**
 * `checkpointComplete` (engine/connector.ts): once a checkpoint holding binlog-phase offsets is
 * durable, the reader deletes its snapshot spool (no restore needs it any more); a checkpoint
 * still in the snapshot phase keeps it, and a reader restored from such offsets still replays
 * exactly from it.
 */

let db: MariaDbServer;
let stateDir: string;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
  await db.query('CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(20))');
  const values: string[] = [];
  for (let i = 1; i <= 100; i++) values.push(`(${i}, 'v${i}')`);
  await db.query(`INSERT INTO app.t VALUES ${values.join(', ')}`);
  stateDir = mkdtempSync(join(tmpdir(), 'strata-cdc-cpc-'));
});
after(async () => {
  await db?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const FIELDS = [{ name: 'id', type: T.int(false) }, { name: 'v', type: T.string() }];
const spoolFile = (): string => join(stateDir, 'default_catalog.default_database.src', 'snapshot.spool');
const phaseOf = (o: StateValue): unknown => (o as Readonly<Record<string, StateValue>>)['phase'];

describe('mysql-cdc checkpointComplete', () => {
  test('a snapshot-phase checkpoint keeps the spool; the twelfth binlog-phase one deletes it', async () => {
    const table = descriptor(FIELDS, [0], cdcOptions(db, 'app', 't', { 'scan.incremental.snapshot.chunk.size': '30' }));
    const reader = newReader(table, stateDir);
    const got = new ChangeBatch();
    let mid: StateValue = null;
    try {
      await reader.open();
      // Part of the snapshot: its offsets are in the snapshot phase.
      await pollUntil(reader, got, () => got.length >= 30, 'the first chunk', 30);
      mid = reader.snapshotOffsets();
      assert.equal(phaseOf(mid), 'snapshot');
      reader.checkpointComplete(mid);
      assert.equal(existsSync(spoolFile()), true, 'a snapshot-phase checkpoint still needs the spool');
      // The rest of the snapshot and a change from the binlog.
      await pollUntil(reader, got, () => got.length >= 100, 'the snapshot');
      await db.query("INSERT INTO app.t VALUES (101, 'late')");
      await pollUntil(reader, got, () => got.length >= 101, 'the binlog insert');
      const end = reader.snapshotOffsets();
      assert.equal(phaseOf(end), 'binlog');
      assert.equal(existsSync(spoolFile()), true, 'no checkpoint completed in the binlog phase yet');
      // A restore may fall back to any checkpoint still on disk (the newest three and their
      // chains): the spool stays until twelve binlog-phase checkpoints are durable.
      for (let i = 0; i < 11; i++) reader.checkpointComplete(end);
      assert.equal(existsSync(spoolFile()), true, 'eleven binlog-phase checkpoints: an older snapshot-phase one may still be restored');
      reader.checkpointComplete(end);
    } finally {
      await reader.close();
    }
    // close() waits for the removal started by checkpointComplete.
    assert.equal(existsSync(spoolFile()), false, 'the spool is deleted after twelve binlog-phase checkpoints');
    assert.equal(got.length, 101);
  });

  test('offsets in the snapshot phase replay exactly while the spool is kept', async () => {
    rmSync(join(stateDir, 'default_catalog.default_database.src'), { recursive: true, force: true });
    const table = descriptor(FIELDS, [0], cdcOptions(db, 'app', 't', { 'scan.incremental.snapshot.chunk.size': '25', 'scan.startup.mode': 'snapshot' }));
    const first = newReader(table, stateDir);
    const all = new ChangeBatch();
    let mid: StateValue = null;
    let at = 0;
    try {
      await first.open();
      await pollUntil(first, all, () => all.length >= 25, 'the first chunk', 25);
      mid = first.snapshotOffsets();
      at = all.length;
      first.checkpointComplete(mid);
      await pollUntil(first, all, () => first.finished, 'the whole snapshot');
    } finally {
      await first.close();
    }
    // Rows change after the first run: a replay must still give what the first run returned.
    await db.query("UPDATE app.t SET v = 'changed' WHERE id > 50");
    const second = newReader(table, stateDir);
    second.restoreOffsets(mid);
    const again = new ChangeBatch();
    try {
      await second.open();
      await pollUntil(second, again, () => second.finished, 'the replayed snapshot');
    } finally {
      await second.close();
    }
    assert.deepEqual(changeLines(again), changeLines(all).slice(at));
  });
});
