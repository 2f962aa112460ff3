import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { StrataServer } from '../../src/server/strata-server.js';

// Types round-trip through the real warehouse (StarRocks DDL → DuckDB → MySQL protocol)
// with mysql2, with and without prepared statements; users and passwords.

let server: StrataServer;

before(async () => {
  server = await StrataServer.start({
    dataDir: mkdtempSync(join(tmpdir(), 'strata-types-')),
    mysqlPort: 0,
    httpPort: 0,
    kafkaPort: 0,
    users: new Map([
      ['root', ''],
      ['analyst', 's3cret!'],
    ]),
  });
});

after(async () => {
  await server.stop();
});

const connect = (extra: Partial<mysql.ConnectionOptions> = {}): Promise<mysql.Connection> =>
  mysql.createConnection({
    host: '127.0.0.1',
    port: server.mysqlAddress.port,
    user: 'root',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    ...extra,
  });

test('every type round-trips, as text and as prepared statements', async () => {
  const c = await connect();
  try {
    await c.query('CREATE DATABASE t');
    await c.query(`CREATE TABLE t.all_types (
      id BIGINT NOT NULL,
      i INT, si SMALLINT, ti TINYINT, big BIGINT, d DECIMAL(38, 10), dbl DOUBLE, f FLOAT,
      s STRING, vc VARCHAR(20), dt DATE, ts DATETIME(6), b BOOLEAN
    ) ENGINE=olap PRIMARY KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1`);
    await c.query(`INSERT INTO t.all_types VALUES
      (1, -2147483648, 32767, -128, 9223372036854775807, 1234567890123456789012345678.0123456789, 1.5e300, 0.5,
       'héllo 😀 世界', 'x', '2024-02-29', '2024-02-29 23:59:59.123456', true),
      (2, NULL, NULL, NULL, -9007199254740993, -0.0000000001, NULL, NULL, NULL, NULL, '0001-01-01', '9999-12-31 00:00:00', false)`);
    const expectRow1 = {
      id: '1',
      i: -2147483648,
      si: 32767,
      ti: -128,
      big: '9223372036854775807',
      d: '1234567890123456789012345678.0123456789',
      dbl: 1.5e300,
      s: 'héllo 😀 世界',
      vc: 'x',
      dt: '2024-02-29',
      ts: '2024-02-29 23:59:59.123456',
    };
    const [text] = (await c.query('SELECT * FROM t.all_types ORDER BY id')) as unknown as [Record<string, unknown>[]];
    assert.equal(text.length, 2);
    for (const [k, v] of Object.entries(expectRow1)) assert.deepEqual(text[0]![k], v, `text protocol, column ${k}`);
    assert.equal(text[0]!['f'], 0.5);
    assert.equal(text[1]!['big'], '-9007199254740993');
    assert.equal(text[1]!['d'], '-0.0000000001');
    assert.equal(text[1]!['i'], null);
    assert.equal(text[1]!['dt'], '0001-01-01');
    const [prepared] = (await c.execute('SELECT * FROM t.all_types WHERE id = ?', [1])) as unknown as [Record<string, unknown>[]];
    assert.equal(prepared.length, 1);
    for (const [k, v] of Object.entries(expectRow1)) assert.deepEqual(prepared[0]![k], v, `binary protocol, column ${k}`);
    // Parameters of every kind.
    const [p2] = (await c.execute('SELECT id FROM t.all_types WHERE big = ? AND s = ?', ['9223372036854775807', 'héllo 😀 世界'])) as unknown as [
      Record<string, unknown>[],
    ];
    assert.deepEqual(p2, [{ id: '1' }]);
  } finally {
    await c.end();
  }
});

test('a user with a password gets in; a wrong password is rejected with 1045', async () => {
  const ok = await connect({ user: 'analyst', password: 's3cret!' });
  const [rows] = (await ok.query('SELECT 1 AS one')) as unknown as [Record<string, unknown>[]];
  assert.equal(Number(rows[0]!['one']), 1);
  await ok.end();
  await assert.rejects(connect({ user: 'analyst', password: 'wrong' }), (e: { errno?: number; message: string }) => {
    assert.equal(e.errno, 1045);
    assert.doesNotMatch(e.message, /s3cret/);
    return true;
  });
});

test('100 concurrent connections are all answered', async () => {
  const conns = await Promise.all(Array.from({ length: 100 }, () => connect()));
  try {
    const results = await Promise.all(conns.map((c, i) => c.query(`SELECT ${i} AS n`)));
    results.forEach(([rows], i) => assert.equal(Number((rows as Record<string, unknown>[])[0]!['n']), i));
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
});
