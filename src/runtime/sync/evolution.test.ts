import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T } from '../../core/types.js';
import { isWidening } from './evolution.js';

describe('isWidening', () => {
  test('widenings', () => {
    assert.ok(isWidening(T.int(), T.bigint()));
    assert.ok(isWidening(T.varchar(10), T.varchar(100)));
    assert.ok(isWidening(T.decimal(10, 2), T.decimal(12, 2)));
    assert.ok(isWidening(T.bigint(), T.decimal(20, 0)));
    assert.ok(isWidening(T.float(), T.double()));
  });
  test('narrowings and changes of kind are not', () => {
    assert.ok(!isWidening(T.bigint(), T.int()));
    assert.ok(!isWidening(T.varchar(100), T.varchar(10)));
    assert.ok(!isWidening(T.decimal(10, 2), T.decimal(10, 3)));
    assert.ok(!isWidening(T.int(), T.varchar(10)));
  });
});
