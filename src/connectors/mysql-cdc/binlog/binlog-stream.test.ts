import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDbServer } from '../../../testing/mariadb.js';
import { readBinlogFile } from './binlog-file.js';
import { EventType } from './constants.js';
import type { BinlogEvent } from './events.js';
import { clientFor, collectUntil, readAll, sameValue, schemaOf, selectRows, snapshotConnection } from './test-harness.js';

/**
 * The stream itself: heartbeats while idle; MariaDB's compressed events (log_bin_compress)
 * decode to the same rows as SELECT returns; backpressure holds the socket while the
 * consumer lags and loses nothing; the same binlog read from the file and over the
 * replication protocol decodes identically.
 */

describe('heartbeats (MariaDB)', () => {
  let db: MariaDbServer;
  before(async () => {
    db = await startMariaDb();
  });
  after(async () => {
    await db?.stop();
  });

  test('an idle stream receives heartbeats at the current position', async () => {
    const start = await db.masterStatus();
    const client = clientFor(db, start, { heartbeatMs: 100 });
    await client.connect();
    const events = await collectUntil(client, (all) => all.filter((e) => e.kind === 'heartbeat').length >= 2);
    const beats = events.filter((e) => e.kind === 'heartbeat');
    assert.equal(beats.length, 2);
    for (const b of beats) {
      assert.equal(b.position.file, start.file);
      assert.equal(b.position.pos, start.pos);
    }
  });
});

describe('compressed binlog events (MariaDB log_bin_compress)', () => {
  let db: MariaDbServer;
  let events: BinlogEvent[];
  let expected: unknown[];
  let fileTypes: number[];

  before(async () => {
    db = await startMariaDb({ extraArgs: ['--log-bin-compress=ON', '--log-bin-compress-min-len=10'] });
    await db.query('CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, s TEXT, n DECIMAL(30,10))');
    const start = await db.masterStatus();
    const big = 'compressible '.repeat(200);
    await db.query(`INSERT INTO app.t VALUES (1, '${big}', 12345.6789), (2, 'x', -1), (3, NULL, NULL)`);
    await db.query(`UPDATE app.t SET s = CONCAT(s, '!') WHERE id <= 2`);
    await db.query('DELETE FROM app.t WHERE id IN (1, 3)');
    await db.query(`INSERT INTO app.t VALUES (4, '${big}${big}', 0)`);
    events = await readAll(db, start);
    const snap = await snapshotConnection(db);
    const cols = await schemaOf(snap, 'app', 't');
    expected = await selectRows(snap, 'app', 't', cols);
    await snap.end();
    fileTypes = readBinlogFile(db.binlogPath(start.file)).map((e) => e.type);
  });

  after(async () => {
    await db?.stop();
  });

  test('the server wrote compressed query and rows events', () => {
    assert.ok(fileTypes.includes(EventType.QUERY_COMPRESSED));
    assert.ok(fileTypes.includes(EventType.WRITE_ROWS_COMPRESSED_V1));
    assert.ok(fileTypes.includes(EventType.UPDATE_ROWS_COMPRESSED_V1));
    assert.ok(fileTypes.includes(EventType.DELETE_ROWS_COMPRESSED_V1));
  });

  test('they decode: replaying them gives the table SELECT returns', () => {
    const state = new Map<number, readonly unknown[]>();
    for (const e of events) {
      if (e.kind !== 'rows' || e.table.table !== 't') continue;
      if (e.op === 'insert') for (const r of e.rows) state.set(r[0] as number, r);
      else if (e.op === 'delete') for (const r of e.rows) state.delete(r[0] as number);
      else for (let k = 0; k < e.rows.length; k += 2) state.set(e.rows[k + 1]![0] as number, e.rows[k + 1]!);
    }
    const got = [...state.values()].sort((a, b) => (a[0] as number) - (b[0] as number));
    assert.equal(got.length, expected.length);
    for (let i = 0; i < got.length; i++) {
      const g = got[i]!;
      const w = expected[i] as readonly unknown[];
      for (let c = 0; c < w.length; c++) assert.ok(sameValue(g[c] as never, w[c] as never), `row ${i} column ${c}`);
    }
    const ddl = events.filter((e) => e.kind === 'query').map((e) => (e.kind === 'query' ? e.sql : ''));
    assert.ok(ddl.every((q) => !q.includes('CREATE TABLE')), 'the stream started after the DDL');
  });
});

