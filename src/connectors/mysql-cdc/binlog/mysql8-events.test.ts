import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../../core/errors.js';
import { Decimal } from '../../../core/decimal.js';
import { parseTimestamp } from '../../../core/values.js';
import { parseBinlogBuffer } from './binlog-file.js';
import type { MysqlColumn } from './column-types.js';
import type { BinlogEvent, RowsEvent, TableMapEvent } from './events.js';
import { EventWriter, NAMES, UUID, DOC_TEXT, build, fde, rowsBody } from './mysql8-test-support.js';

/**
 * MySQL 8 specifics MariaDB cannot produce, with event bytes built by hand from MySQL's
 * documentation (binlog_event.h, rows_event.h): a TABLE_MAP with every optional metadata
 * field (SIGNEDNESS, DEFAULT_CHARSET, COLUMN_NAME, SET/ENUM values, GEOMETRY_TYPE,
 * SIMPLE_PRIMARY_KEY, ENUM_AND_SET_DEFAULT_CHARSET, COLUMN_VISIBILITY), a WRITE_ROWS_v2 with
 * unsigned integers, JSON, ENUM, SET, latin1 text, geometry, TIMESTAMP(3), BLOB and BIT, and
 * MySQL GTID events around it.
 */

function events(buf: Buffer, schema?: readonly MysqlColumn[]): BinlogEvent[] {
  return parseBinlogBuffer(buf, { file: 'binlog.000001', ...(schema !== undefined ? { schema: () => ({ columns: schema }) } : {}) }).map((e) => e.event!);
}

