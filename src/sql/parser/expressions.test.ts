import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from '../ast.js';
import { STARROCKS, catchError, expr, select, show, showExpr } from './test-support.js';

describe('expressions: precedence', () => {
  const cases: [string, string][] = [
    ['a OR b AND c', '(a OR (b AND c))'],
    ['a AND b OR c', '((a AND b) OR c)'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['a = b AND c <> d', '((a = b) AND (c <> d))'],
    ['a + b * c', '(a + (b * c))'],
    ['a * b + c', '((a * b) + c)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b % c', '((a / b) % c)'],
    ['-a * b', '((- a) * b)'],
    ['- - a', '(- (- a))'],
    ['+a', '(+ a)'],
    ['(a + b) * c', '((a + b) * c)'],
    ["a || b = c", '((a || b) = c)'],
    ["a + b || c", '((a + b) || c)'],
    ['a < b + 1', '(a < (b + 1))'],
    ['a != b', '(a <> b)'],
    ['a <=> b', '(a <=> b)'],
    ['a <= b OR a >= c', '((a <= b) OR (a >= c))'],
    ['a BETWEEN 1 AND 2 AND b', '((a BETWEEN 1 AND 2) AND b)'],
    ['a NOT BETWEEN x + 1 AND y * 2', '(a NOT BETWEEN (x + 1) AND (y * 2))'],
    ['a BETWEEN SYMMETRIC 2 AND 1', '(a BETWEEN SYMMETRIC 2 AND 1)'],
    ['a IS NULL OR b IS NOT NULL', '((a IS NULL) OR (b IS NOT NULL))'],
    ['a IS TRUE AND b IS NOT FALSE AND c IS UNKNOWN', '(((a IS TRUE) AND (b IS NOT FALSE)) AND (c IS UNKNOWN))'],
    ['a + 1 IS NULL', '((a + 1) IS NULL)'],
    ['a IN (1, 2, 3)', '(a IN (1, 2, 3))'],
    ['a NOT IN (1) OR b', '((a NOT IN (1)) OR b)'],
    ["a LIKE 'x%' AND b NOT LIKE 'y'", "((a LIKE 'x%') AND (b NOT LIKE 'y'))"],
    ["a LIKE 'x!%' ESCAPE '!'", "(a LIKE 'x!%' ESCAPE '!')"],
    ["a SIMILAR TO 'x' OR a NOT SIMILAR TO 'y'", "((a SIMILAR TO 'x') OR (a NOT SIMILAR TO 'y'))"],
    ['NOT a IN (1)', '(NOT (a IN (1)))'],
    ['a = -1', '(a = (- 1))'],
    ['a IS NOT DISTINCT FROM b + 1', '(a <=> (b + 1))'],
    ['a IS DISTINCT FROM b AND c', '((NOT (a <=> b)) AND c)'],
    ["arr[1] + m['k'][2]", "(ITEM(arr, 1) + ITEM(ITEM(m, 'k'), 2))"],
  ];
  for (const [sql, want] of cases) {
    test(`${sql}  →  ${want}`, () => assert.equal(showExpr(sql), want));
  }
});

describe('expressions: starrocks operators', () => {
  const cases: [string, string][] = [
    ['a || b && c', '(a OR (b AND c))'],
    ['a && b || c', '((a AND b) OR c)'],
    ['!a AND b', '((NOT a) AND b)'],
    ['a DIV 2 + 1', '(DIV(a, 2) + 1)'],
    ['a MOD 3', 'MOD(a, 3)'],
    ['mod(a, 3)', 'mod(a, 3)'],
    ["a REGEXP '^x'", "REGEXP(a, '^x')"],
    ["a NOT RLIKE '^x'", "(NOT REGEXP(a, '^x'))"],
    ['@@version_comment', '@@.version_comment'],
    ['@@session.auto_increment_increment', '@@session.auto_increment_increment'],
    ['@@GLOBAL.x', '@@global.x'],
    ['@v', '@.v'],
    ['INTERVAL 1 DAY', "INTERVAL '1' DAY"],
    ["_utf8mb4'abc'", "'abc'"],
    ['"abc"', "'abc'"],
    ['CAST(a AS SIGNED)', 'CAST(a AS SIGNED)'],
    ['CAST(a AS UNSIGNED INTEGER)', 'CAST(a AS UNSIGNED)'],
  ];
  for (const [sql, want] of cases) {
    test(`${sql}  →  ${want}`, () => assert.equal(showExpr(sql, STARROCKS), want));
  }

  test('in flink, || is concatenation and && is not an operator', () => {
    assert.equal(showExpr("a || 'b'"), "(a || 'b')");
    const e = catchError(() => expr('a && b'));
    assert.match(e.message, /unexpected '&&'/);
    assert.match(e.message, /write AND/);
  });

  test('@@var parts', () => {
    const e = expr('@@version_comment', STARROCKS);
    assert.equal(e.kind, 'identifier');
    if (e.kind === 'identifier') assert.deepEqual(e.parts, ['@@', 'version_comment']);
  });
});

describe('expressions: literals', () => {
  test('numbers keep their text', () => {
    for (const n of ['42', '3.14', '.5', '1e3', '1.5E-2']) {
      const e = expr(n);
      assert.equal(e.kind, 'number');
      if (e.kind === 'number') assert.equal(e.text, n);
    }
  });

  test('strings, booleans, null', () => {
    assert.deepEqual(
      [expr("'it''s'"), expr('TRUE'), expr('false'), expr('NULL')].map((e) => show(e)),
      ["'it's'", 'TRUE', 'FALSE', 'NULL'],
    );
  });

  test('typed literals', () => {
    assert.equal(showExpr("DATE '2024-01-01'"), "DATE '2024-01-01'");
    assert.equal(showExpr("TIME '12:00:00'"), "TIME '12:00:00'");
    assert.equal(showExpr("timestamp '2024-01-01 12:00:00'"), "TIMESTAMP '2024-01-01 12:00:00'");
    assert.equal(showExpr("X'0aff'"), "BINARY '0aff'");
  });

  test('intervals: units upper-case and singular, negative sign', () => {
    assert.equal(showExpr("INTERVAL '5' SECOND"), "INTERVAL '5' SECOND");
    assert.equal(showExpr("INTERVAL '10' MINUTES"), "INTERVAL '10' MINUTE");
    assert.equal(showExpr("interval '2' hours"), "INTERVAL '2' HOUR");
    assert.equal(showExpr("INTERVAL -'5' SECOND"), "INTERVAL -'5' SECOND");
    assert.equal(showExpr("ts - INTERVAL '1' DAY"), "(ts - INTERVAL '1' DAY)");
    for (const u of ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND']) {
      const e = expr(`INTERVAL '3' ${u}S`);
      assert.equal(e.kind === 'interval' ? e.unit : '', u);
    }
  });

  test('interval ranges (DAY TO SECOND) are rejected clearly', () => {
    const e = catchError(() => expr("INTERVAL '1 02:00:00' DAY TO SECOND"));
    assert.equal(e.code, 'SQL_UNSUPPORTED');
    assert.match(e.message, /DAY TO \.\.\. are not supported/);
    assert.equal(e.location?.column, 27);
  });

  test('flink intervals need a quoted value', () => {
    const e = catchError(() => expr('INTERVAL 5 SECOND'));
    assert.equal(e.code, 'SQL_SYNTAX');
    assert.match(e.message, /expected a quoted interval value/);
    assert.match(e.message, /INTERVAL '5'/);
  });

  test('parameters are numbered in order of appearance', () => {
    const s = select('SELECT ?, a FROM t WHERE b = ? AND c IN (?, ?)');
    assert.equal(show(s.items[0]?.expr as Expr), '?0');
    assert.equal(show(s.where as Expr), '((b = ?1) AND (c IN (?2, ?3)))');
  });

  test('a row constructor is rejected as unsupported', () => {
    const e = catchError(() => expr('(a, b) = (1, 2)'));
    assert.equal(e.code, 'SQL_UNSUPPORTED');
    assert.match(e.message, /row constructors/);
  });
});

describe('expressions: special forms', () => {
  const cases: [string, string][] = [
    ["CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END", "CASE WHEN (a > 1) THEN 'x' WHEN (a > 0) THEN 'y' ELSE 'z' END"],
    ["CASE status WHEN 1 THEN 'on' END", "CASE status WHEN 1 THEN 'on' END"],
    ['CAST(a AS DECIMAL(10, 2))', 'CAST(a AS DECIMAL(10, 2))'],
    ['TRY_CAST(a AS INT)', 'TRY_CAST(a AS INT)'],
    ['CAST(ts AS TIMESTAMP(3) WITH LOCAL TIME ZONE)', 'CAST(ts AS TIMESTAMP_LTZ(3))'],
    ['upper(name)', 'upper(name)'],
    ['mydb.my_udf(a, 1)', 'mydb.my_udf(a, 1)'],
    ['COUNT(*)', 'COUNT(*)'],
    ['count(DISTINCT user_id)', 'count(DISTINCT user_id)'],
    ['SUM(x) FILTER (WHERE x > 0)', 'SUM(x) FILTER (WHERE (x > 0))'],
    ['ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY ts DESC)', 'ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY ts DESC)'],
    ['now()', 'now()'],
    ['EXTRACT(DAY FROM ts)', "EXTRACT('DAY', ts)"],
    ['EXTRACT(hours FROM ts)', "EXTRACT('HOUR', ts)"],
    ["POSITION('x' IN s)", "POSITION('x', s)"],
    ["TRIM(BOTH 'x' FROM s)", "TRIM('BOTH', 'x', s)"],
    ['TRIM(LEADING FROM s)', "TRIM('LEADING', ' ', s)"],
    ["TRIM('x' FROM s)", "TRIM('BOTH', 'x', s)"],
    ['TRIM(s)', 'TRIM(s)'],
    ['SUBSTRING(s FROM 2 FOR 3)', 'SUBSTRING(s, 2, 3)'],
    ['SUBSTRING(s FROM 2)', 'SUBSTRING(s, 2)'],
    ['SUBSTRING(s, 2, 3)', 'SUBSTRING(s, 2, 3)'],
    ["OVERLAY(s PLACING 'ab' FROM 2 FOR 1)", "OVERLAY(s, 'ab', 2, 1)"],
    ['CURRENT_TIMESTAMP', 'CURRENT_TIMESTAMP()'],
    ['current_date', 'CURRENT_DATE()'],
    ['LOCALTIMESTAMP', 'LOCALTIMESTAMP()'],
    ['CURRENT_USER', 'CURRENT_USER()'],
    ['CURRENT_TIMESTAMP(3)', 'CURRENT_TIMESTAMP(3)'],
    ['LEFT(s, 2)', 'LEFT(s, 2)'],
    ['(SELECT max(a) FROM t)', '(SELECT max(a) FROM t)'],
    ['EXISTS (SELECT 1 FROM t)', 'EXISTS(SELECT 1 FROM t)'],
    ['NOT EXISTS (SELECT 1 FROM t)', 'NOT EXISTS(SELECT 1 FROM t)'],
    ['a IN (SELECT b FROM t)', '(a IN (SELECT b FROM t))'],
    ['t.a + `t`.`b c`', '(t.a + t.b c)'],
    ['cat.db.t.col', 'cat.db.t.col'],
  ];
  for (const [sql, want] of cases) {
    test(`${sql}  →  ${want}`, () => assert.equal(showExpr(sql), want));
  }

  test('NOT EXISTS is an ExistsExpr with not = true', () => {
    const e = expr('NOT EXISTS (SELECT 1)');
    assert.equal(e.kind, 'exists');
    if (e.kind === 'exists') assert.equal(e.not, true);
  });

  test('special forms are FunctionCalls with upper-case names', () => {
    const e = expr('extract(year from ts)');
    assert.equal(e.kind, 'call');
    if (e.kind === 'call') {
      assert.deepEqual(e.name, ['EXTRACT']);
      assert.equal(e.args.length, 2);
    }
  });

  test('window frames are rejected as unsupported', () => {
    const e = catchError(() => expr('SUM(a) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)'));
    assert.equal(e.code, 'SQL_UNSUPPORTED');
    assert.match(e.message, /window frames/);
  });

  test('non-reserved keywords are column names', () => {
    const cols = ['name', 'value', 'type', 'status', 'timestamp', 'date', 'comment', 'key', 'data', 'year', 'month', 'day', 'hour', 'time', 'count', 'interval', 'position', 'language', 'user'];
    const s = select(`SELECT ${cols.join(', ')} FROM t`);
    assert.deepEqual(
      s.items.map((i) => show(i.expr)),
      cols,
    );
  });

  test('a reserved word as a column needs backticks, and the error says so', () => {
    const e = catchError(() => select('SELECT a, order FROM t'));
    assert.match(e.message, /expected an expression, found 'order'/);
    assert.equal(select('SELECT a, `order` FROM t').items.length, 2);
  });
});

describe('expressions: positions', () => {
  test('each node starts where its text starts', () => {
    const e = expr('a +\n  f(b, 1) * 2');
    assert.equal(e.kind, 'binary');
    if (e.kind !== 'binary') return;
    assert.deepEqual(e.pos, { line: 1, column: 1, offset: 0 });
    const right = e.right;
    assert.equal(right.kind, 'binary');
    if (right.kind !== 'binary') return;
    assert.deepEqual(right.pos, { line: 2, column: 3, offset: 6 });
    assert.equal(right.left.kind, 'call');
    if (right.left.kind === 'call') assert.deepEqual(right.left.args[0]?.pos, { line: 2, column: 5, offset: 8 });
  });
});
