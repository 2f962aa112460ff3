import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDbServer } from '../../../testing/mariadb.js';
import type { BinlogEvent, BinlogPosition } from './events.js';
import { readAll } from './test-harness.js';

/**
 * Resuming: a reader that stopped after a commit point resumes from that point's position,
 * by file + position or by MariaDB GTID, and sees exactly the transactions after it, across
 * a rotation and across a server crash.
 */

function insertedIds(events: readonly BinlogEvent[]): number[] {
  return events.flatMap((e) => (e.kind === 'rows' && e.op === 'insert' ? e.rows.map((r) => r[0] as number) : []));
}

function commitAfterRow(events: readonly BinlogEvent[], id: number): BinlogPosition {
  const i = events.findIndex((e) => e.kind === 'rows' && e.rows.some((r) => r[0] === id));
  const commit = events.slice(i).find((e) => e.kind === 'xid');
  assert.ok(commit !== undefined);
  return commit.position;
}

describe('resuming the binlog (MariaDB)', () => {
  let db: MariaDbServer;
  let all: BinlogEvent[];
  let start: { file: string; pos: number };

  before(async () => {
    db = await startMariaDb();
    await db.query('CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY)');
    start = await db.masterStatus();
    await db.query('INSERT INTO app.t VALUES (1)');
    await db.query('INSERT INTO app.t VALUES (2)');
    await db.query('FLUSH BINARY LOGS');
    await db.query('INSERT INTO app.t VALUES (3)');
    await db.query('INSERT INTO app.t VALUES (4)');
    all = await readAll(db, start);
  });

  after(async () => {
    await db?.stop();
  });

  test('from the start: every transaction', () => {
    assert.deepEqual(insertedIds(all), [1, 2, 3, 4]);
  });

  test('by file + position of a commit point: only what follows', async () => {
    const p1 = commitAfterRow(all, 1);
    assert.deepEqual(insertedIds(await readAll(db, { file: p1.file, pos: p1.pos })), [2, 3, 4]);
    const p3 = commitAfterRow(all, 3);
    assert.notEqual(p3.file, p1.file, 'after the rotation');
    assert.deepEqual(insertedIds(await readAll(db, { file: p3.file, pos: p3.pos })), [4]);
  });

  test('by MariaDB GTID of a commit point: only what follows, across the rotation', async () => {
    const p1 = commitAfterRow(all, 1);
    assert.match(p1.gtid ?? '', /^0-1-\d+$/);
    const resumed = await readAll(db, { gtid: p1.gtid! });
    assert.deepEqual(insertedIds(resumed), [2, 3, 4]);
    // The resumed reader reports GTID positions that continue the original ones.
    assert.equal(resumed.filter((e) => e.kind === 'xid').at(-1)!.position.gtid, all.filter((e) => e.kind === 'xid').at(-1)!.position.gtid);
    const p2 = commitAfterRow(all, 2);
    assert.deepEqual(insertedIds(await readAll(db, { gtid: p2.gtid! })), [3, 4]);
  });

  test('a file + position start with a known GTID keeps GTID positions', async () => {
    const p2 = commitAfterRow(all, 2);
    const resumed = await readAll(db, { file: p2.file, pos: p2.pos, gtid: p2.gtid });
    const xids = resumed.filter((e) => e.kind === 'xid');
    assert.deepEqual(
      xids.map((e) => e.position.gtid),
      all.filter((e) => e.kind === 'xid').slice(2).map((e) => e.position.gtid),
    );
  });

  test('after a server crash (SIGKILL) and restart, resuming from the last commit point', async () => {
    const last = commitAfterRow(all, 4);
    await db.query('INSERT INTO app.t VALUES (5)');
    db.kill();
    await db.restart();
    await db.query('INSERT INTO app.t VALUES (6)');
    assert.deepEqual(insertedIds(await readAll(db, { gtid: last.gtid! })), [5, 6]);
  });
});
