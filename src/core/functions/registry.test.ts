import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isStrataError } from '../errors.js';
import { T } from '../types.js';
import { isScalarFunction, listFunctions, lookupFunction, resolveFunction } from './registry.js';

function validationError(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => isStrataError(e) && e.code === 'SQL_VALIDATION' && e.location === undefined && e.message === message);
}

describe('registry', () => {
  test('names are case-insensitive; aliases resolve to the same definition', () => {
    assert.equal(lookupFunction('upper'), lookupFunction('UPPER'));
    assert.equal(lookupFunction('ceiling'), lookupFunction('CEIL'));
    assert.equal(lookupFunction('substr'), lookupFunction('SUBSTRING'));
    assert.equal(lookupFunction('is  not  null'), lookupFunction('IS NOT NULL'));
    assert.ok(isScalarFunction('coalesce'));
    assert.ok(isScalarFunction('+'));
    assert.ok(!isScalarFunction('COUNT'));
  });
  test('listFunctions lists every name once, sorted', () => {
    const names = listFunctions();
    assert.deepEqual(names, [...new Set(names)].sort());
    for (const n of ['ABS', 'CONCAT_WS', 'DATE_FORMAT', 'JSON_VALUE', 'TO_TIMESTAMP_LTZ', 'IN', 'LIKE', '||', 'UUID']) assert.ok(names.includes(n), n);
  });
  test('unknown functions, with a suggestion when close', () => {
    validationError(() => resolveFunction('UPER', [T.string()]), "unknown function 'UPER'; did you mean 'UPPER'?");
    validationError(() => resolveFunction('date_fromat', [T.string()]), "unknown function 'DATE_FROMAT'; did you mean 'DATE_FORMAT'?");
    validationError(() => resolveFunction('FROBNICATE', []), "unknown function 'FROBNICATE'");
  });
  test('arguments that do not fit', () => {
    validationError(() => resolveFunction('UPPER', [T.int()]), 'cannot apply UPPER to INT; expected UPPER(STRING)');
    validationError(() => resolveFunction('+', [T.string(), T.int()]), 'cannot apply + to (STRING, INT); expected NUMERIC + NUMERIC');
    validationError(() => resolveFunction('PI', [T.int()]), 'cannot apply PI to INT; expected PI()');
  });
  test('deterministic flag', () => {
    assert.equal(resolveFunction('RAND', []).deterministic, false);
    assert.equal(resolveFunction('UUID', []).deterministic, false);
    assert.equal(resolveFunction('NOW', []).deterministic, false);
    assert.equal(resolveFunction('UPPER', [T.string()]).deterministic, true);
  });
  test('argument types ask for casts where needed', () => {
    const r = resolveFunction('SQRT', [T.int(false)]);
    assert.equal(r.argTypes[0]!.kind, 'DOUBLE');
    assert.equal(r.argTypes[0]!.nullable, false);
    const c = resolveFunction('=', [T.string(), T.int()]);
    assert.deepEqual(c.argTypes.map((t) => t.kind), ['INT', 'INT']);
  });
});