describe('MySQL 8 events built by hand', () => {
  const evs = events(build(true));
  const tm = evs.find((e): e is TableMapEvent => e.kind === 'table-map')!;
  const rows = evs.find((e): e is RowsEvent => e.kind === 'rows')!;

  test('event kinds and positions', () => {
    assert.deepEqual(evs.map((e) => e.kind), ['format-description', 'previous-gtids', 'gtid', 'begin', 'table-map', 'rows', 'xid']);
    assert.equal(evs[0]!.kind === 'format-description' && evs[0]!.checksum, 'CRC32');
    assert.equal(evs[0]!.kind === 'format-description' && evs[0]!.serverVersion, '8.0.36');
  });

  test('GTIDs: PREVIOUS_GTIDS seeds the executed set, the XID adds the transaction', () => {
    assert.equal(evs[1]!.kind === 'previous-gtids' && evs[1]!.gtidSet, `${UUID}:1-6`);
    assert.equal(evs[2]!.kind === 'gtid' && evs[2]!.gtid, `${UUID}:7`);
    assert.equal(rows.position.gtid, `${UUID}:1-6`, 'inside the transaction: not yet');
    assert.equal(evs[6]!.position.gtid, `${UUID}:1-7`);
    assert.equal(evs[6]!.kind === 'xid' && evs[6]!.xid, 42n);
  });

  test('optional metadata: names, signedness, charsets, ENUM/SET values, geometry type, primary key, visibility', () => {
    assert.deepEqual(tm.metadata.present, [1, 2, 4, 5, 6, 7, 8, 10, 12, 99]);
    assert.deepEqual(tm.columns.map((c) => c.name), NAMES);
    assert.deepEqual(tm.metadata.unsigned.slice(0, 4), [true, true, false, false]);
    assert.deepEqual(tm.columns.map((c) => c.charset), [null, null, null, null, 'utf8mb4', 'latin1', null, 'utf8mb4', 'utf8mb4', null, null, 'binary', null]);
    assert.deepEqual(tm.columns[7]!.enumValues, ['new', 'paid', 'shipped']);
    assert.deepEqual(tm.columns[8]!.setValues, ['a', 'b', 'c']);
    assert.equal(tm.metadata.geometryTypes[9], 1);
    assert.deepEqual(tm.primaryKey, [0]);
    assert.deepEqual(tm.metadata.visible, Array(13).fill(true));
    assert.equal(tm.source, 'binlog-metadata');
    assert.deepEqual(tm.columns.map((c) => c.dataType), ['bigint', 'int', 'tinyint', 'decimal', 'varchar', 'varchar', 'json', 'enum', 'set', 'geometry', 'timestamp', 'blob', 'bit']);
    assert.deepEqual([tm.columns[4]!.length, tm.columns[5]!.length], [20, 10], 'VARCHAR lengths in characters: 80 bytes of utf8mb4, 10 of latin1');
    assert.deepEqual(tm.types.map((t) => t.kind), ['DECIMAL', 'BIGINT', 'TINYINT', 'DECIMAL', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARBINARY', 'TIMESTAMP_LTZ', 'VARBINARY', 'BOOLEAN']);
    assert.deepEqual(tm.nullable, [false, ...Array(12).fill(true)]);
  });

  test('row values: unsigned integers, JSON text, ENUM/SET text, latin1, geometry bytes, TIMESTAMP(3), BIT(1)', () => {
    assert.equal(rows.op, 'insert');
    assert.equal(rows.statementEnd, true);
    const [r1, r2] = rows.rows;
    assert.deepEqual(r1!.slice(0, 3), [new Decimal(18446744073709551615n, 0), 4294967295n, -5]);
    assert.equal((r1![3] as Decimal).toString(), '12345678.90');
    assert.deepEqual(r1!.slice(4, 9), ['héllo😀', 'café €', DOC_TEXT, 'shipped', 'a,c']);
    const point = Buffer.from(r1![9] as Uint8Array);
    assert.deepEqual([point.length, point.readDoubleLE(9), point.readDoubleLE(17)], [25, 1, 2]);
    assert.equal(r1![10], parseTimestamp('2023-11-14 22:13:20.123')!);
    assert.deepEqual([...(r1![11] as Uint8Array)], [0, 1, 2, 0]);
    assert.equal(r1![12], true);
    assert.deepEqual(r2, [new Decimal(1n, 0), ...Array(12).fill(null)]);
  });

  test('without optional metadata: signed integers and utf8 text, unless a schema says otherwise', () => {
    const plain = events(build(false));
    const r = plain.find((e): e is RowsEvent => e.kind === 'rows')!;
    assert.equal(r.table.source, 'binlog-types');
    assert.deepEqual(r.rows[0]!.slice(0, 3), [-1n, -1, -5]);
    assert.deepEqual(r.rows[0]![7], '3', 'ENUM index without its values');
    const schema: MysqlColumn[] = r.table.columns.map((c, i) => ({
      ...c,
      name: NAMES[i]!,
      unsigned: i < 2,
      charset: i === 5 ? 'latin1' : i === 11 ? 'binary' : c.charset,
      enumValues: i === 7 ? ['new', 'paid', 'shipped'] : null,
      setValues: i === 8 ? ['a', 'b', 'c'] : null,
    }));
    const withSchema = events(build(false), schema).find((e): e is RowsEvent => e.kind === 'rows')!;
    assert.equal(withSchema.table.source, 'schema');
    assert.deepEqual(withSchema.rows[0], rows.rows[0]);
  });

  test('a damaged event fails its checksum: a definite error', () => {
    const buf = build(true);
    buf[buf.length - 10] = buf[buf.length - 10]! ^ 0xff;
    assert.throws(() => events(buf), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_DATA' && /checksum mismatch/.test(e.message) && !e.retryable);
  });

  test('compressed transactions and partial JSON updates are refused with the setting to change', () => {
    for (const [type, setting] of [
      [40, /binlog_transaction_compression/],
      [39, /binlog_row_value_options/],
    ] as const) {
      const w = new EventWriter();
      fde(w);
      w.add(type, [1, 2, 3]);
      assert.throws(() => events(w.buffer()), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_DATA' && setting.test(e.message + (e.hint ?? '')));
    }
  });

  test('a rows event without its TABLE_MAP is a definite error naming the position', () => {
    const w = new EventWriter();
    fde(w);
    w.add(30, rowsBody(5));
    assert.throws(() => events(w.buffer()), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_DATA' && /table id 5/.test(e.message) && /binlog\.000001:/.test(e.message));
  });

  test('includeTable: rows of other tables yield no events', () => {
    const only = parseBinlogBuffer(build(true), { includeTable: (db) => db !== 'shop' }).map((e) => e.event);
    assert.deepEqual(only.map((e) => e?.kind ?? null), ['format-description', 'previous-gtids', 'gtid', 'begin', null, null, 'xid']);
  });
});
