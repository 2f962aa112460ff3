import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../../core/errors.js';
import { startMariaDb, type MariaDbServer } from '../../../testing/mariadb.js';
import type { BinlogEvent } from './events.js';
import { clientFor, readAll } from './test-harness.js';

/**
 * The two classes of failure: a purged binlog is a definite CONNECTOR_DATA error naming the
 * position and the remedy; a lost connection is a transient, retryable CONNECTOR_IO error
 * after which a new client resumes. Wrong credentials are a user error.
 */

async function failureOf(p: Promise<unknown>): Promise<StrataError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StrataError, `a StrataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

describe('binlog errors (MariaDB)', () => {
  let db: MariaDbServer;
  let first: { file: string; pos: number };
  let firstGtid: string;

  before(async () => {
    db = await startMariaDb();
    await db.query('CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY)');
    first = await db.masterStatus();
    await db.query('INSERT INTO app.t VALUES (1)');
    const evs = await readAll(db, first);
    firstGtid = evs.find((e) => e.kind === 'xid')!.position.gtid!;
    await db.query('FLUSH BINARY LOGS');
    await db.query('INSERT INTO app.t VALUES (2)');
    await db.query('FLUSH BINARY LOGS');
    const now = await db.masterStatus();
    // The server keeps files a replica still reads, and (MariaDB) files whose transactions
    // InnoDB has not checkpointed yet: purge until only the current file is left.
    for (let attempt = 0; ; attempt++) {
      await db.query(`PURGE BINARY LOGS TO '${now.file}'`);
      const left = await db.query<{ Log_name: string }>('SHOW BINARY LOGS');
      if (left.length === 1 && left[0]!.Log_name === now.file) break;
      assert.ok(attempt < 500, `binlogs not purged: ${left.map((r) => r.Log_name).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  after(async () => {
    await db?.stop();
  });

  test('a purged file + position: definite CONNECTOR_DATA naming the position and the remedy', async () => {
    const e = await failureOf(readAll(db, first));
    assert.equal(e.code, 'CONNECTOR_DATA');
    assert.equal(e.retryable, false);
    assert.ok(e.message.includes(`${first.file}:${first.pos}`), e.message);
    assert.match(e.message, /purged/);
    assert.match(e.message, /server error 1236/);
    assert.match(e.hint ?? '', /'scan\.startup\.mode' = 'initial'/);
    assert.equal(e.details?.['purged'], true);
  });

  test('a purged GTID: the same definite error, naming the GTID', async () => {
    const e = await failureOf(readAll(db, { gtid: firstGtid }));
    assert.equal(e.code, 'CONNECTOR_DATA');
    assert.equal(e.retryable, false);
    assert.ok(e.message.includes(`GTID ${firstGtid}`), e.message);
    assert.match(e.hint ?? '', /'scan\.startup\.mode' = 'initial'/);
  });

  test('wrong password: a non-retryable user error that does not show the password', async () => {
    const c = clientFor(db, { file: first.file, pos: 4 }, { password: 'wrong-secret-pw' });
    const e = await failureOf(c.connect());
    assert.equal(e.code, 'CONNECTOR_IO');
    assert.equal(e.domain, 'user');
    assert.equal(e.retryable, false);
    assert.match(e.message, /1045/);
    assert.ok(!e.message.includes('wrong-secret-pw'));
  });

  test('the server going away mid-stream: transient and retryable; a new client resumes from the last commit', async () => {
    const start = await db.masterStatus();
    await db.query('INSERT INTO app.t VALUES (10)');
    const client = clientFor(db, start, { heartbeatMs: 0 });
    await client.connect();
    const seen: BinlogEvent[] = [];
    let killed = false;
    const e = await failureOf(
      (async () => {
        for await (const batch of client.events()) {
          seen.push(...batch);
          if (!killed && seen.some((x) => x.kind === 'xid')) {
            killed = true;
            db.kill();
          }
        }
      })(),
    );
    assert.equal(e.code, 'CONNECTOR_IO');
    assert.equal(e.retryable, true);
    assert.match(e.message, /lost/);
    const resumeAt = seen.filter((x) => x.kind === 'xid').at(-1)!.position;
    await db.restart();
    await db.query('INSERT INTO app.t VALUES (11)');
    const after = await readAll(db, { file: resumeAt.file, pos: resumeAt.pos });
    const ids = after.flatMap((x) => (x.kind === 'rows' ? x.rows.map((r) => r[0]) : []));
    assert.deepEqual(ids, [11]);
  });

  test('the connection refused: transient', async () => {
    const c = clientFor({ ...db, port: 1 } as typeof db, first);
    const e = await failureOf(c.connect());
    assert.equal(e.code, 'CONNECTOR_IO');
    assert.equal(e.retryable, true);
  });
});
