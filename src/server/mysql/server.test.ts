import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import mysql from 'mysql2/promise';
import { authPlugins } from 'mysql2';
import type { Connection, ConnectionOptions, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { MySqlServer } from './server.js';
import type { MySqlServerOptions } from './server.js';
import { FakeBackend } from './test-backend.js';

/**
 * The server against mysql2, a real client: text and binary protocol, types, auth
 * plugins, multi-statements, errors, concurrency, large payloads.
 */

interface Started {
  server: MySqlServer;
  backend: FakeBackend;
  port: number;
  log: string[];
}

async function start(options: Partial<MySqlServerOptions> = {}): Promise<Started> {
  const backend = new FakeBackend();
  const log: string[] = [];
  const server = new MySqlServer(backend, { port: 0, log: (l) => log.push(l), logQueries: true, ...options });
  const { port } = await server.listen();
  return { server, backend, port, log };
}

function open(port: number, extra: Partial<ConnectionOptions> = {}): Promise<Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: 'root',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    ...extra,
  });
}

async function rejectsWith(p: Promise<unknown>, errno: number, code: string): Promise<Error & { errno?: number; sqlState?: string; sqlMessage?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { errno?: number; code?: string };
    assert.equal(err.errno, errno, `errno of: ${err.message}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected error ${errno} ${code}`);
}

const EXPECTED_ROW_1 = {
  id: 1,
  b: 1,
  ti: -128,
  si: -32768,
  i: -2147483648,
  bi: '9007199254740993',
  d: 0.1,
  dec: '12345678901234.5678',
  s: 'héllo 😀 wörld',
  c: 'ab',
  bin: Buffer.from([0, 1, 2, 255]),
  vb: Buffer.from([0x41, 0x00, 0x42]),
  dt: '2024-02-29',
  t: '13:45:07.123',
  ts: '2024-02-29 23:59:59.123456',
  ts0: '2024-01-01 00:00:00',
  ts3: '2024-01-01 08:00:00.500',
  n: null,
};

const EXPECTED_ROW_2 = {
  id: 2,
  b: 0,
  ti: 127,
  si: 32767,
  i: 2147483647,
  bi: '9223372036854775807',
  f: -2.5,
  d: -1.5e300,
  dec: '-0.0001',
  s: '',
  c: 'zzzzz',
  bin: Buffer.alloc(0),
  vb: Buffer.from([0xff]),
  dt: '1970-01-01',
  t: '-838:59:59.000',
  ts: '1969-12-31 23:59:59.500000',
  ts0: '1999-12-31 23:59:59',
  ts3: '1000-01-01 00:00:00.000',
  n: 42,
};

