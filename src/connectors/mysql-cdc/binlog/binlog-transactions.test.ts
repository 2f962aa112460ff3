import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDbServer } from '../../../testing/mariadb.js';
import type { BinlogEvent } from './events.js';
import { readAll } from './test-harness.js';

/**
 * Transactions through the binlog: multi-statement transactions arrive whole between a
 * GTID event and their XID; rolled-back work never appears; a savepoint rollback leaves only
 * what was kept; DDL is a commit point of its own; every commit point's position carries the
 * MariaDB GTID state that includes it.
 */

function summary(events: readonly BinlogEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'gtid':
        out.push(`gtid${e.standalone ? ' standalone' : ''}`);
        break;
      case 'rows':
        out.push(`${e.op} ${e.table.table} ${e.rows.map((r) => r.join('/')).join(' ')}`);
        break;
      case 'xid':
        out.push('xid');
        break;
      case 'commit':
        out.push(`commit ${e.sql}`);
        break;
      case 'begin':
        out.push('begin');
        break;
      case 'query':
        out.push(`query${e.commitPoint ? ' commit-point' : ''}: ${e.sql}`);
        break;
      default:
        break;
    }
  }
  return out;
}

describe('transactions in the binlog (MariaDB)', () => {
  let db: MariaDbServer;
  let events: BinlogEvent[];

  before(async () => {
    db = await startMariaDb();
    await db.query('CREATE DATABASE app; CREATE TABLE app.acct (id INT PRIMARY KEY, bal INT); CREATE TABLE app.log (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=MyISAM');
    const start = await db.masterStatus();
    const c = await db.connect({ multipleStatements: true });
    // 1: a multi-statement transaction over two statements.
    await c.query('BEGIN; INSERT INTO app.acct VALUES (1, 100), (2, 50); UPDATE app.acct SET bal = bal - 30 WHERE id = 1; UPDATE app.acct SET bal = bal + 30 WHERE id = 2; COMMIT');
    // 2: rolled back: never in the binlog.
    await c.query('BEGIN; INSERT INTO app.acct VALUES (3, 999); DELETE FROM app.acct WHERE id = 1; ROLLBACK');
    // 3: a savepoint rolled back inside a committed transaction.
    await c.query('BEGIN; INSERT INTO app.acct VALUES (4, 4); SAVEPOINT s; INSERT INTO app.acct VALUES (5, 5); ROLLBACK TO SAVEPOINT s; INSERT INTO app.acct VALUES (6, 6); COMMIT');
    // 4: DDL, a transaction of its own.
    await c.query('ALTER TABLE app.acct ADD COLUMN note VARCHAR(10)');
    // 5: autocommit statement.
    await c.query("DELETE FROM app.acct WHERE id = 4");
    // 6: a non-transactional table: committed with QUERY COMMIT instead of an XID.
    await c.query("INSERT INTO app.log VALUES (1, 'myisam')");
    await c.end();
    events = await readAll(db, start);
  });

  after(async () => {
    await db?.stop();
  });

  test('the transactions, whole and in order; rolled-back rows never appear', () => {
    assert.deepEqual(summary(events), [
      'gtid',
      'insert acct 1/100 2/50',
      'update acct 1/100 1/70',
      'update acct 2/50 2/80',
      'xid',
      'gtid',
      'insert acct 4/4',
      'query: SAVEPOINT `s`', // inside the transaction: not a commit point
      'insert acct 6/6',
      'xid',
      'gtid standalone',
      'query commit-point: ALTER TABLE app.acct ADD COLUMN note VARCHAR(10)',
      'gtid',
      'delete acct 4/4/',
      'xid',
      'gtid',
      'insert log 1/myisam',
      'commit COMMIT',
    ]);
  });

  test('each commit point carries the GTID state including its transaction, and the position after it', () => {
    const commits = events.filter((e) => e.kind === 'xid' || e.kind === 'commit' || (e.kind === 'query' && e.commitPoint));
    const gtids = events.filter((e) => e.kind === 'gtid').map((e) => (e.kind === 'gtid' ? e.gtid : null));
    assert.equal(commits.length, 5);
    assert.deepEqual(
      commits.map((e) => e.position.gtid),
      gtids,
    );
    for (const e of commits) {
      assert.match(e.position.file, /^mysql-bin\.\d{6}$/);
      assert.ok(e.position.pos > 4);
    }
    // Events inside a transaction keep the state before it.
    const firstRows = events.find((e) => e.kind === 'rows')!;
    const firstGtid = events.find((e) => e.kind === 'gtid')!;
    assert.equal(firstRows.position.gtid, firstGtid.position.gtid);
    assert.notEqual(firstRows.position.gtid, commits[0]!.position.gtid);
  });

  test('MariaDB annotates rows events with their statement', () => {
    const notes = events.filter((e) => e.kind === 'annotate').map((e) => (e.kind === 'annotate' ? e.sql : ''));
    assert.ok(notes.includes('UPDATE app.acct SET bal = bal - 30 WHERE id = 1'));
    assert.ok(!notes.some((n) => n.includes('999')), 'nothing of the rolled-back transaction');
  });
});