describe('backpressure and the file reader (MariaDB)', () => {
  let db: MariaDbServer;
  let start: { file: string; pos: number };

  before(async () => {
    db = await startMariaDb();
    await db.query('CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, s VARCHAR(40))');
    start = await db.masterStatus();
    for (let b = 0; b < 20; b++) {
      const values = Array.from({ length: 500 }, (_, i) => `(${b * 500 + i}, 'row ${b * 500 + i}')`).join(',');
      await db.query(`INSERT INTO app.t VALUES ${values}`);
    }
    for (let b = 0; b < 200; b++) await db.query(`UPDATE app.t SET s = 'u' WHERE id = ${b}`);
  });

  after(async () => {
    await db?.stop();
  });

  test('a slow consumer with a small queue still gets every event, in order', async () => {
    const client = clientFor(db, start, { nonBlocking: true, maxQueuedEvents: 10 });
    await client.connect();
    const ids: number[] = [];
    let batches = 0;
    for await (const batch of client.events()) {
      batches++;
      for (const e of batch) if (e.kind === 'rows' && e.op === 'insert') for (const r of e.rows) ids.push(r[0] as number);
      // Yield to the event loop between batches, as a real consumer applying them would.
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(ids.length, 10_000);
    assert.ok(ids.every((v, i) => v === i));
    assert.ok(batches > 1);
  });

  test('the binlog file and the replication stream decode to the same events', async () => {
    const streamed = (await readAll(db, start)).filter((e) => e.kind !== 'rotate' && e.kind !== 'format-description' && e.kind !== 'gtid-list' && e.kind !== 'other');
    const fromFile = readBinlogFile(db.binlogPath(start.file))
      .map((f) => f.event)
      .filter((e): e is BinlogEvent => e !== null && e.position.pos > start.pos)
      .filter((e) => e.kind !== 'rotate' && e.kind !== 'format-description' && e.kind !== 'gtid-list' && e.kind !== 'other');
    assert.equal(streamed.length, fromFile.length);
    for (let i = 0; i < streamed.length; i++) {
      const a = streamed[i]!;
      const b = fromFile[i]!;
      assert.equal(a.kind, b.kind);
      assert.equal(a.position.pos, b.position.pos);
      if (a.kind === 'rows' && b.kind === 'rows') {
        assert.equal(a.rows.length, b.rows.length);
        for (let r = 0; r < a.rows.length; r++) assert.deepEqual(a.rows[r], b.rows[r]);
      }
    }
  });
});

describe('events larger than one protocol packet (MariaDB)', () => {
  let db: MariaDbServer;
  before(async () => {
    db = await startMariaDb({ extraArgs: ['--max-allowed-packet=64M'] });
  });
  after(async () => {
    await db?.stop();
  });

  test('a 20 MB row arrives split over 16 MB packets and decodes whole', async () => {
    await db.query('CREATE DATABASE app; CREATE TABLE app.big (id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT)');
    const start = await db.masterStatus();
    await db.query("INSERT INTO app.big VALUES (1, REPEAT(x'00ff', 10 * 1024 * 1024), REPEAT('é', 100)), (2, x'01', 'small')");
    const events = await readAll(db, start);
    const rows = events.flatMap((e) => (e.kind === 'rows' ? e.rows : []));
    assert.equal(rows.length, 2);
    const b = rows[0]![1] as Uint8Array;
    assert.equal(b.length, 20 * 1024 * 1024);
    assert.deepEqual([b[0], b[1], b[b.length - 2], b[b.length - 1]], [0x00, 0xff, 0x00, 0xff]);
    assert.equal(rows[0]![2], 'é'.repeat(100));
    assert.deepEqual(rows[1], [2, Uint8Array.of(1), 'small']);
  });
});
