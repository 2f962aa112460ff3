import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr, Statement } from '../ast.js';
import { parseStatements } from '../parser.js';
import { FLINK, STARROCKS, catchError, show, showQuery, stmt } from './test-support.js';

describe('statements: INSERT', () => {
  test('INSERT INTO t SELECT', () => {
    const i = stmt('INSERT INTO ods_order_table SELECT * FROM orders_src', 'insert');
    assert.deepEqual(i.table.parts, ['ods_order_table']);
    assert.equal(i.overwrite, false);
    assert.equal(i.columns, null);
    assert.deepEqual(i.hints, []);
    assert.equal(showQuery(i.query), 'SELECT * FROM orders_src');
  });

  test('INSERT OVERWRITE with hints and a column list', () => {
    const i = stmt("INSERT OVERWRITE db.t /*+ OPTIONS('sink.parallelism' = '2') */ (a, b) SELECT x, y FROM s", 'insert');
    assert.equal(i.overwrite, true);
    assert.deepEqual(i.columns, ['a', 'b']);
    assert.deepEqual(
      i.hints.map((h) => [h.key, h.value]),
      [['sink.parallelism', '2']],
    );
  });

  test('INSERT ... VALUES, and a parenthesized query is not a column list', () => {
    const v = stmt("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')", 'insert');
    assert.equal(showQuery(v.query), "VALUES (1, 'x'), (2, 'y')");
    const p = stmt('INSERT INTO t (SELECT 1)', 'insert');
    assert.equal(p.columns, null);
  });

  test('starrocks INSERT with double-quoted strings', () => {
    const v = stmt('INSERT INTO flink_cdc.orders(order_id,order_revenue,order_region,customer_id) VALUES(1,10,"beijing",1)', 'insert', STARROCKS);
    assert.equal(showQuery(v.query), "VALUES (1, 10, 'beijing', 1)");
  });
});

describe('statements: statement sets', () => {
  test('BEGIN STATEMENT SET; ... END; is one statement', () => {
    const all = parseStatements(
      'BEGIN STATEMENT SET;\nINSERT INTO a SELECT * FROM x;\n;\nINSERT INTO b SELECT * FROM y;\nEND;\nSELECT 1;',
      FLINK,
    );
    assert.equal(all.length, 2);
    const set = all[0]?.statement;
    assert.ok(set !== undefined && set.kind === 'statement-set');
    assert.deepEqual(
      set.inserts.map((i) => i.table.parts[0]),
      ['a', 'b'],
    );
    assert.equal(all[0]?.text, 'BEGIN STATEMENT SET;\nINSERT INTO a SELECT * FROM x;\n;\nINSERT INTO b SELECT * FROM y;\nEND');
  });

  test('EXECUTE STATEMENT SET BEGIN ... END', () => {
    const s = stmt('EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;', 'statement-set');
    assert.equal(s.inserts.length, 2);
  });

  test('the last INSERT may omit its semicolon before END', () => {
    const s = stmt('BEGIN STATEMENT SET; INSERT INTO a SELECT * FROM x END', 'statement-set');
    assert.equal(s.inserts.length, 1);
  });

  test('EXECUTE INSERT is the INSERT', () => {
    stmt('EXECUTE INSERT INTO a SELECT 1', 'insert');
  });
});

describe('statements: USE, SET, RESET', () => {
  test('USE forms', () => {
    assert.deepEqual(
      [stmt('USE flink_cdc', 'use'), stmt('USE `cat`.db', 'use'), stmt('USE CATALOG c', 'use')].map((u) => [u.catalog, u.name.parts]),
      [
        [false, ['flink_cdc']],
        [false, ['cat', 'db']],
        [true, ['c']],
      ],
    );
  });

  test("flink SET 'k' = 'v', SET alone, and the legacy unquoted form", () => {
    assert.deepEqual(stmt("SET 'table.exec.mini-batch.enabled' = 'true'", 'set').assignments, [
      { key: 'table.exec.mini-batch.enabled', value: 'true', scope: null },
    ]);
    assert.deepEqual(stmt('SET', 'set').assignments, []);
    assert.deepEqual(stmt('SET execution.runtime-mode = streaming;', 'set').assignments, [
      { key: 'execution.runtime-mode', value: 'streaming', scope: null },
    ]);
  });

  test('starrocks SET with scopes, @@ and @ variables, NAMES, ON/DEFAULT', () => {
    const s = stmt("SET SESSION sql_mode = 'STRICT', GLOBAL x = 1, @@session.y = 2, @@global.z = 3, @@w = 4, @v = 'u', autocommit = ON, a.b = DEFAULT", 'set', STARROCKS);
    const summary = s.assignments.map((a) => [a.key, typeof a.value === 'string' ? a.value : show(a.value as Expr), a.scope]);
    assert.deepEqual(summary, [
      ['sql_mode', "'STRICT'", 'SESSION'],
      ['x', '1', 'GLOBAL'],
      ['y', '2', 'SESSION'],
      ['z', '3', 'GLOBAL'],
      ['w', '4', null],
      ['@v', "'u'", null],
      ['autocommit', 'ON', null],
      ['a.b', 'DEFAULT', null],
    ]);
    assert.deepEqual(stmt('SET NAMES utf8mb4 COLLATE utf8mb4_general_ci', 'set', STARROCKS).assignments, [{ key: 'NAMES', value: 'utf8mb4', scope: null }]);
    assert.deepEqual(stmt('SET character_set_results = NULL', 'set', STARROCKS).assignments.map((a) => [a.key, show(a.value as Expr)]), [['character_set_results', 'NULL']]);
  });

  test('RESET', () => {
    assert.equal(stmt('RESET', 'reset').key, null);
    assert.equal(stmt("RESET 'parallelism.default'", 'reset').key, 'parallelism.default');
  });
});