describe('MySQL server with mysql2', () => {
  let s: Started;
  before(async () => {
    s = await start({
      users: new Map([
        ['root', ''],
        ['alice', 'alice-pw'],
        ['sha', 'sha-pw 😀'],
      ]),
      userAuthPlugins: new Map([['sha', 'caching_sha2_password']]),
    });
  });
  after(async () => {
    await s.server.close();
  });

  test('text protocol: every type round-trips', async () => {
    const c = await open(s.port);
    try {
      const [rows, fields] = await c.query<RowDataPacket[]>('select * from types');
      assert.equal(rows.length, 3);
      const { f, ...rest } = rows[0]!;
      assert.equal(f, 0.1);
      assert.deepEqual({ ...rest }, EXPECTED_ROW_1);
      assert.deepEqual({ ...rows[1]! }, EXPECTED_ROW_2);
      for (const [k, v] of Object.entries(rows[2]!)) assert.equal(v, k === 'id' ? 3 : null, k);
      const byName = new Map(fields.map((fd) => [fd.name, fd]));
      assert.equal(byName.get('dec')!.decimals, 4);
      assert.equal(byName.get('ts')!.decimals, 6);
      assert.equal(byName.get('id')!.table, 'types');
      assert.equal(byName.get('id')!.db, 'demo');
    } finally {
      await c.end();
    }
  });

  test('BIGINT beyond 2^53 as numbers with supportBigNumbers only', async () => {
    const c = await open(s.port, { bigNumberStrings: false });
    try {
      const [rows] = await c.query<RowDataPacket[]>('select * from types');
      assert.equal(rows[0]!['bi'], '9007199254740993', 'unsafe integers stay exact as strings');
      assert.equal(rows[1]!['bi'], '9223372036854775807');
      const [small] = await c.query<RowDataPacket[]>('select 12345678901');
      assert.equal(small[0]!['12345678901'], 12345678901);
    } finally {
      await c.end();
    }
  });

  test('binary protocol (execute): every type round-trips', async () => {
    const c = await open(s.port);
    try {
      const [rows] = await c.execute<RowDataPacket[]>('select * from types');
      assert.equal(rows.length, 3);
      const { f, ...rest } = rows[0]!;
      assert.equal(f, Math.fround(0.1));
      assert.deepEqual({ ...rest }, EXPECTED_ROW_1);
      assert.deepEqual({ ...rows[1]! }, { ...EXPECTED_ROW_2, t: '-838:59:59' }); // mysql2 prints a binary TIME without its zero fraction
      for (const [k, v] of Object.entries(rows[2]!)) assert.equal(v, k === 'id' ? 3 : null, k);
      const [one] = await c.execute<RowDataPacket[]>('select * from types where id = ?', [2]);
      assert.equal(one.length, 1);
      assert.equal(one[0]!['bi'], '9223372036854775807');
    } finally {
      await c.end();
    }
  });

  test('prepared statement parameters reach the backend as Strata values', async () => {
    const c = await open(s.port, { timezone: 'Z' });
    try {
      const when = new Date(Date.UTC(2024, 1, 29, 1, 2, 3, 456));
      const [rows] = await c.execute<RowDataPacket[]>('select ?, ?, ?, ?, ?, ?, ?', [
        7,
        'é😀',
        null,
        Buffer.from([1, 2, 3]),
        2.5,
        true,
        when,
      ]);
      const p = s.backend.lastParams;
      assert.equal(p[0], 7);
      assert.equal(p[1], 'é😀');
      assert.equal(p[2], null);
      assert.deepEqual(p[3], new Uint8Array([1, 2, 3]));
      assert.equal(p[4], 2.5);
      assert.equal(p[5], 1);
      assert.equal(p[6], '2024-02-29 01:02:03.456000');
      const row = rows[0]!;
      assert.equal(row['p0'], 7);
      assert.equal(row['p1'], 'é😀');
      assert.equal(row['p2'], null);
      assert.deepEqual(row['p3'], Buffer.from([1, 2, 3]));
      assert.equal(row['p4'], 2.5);
      // The same statement again (mysql2 caches it): a second execute with other values.
      await c.execute('select ?, ?, ?, ?, ?, ?, ?', [8, 'x', 1, Buffer.alloc(0), 0, false, when]);
      assert.equal(s.backend.lastParams[0], 8);
      const [ins] = await c.execute<ResultSetHeader>('insert into t values (?)', ['v']);
      assert.equal(ins.affectedRows, 1);
      assert.equal(ins.insertId, 11);
    } finally {
      await c.end();
    }
  });

  test('DECIMAL values stay exact in both protocols', async () => {
    const c = await open(s.port);
    try {
      const [rows] = await c.query<RowDataPacket[]>('select 12345678901234567890.123456789');
      assert.equal(Object.values(rows[0]!)[0], '12345678901234567890.123456789');
      const [bin] = await c.execute<RowDataPacket[]>('select * from types where id = ?', [2]);
      assert.equal(bin[0]!['dec'], '-0.0001');
    } finally {
      await c.end();
    }
  });

  test('multi-statements: one result per statement, OK packets included', async () => {
    const c = await open(s.port, { multipleStatements: true });
    try {
      const [results] = await c.query("select 1; select 'x', null; insert into t values (1), (2)");
      const r = results as unknown as [RowDataPacket[], RowDataPacket[], ResultSetHeader];
      assert.equal(r.length, 3);
      assert.deepEqual({ ...r[0][0]! }, { 1: 1 });
      assert.deepEqual({ ...r[1][0]! }, { x: 'x', NULL: null });
      assert.equal(r[2].affectedRows, 2);
      assert.equal(r[2].insertId, 7);
      assert.equal(r[2].info, 'Records: 2  Duplicates: 0  Warnings: 0');
      // An error in the middle: the client gets the error, the connection stays usable.
      await rejectsWith(c.query('select 1; select * from missing; select 2'), 1146, 'ER_NO_SUCH_TABLE');
      const [again] = await c.query<RowDataPacket[]>('select 3');
      assert.equal(again[0]!['3'], 3);
    } finally {
      await c.end();
    }
  });

  test('several statements without multi-statements are refused before running', async () => {
    const c = await open(s.port);
    try {
      const before = s.backend.statements.length;
      const err = await rejectsWith(c.query('select 1; select 2'), 1064, 'ER_PARSE_ERROR');
      assert.match(err.message, /multi-statements are off/);
      assert.equal(s.backend.statements.length, before, 'the backend never saw the text');
      const [rows] = await c.query<RowDataPacket[]>('select 1;');
      assert.equal(rows[0]!['1'], 1);
    } finally {
      await c.end();
    }
  });

  test('statement errors map to MySQL codes and the connection stays usable', async () => {
    const c = await open(s.port);
    try {
      const boom = await rejectsWith(c.query('select boom'), 1105, 'ER_UNKNOWN_ERROR');
      assert.equal(boom.sqlState, 'HY000');
      assert.equal(boom.sqlMessage, 'internal error: kaboom from a buggy backend');
      const [ok] = await c.query<RowDataPacket[]>('select 42');
      assert.equal(ok[0]!['42'], 42);
      await rejectsWith(c.query('select * from missing'), 1146, 'ER_NO_SUCH_TABLE');
      const syn = await rejectsWith(c.query('selec 1'), 1064, 'ER_PARSE_ERROR');
      assert.match(syn.message, /^You have an error in your SQL syntax; /);
      await rejectsWith(c.query('select nope'), 1054, 'ER_BAD_FIELD_ERROR');
      await rejectsWith(c.query('frobnicate'), 1235, 'ER_NOT_SUPPORTED_YET');
      await rejectsWith(c.execute('selec 1'), 1064, 'ER_PARSE_ERROR');
      await rejectsWith(c.execute('select boom'), 1105, 'ER_UNKNOWN_ERROR');
      await rejectsWith(c.query(''), 1065, 'ER_EMPTY_QUERY');
      const [ok2] = await c.execute<RowDataPacket[]>('select ?', [5]);
      assert.equal(ok2[0]!['p0'], 5);
      assert.ok(s.log.some((l) => l.includes('non-Strata error: kaboom')));
    } finally {
      await c.end();
    }
  });

  test('COM_PING and COM_RESET_CONNECTION', async () => {
    const c = await open(s.port);
    try {
      await c.ping();
      const sessionsBefore = s.backend.sessions.size;
      await c.reset();
      assert.equal(s.backend.sessions.size, sessionsBefore, 'the old session was closed and a new one opened');
      const [rows] = await c.query<RowDataPacket[]>('select 1');
      assert.equal(rows.length, 1);
    } finally {
      await c.end();
    }
  });

  test('wrong password and unknown user: 1045 ER_ACCESS_DENIED_ERROR', async () => {
    const err = await rejectsWith(open(s.port, { user: 'alice', password: 'wrong' }), 1045, 'ER_ACCESS_DENIED_ERROR');
    assert.match(err.message, /^Access denied for user 'alice'@'127\.0\.0\.1' \(using password: YES\)$/);
    await rejectsWith(open(s.port, { user: 'alice' }), 1045, 'ER_ACCESS_DENIED_ERROR');
    await rejectsWith(open(s.port, { user: 'mallory', password: 'x' }), 1045, 'ER_ACCESS_DENIED_ERROR');
    await rejectsWith(open(s.port, { user: 'root', password: 'not-empty' }), 1045, 'ER_ACCESS_DENIED_ERROR');
    assert.ok(!s.log.some((l) => l.includes('wrong') || l.includes('not-empty')), 'no password in the log');
  });

  test('mysql_native_password user with a password', async () => {
    const c = await open(s.port, { user: 'alice', password: 'alice-pw' });
    try {
      const [rows] = await c.query<RowDataPacket[]>('select user()');
      assert.equal(rows[0]!['user()'], 'alice@localhost');
    } finally {
      await c.end();
    }
  });

  test('caching_sha2_password user: auth switch from the announced native plugin', async () => {
    const c = await open(s.port, { user: 'sha', password: 'sha-pw 😀' });
    try {
      const [rows] = await c.query<RowDataPacket[]>('select user()');
      assert.equal(rows[0]!['user()'], 'sha@localhost');
    } finally {
      await c.end();
    }
    await rejectsWith(open(s.port, { user: 'sha', password: 'sha-pw' }), 1045, 'ER_ACCESS_DENIED_ERROR');
  });

  test('database from the handshake, COM_CHANGE_USER, unknown database', async () => {
    const c = await open(s.port, { database: 'demo' });
    try {
      const [db] = await c.query<RowDataPacket[]>('select database()');
      assert.equal(db[0]!['database()'], 'demo');
      await c.changeUser({ user: 'alice', password: 'alice-pw', database: 'other' });
      const [u] = await c.query<RowDataPacket[]>('select user()');
      assert.equal(u[0]!['user()'], 'alice@localhost');
      const [db2] = await c.query<RowDataPacket[]>('select database()');
      assert.equal(db2[0]!['database()'], 'other');
      await c.changeUser({ user: 'sha', password: 'sha-pw 😀' });
      const [u2] = await c.query<RowDataPacket[]>('select user()');
      assert.equal(u2[0]!['user()'], 'sha@localhost');
    } finally {
      await c.end();
    }
    const bad = await open(s.port);
    await rejectsWith(bad.changeUser({ user: 'alice', password: 'nope' }), 1045, 'ER_ACCESS_DENIED_ERROR');
    bad.destroy();
    await rejectsWith(open(s.port, { database: 'nope' }), 1049, 'ER_BAD_DB_ERROR');
  });

  test('100 concurrent connections each get their own answer', async () => {
    const conns = await Promise.all(Array.from({ length: 100 }, () => open(s.port)));
    try {
      assert.ok(s.server.connectionCount >= 100);
      const results = await Promise.all(conns.map((c) => c.query<RowDataPacket[]>('select sleep_then_id')));
      const ids = results.map(([rows]) => rows[0]!['id'] as string);
      assert.equal(new Set(ids).size, 100);
      for (let i = 0; i < conns.length; i++) assert.equal(ids[i], String(conns[i]!.threadId));
    } finally {
      await Promise.all(conns.map((c) => c.end()));
    }
  });

  test('large result sets are streamed in batches', async () => {
    s.backend.bigRows = 200_000;
    const c = await open(s.port);
    try {
      const [rows] = await c.query<RowDataPacket[]>('select * from big');
      assert.equal(rows.length, 200_000);
      assert.equal(rows[199_999]!['id'], 199_999);
      assert.equal(rows[123_456]!['txt'], 'row number 123456 with some padding text to make it longer');
    } finally {
      await c.end();
    }
  });

  test('payloads over 16 MiB in both directions', async () => {
    const c = await open(s.port, { maxPreparedStatements: 4 });
    try {
      const n = 17 * 1024 * 1024 + 3;
      const [rows] = await c.query<RowDataPacket[]>(`select repeat('z', ${n})`);
      const r = rows[0]!['r'] as string;
      assert.equal(r.length, n);
      assert.equal(r[n - 1], 'z');
      const big = 'q'.repeat(16 * 1024 * 1024 + 100);
      const [lens] = await c.query<RowDataPacket[]>(`select length('${big}')`);
      assert.equal(lens[0]!['n'], String(big.length));
    } finally {
      await c.end();
    }
  });

  test('a malformed packet closes only that connection', async () => {
    const sock = connect(s.port, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('data', () => resolve()));
    // A handshake response that ends after the capability flags.
    sock.write(Buffer.from([4, 0, 0, 1, 0x00, 0x02, 0, 0]));
    await new Promise<void>((resolve) => sock.once('close', () => resolve()));
    assert.ok(s.log.some((l) => /MySQL protocol error: packet too short/.test(l)));
    const c = await open(s.port);
    const [rows] = await c.query<RowDataPacket[]>('select 1');
    assert.equal(rows.length, 1);
    await c.end();
  });

  test('mysql2 sends no statement of its own on connect', async () => {
    const before = s.backend.statements.length;
    const c = await open(s.port);
    await c.end();
    assert.equal(s.backend.statements.length, before);
  });
});

