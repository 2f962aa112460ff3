import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../core/batch.js';
import { Decimal } from '../core/decimal.js';
import { StrataError } from '../core/errors.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../core/row-kind.js';
import { T } from '../core/types.js';
import { parseDate, parseTimestamp, rowEquals, type Row } from '../core/values.js';
import {
  applyChangelog,
  applyUpsertChangelog,
  describeMultisetDiff,
  formatChangelog,
  formatRow,
  formatValueText,
  mulberry32,
  multisetEquals,
  multisetOf,
  multisetSize,
  parseChangelog,
  parseRow,
  parseRows,
  Rng,
  sortedRows,
} from './changelog.js';

describe('mulberry32 / Rng', () => {
  test('same seed, same sequence; different seeds differ', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = [a(), a(), a()];
    assert.deepEqual([b(), b(), b()], xs);
    assert.notDeepEqual([c(), c(), c()], xs);
    for (const x of xs) assert.ok(x >= 0 && x < 1);
  });

  test('Rng helpers stay in range', () => {
    const r = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(5);
      assert.ok(Number.isInteger(n) && n >= 0 && n < 5);
      const m = r.range(-2, 2);
      assert.ok(m >= -2 && m <= 2);
      assert.ok(['a', 'b'].includes(r.pick(['a', 'b'])));
    }
    assert.throws(() => r.pick([]), StrataError);
  });
});

describe('applyChangelog', () => {
  test('consolidates inserts and retractions', () => {
    const m = applyChangelog(
      [INSERT, INSERT, UPDATE_AFTER, UPDATE_BEFORE, DELETE],
      [[1, 'a'], [1, 'a'], [2, 'b'], [1, 'a'], [2, 'b']],
    );
    assert.equal(m.size, 1);
    assert.equal(multisetSize(m), 1);
    assert.deepEqual(sortedRows(m), [[1, 'a']]);
  });

  test('throws when a retraction removes an absent row', () => {
    assert.throws(
      () => applyChangelog([INSERT, DELETE], [[1, 'a'], [1, 'b']]),
      (e: unknown) => e instanceof StrataError && /change #1 \(-D\[1, b\]\) retracts a row that is not present/.test(e.message),
    );
    assert.throws(() => applyChangelog([INSERT, DELETE, UPDATE_BEFORE], [[1], [1], [1]]), StrataError);
  });

  test('values compare as SQL values: decimals by value, bigint is not int', () => {
    const m = applyChangelog([INSERT, DELETE], [[Decimal.parse('1.50')!], [Decimal.parse('1.5')!]]);
    assert.equal(m.size, 0);
    assert.throws(() => applyChangelog([INSERT, DELETE], [[1], [1n]]), StrataError);
  });

  test('applies into an existing multiset', () => {
    const m = multisetOf([[1], [1], [2]]);
    applyChangelog([DELETE], [[1]], m);
    assert.deepEqual(sortedRows(m), [[1], [2]]);
  });

  test('upsert application keeps one row per key', () => {
    const m = applyUpsertChangelog(
      [INSERT, UPDATE_AFTER, UPDATE_BEFORE, INSERT, DELETE, DELETE],
      [[1, 'a'], [1, 'b'], [1, 'zzz'], [2, 'c'], [2, null], [3, 'x']],
      [0],
    );
    assert.deepEqual(sortedRows(m), [[1, 'b']]);
  });

  test('sortedRows expands counts and sorts (NULL first)', () => {
    const m = multisetOf([[2, 'b'], [null, 'z'], [1, 'a'], [2, 'b']]);
    assert.deepEqual(sortedRows(m), [[null, 'z'], [1, 'a'], [2, 'b'], [2, 'b']]);
  });

  test('multisetEquals and describeMultisetDiff', () => {
    const a = multisetOf([[1], [1], [2]]);
    const b = multisetOf([[2], [1], [1]]);
    const c = multisetOf([[1], [3]]);
    assert.ok(multisetEquals(a, b));
    assert.equal(describeMultisetDiff(a, b), '');
    assert.ok(!multisetEquals(a, c));
    const d = describeMultisetDiff(a, c, [T.int()]);
    assert.match(d, /missing rows:\n {2}1 × 1\n {2}1 × 2\n/);
    assert.match(d, /unexpected rows:\n {2}1 × 3\n/);
  });
});

