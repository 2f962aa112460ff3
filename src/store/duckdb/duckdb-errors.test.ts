import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StrataError } from '../../core/errors.js';
import { codeOfDuckDbMessage, operationError, queryError } from './duckdb-errors.js';

describe('DuckDB error mapping', () => {
  test('codes by DuckDB error kind', () => {
    assert.equal(codeOfDuckDbMessage('Catalog Error: Table with name x does not exist!'), 'CATALOG_OBJECT_NOT_FOUND');
    assert.equal(codeOfDuckDbMessage('Catalog Error: Table with name "x" already exists!'), 'CATALOG_OBJECT_EXISTS');
    assert.equal(codeOfDuckDbMessage('Binder Error: Referenced column "nope" not found'), 'SQL_VALIDATION');
    assert.equal(codeOfDuckDbMessage('Parser Error: syntax error at or near "selec"'), 'SQL_VALIDATION');
    assert.equal(codeOfDuckDbMessage('Constraint Error: NOT NULL constraint failed: t.v'), 'RUNTIME');
    assert.equal(codeOfDuckDbMessage('Out of Memory Error: failed to allocate'), 'RUNTIME');
  });

  test('messages keep the DuckDB text and say what was being done', () => {
    const q = queryError(new Error('Binder Error: Referenced column "nope" not found'));
    assert.equal(q.code, 'SQL_VALIDATION');
    assert.equal(q.message, 'query failed: Binder Error: Referenced column "nope" not found');
    const o = operationError(new Error('Constraint Error: NOT NULL constraint failed: t.v'), 'apply to shop.t');
    assert.equal(o.code, 'RUNTIME');
    assert.equal(o.message, 'apply to shop.t failed: Constraint Error: NOT NULL constraint failed: t.v');
    const s = new StrataError('SQL_VALIDATION', 'already a StrataError');
    assert.equal(queryError(s), s);
    assert.equal(operationError(s, 'x'), s);
  });
});
