import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import { getValuesSinkChanges, getValuesSinkRows, resetValuesConnector } from '../values/store.js';
import { defaultRegistry } from '../registry.js';
import { Session } from '../../runtime/session.js';
import type { Job } from '../../engine/job.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, descriptor, lines, newReader, pollUntil, waitForJob, withClause } from './test-support.js';

/** The mysql-cdc source through the engine: snapshot, streaming, transactions, startup modes. */

let db: MariaDbServer;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
});
after(async () => {
  await db?.stop();
});

const COLS = '`id` INT NOT NULL, `name` VARCHAR(40), `amount` DECIMAL(10,2), PRIMARY KEY (`id`)';

async function mysqlRows(table: string): Promise<string[]> {
  const rows = await db.query<{ id: number; name: string | null; amount: string | null }>(`SELECT id, name, amount FROM app.${table}`);
  return rows.map((r) => `${r.id} | ${r.name === null ? 'NULL' : JSON.stringify(r.name)} | ${r.amount === null ? 'NULL' : `Decimal(${r.amount})`}`).sort();
}

async function startJob(table: string, sinkId: string, extra: Record<string, string> = {}): Promise<Job> {
  const s = new Session({ registry: defaultRegistry() });
  await s.execute(
    `CREATE TABLE src (id INT NOT NULL, name VARCHAR(40), amount DECIMAL(10,2), PRIMARY KEY (id) NOT ENFORCED) WITH (${withClause(cdcOptions(db, 'app', table, extra))})`,
  );
  // No primary key: the sink applies the changelog as a multiset and rejects retractions of absent rows.
  await s.execute(`CREATE TABLE snk (id INT NOT NULL, name VARCHAR(40), amount DECIMAL(10,2)) WITH ('connector' = 'values', 'sink-id' = '${sinkId}')`);
  const [r] = await s.execute('INSERT INTO snk SELECT * FROM src');
  assert.ok(r !== undefined && r.kind === 'job');
  return r.job;
}

