import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatements } from '../parser.js';
import { FLINK, STARROCKS, catchError, show, showQuery, stmt } from './test-support.js';

describe('starrocks: UPDATE, DELETE, TRUNCATE', () => {
  test('UPDATE t SET a = e, b = e WHERE c', () => {
    const u = stmt("UPDATE db.t SET a = a + 1, `b` = 'x' WHERE id = 3", 'update', STARROCKS);
    assert.deepEqual(u.table.parts, ['db', 't']);
    assert.equal(u.alias, null);
    assert.deepEqual(
      u.assignments.map((a) => [a.column, show(a.value)]),
      [
        ['a', '(a + 1)'],
        ['b', "'x'"],
      ],
    );
    assert.equal(u.from, null);
    assert.equal(show(u.where!), '(id = 3)');
    assert.deepEqual([u.pos.line, u.pos.column], [1, 1]);
    assert.deepEqual([u.assignments[1]!.pos.line, u.assignments[1]!.pos.column], [1, 28]);
  });

  test('UPDATE with an alias, a qualified column and FROM', () => {
    const u = stmt('UPDATE t AS x SET x.a = s.a FROM s, r WHERE s.id = x.id', 'update', STARROCKS);
    assert.equal(u.alias, 'x');
    assert.equal(u.assignments[0]!.column, 'a');
    assert.equal(u.from?.kind, 'join');
    const v = stmt('UPDATE t x SET a = 1', 'update', STARROCKS);
    assert.equal(v.alias, 'x');
    assert.equal(v.where, null);
  });

  test('DELETE FROM t [alias] [WHERE]', () => {
    const d = stmt('DELETE FROM db.t WHERE a IN (SELECT a FROM s)', 'delete', STARROCKS);
    assert.deepEqual(d.table.parts, ['db', 't']);
    assert.equal(d.alias, null);
    assert.equal(show(d.where!), '(a IN (SELECT a FROM s))');
    const all = stmt('delete from t x', 'delete', STARROCKS);
    assert.equal(all.alias, 'x');
    assert.equal(all.where, null);
  });

  test('TRUNCATE [TABLE] t', () => {
    assert.deepEqual(stmt('TRUNCATE TABLE db.t', 'truncate', STARROCKS).table.parts, ['db', 't']);
    assert.deepEqual(stmt('truncate t', 'truncate', STARROCKS).table.parts, ['t']);
  });

  test('unsupported forms are located SQL_UNSUPPORTED errors', () => {
    for (const [sql, column, msg] of [
      ['UPDATE t SET a = 1 ORDER BY a', 20, 'UPDATE ... ORDER'],
      ['DELETE FROM t WHERE a = 1 LIMIT 1', 27, 'DELETE ... LIMIT'],
      ['DELETE FROM t USING s WHERE t.a = s.a', 15, 'DELETE ... USING'],
      ['TRUNCATE TABLE t PARTITION (p1)', 18, 'PARTITION'],
    ] as const) {
      const e = catchError(() => parseStatements(sql, STARROCKS));
      assert.equal(e.code, 'SQL_UNSUPPORTED', sql);
      assert.deepEqual(e.location, { line: 1, column }, sql);
      assert.ok(e.message.includes(msg), e.message);
    }
  });

  test('syntax errors', () => {
    const e = catchError(() => parseStatements('UPDATE t a = 1', STARROCKS));
    assert.equal(e.code, 'SQL_SYNTAX');
    assert.ok(e.message.includes("expected SET after UPDATE t, found '='"), e.message);
    const d = catchError(() => parseStatements('DELETE t', STARROCKS));
    assert.ok(d.message.includes("expected FROM after DELETE, found 't'"), d.message);
  });

  test('the Flink dialect keeps its statement list', () => {
    const e = catchError(() => parseStatements('UPDATE t SET a = 1', FLINK));
    assert.equal(e.code, 'SQL_SYNTAX');
    assert.ok(e.message.startsWith("1:1: unknown statement 'UPDATE'; expected SELECT, INSERT, CREATE"), e.message);
    const s = catchError(() => parseStatements('UPDAT t SET a = 1', STARROCKS));
    assert.ok(s.message.includes('Did you mean UPDATE?'), s.message);
  });
});

describe('starrocks: transactions, KILL, SHOW ... WHERE, DROP ... FORCE, GROUP_CONCAT SEPARATOR', () => {
  test('BEGIN / START TRANSACTION / COMMIT / ROLLBACK', () => {
    const all = parseStatements('BEGIN; begin work; START TRANSACTION READ ONLY; COMMIT; commit work; ROLLBACK', STARROCKS);
    assert.deepEqual(
      all.map((s) => (s.statement.kind === 'transaction' ? s.statement.action : s.statement.kind)),
      ['BEGIN', 'BEGIN', 'BEGIN', 'COMMIT', 'COMMIT', 'ROLLBACK'],
    );
    // BEGIN STATEMENT SET is still a statement set.
    assert.equal(stmt('BEGIN STATEMENT SET; INSERT INTO a SELECT 1; END', 'statement-set', STARROCKS).inserts.length, 1);
  });

  test('KILL [CONNECTION | QUERY] n', () => {
    const k = stmt('KILL 42', 'kill', STARROCKS);
    assert.deepEqual([k.query, k.connectionId], [false, 42]);
    assert.equal(stmt('KILL QUERY 7', 'kill', STARROCKS).query, true);
    assert.equal(stmt('kill connection 7', 'kill', STARROCKS).connectionId, 7);
  });

  test('SHOW ... WHERE expr (starrocks only)', () => {
    const s = stmt("SHOW VARIABLES WHERE Variable_name = 'language' OR Variable_name = 'sql_mode'", 'show', STARROCKS);
    assert.equal(s.what, 'VARIABLES');
    assert.equal(show(s.where!), "((Variable_name = 'language') OR (Variable_name = 'sql_mode'))");
    assert.equal(stmt('SHOW TABLES', 'show', STARROCKS).where, undefined);
    const e = catchError(() => parseStatements("SHOW TABLES WHERE x = 'a'", FLINK));
    assert.equal(e.code, 'SQL_UNSUPPORTED');
  });

  test('DROP ... FORCE is recorded', () => {
    assert.equal(stmt('DROP DATABASE IF EXISTS d FORCE', 'drop', STARROCKS).force, true);
    assert.equal(stmt('DROP TABLE d.t', 'drop', STARROCKS).force, undefined);
  });

  test('GROUP_CONCAT(x SEPARATOR s) is GROUP_CONCAT(x, s)', () => {
    const s = stmt("SELECT group_concat(DISTINCT name SEPARATOR '; ') FROM t", 'query', STARROCKS);
    assert.equal(showQuery(s.query), "SELECT group_concat(DISTINCT name, '; ') FROM t");
  });
});
