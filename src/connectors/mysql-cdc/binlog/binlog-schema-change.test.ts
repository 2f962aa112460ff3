import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'mysql2/promise';
import { startMariaDb, type MariaDbServer } from '../../../testing/mariadb.js';
import type { MysqlColumn } from './column-types.js';
import type { BinlogEvent, RowsEvent } from './events.js';
import { readAll, schemaOf, snapshotConnection } from './test-harness.js';

/**
 * A schema change in the middle of the stream: rows before the ALTER decode with the old
 * columns, rows after it with the new ones, and a schema tracker fed by `onQuery` (called
 * in stream order, before later events are decoded) is what the decoder uses.
 */
describe('schema change mid-stream (MariaDB)', () => {
  let db: MariaDbServer;
  let snap: Connection;
  let v1: MysqlColumn[];
  let v2: MysqlColumn[];
  let events: BinlogEvent[];
  const seen: string[] = [];

  before(async () => {
    db = await startMariaDb();
    snap = await snapshotConnection(db);
    await db.query('CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, name VARCHAR(10))');
    v1 = await schemaOf(snap, 'app', 't');
    const start = await db.masterStatus();
    await db.query("INSERT INTO app.t VALUES (1, 'one')");
    await db.query('ALTER TABLE app.t ADD COLUMN active TINYINT(1) NOT NULL DEFAULT 1, MODIFY name VARCHAR(20)');
    await db.query("INSERT INTO app.t VALUES (2, 'two', 0)");
    await db.query("UPDATE app.t SET name = 'uno' WHERE id = 1");
    v2 = await schemaOf(snap, 'app', 't');
    let current = v1;
    events = await readAll(db, start, {
      schema: (database, table) => (database === 'app' && table === 't' ? { columns: current } : undefined),
      onQuery: (e) => {
        seen.push(e.sql);
        if (/^ALTER TABLE app\.t/.test(e.sql)) current = v2;
      },
    });
  });

  after(async () => {
    await snap?.end();
    await db?.stop();
  });

  test('rows before and after the ALTER decode with their own columns', () => {
    const rows = events.filter((e): e is RowsEvent => e.kind === 'rows');
    assert.deepEqual(
      rows.map((e) => [e.op, e.table.columns.map((c) => c.name), e.rows]),
      [
        ['insert', ['id', 'name'], [[1, 'one']]],
        ['insert', ['id', 'name', 'active'], [[2, 'two', false]]],
        ['update', ['id', 'name', 'active'], [[1, 'one', true], [1, 'uno', true]]],
      ],
    );
    assert.deepEqual(rows.map((e) => e.table.source), ['schema', 'schema', 'schema']);
    assert.equal(rows[1]!.table.types[2]!.kind, 'BOOLEAN', "the tracker's TINYINT(1)");
    assert.equal(rows[1]!.table.columns[1]!.length, 20);
  });

  test('onQuery saw the DDL in order', () => {
    assert.deepEqual(seen, ['ALTER TABLE app.t ADD COLUMN active TINYINT(1) NOT NULL DEFAULT 1, MODIFY name VARCHAR(20)']);
  });
});