describe('mysql-cdc source', () => {
  test('initial snapshot, then inserts, updates and deletes from the binlog as +I, -U/+U, -D', async () => {
    resetValuesConnector();
    await db.query(`CREATE TABLE app.t1 (${COLS})`);
    await db.query("INSERT INTO app.t1 VALUES (1, 'a', 1.50), (2, 'b', NULL), (3, NULL, 3.00)");
    const job = await startJob('t1', 's1');
    try {
      await waitForJob(job, () => getValuesSinkRows('s1').length === 3, 'the snapshot');
      assert.deepEqual(lines(getValuesSinkRows('s1')), await mysqlRows('t1'));
      await db.query("INSERT INTO app.t1 VALUES (4, 'd', 4.25)");
      await db.query("UPDATE app.t1 SET name = 'bb', amount = 2.00 WHERE id = 2");
      await db.query('DELETE FROM app.t1 WHERE id = 1');
      const expected = await mysqlRows('t1');
      await waitForJob(job, () => JSON.stringify(lines(getValuesSinkRows('s1'))) === JSON.stringify(expected), 'the changes');
      const kinds = getValuesSinkChanges('s1').kinds;
      assert.deepEqual(kinds, [INSERT, INSERT, INSERT, INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE]);
    } finally {
      await job.cancel();
    }
    assert.equal(job.error, null);
  });

  test('a transaction arrives whole; a rolled-back one never', async () => {
    await db.query(`CREATE TABLE app.t2 (${COLS})`);
    const reader = newReader(
      descriptor([{ name: 'id', type: T.int(false) }, { name: 'name', type: T.varchar(40) }, { name: 'amount', type: T.decimal(10, 2) }], [0], cdcOptions(db, 'app', 't2')),
    );
    await reader.open();
    try {
      const got = new ChangeBatch();
      const conn = await db.connect();
      try {
        await conn.query('START TRANSACTION');
        await conn.query("INSERT INTO app.t2 VALUES (10, 'rolled back', NULL)");
        await conn.query('ROLLBACK');
        await conn.query('START TRANSACTION');
        for (let i = 1; i <= 5; i++) await conn.query(`INSERT INTO app.t2 VALUES (${i}, 'tx', NULL)`);
        await conn.query('UPDATE app.t2 SET amount = 1 WHERE id = 1');
        await conn.query('COMMIT');
      } finally {
        await conn.end();
      }
      // max = 1: the whole transaction still comes in one poll.
      const sizes = await pollUntil(reader, got, () => got.length >= 7, 'the transaction', 1);
      assert.deepEqual(sizes, [7]);
      assert.ok(got.rows.every((r) => r[0] !== 10), 'the rolled-back row never appears');
    } finally {
      await reader.close();
    }
  });

  test("'latest-offset' skips the existing rows", async () => {
    resetValuesConnector();
    await db.query(`CREATE TABLE app.t3 (${COLS})`);
    await db.query("INSERT INTO app.t3 VALUES (1, 'old', NULL), (2, 'old', NULL)");
    const job = await startJob('t3', 's3', { 'scan.startup.mode': 'latest-offset' });
    try {
      await db.query("INSERT INTO app.t3 VALUES (3, 'new', NULL)");
      await db.query("UPDATE app.t3 SET name = 'changed' WHERE id = 1");
      await waitForJob(job, () => getValuesSinkChanges('s3').length >= 3, 'the new changes');
      assert.equal(getValuesSinkChanges('s3').toString(), "+I[3, new, null]\n-U[1, old, null]\n+U[1, changed, null]");
    } finally {
      await job.cancel();
    }
  });

  test('a snapshot of a table written to meanwhile ends equal to the table', async () => {
    resetValuesConnector();
    await db.query(`CREATE TABLE app.t4 (${COLS})`);
    const values: string[] = [];
    for (let i = 1; i <= 400; i++) values.push(`(${i}, 'r${i}', ${i}.00)`);
    await db.query(`INSERT INTO app.t4 VALUES ${values.join(', ')}`);
    const writer = (async () => {
      const conn = await db.connect();
      try {
        for (let i = 0; i < 60; i++) {
          await conn.query(`UPDATE app.t4 SET name = 'w${i}' WHERE id = ${(i * 37) % 400 + 1}`);
          await conn.query(`DELETE FROM app.t4 WHERE id = ${(i * 53) % 400 + 1}`);
          await conn.query(`INSERT INTO app.t4 VALUES (${1000 + i}, 'n${i}', NULL)`);
          await conn.query(`UPDATE app.t4 SET id = ${2000 + i} WHERE id = ${(i * 11) % 400 + 1}`);
        }
      } finally {
        await conn.end();
      }
    })();
    const job = await startJob('t4', 's4', { 'scan.incremental.snapshot.chunk.size': '7' });
    try {
      await writer;
      const expected = await mysqlRows('t4');
      await waitForJob(job, () => JSON.stringify(lines(getValuesSinkRows('s4'))) === JSON.stringify(expected), 'the table state');
      assert.deepEqual(lines(getValuesSinkRows('s4')), expected);
    } finally {
      await job.cancel();
    }
  });

  test('a declared column MySQL lacks, and a table without a primary key, are CONNECTOR_OPTION errors', async () => {
    await db.query('CREATE TABLE app.t5 (a INT, b INT)');
    const missing = newReader(descriptor([{ name: 'a', type: T.int() }, { name: 'zz', type: T.int() }], null, cdcOptions(db, 'app', 't5', { 'scan.incremental.snapshot.chunk.key-column': 'a' })));
    await assert.rejects(missing.open(), (e: Error & { code?: string }) => e.code === 'CONNECTOR_OPTION' && /`zz`/.test(e.message) && /t5/.test(e.message));
    const noKey = newReader(descriptor([{ name: 'a', type: T.int() }], null, cdcOptions(db, 'app', 't5')));
    await assert.rejects(noKey.open(), (e: Error & { code?: string }) => e.code === 'CONNECTOR_OPTION' && /chunk\.key-column/.test(e.message + String((e as { hint?: string }).hint)));
  });
});
