import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'mysql2/promise';
import { Decimal } from '../../../core/decimal.js';
import { parseDate, parseTime, parseTimestamp, type Row, type Value } from '../../../core/values.js';
import { startMariaDb, type MariaDbServer } from '../../../testing/mariadb.js';
import type { MysqlColumn } from './column-types.js';
import { MysqlConnection } from './connection.js';
import { SNAPSHOT_SESSION_SQL, snapshotSelectExpr, textToValue } from './text-values.js';
import type { BinlogEvent, RowsEvent } from './events.js';
import { readAll, sameValue, schemaLookup, schemaOf, selectRows, show, snapshotConnection } from './test-harness.js';

/**
 * Every column type through a real MariaDB (binlog_row_metadata=FULL, server time zone
 * +08:00): values inserted, updated and deleted, the binlog streamed with the client, and
 * every decoded value compared with what a SELECT of the same row returns, converted by
 * text-values.ts (the snapshot phase's path). Where the right answer is known independently,
 * the decoded value is also checked against it.
 */

interface TypeCase {
  readonly type: string;
  /** SQL literals; row i + 1 gets values[i]; a NULL row is added for nullable types. */
  readonly values: readonly string[];
  /** Expected Strata values of the inserted rows (same order), where known. */
  readonly expect?: readonly Value[];
  /** Expected Strata type kind. */
  readonly kind: string;
}

const D = (s: string): Decimal => Decimal.parse(s)!;
const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const ts = (s: string): bigint => parseTimestamp(s)!;
const tm = (s: string): number => parseTime(s)!;
const dt = (s: string): number => parseDate(s)!;

const SET64 = Array.from({ length: 64 }, (_, i) => `m${i}`);

