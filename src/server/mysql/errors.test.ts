import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../core/errors.js';
import { accessDenied, toMySqlError } from './errors.js';

function code(e: unknown): [number, string] {
  const m = toMySqlError(e);
  return [m.errno, m.sqlState];
}

describe('StrataError → MySQL error', () => {
  test('syntax errors are 1064 with MySQL wording first', () => {
    const m = toMySqlError(new StrataError('SQL_SYNTAX', "unexpected token 'FORM'", { location: { line: 1, column: 10 } }));
    assert.equal(m.errno, 1064);
    assert.equal(m.sqlState, '42000');
    assert.match(m.message, /^You have an error in your SQL syntax; 1:10: unexpected token 'FORM'$/);
  });

  test('not found: tables, databases, columns, functions', () => {
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_NOT_FOUND', "Table 'db.t' doesn't exist")), [1146, '42S02']);
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_NOT_FOUND', "Unknown database 'x'")), [1049, '42000']);
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_NOT_FOUND', 'object `x` not found', { details: { objectType: 'database' } })), [1049, '42000']);
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_NOT_FOUND', 'object `x` not found', { details: { kind: 'table' } })), [1146, '42S02']);
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_NOT_FOUND', 'table `t` not found in database `d`')), [1146, '42S02']);
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_NOT_FOUND', 'column `c` not found')), [1054, '42S22']);
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_NOT_FOUND', 'function `f` not found')), [1305, '42000']);
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_NOT_FOUND', '`x` not found')), [1146, '42S02']);
  });

  test('exists: tables and databases', () => {
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_EXISTS', "Table 't' already exists")), [1050, '42S01']);
    assert.deepEqual(code(new StrataError('CATALOG_OBJECT_EXISTS', "Can't create database 'd'; database exists")), [1007, 'HY000']);
  });

  test('validation: unknown columns are 1054, the rest 1105', () => {
    assert.deepEqual(code(new StrataError('SQL_VALIDATION', "Unknown column 'x' in 'field list'")), [1054, '42S22']);
    assert.deepEqual(code(new StrataError('SQL_VALIDATION', 'column `x` cannot be resolved')), [1054, '42S22']);
    assert.deepEqual(code(new StrataError('SQL_VALIDATION', 'bad', { details: { column: 'x' } })), [1054, '42S22']);
    assert.deepEqual(code(new StrataError('SQL_VALIDATION', 'cannot compare DATE with BOOLEAN')), [1105, 'HY000']);
  });

  test('unsupported, usage, runtime, explicit codes', () => {
    assert.deepEqual(code(new StrataError('SQL_UNSUPPORTED', 'WINDOW is not supported')), [1235, '42000']);
    assert.deepEqual(code(new StrataError('USAGE', 'no')), [1105, 'HY000']);
    assert.deepEqual(code(new StrataError('RUNTIME', 'duckdb said no')), [1105, 'HY000']);
    assert.deepEqual(code(new StrataError('USAGE', 'No database selected', { details: { mysqlErrno: 1046, mysqlSqlState: '3D000' } })), [1046, '3D000']);
  });

  test('non-Strata errors: 1105, message only, no stack trace', () => {
    const e = new TypeError('x is not a function');
    const m = toMySqlError(e);
    assert.equal(m.errno, 1105);
    assert.equal(m.sqlState, 'HY000');
    assert.equal(m.message, 'internal error: x is not a function');
    assert.doesNotMatch(m.message, /\bat\b.*\.js/);
    assert.equal(toMySqlError('plain string').message, 'internal error: plain string');
  });

  test('messages are one line and bounded', () => {
    const m = toMySqlError(new StrataError('RUNTIME', 'line one\n  line two'));
    assert.equal(m.message, 'line one line two');
    assert.ok(toMySqlError(new StrataError('RUNTIME', 'x'.repeat(10_000))).message.length <= 2000);
  });

  test('access denied is worded as MySQL words it', () => {
    const m = accessDenied('bob', '127.0.0.1', true);
    assert.equal(m.errno, 1045);
    assert.equal(m.sqlState, '28000');
    assert.equal(m.message, "Access denied for user 'bob'@'127.0.0.1' (using password: YES)");
    assert.match(accessDenied('bob', 'h', false).message, /using password: NO/);
  });
});