describe('caching_sha2_password as the announced plugin', () => {
  test('fast path: the scramble is checked, no RSA', async () => {
    const s = await start({ users: new Map([['sha', 'pw']]), authPlugin: 'caching_sha2_password' });
    try {
      const c = await open(s.port, { user: 'sha', password: 'pw' });
      const [rows] = await c.query<RowDataPacket[]>('select user()');
      assert.equal(rows[0]!['user()'], 'sha@localhost');
      await c.end();
      await rejectsWith(open(s.port, { user: 'sha', password: 'pw2' }), 1045, 'ER_ACCESS_DENIED_ERROR');
    } finally {
      await s.server.close();
    }
  });

  test('full path: mysql2 requests the RSA public key and sends the encrypted password', async () => {
    const s = await start({ users: new Map([['sha', 'secret pw']]), authPlugin: 'caching_sha2_password', forceFullAuth: true });
    try {
      let key = '';
      const c = await open(s.port, {
        user: 'sha',
        password: 'secret pw',
        authPlugins: {
          caching_sha2_password: authPlugins.caching_sha2_password({
            onServerPublicKey: (k: Buffer) => {
              key = k.toString('latin1');
            },
          }),
        },
      } as ConnectionOptions);
      const [rows] = await c.query<RowDataPacket[]>('select user()');
      assert.equal(rows[0]!['user()'], 'sha@localhost');
      assert.match(key, /-----BEGIN PUBLIC KEY-----/);
      await c.end();
      await rejectsWith(open(s.port, { user: 'sha', password: 'wrong' }), 1045, 'ER_ACCESS_DENIED_ERROR');
    } finally {
      await s.server.close();
    }
  });

  test('close() ends open connections', async () => {
    const s = await start();
    const c = await open(s.port);
    c.on('error', () => {});
    await s.server.close();
    assert.equal(s.server.connectionCount, 0);
    await assert.rejects(c.query('select 1'));
  });
});