describe('statements: SHOW, DESCRIBE, EXPLAIN', () => {
  const shows: [string, string, string[] | null, string | null, boolean][] = [
    ['SHOW CATALOGS', 'CATALOGS', null, null, false],
    ['SHOW DATABASES', 'DATABASES', null, null, false],
    ['show tables', 'TABLES', null, null, false],
    ["SHOW TABLES FROM cat.db LIKE 'ods%'", 'TABLES', ['cat', 'db'], 'ods%', false],
    ['SHOW TABLES IN db', 'TABLES', ['db'], null, false],
    ['SHOW FULL TABLES', 'TABLES', null, null, true],
    ['SHOW VIEWS', 'VIEWS', null, null, false],
    ['SHOW FUNCTIONS', 'FUNCTIONS', null, null, false],
    ['SHOW JOBS', 'JOBS', null, null, false],
    ['SHOW CURRENT CATALOG', 'CURRENT CATALOG', null, null, false],
    ['SHOW CURRENT DATABASE', 'CURRENT DATABASE', null, null, false],
    ['SHOW CREATE TABLE db.t', 'CREATE TABLE', ['db', 't'], null, false],
    ['SHOW CREATE VIEW v', 'CREATE VIEW', ['v'], null, false],
    ['SHOW COLUMNS FROM t', 'COLUMNS', ['t'], null, false],
    ['SHOW FULL COLUMNS FROM t FROM db', 'COLUMNS', ['db', 't'], null, true],
    ["SHOW VARIABLES LIKE 'version%'", 'VARIABLES', null, 'version%', false],
    ["SHOW SESSION VARIABLES LIKE 'x'", 'SESSION VARIABLES', null, 'x', false],
    ['SHOW PROCESSLIST', 'PROCESSLIST', null, null, false],
    ['SHOW FULL PROCESSLIST', 'PROCESSLIST', null, null, true],
    ['SHOW STATUS', 'STATUS', null, null, false],
  ];
  for (const [sql, what, name, like, full] of shows) {
    test(sql, () => {
      const s = stmt(sql, 'show', sql.includes('PROCESSLIST') || sql.includes('STATUS') ? STARROCKS : FLINK);
      assert.deepEqual([s.what, s.name?.parts ?? null, s.like, s.full], [what, name, like, full]);
    });
  }

  test('DESCRIBE and DESC', () => {
    assert.deepEqual(stmt('DESCRIBE db.t', 'describe').name.parts, ['db', 't']);
    assert.deepEqual(stmt('desc t', 'describe', STARROCKS).name.parts, ['t']);
  });

  test('EXPLAIN with details, EXPLAIN PLAN FOR, EXPLAIN of a statement set', () => {
    const e = stmt('EXPLAIN CHANGELOG_MODE, ESTIMATED_COST, JSON_EXECUTION_PLAN, PLAN_ADVICE SELECT * FROM t', 'explain');
    assert.deepEqual(e.details, ['CHANGELOG_MODE', 'ESTIMATED_COST', 'JSON_EXECUTION_PLAN', 'PLAN_ADVICE']);
    assert.equal(e.statement.kind, 'query');
    const p = stmt('EXPLAIN PLAN FOR INSERT INTO a SELECT * FROM b', 'explain');
    assert.deepEqual(p.details, []);
    assert.equal(p.statement.kind, 'insert');
    const s = stmt('EXPLAIN STATEMENT SET BEGIN INSERT INTO a SELECT 1; END', 'explain');
    assert.equal((s.statement as Statement).kind, 'statement-set');
  });
});

describe('statements: unknown statements', () => {
  test('a misspelled statement names the word and suggests the keyword', () => {
    const e = catchError(() => stmt('SELEC 1', 'query'));
    assert.equal(e.code, 'SQL_SYNTAX');
    assert.match(e.message, /unknown statement 'SELEC'; expected SELECT, INSERT, CREATE/);
    assert.match(e.message, /Did you mean SELECT\?/);
  });

  test('END without BEGIN', () => {
    const e = catchError(() => stmt('END', 'query'));
    assert.match(e.message, /END without BEGIN STATEMENT SET/);
  });
});
