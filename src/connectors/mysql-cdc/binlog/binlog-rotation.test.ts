import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDbServer } from '../../../testing/mariadb.js';
import type { BinlogEvent } from './events.js';
import { clientFor, collectUntil } from './test-harness.js';

/**
 * Rotation: FLUSH BINARY LOGS while a blocking client streams; the client follows the
 * ROTATE into the next file, positions name the new file, and no row is lost or repeated.
 */
describe('binlog rotation (MariaDB)', () => {
  let db: MariaDbServer;
  let events: BinlogEvent[];
  let firstFile: string;

  before(async () => {
    db = await startMariaDb();
    await db.query('CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY)');
    const start = await db.masterStatus();
    firstFile = start.file;
    const client = clientFor(db, start);
    await client.connect();
    const done = collectUntil(client, (all) => all.some((e) => e.kind === 'rows' && e.rows[0]![0] === 3));
    await db.query('INSERT INTO app.t VALUES (1)');
    await db.query('FLUSH BINARY LOGS');
    await db.query('INSERT INTO app.t VALUES (2)');
    await db.query('FLUSH BINARY LOGS');
    await db.query('INSERT INTO app.t VALUES (3)');
    events = await done;
  });

  after(async () => {
    await db?.stop();
  });

  test('rows 1, 2, 3 arrive once each, in files 1, 2, 3', () => {
    const rows = events.filter((e) => e.kind === 'rows');
    assert.deepEqual(rows.map((e) => (e.kind === 'rows' ? e.rows[0]![0] : null)), [1, 2, 3]);
    const n = Number(firstFile.slice(-6));
    const name = (k: number): string => `mysql-bin.${String(n + k).padStart(6, '0')}`;
    assert.deepEqual(rows.map((e) => e.position.file), [name(0), name(1), name(2)]);
  });

  test('each rotation is a ROTATE to the next file at position 4, then that file’s FORMAT_DESCRIPTION', () => {
    const rotates = events.filter((e) => e.kind === 'rotate' && !e.artificial);
    assert.equal(rotates.length, 2);
    for (const r of rotates) {
      assert.ok(r.kind === 'rotate');
      assert.equal(r.nextPos, 4);
      assert.deepEqual([r.position.file, r.position.pos], [r.nextFile, 4]);
      // MariaDB repeats the rotation as an artificial ROTATE before the new file's events.
      const rest = events.slice(events.indexOf(r) + 1);
      const next = rest.find((e) => !(e.kind === 'rotate' && e.artificial))!;
      assert.equal(next.kind, 'format-description');
      assert.equal(next.position.file, r.nextFile);
    }
    // The GTID state carries over the rotation.
    const xids = events.filter((e) => e.kind === 'xid');
    assert.deepEqual(xids.map((e) => e.position.gtid !== null), [true, true, true]);
  });
});
