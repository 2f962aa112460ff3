import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { canCastExplicitly, canCastImplicitly, commonType, comparisonTypes } from './coercion.js';
import { formatType, T, type SqlType } from './types.js';

const show = (t: SqlType | null): string => (t === null ? 'none' : formatType(t));

describe('commonType', () => {
  const NUMERIC: [string, SqlType][] = [
    ['TINYINT', T.tinyint()],
    ['SMALLINT', T.smallint()],
    ['INT', T.int()],
    ['BIGINT', T.bigint()],
    ['DEC', T.decimal(10, 2)],
    ['FLOAT', T.float()],
    ['DOUBLE', T.double()],
  ];
  // Row = first type, column = second type (Flink's LogicalTypeMerging results).
  const EXPECTED: Record<string, string[]> = {
    TINYINT: ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'DECIMAL(10, 2)', 'FLOAT', 'DOUBLE'],
    SMALLINT: ['SMALLINT', 'SMALLINT', 'INT', 'BIGINT', 'DECIMAL(10, 2)', 'FLOAT', 'DOUBLE'],
    INT: ['INT', 'INT', 'INT', 'BIGINT', 'DECIMAL(12, 2)', 'FLOAT', 'DOUBLE'],
    BIGINT: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'DECIMAL(21, 2)', 'FLOAT', 'DOUBLE'],
    DEC: ['DECIMAL(10, 2)', 'DECIMAL(10, 2)', 'DECIMAL(12, 2)', 'DECIMAL(21, 2)', 'DECIMAL(10, 2)', 'DOUBLE', 'DOUBLE'],
    FLOAT: ['FLOAT', 'FLOAT', 'FLOAT', 'FLOAT', 'DOUBLE', 'FLOAT', 'DOUBLE'],
    DOUBLE: ['DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'],
  };
  for (const [na, a] of NUMERIC) {
    NUMERIC.forEach(([nb, b], j) => {
      test(`${na} with ${nb}`, () => {
        assert.equal(show(commonType([a, b])), EXPECTED[na]![j]);
      });
    });
  }

  test('DECIMAL merging keeps integer digits and caps at 38', () => {
    assert.equal(show(commonType([T.decimal(38, 18), T.decimal(38, 0)])), 'DECIMAL(38, 0)');
    assert.equal(show(commonType([T.decimal(5, 4), T.decimal(10, 0)])), 'DECIMAL(14, 4)');
  });

  test('character strings', () => {
    assert.equal(show(commonType([T.char(3), T.char(3)])), 'CHAR(3)');
    assert.equal(show(commonType([T.char(3), T.char(5)])), 'VARCHAR(5)');
    assert.equal(show(commonType([T.char(3), T.varchar(2)])), 'VARCHAR(3)');
    assert.equal(show(commonType([T.varchar(10), T.string()])), 'STRING');
  });

  test('binary strings', () => {
    assert.equal(show(commonType([T.binary(2), T.binary(2)])), 'BINARY(2)');
    assert.equal(show(commonType([T.binary(2), T.varbinary(8)])), 'VARBINARY(8)');
  });

  test('NULL combines with anything; only NULLs give NULL', () => {
    assert.equal(show(commonType([T.null(), T.int(false)])), 'INT');
    assert.equal(show(commonType([T.int(false), T.null(), T.bigint(false)])), 'BIGINT');
    assert.equal(show(commonType([T.null(), T.null()])), 'NULL');
  });

  test('nullability: nullable if any input is', () => {
    assert.equal(show(commonType([T.int(false), T.int(false)])), 'INT NOT NULL');
    assert.equal(show(commonType([T.int(false), T.bigint(true)])), 'BIGINT');
  });

  test('date-time types', () => {
    assert.equal(show(commonType([T.timestamp(3), T.timestamp(6)])), 'TIMESTAMP(6)');
    assert.equal(show(commonType([T.timestamp(3), T.timestampLtz(0)])), 'TIMESTAMP_LTZ(3)');
    assert.equal(show(commonType([T.date(), T.timestamp(3)])), 'TIMESTAMP(3)');
    assert.equal(show(commonType([T.time(0), T.time(3)])), 'TIME(3)');
    assert.equal(show(commonType([T.date(), T.date()])), 'DATE');
  });

  test('no common type', () => {
    assert.equal(commonType([T.int(), T.string()]), null);
    assert.equal(commonType([T.boolean(), T.int()]), null);
    assert.equal(commonType([T.date(), T.time()]), null);
    assert.equal(commonType([T.bytes(), T.string()]), null);
    assert.equal(commonType([]), null);
  });
});