describe('parseChangelog', () => {
  const types = [T.int(), T.string(), T.double()];

  test('reads kinds, separators, nulls and quoted strings', () => {
    const b = parseChangelog(
      `
      # comment
      +I 1 beijing 10.5
      -U | 1 | beijing | 10.5 |
      +U 1 'new york' 11
      -D 2 null NULL
      +I 3 'it''s' -0.25
      +I 4 'null' 1e3
      +I 5 '' NaN
      `,
      types,
    );
    assert.deepEqual(b.kinds, [INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE, INSERT, INSERT, INSERT]);
    assert.deepEqual(b.rows.slice(0, 6), [
      [1, 'beijing', 10.5],
      [1, 'beijing', 10.5],
      [1, 'new york', 11],
      [2, null, null],
      [3, "it's", -0.25],
      [4, 'null', 1000],
    ]);
    assert.equal(b.rows[6]![1], '');
    assert.ok(Number.isNaN(b.rows[6]![2]));
  });

  test('reads every type per column', () => {
    const all = [
      T.tinyint(),
      T.bigint(),
      T.decimal(10, 2),
      T.float(),
      T.boolean(),
      T.char(3),
      T.bytes(),
      T.date(),
      T.time(3),
      T.timestamp(3),
      T.timestampLtz(6),
    ];
    const b = parseChangelog(
      "+I -3 9007199254740993 10.5 1.5 TRUE abc x'0aff' 2024-02-29 10:00:00.5 '2024-01-31 10:00:00.123' 2024-01-31T10:00:00Z",
      all,
    );
    const row = b.rows[0]!;
    assert.equal(row[0], -3);
    assert.equal(row[1], 9007199254740993n);
    assert.ok(row[2] instanceof Decimal);
    assert.equal(row[2].toString(), '10.50');
    assert.equal(row[3], 1.5);
    assert.equal(row[4], true);
    assert.equal(row[5], 'abc');
    assert.deepEqual(row[6], new Uint8Array([0x0a, 0xff]));
    assert.equal(row[7], parseDate('2024-02-29'));
    assert.equal(row[8], 36_000_500_000);
    assert.equal(row[9], parseTimestamp('2024-01-31 10:00:00.123'));
    assert.equal(row[10], parseTimestamp('2024-01-31 10:00:00'));
  });

  test('errors say where and what to do', () => {
    const expectError = (text: string, re: RegExp, line: number, column: number): void => {
      assert.throws(
        () => parseChangelog(text, types, { file: 'join.slt', firstLine: 10 }),
        (e: unknown) =>
          e instanceof StrataError &&
          e.code === 'SQL_SYNTAX' &&
          re.test(e.message) &&
          e.location?.file === 'join.slt' &&
          e.location.line === line &&
          e.location.column === column,
      );
    };
    expectError('+X 1 a 1.0', /must start with \+I, -U, \+U or -D, not \+X/, 10, 1);
    expectError('\n+I 1 new york 1.0', /expected 3 values but found 4; quote values/, 11, 15);
    expectError('+I 1 a', /expected 3 values but found 2/, 10, 6);
    expectError('+I one a 1.0', /value one in column 1 is not a INT: write an integer/, 10, 4);
    expectError("+I 1 'a 1.0", /unterminated quoted value/, 10, 6);
    expectError("+I 1 'a'b 1.0", /unexpected 'b' right after a quoted value/, 10, 9);
    expectError("+I 1 'a\\q' 1.0", /unknown escape \\q/, 10, 8);
    expectError('+I 1 a 1.0.0', /column 3 is not a DOUBLE/, 10, 8);
  });

  test('a timestamp with a space must be quoted', () => {
    assert.throws(() => parseChangelog('+I 2024-01-31 10:00:00', [T.timestamp()]), StrataError);
  });
});