const CASES: TypeCase[] = [
  // Integers at their limits.
  { type: 'TINYINT', kind: 'TINYINT', values: ['-128', '0', '127'], expect: [-128, 0, 127] },
  { type: 'TINYINT UNSIGNED', kind: 'SMALLINT', values: ['0', '255'], expect: [0, 255] },
  { type: 'TINYINT(1)', kind: 'BOOLEAN', values: ['0', '1', '-5'], expect: [false, true, true] },
  { type: 'BOOLEAN', kind: 'BOOLEAN', values: ['TRUE', 'FALSE'], expect: [true, false] },
  { type: 'SMALLINT', kind: 'SMALLINT', values: ['-32768', '32767'], expect: [-32768, 32767] },
  { type: 'SMALLINT UNSIGNED', kind: 'INT', values: ['0', '65535'], expect: [0, 65535] },
  { type: 'MEDIUMINT', kind: 'INT', values: ['-8388608', '8388607'], expect: [-8388608, 8388607] },
  { type: 'MEDIUMINT UNSIGNED', kind: 'INT', values: ['0', '16777215'], expect: [0, 16777215] },
  { type: 'INT', kind: 'INT', values: ['-2147483648', '2147483647', '-1'], expect: [-2147483648, 2147483647, -1] },
  { type: 'INT UNSIGNED', kind: 'BIGINT', values: ['0', '4294967295', '2147483648'], expect: [0n, 4294967295n, 2147483648n] },
  {
    type: 'BIGINT',
    kind: 'BIGINT',
    values: ['-9223372036854775808', '9223372036854775807', '9007199254740993', '-1', '0'],
    expect: [-9223372036854775808n, 9223372036854775807n, 9007199254740993n, -1n, 0n],
  },
  {
    type: 'BIGINT UNSIGNED',
    kind: 'DECIMAL',
    values: ['0', '18446744073709551615', '9223372036854775808', '4294967296'],
    expect: [D('0'), D('18446744073709551615'), D('9223372036854775808'), D('4294967296')],
  },
  { type: 'INT NOT NULL', kind: 'INT', values: ['7'], expect: [7] },
  // DECIMAL: MySQL's packed format across digit groups.
  {
    type: 'DECIMAL(65,30)',
    kind: 'DECIMAL',
    values: [
      '99999999999999999999999999999999999.999999999999999999999999999999',
      '-99999999999999999999999999999999999.999999999999999999999999999999',
      '0.000000000000000000000000000001',
      '0',
      '-12345678901234567890.123456789012345678901234567890',
    ],
    expect: [
      D('99999999999999999999999999999999999.999999999999999999999999999999'),
      D('-99999999999999999999999999999999999.999999999999999999999999999999'),
      D('0.000000000000000000000000000001'),
      D('0.000000000000000000000000000000'),
      D('-12345678901234567890.123456789012345678901234567890'),
    ],
  },
  { type: 'DECIMAL(65,0)', kind: 'DECIMAL', values: ['-' + '9'.repeat(65), '1'], expect: [D('-' + '9'.repeat(65)), D('1')] },
  { type: 'DECIMAL(10,2)', kind: 'DECIMAL', values: ['12345678.90', '-0.01', '0'], expect: [D('12345678.90'), D('-0.01'), D('0.00')] },
  { type: 'DECIMAL(5,0)', kind: 'DECIMAL', values: ['99999', '-99999'], expect: [D('99999'), D('-99999')] },
  { type: 'DECIMAL(18,9)', kind: 'DECIMAL', values: ['123456789.123456789', '-0.000000001'], expect: [D('123456789.123456789'), D('-0.000000001')] },
  { type: 'DECIMAL(38,10)', kind: 'DECIMAL', values: ['1234567890123456789012345678.0123456789', '-1.5'], expect: [D('1234567890123456789012345678.0123456789'), D('-1.5000000000')] },
  { type: 'DECIMAL(1,1)', kind: 'DECIMAL', values: ['0.9', '-0.9'], expect: [D('0.9'), D('-0.9')] },
  { type: 'DECIMAL(20,0) UNSIGNED', kind: 'DECIMAL', values: ['18446744073709551615'], expect: [D('18446744073709551615')] },
  { type: 'DECIMAL(15,5)', kind: 'DECIMAL', values: ['1234567890.12345', '-1234567890.12345'], expect: [D('1234567890.12345'), D('-1234567890.12345')] },
  // Floating point.
  {
    type: 'FLOAT',
    kind: 'FLOAT',
    values: ['0', '-1.5', '3.4028234663852886e38', '1.17549435e-38', '1.2345678'],
    expect: [0, -1.5, Math.fround(3.4028234663852886e38), Math.fround(1.17549435e-38), Math.fround(1.2345678)],
  },
  {
    type: 'DOUBLE',
    kind: 'DOUBLE',
    values: ['0', '1.7976931348623157e308', '2.2250738585072014e-308', '5e-324', '0.1', '-1e300'],
    expect: [0, 1.7976931348623157e308, 2.2250738585072014e-308, 5e-324, 0.1, -1e300],
  },
  { type: 'FLOAT(7,3)', kind: 'FLOAT', values: ['1234.567', '-0.001'], expect: [Math.fround(1234.567), Math.fround(-0.001)] },
  { type: 'DOUBLE UNSIGNED', kind: 'DOUBLE', values: ['123.456'], expect: [123.456] },
  // BIT.
  { type: 'BIT(1)', kind: 'BOOLEAN', values: ["b'0'", "b'1'"], expect: [false, true] },
  { type: 'BIT(8)', kind: 'VARBINARY', values: ["b'10101010'", "b'0'"], expect: [bytes('aa'), bytes('00')] },
  { type: 'BIT(13)', kind: 'VARBINARY', values: ["b'1000000000001'"], expect: [bytes('1001')] },
  {
    type: 'BIT(64)',
    kind: 'VARBINARY',
    values: ["b'" + '1'.repeat(64) + "'", "b'1'", "b'0'"],
    expect: [bytes('ffffffffffffffff'), bytes('0000000000000001'), bytes('0000000000000000')],
  },
  // Dates and times.
  {
    type: 'DATE',
    kind: 'DATE',
    values: ["'2024-02-29'", "'1000-01-01'", "'9999-12-31'", "'1970-01-01'", "'0000-00-00'", "'2024-00-10'"],
    expect: [dt('2024-02-29'), dt('1000-01-01'), dt('9999-12-31'), 0, null, null],
  },
  {
    type: 'TIME',
    kind: 'TIME',
    values: ["'00:00:00'", "'-838:59:59'", "'838:59:59'", "'25:00:00'", "'-00:00:01'"],
    expect: [0, tm('-838:59:59'), tm('838:59:59'), tm('25:00:00'), -1_000_000],
  },
  { type: 'TIME(1)', kind: 'TIME', values: ["'-00:00:00.1'", "'12:34:56.7'", "'-838:59:58.9'"], expect: [-100_000, tm('12:34:56.7'), tm('-838:59:58.9')] },
  { type: 'TIME(2)', kind: 'TIME', values: ["'-00:00:01.01'", "'00:00:00.99'"], expect: [-1_010_000, 990_000] },
  { type: 'TIME(3)', kind: 'TIME', values: ["'-12:00:00.001'", "'100:00:00.999'"], expect: [tm('-12:00:00.001'), tm('100:00:00.999')] },
  { type: 'TIME(4)', kind: 'TIME', values: ["'-00:00:00.0001'", "'23:59:59.9999'"], expect: [-100, tm('23:59:59.9999')] },
  { type: 'TIME(5)', kind: 'TIME', values: ["'-01:02:03.00001'", "'01:02:03.12345'"], expect: [tm('-01:02:03.00001'), tm('01:02:03.12345')] },
  {
    type: 'TIME(6)',
    kind: 'TIME',
    values: ["'-838:59:59.000000'", "'-00:00:00.000001'", "'838:59:59.000000'", "'-12:34:56.789012'"],
    expect: [tm('-838:59:59'), -1, tm('838:59:59'), tm('-12:34:56.789012')],
  },
  {
    type: 'DATETIME',
    kind: 'TIMESTAMP',
    values: ["'2024-01-02 03:04:05'", "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'", "'0000-00-00 00:00:00'"],
    expect: [ts('2024-01-02 03:04:05'), ts('1000-01-01 00:00:00'), ts('9999-12-31 23:59:59'), null],
  },
  { type: 'DATETIME(1)', kind: 'TIMESTAMP', values: ["'2024-01-02 03:04:05.1'"], expect: [ts('2024-01-02 03:04:05.1')] },
  { type: 'DATETIME(2)', kind: 'TIMESTAMP', values: ["'1999-12-31 23:59:59.99'"], expect: [ts('1999-12-31 23:59:59.99')] },
  { type: 'DATETIME(3)', kind: 'TIMESTAMP', values: ["'2024-01-02 03:04:05.678'", "'1969-07-20 20:17:40.001'"], expect: [ts('2024-01-02 03:04:05.678'), ts('1969-07-20 20:17:40.001')] },
  { type: 'DATETIME(4)', kind: 'TIMESTAMP', values: ["'2024-01-02 03:04:05.6789'"], expect: [ts('2024-01-02 03:04:05.6789')] },
  { type: 'DATETIME(5)', kind: 'TIMESTAMP', values: ["'2024-01-02 03:04:05.67891'"], expect: [ts('2024-01-02 03:04:05.67891')] },
  {
    type: 'DATETIME(6)',
    kind: 'TIMESTAMP',
    values: ["'9999-12-31 23:59:59.999999'", "'1000-01-01 00:00:00.000001'", "'0000-00-00 00:00:00.000000'"],
    expect: [ts('9999-12-31 23:59:59.999999'), ts('1000-01-01 00:00:00.000001'), null],
  },
  // TIMESTAMP: an instant. Inserted in the server's +08:00; Strata holds UTC µs.
  {
    type: 'TIMESTAMP NULL',
    kind: 'TIMESTAMP_LTZ',
    values: ["'1970-01-01 08:00:01'", "'2038-01-19 11:14:07'", "'0000-00-00 00:00:00'"],
    expect: [1_000_000n, ts('2038-01-19 03:14:07'), null],
  },
  { type: 'TIMESTAMP(1) NULL', kind: 'TIMESTAMP_LTZ', values: ["'2024-06-01 12:00:00.5'"], expect: [ts('2024-06-01 04:00:00.5')] },
  { type: 'TIMESTAMP(2) NULL', kind: 'TIMESTAMP_LTZ', values: ["'2024-06-01 12:00:00.25'"], expect: [ts('2024-06-01 04:00:00.25')] },
  { type: 'TIMESTAMP(3) NULL', kind: 'TIMESTAMP_LTZ', values: ["'2024-01-02 11:04:05.678'"], expect: [ts('2024-01-02 03:04:05.678')] },
  { type: 'TIMESTAMP(4) NULL', kind: 'TIMESTAMP_LTZ', values: ["'2024-01-02 11:04:05.6789'"], expect: [ts('2024-01-02 03:04:05.6789')] },
  { type: 'TIMESTAMP(5) NULL', kind: 'TIMESTAMP_LTZ', values: ["'2024-01-02 11:04:05.67891'"], expect: [ts('2024-01-02 03:04:05.67891')] },
  {
    type: 'TIMESTAMP(6) NULL',
    kind: 'TIMESTAMP_LTZ',
    values: ["'2038-01-19 11:14:07.999999'", "'1970-01-01 08:00:00.000001'", "'0000-00-00 00:00:00'"],
    expect: [ts('2038-01-19 03:14:07.999999'), 1n, null],
  },
  { type: 'YEAR', kind: 'INT', values: ['1901', '2155', '0', '2024'], expect: [1901, 2155, 0, 2024] },
  // Text in utf8mb4 and latin1.
  {
    type: 'CHAR(10)',
    kind: 'CHAR',
    values: ["'abc'", "''", "'😀 emoji'", "'trail  '"],
    expect: ['abc', '', '😀 emoji', 'trail'],
  },
  { type: 'CHAR(255)', kind: 'CHAR', values: ["REPEAT('é', 255)", "'x'"], expect: ['é'.repeat(255), 'x'] },
  {
    type: 'VARCHAR(300)',
    kind: 'VARCHAR',
    values: ["REPEAT('😀a', 150)", "'short'", "''"],
    expect: ['😀a'.repeat(150), 'short', ''],
  },
  { type: 'VARCHAR(20)', kind: 'VARCHAR', values: ["'日本語テキスト'", "'naïve café'"], expect: ['日本語テキスト', 'naïve café'] },
  {
    type: 'VARCHAR(20) CHARACTER SET latin1',
    kind: 'VARCHAR',
    values: ["'café'", "'Ærøskøbing'", "'€uro ‰ “q”'"],
    expect: ['café', 'Ærøskøbing', '€uro ‰ “q”'],
  },
  { type: 'CHAR(5) CHARACTER SET latin1', kind: 'CHAR', values: ["'ñü'", "'ÿ'"], expect: ['ñü', 'ÿ'] },
  { type: 'VARCHAR(10) CHARACTER SET ascii', kind: 'VARCHAR', values: ["'plain'"], expect: ['plain'] },
  { type: 'TINYTEXT', kind: 'VARCHAR', values: ["'tiny 😀'"], expect: ['tiny 😀'] },
  { type: 'TEXT', kind: 'VARCHAR', values: ["REPEAT('text ', 1000)", "''"], expect: ['text '.repeat(1000), ''] },
  { type: 'MEDIUMTEXT', kind: 'VARCHAR', values: ["REPEAT('m😀', 20000)"], expect: ['m😀'.repeat(20000)] },
  { type: 'LONGTEXT CHARACTER SET latin1', kind: 'VARCHAR', values: ["'àéîõü ß'"], expect: ['àéîõü ß'] },
  // Bytes, with zero bytes.
  {
    type: 'BINARY(4)',
    kind: 'BINARY',
    values: ["x'00010000'", "'a'", "''", "x'ffffffff'", "x'00000000'"],
    expect: [bytes('00010000'), bytes('61000000'), bytes('00000000'), bytes('ffffffff'), bytes('00000000')],
  },
  { type: 'VARBINARY(10)', kind: 'VARBINARY', values: ["x'00'", "x'0000ff00'", "''"], expect: [bytes('00'), bytes('0000ff00'), bytes('')] },
  { type: 'TINYBLOB', kind: 'VARBINARY', values: ["x'00ff00'"], expect: [bytes('00ff00')] },
  { type: 'BLOB', kind: 'VARBINARY', values: ["x'000102030405060708090a0b0c0d0e0f00'", "''"], expect: [bytes('000102030405060708090a0b0c0d0e0f00'), bytes('')] },
  { type: 'MEDIUMBLOB', kind: 'VARBINARY', values: ["REPEAT(x'00ab', 40000)"], expect: [bytes('00ab'.repeat(40000))] },
  { type: 'LONGBLOB', kind: 'VARBINARY', values: ["x'deadbeef00'"], expect: [bytes('deadbeef00')] },
  { type: 'VARCHAR(10) CHARACTER SET binary', kind: 'VARBINARY', values: ["x'00616200'"], expect: [bytes('00616200')] },
  // JSON (MariaDB: LONGTEXT with a json_valid check; the text is kept as written).
  {
    type: 'JSON',
    kind: 'VARCHAR',
    values: [`'{"a": 1, "b": [true, null, "x"]}'`, `'[1, 2.5, "😀"]'`, `'"str"'`],
    expect: ['{"a": 1, "b": [true, null, "x"]}', '[1, 2.5, "😀"]', '"str"'],
  },
  // ENUM and SET: the value text.
  { type: "ENUM('a','b','c')", kind: 'VARCHAR', values: ["'a'", "'c'", "'zz'"], expect: ['a', 'c', ''] },
  { type: `ENUM(${Array.from({ length: 300 }, (_, i) => `'e${i}'`).join(',')})`, kind: 'VARCHAR', values: ["'e0'", "'e299'"], expect: ['e0', 'e299'] },
  { type: "SET('x','y','z')", kind: 'VARCHAR', values: ["''", "'x,z'", "'z,y,x'"], expect: ['', 'x,z', 'x,y,z'] },
  { type: `SET(${SET64.map((s) => `'${s}'`).join(',')})`, kind: 'VARCHAR', values: ["'m0,m63'", "'m31,m32'"], expect: ['m0,m63', 'm31,m32'] },
  // Spatial: the stored bytes (SRID + WKB).
  {
    type: 'GEOMETRY',
    kind: 'VARBINARY',
    values: ["ST_GeomFromText('POINT(1 2)')", "ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)')"],
    expect: [bytes('00000000' + '0101000000' + '000000000000f03f' + '0000000000000040')],
  },
  // MariaDB's own types: BINARY(16) / BINARY(4) in the binlog, text in SELECT; text in Strata (with the schema).
  {
    type: 'UUID',
    kind: 'VARCHAR',
    values: ["'123e4567-e89b-12d3-a456-426655440000'", "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-4fff-bfff-ffffffffff00'"],
    expect: ['123e4567-e89b-12d3-a456-426655440000', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffff00'],
  },
  {
    type: 'INET6',
    kind: 'VARCHAR',
    values: ["'::1'", "'::ffff:10.0.0.1'", "'2001:db8::8:800:200c:417a'", "'::'", "'fe80::'", "'2001:db8:0:0:1:0:0:1'"],
    expect: ['::1', '::ffff:10.0.0.1', '2001:db8::8:800:200c:417a', '::', 'fe80::', '2001:db8::1:0:0:1'],
  },
  { type: 'INET4', kind: 'VARCHAR', values: ["'10.0.0.1'", "'0.0.0.0'", "'255.255.255.255'"], expect: ['10.0.0.1', '0.0.0.0', '255.255.255.255'] },
  { type: 'POINT', kind: 'VARBINARY', values: ["POINT(-1.5, 2.25)"], expect: [bytes('00000000' + '0101000000' + '000000000000f8bf' + '0000000000000240')] },
];

function tableName(i: number): string {
  return `t${String(i).padStart(2, '0')}`;
}

describe('binlog values of every column type, against SELECT (MariaDB)', () => {
  let db: MariaDbServer;
  let snap: Connection;
  let schema: MysqlColumn[][];
  let afterInsert: Row[][];
  let final: Row[][];
  let events: BinlogEvent[];
  let eventsWithoutSchema: BinlogEvent[];

  before(async () => {
    db = await startMariaDb({ extraArgs: ['--default-time-zone=+08:00'] });
    const ddl = CASES.map((c, i) => `CREATE TABLE types.${tableName(i)} (id INT PRIMARY KEY, v ${c.type})`).join(';');
    await db.query(`CREATE DATABASE types; ${ddl}`);
    const start = await db.masterStatus();
    // Non-strict mode: zero dates and out-of-list ENUM values are stored, as old applications do.
    await db.query("SET SESSION sql_mode = ''");
    for (let i = 0; i < CASES.length; i++) {
      const c = CASES[i]!;
      const rows = c.values.map((v, k) => `(${k + 1}, ${v})`);
      if (!/NOT NULL/.test(c.type)) rows.push(`(${c.values.length + 1}, NULL)`);
      await db.query(`INSERT INTO types.${tableName(i)} VALUES ${rows.join(', ')}`);
    }
    snap = await snapshotConnection(db);
    schema = [];
    afterInsert = [];
    for (let i = 0; i < CASES.length; i++) {
      const cols = await schemaOf(snap, 'types', tableName(i));
      schema.push(cols);
      afterInsert.push(await selectRows(snap, 'types', tableName(i), cols));
    }
    // Updates (each row takes the next row's value) and a delete, one transaction per table.
    for (let i = 0; i < CASES.length; i++) {
      const c = CASES[i]!;
      const t = `types.${tableName(i)}`;
      const n = c.values.length;
      const stmts = ['BEGIN'];
      for (let k = 0; k < n; k++) stmts.push(`UPDATE ${t} SET v = ${c.values[(k + 1) % n]!} WHERE id = ${k + 1}`);
      stmts.push(`DELETE FROM ${t} WHERE id = 1`, 'COMMIT');
      await db.query(stmts.join(';'));
    }
    final = [];
    for (let i = 0; i < CASES.length; i++) final.push(await selectRows(snap, 'types', tableName(i), schema[i]!));
    const lookup = await schemaLookup(snap, 'types');
    events = await readAll(db, start, { schema: lookup });
    eventsWithoutSchema = await readAll(db, start);
  });

  after(async () => {
    await snap?.end();
    await db?.stop();
  });

  test(`${CASES.length} type cases`, () => {
    assert.ok(CASES.length >= 60);
  });

  test('the Strata type of every column', () => {
    const maps = new Map<string, string[]>();
    for (const e of events) if (e.kind === 'table-map' && e.database === 'types') maps.set(e.table, e.types.map((t) => t.kind));
    for (let i = 0; i < CASES.length; i++) {
      assert.deepEqual(maps.get(tableName(i)), ['INT', CASES[i]!.kind], `${CASES[i]!.type}`);
    }
  });

  function rowsOf(evs: readonly BinlogEvent[], i: number): RowsEvent[] {
    return evs.filter((e): e is RowsEvent => e.kind === 'rows' && e.table.database === 'types' && e.table.table === tableName(i));
  }

  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[i]!;
    test(`${c.type}: inserted, updated and deleted values equal SELECT's`, () => {
      const rows = rowsOf(events, i);
      const ins = rows.filter((r) => r.op === 'insert').flatMap((r) => r.rows);
      const expected = afterInsert[i]!;
      assert.equal(ins.length, expected.length, 'inserted rows');
      for (let k = 0; k < ins.length; k++) {
        const got = ins[k]![1] ?? null;
        const want = expected[k]![1] ?? null;
        assert.ok(sameValue(got, want), `row ${k + 1}: binlog ${show(got)} vs SELECT ${show(want)}`);
        const known = c.expect?.[k];
        if (known !== undefined) assert.ok(sameValue(got, known), `row ${k + 1}: binlog ${show(got)} vs expected ${show(known)}`);
      }
      if (!/NOT NULL/.test(c.type)) assert.equal(ins.at(-1)![1], null, 'the NULL row');
      // Replay updates and deletes over the inserted state: before images must match it.
      const state = new Map<number, Value>();
      for (const r of ins) state.set(r[0] as number, r[1] ?? null);
      for (const ev of rows.filter((r) => r.op !== 'insert')) {
        if (ev.op === 'update') {
          for (let k = 0; k < ev.rows.length; k += 2) {
            const id = ev.rows[k]![0] as number;
            assert.ok(sameValue(ev.rows[k]![1] ?? null, state.get(id) ?? null), `update of row ${id}: before image ${show(ev.rows[k]![1] ?? null)}`);
            state.set(id, ev.rows[k + 1]![1] ?? null);
          }
        } else {
          for (const r of ev.rows) {
            assert.ok(sameValue(r[1] ?? null, state.get(r[0] as number) ?? null), `delete of row ${String(r[0])}`);
            state.delete(r[0] as number);
          }
        }
      }
      const want = final[i]!;
      assert.deepEqual([...state.keys()].sort((a, b) => a - b), want.map((r) => r[0]));
      for (const r of want) {
        const got = state.get(r[0] as number) ?? null;
        assert.ok(sameValue(got, r[1] ?? null), `final row ${String(r[0])}: binlog ${show(got)} vs SELECT ${show(r[1] ?? null)}`);
      }
    });
  }

  test("the snapshot through Strata's own client (text protocol bytes) equals the mysql2 route", async () => {
    const conn = await MysqlConnection.open({ host: db.host, port: db.port, user: db.cdcUser, password: db.cdcPassword });
    try {
      await conn.query(SNAPSHOT_SESSION_SQL);
      for (let i = 0; i < CASES.length; i++) {
        const cols = schema[i]!;
        const r = await conn.queryRaw(`SELECT ${cols.map(snapshotSelectExpr).join(', ')} FROM types.${tableName(i)} ORDER BY 1`);
        const rows = r.rows.map((row) => row.map((v, c) => textToValue(v, cols[c]!)));
        assert.equal(rows.length, final[i]!.length);
        for (let k = 0; k < rows.length; k++) {
          for (let c = 0; c < cols.length; c++) {
            const a = rows[k]![c] ?? null;
            const b = final[i]![k]![c] ?? null;
            assert.ok(sameValue(a, b), `${CASES[i]!.type} row ${k}: ${show(a)} vs ${show(b)}`);
          }
        }
      }
    } finally {
      await conn.close();
    }
  });

  test('binlog_row_metadata=FULL alone (no schema) gives the same values, except TINYINT(1) (a TINYINT) and UUID/INET (bytes) without the schema', () => {
    for (let i = 0; i < CASES.length; i++) {
      const a = rowsOf(events, i);
      const b = rowsOf(eventsWithoutSchema, i);
      assert.equal(a.length, b.length);
      const boolFromTinyint = /^(TINYINT\(1\)|BOOLEAN)$/.test(CASES[i]!.type);
      const textFromBytes = /^(UUID|INET6|INET4)$/.test(CASES[i]!.type);
      for (let k = 0; k < a.length; k++) {
        assert.equal(b[k]!.table.source, 'binlog-metadata');
        assert.deepEqual(b[k]!.table.columns.map((col) => col.name), ['id', 'v']);
        for (let r = 0; r < a[k]!.rows.length; r++) {
          const x = a[k]!.rows[r]![1] ?? null;
          const y = b[k]!.rows[r]![1] ?? null;
          if (boolFromTinyint) assert.equal(x === null ? null : x === true ? 1 : 0, y === null ? null : (y as number) !== 0 ? 1 : 0);
          else if (textFromBytes) assert.ok(y === null || y instanceof Uint8Array, 'bytes without the schema');
          else assert.ok(sameValue(x, y), `${CASES[i]!.type}: ${show(x)} vs ${show(y)}`);
        }
      }
    }
  });
});
