import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import { INSERT } from '../../core/row-kind.js';
import { formatType, sameTypeIgnoringNull, T, type SqlType } from '../../core/types.js';
import { daysFromCivil, MICROS_PER_DAY, valueEquals, type Value } from '../../core/values.js';
import { column, tableDef } from './test-support.js';
import { duckDbTypeText, RESULT_ONLY_MAPPING, TYPE_MAPPING } from './type-mapping.js';
import { DuckDbWarehouse } from './warehouse.js';

interface Case {
  readonly name: string;
  readonly type: SqlType;
  /** DuckDB column type the table gets. */
  readonly duck: string;
  /** Type a query reports for the column. */
  readonly result: SqlType;
  readonly values: readonly Value[];
  /** What comes back, when not the value itself. */
  readonly back?: (v: Value) => Value;
}

const D = (u: bigint, s: number): Decimal => new Decimal(u, s);
const day = (y: number, m: number, d: number): number => daysFromCivil(y, m, d);
const ts = (y: number, m: number, d: number, micros: bigint): bigint => BigInt(day(y, m, d)) * MICROS_PER_DAY + micros;
const H = 3_600_000_000;

const CASES: readonly Case[] = [
  { name: 'c_bool', type: T.boolean(), duck: 'BOOLEAN', result: T.boolean(), values: [true, false] },
  { name: 'c_tiny', type: T.tinyint(), duck: 'TINYINT', result: T.tinyint(), values: [-128, 127, 0] },
  { name: 'c_small', type: T.smallint(), duck: 'SMALLINT', result: T.smallint(), values: [-32768, 32767] },
  { name: 'c_int', type: T.int(), duck: 'INTEGER', result: T.int(), values: [-2147483648, 2147483647] },
  { name: 'c_big', type: T.bigint(), duck: 'BIGINT', result: T.bigint(), values: [2n ** 63n - 1n, -(2n ** 63n), 0n] },
  {
    name: 'c_float',
    type: T.float(),
    duck: 'FLOAT',
    result: T.float(),
    values: [1.5, 0.1, -3.4028234663852886e38, Number.POSITIVE_INFINITY, Number.NaN],
    back: (v) => Math.fround(v as number),
  },
  {
    name: 'c_double',
    type: T.double(),
    duck: 'DOUBLE',
    result: T.double(),
    values: [Number.MAX_VALUE, 5e-324, -0.1, Number.NEGATIVE_INFINITY, Number.NaN],
  },
  { name: 'c_dec4', type: T.decimal(4, 1), duck: 'DECIMAL(4, 1)', result: T.decimal(4, 1), values: [D(9999n, 1), D(-9999n, 1), D(5n, 0)] },
  { name: 'c_dec9', type: T.decimal(9, 3), duck: 'DECIMAL(9, 3)', result: T.decimal(9, 3), values: [D(999999999n, 3), D(-1n, 3)] },
  { name: 'c_dec18', type: T.decimal(18, 4), duck: 'DECIMAL(18, 4)', result: T.decimal(18, 4), values: [D(10n ** 18n - 1n, 4), D(-(10n ** 18n - 1n), 4)] },
  {
    name: 'c_dec38',
    type: T.decimal(38, 10),
    duck: 'DECIMAL(38, 10)',
    result: T.decimal(38, 10),
    values: [D(10n ** 38n - 1n, 10), D(-(10n ** 38n - 1n), 10), D(12345n, 2)],
  },
  {
    name: 'c_dec65',
    type: T.decimal(65, 30),
    duck: 'VARCHAR',
    result: T.string(),
    values: [D(10n ** 65n - 1n, 30), D(-1n, 30), D(5n, 1)],
    back: (v) => (v as Decimal).rescale(30).toString(),
  },
  { name: 'c_char', type: T.char(3), duck: 'VARCHAR', result: T.string(), values: ['abc', ''] },
  {
    name: 'c_varchar',
    type: T.varchar(100),
    duck: 'VARCHAR',
    result: T.string(),
    values: ['𝄞 music 😀 emoji', 'ümlaut, 中文', "quote ' and \" and \\"],
  },
  { name: 'c_string', type: T.string(), duck: 'VARCHAR', result: T.string(), values: ['x'.repeat(5000)] },
  {
    name: 'c_binary',
    type: T.binary(4),
    duck: 'BLOB',
    result: T.bytes(),
    values: [new Uint8Array([0, 1, 0, 255]), new Uint8Array([0, 0, 0, 0])],
  },
  { name: 'c_bytes', type: T.bytes(), duck: 'BLOB', result: T.bytes(), values: [new Uint8Array([]), new Uint8Array(300).fill(7)] },
  {
    name: 'c_date',
    type: T.date(),
    duck: 'DATE',
    result: T.date(),
    values: [day(1, 1, 1), day(9999, 12, 31), 0, day(1969, 12, 31), day(2024, 2, 29)],
  },
  {
    name: 'c_time',
    type: T.time(0),
    duck: 'INTERVAL',
    result: T.time(6),
    values: [0, 24 * H - 1, -(838 * H + 59 * 60_000_000 + 59_000_000), 838 * H + 59 * 60_000_000 + 59_000_000, 1],
  },
  {
    name: 'c_ts',
    type: T.timestamp(6),
    duck: 'TIMESTAMP',
    result: T.timestamp(6),
    values: [ts(1, 1, 1, 0n), ts(9999, 12, 31, MICROS_PER_DAY - 1n), 1n, -1n, ts(2024, 1, 15, 45_296_123_456n)],
  },
  {
    name: 'c_ltz',
    type: T.timestampLtz(3),
    duck: 'TIMESTAMP WITH TIME ZONE',
    result: T.timestampLtz(6),
    values: [ts(1, 1, 1, 0n), ts(9999, 12, 31, MICROS_PER_DAY - 1n), 1_700_000_000_123_456n],
  },
];