describe('canCastImplicitly', () => {
  const cases: [SqlType, SqlType, boolean][] = [
    [T.tinyint(), T.smallint(), true],
    [T.smallint(), T.int(), true],
    [T.int(), T.bigint(), true],
    [T.bigint(), T.decimal(19, 0), true],
    [T.decimal(10, 2), T.float(), true],
    [T.float(), T.double(), true],
    [T.bigint(), T.int(), false],
    [T.double(), T.float(), false],
    [T.double(), T.bigint(), false],
    [T.char(3), T.varchar(10), true],
    [T.varchar(3), T.char(3), false],
    [T.null(), T.date(), true],
    [T.date(), T.timestamp(3), true],
    [T.timestamp(3), T.date(), false],
    [T.timestamp(3), T.timestampLtz(3), true],
    [T.timestampLtz(3), T.timestamp(6), true],
    [T.timestamp(3), T.timestamp(6), true],
    [T.string(), T.int(), false],
    [T.int(), T.string(), false],
    [T.binary(3), T.bytes(), true],
    [T.boolean(), T.int(), false],
  ];
  for (const [from, to, ok] of cases) {
    test(`${formatType(from)} → ${formatType(to)}: ${ok}`, () => assert.equal(canCastImplicitly(from, to), ok));
  }
});

describe('canCastExplicitly', () => {
  const cases: [SqlType, SqlType, boolean][] = [
    [T.string(), T.int(), true],
    [T.int(), T.string(), true],
    [T.string(), T.date(), true],
    [T.date(), T.string(), true],
    [T.string(), T.timestampLtz(3), true],
    [T.timestamp(3), T.date(), true],
    [T.timestamp(3), T.time(0), true],
    [T.date(), T.time(0), false],
    [T.time(0), T.date(), false],
    [T.int(), T.boolean(), true],
    [T.decimal(10, 2), T.boolean(), false],
    [T.boolean(), T.decimal(10, 2), true],
    [T.boolean(), T.double(), true],
    [T.string(), T.boolean(), true],
    [T.bytes(), T.string(), true],
    [T.string(), T.bytes(), true],
    [T.int(), T.bytes(), false],
    [T.bigint(), T.timestampLtz(3), true],
    [T.timestamp(3), T.bigint(), true],
    [T.date(), T.int(), false],
    [T.null(), T.boolean(), true],
    [T.double(), T.decimal(5, 2), true],
  ];
  for (const [from, to, ok] of cases) {
    test(`${formatType(from)} → ${formatType(to)}: ${ok}`, () => assert.equal(canCastExplicitly(from, to), ok));
  }
});

describe('comparisonTypes', () => {
  test('string compared with a number is cast to the number', () => {
    assert.deepEqual(comparisonTypes([T.string(), T.int(false)])?.map(show), ['INT', 'INT NOT NULL']);
  });
  test('string compared with a date-time is cast to it', () => {
    assert.deepEqual(comparisonTypes([T.timestamp(3), T.string()])?.map(show), ['TIMESTAMP(3)', 'TIMESTAMP(3)']);
  });
  test('BIGINT against DOUBLE stays exact', () => {
    assert.deepEqual(comparisonTypes([T.bigint(), T.double()])?.map(show), ['BIGINT', 'DOUBLE']);
  });
  test('INT against BIGINT widens', () => {
    assert.deepEqual(comparisonTypes([T.int(), T.bigint()])?.map(show), ['BIGINT', 'BIGINT']);
  });
  test('NULL takes the other type', () => {
    assert.deepEqual(comparisonTypes([T.null(), T.decimal(5, 1)])?.map(show), ['DECIMAL(5, 1)', 'DECIMAL(5, 1)']);
  });
  test('incomparable types', () => {
    assert.equal(comparisonTypes([T.int(), T.date()]), null);
    assert.equal(comparisonTypes([T.boolean(), T.int()]), null);
  });
});