describe('formatChangelog', () => {
  test('writes the notation and reads back the same batch', () => {
    const types = [
      T.int(),
      T.string(),
      T.double(),
      T.decimal(10, 2),
      T.bigint(),
      T.boolean(),
      T.timestamp(3),
      T.date(),
      T.bytes(),
      T.time(0),
    ];
    const rows: Row[] = [
      [1, 'beijing', 10.5, Decimal.parse('10.5')!, 5n, true, parseTimestamp('2024-01-31 10:00:00.123')!, 19000, new Uint8Array([1, 2]), 3_600_000_000],
      [null, 'new york', 3, Decimal.parse('-0.01')!, -9007199254740993n, false, null, null, null, null],
      [2, "it's | a\ttab\nline \\ end", 1e21, null, null, null, null, null, new Uint8Array([]), -1_000_000],
      [3, 'null', -0.5, null, null, null, null, null, null, null],
      [4, '', NaN, null, null, null, null, null, null, null],
      [5, "'quoted'", Infinity, null, null, null, null, null, null, null],
      [6, '#hash', 1e-7, null, null, null, null, null, null, null],
      [7, 'back\\slash', 0, null, null, null, null, null, null, null],
    ];
    const batch = new ChangeBatch([INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE, INSERT, INSERT, INSERT, INSERT], rows);
    const text = formatChangelog(batch, types);
    const lines = text.split('\n');
    assert.equal(lines[0], "+I 1 beijing 10.5 10.50 5 true '2024-01-31 10:00:00.123' 2022-01-08 x'0102' 01:00:00");
    assert.equal(lines[1], "-U null 'new york' 3.0 -0.01 -9007199254740993 false null null null null");
    assert.equal(lines[2], "+U 2 'it''s | a\\ttab\\nline \\\\ end' 1.0E21 null null null null null x'' -00:00:01");
    assert.equal(lines[3], "-D 3 'null' -0.5 null null null null null null null");
    assert.equal(lines[4], "+I 4 '' NaN null null null null null null null");
    assert.equal(lines[5], "+I 5 '''quoted''' Infinity null null null null null null null");
    assert.equal(lines[6], "+I 6 '#hash' 1.0E-7 null null null null null null null");
    assert.equal(lines[7], '+I 7 back\\slash 0.0 null null null null null null null');
    const back = parseChangelog(text, types);
    assert.deepEqual(back.kinds, batch.kinds);
    assert.equal(back.length, batch.length);
    for (let i = 0; i < rows.length; i++) {
      assert.ok(rowEquals(back.rows[i]!, rows[i]!), `row ${i}: ${formatRow(back.rows[i]!, types)}`);
    }
    assert.equal(formatChangelog(back, types), text);
  });

  test('random rows round-trip', () => {
    const types = [T.int(), T.string(), T.bigint(), T.decimal(12, 3), T.double(), T.boolean()];
    const rng = new Rng(99);
    const alphabet = ['a', ' ', '|', "'", '\\', 'n', 'u', 'l', '#', '\t', 'é', '0'];
    for (let iter = 0; iter < 300; iter++) {
      const b = new ChangeBatch();
      for (let j = 0; j < 5; j++) {
        let s = '';
        const len = rng.int(6);
        for (let c = 0; c < len; c++) s += rng.pick(alphabet);
        const row: Row = [
          rng.chance(0.2) ? null : rng.range(-1000, 1000),
          rng.chance(0.2) ? null : s,
          rng.chance(0.2) ? null : BigInt(rng.range(-1e9, 1e9)) * 1_000_000_007n,
          rng.chance(0.2) ? null : new Decimal(BigInt(rng.range(-1e6, 1e6)), 3),
          rng.chance(0.2) ? null : (rng.next() - 0.5) * 10 ** rng.range(-10, 25),
          rng.chance(0.2) ? null : rng.chance(0.5),
        ];
        b.push(rng.pick([INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE]), row);
      }
      const text = formatChangelog(b, types);
      const back = parseChangelog(text, types);
      assert.deepEqual(back.kinds, b.kinds, text);
      for (let j = 0; j < b.length; j++) assert.ok(rowEquals(back.rows[j]!, b.rows[j]!), `iteration ${iter}: ${text}`);
    }
  });

  test('values of an unexpected JS type are still printed', () => {
    assert.equal(formatValueText(5n, T.int()), '5');
    assert.equal(formatValueText('x y', T.int()), "'x y'");
    assert.equal(formatRow([1, 2], [T.int()]), '1 2');
    assert.equal(formatChangelog(new ChangeBatch(), [T.int()]), '');
  });

  test('parseRow and parseRows', () => {
    assert.deepEqual(parseRow("1 | 'a b'", [T.int(), T.string()]), [1, 'a b']);
    assert.deepEqual(parseRows('1 a\n# c\n\n2 b', [T.int(), T.string()]), [
      [1, 'a'],
      [2, 'b'],
    ]);
    assert.throws(() => parseRow('1\n2', [T.int()]), StrataError);
  });
});