function eq(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b || (Number.isNaN(a) && Number.isNaN(b));
  return valueEquals(a, b) && (a === null) === (b === null);
}

describe('type mapping', () => {
  test('every type round-trips through apply and query, edge values and NULLs included', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('t', false);
      const cols = [column('id', T.int()), ...CASES.map((c) => column(c.name, c.type))];
      await w.createTable(tableDef('t', 'all_types', cols, 'PRIMARY', ['id']), false);
      const height = Math.max(...CASES.map((c) => c.values.length));
      const batch = new ChangeBatch();
      for (let r = 0; r < height; r++) batch.push(INSERT, [r, ...CASES.map((c) => c.values[r % c.values.length]!)]);
      batch.push(INSERT, [height, ...CASES.map(() => null)]);
      await w.apply([{ database: 't', table: 'all_types', batch }], null);

      const described = await w.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 't' AND table_name = 'all_types' ORDER BY ordinal_position`);
      const duckTypes = new Map(described.rows.map((r) => [r[0] as string, r[1] as string]));
      const result = await w.query('SELECT * FROM t.all_types ORDER BY id');
      assert.equal(result.rows.length, height + 1);
      CASES.forEach((c, i) => {
        const squash = (s: string | undefined): string => (s ?? '').replace(/,\s*/g, ',');
        assert.equal(squash(duckTypes.get(c.name)), squash(c.duck), `${c.name}: DuckDB column type`);
        assert.equal(squash(duckDbTypeText(c.type).replace('TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE')), squash(c.duck));
        const col = result.columns[i + 1]!;
        assert.equal(col.name, c.name);
        assert.ok(sameTypeIgnoringNull(col.type, c.result), `${c.name}: result type ${formatType(col.type)}, expected ${formatType(c.result)}`);
        for (let r = 0; r < height; r++) {
          const sent = c.values[r % c.values.length]!;
          const expected = c.back === undefined ? sent : c.back(sent);
          const got = result.rows[r]![i + 1]!;
          assert.ok(eq(got, expected), `${c.name} row ${r}: sent ${String(sent)}, expected ${String(expected)}, got ${String(got)}`);
        }
        assert.equal(result.rows[height]![i + 1], null, `${c.name}: NULL`);
      });
    } finally {
      await w.close();
    }
  });

  test('values a column cannot hold are refused with the column named', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('t', false);
      await w.createTable(
        tableDef('t', 'x', [column('id', T.int()), column('d', T.decimal(5, 2)), column('big', T.decimal(40, 2)), column('n', T.tinyint())], 'PRIMARY', ['id']),
        false,
      );
      const put = (row: Value[]) => w.apply([{ database: 't', table: 'x', batch: ChangeBatch.of([INSERT, row]) }], null);
      await assert.rejects(put([1, D(100000n, 2), null, null]), /column d \(DECIMAL\(5, 2\)\): 1000\.00 does not fit DECIMAL\(5, 2\)/);
      await assert.rejects(put([1, null, D(10n ** 40n, 2), null]), /column big .* does not fit DECIMAL\(40, 2\)/);
      await assert.rejects(put([1, null, null, 128]), /column n \(TINYINT\): number out of int8 range/);
      await assert.rejects(put([1, 'x', null, null]), /column d .*expected a Decimal, got 'x' \(string\)/);
      // Rounding to the column scale is HALF_UP, as everywhere in Strata.
      await put([1, D(12345n, 3), D(-5n, 3), 1]);
      const r = await w.query('SELECT d, big FROM t.x');
      assert.ok((r.rows[0]![0] as Decimal).equals(D(1235n, 2)));
      assert.equal(r.rows[0]![1], '-0.01');
    } finally {
      await w.close();
    }
  });

  test('query-only DuckDB types map to Strata types', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      const r = await w.query(
        `SELECT sum(x) AS s, 18446744073709551615::UBIGINT AS ub, 7::UTINYINT AS ut, 4000000000::UINTEGER AS ui, ` +
          `INTERVAL '1 day 2 hours' AS iv, TIME '12:34:56.5' AS t, [1, 2] AS l, {'a': 1, 'b': 'x'} AS st, ` +
          `'00000000-0000-0000-0000-000000000001'::UUID AS u, '2024-01-02 03:04:05.678'::TIMESTAMP_MS AS tms, ` +
          `'2024-01-02 03:04:05.123456789'::TIMESTAMP_NS AS tns, NULL AS n ` +
          `FROM (VALUES (9223372036854775807::BIGINT), (9223372036854775807::BIGINT)) v(x)`,
      );
      const types = Object.fromEntries(r.columns.map((c) => [c.name, formatType(c.type)]));
      assert.deepEqual(types, {
        s: 'DECIMAL(38, 0)',
        ub: 'DECIMAL(20, 0)',
        ut: 'SMALLINT',
        ui: 'BIGINT',
        iv: 'TIME(6)',
        t: 'TIME(6)',
        l: 'STRING',
        st: 'STRING',
        u: 'STRING',
        tms: 'TIMESTAMP(3)',
        tns: 'TIMESTAMP(6)',
        n: types['n'] === 'NULL' ? 'NULL' : 'INT',
      });
      const row = r.rows[0]!;
      assert.ok((row[0] as Decimal).equals(D(2n * (2n ** 63n - 1n), 0)));
      assert.ok((row[1] as Decimal).equals(D(2n ** 64n - 1n, 0)));
      assert.equal(row[2], 7);
      assert.equal(row[3], 4000000000n);
      assert.equal(row[4], 26 * H);
      assert.equal(row[5], (12 * 3600 + 34 * 60 + 56) * 1_000_000 + 500_000);
      assert.equal(row[6], '[1,2]');
      assert.deepEqual(JSON.parse(row[7] as string), { a: 1, b: 'x' });
      assert.equal(row[8], '00000000-0000-0000-0000-000000000001');
      assert.equal(row[9], ts(2024, 1, 2, BigInt((3 * 3600 + 4 * 60 + 5) * 1000 + 678) * 1000n));
      assert.equal(row[10], ts(2024, 1, 2, BigInt(3 * 3600 + 4 * 60 + 5) * 1_000_000n + 123456n));
      assert.equal(row[11], null);
    } finally {
      await w.close();
    }
  });

  test('docs/types.md lists every row of the mapping', () => {
    // dist/src/store/duckdb/ → the repository root.
    const docs = fs.readFileSync(fileURLToPath(new URL('../../../../docs/types.md', import.meta.url)), 'utf8');
    for (const row of TYPE_MAPPING) {
      const line = docs.split('\n').find((l) => l.startsWith(`| ${row.strata} |`));
      assert.ok(line !== undefined, `docs/types.md has no row for ${row.strata}`);
      assert.ok(line.includes(`| ${row.duckdb} |`), `docs/types.md row ${row.strata} names DuckDB type ${row.duckdb}`);
      assert.ok(line.includes(`| ${row.starrocks} |`), `docs/types.md row ${row.strata} names StarRocks type ${row.starrocks}`);
    }
    for (const row of RESULT_ONLY_MAPPING) {
      assert.ok(docs.includes(`| ${row.duckdb} | ${row.strata} |`), `docs/types.md result table has ${row.duckdb}`);
    }
  });
});
