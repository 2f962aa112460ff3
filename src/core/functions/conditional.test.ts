import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../decimal.js';
import { formatType, T } from '../types.js';
import { call, resultType } from './test-helpers.js';

const I = T.int();
const S = T.string();
const B = T.boolean();

describe('COALESCE', () => {
  test('first non-NULL argument', () => {
    assert.equal(call('COALESCE', [[null, I], [2, I], [3, I]]), 2);
    assert.equal(call('COALESCE', [[1, I], [null, I]]), 1);
    assert.equal(call('COALESCE', [[null, I], [null, I]]), null);
    assert.equal(call('COALESCE', [['x', S]]), 'x');
  });
  test('type: common type, NOT NULL when any argument is', () => {
    assert.equal(formatType(resultType('COALESCE', [T.int(), T.bigint(false)])), 'BIGINT NOT NULL');
    assert.equal(formatType(resultType('COALESCE', [T.int(), T.decimal(5, 2)])), 'DECIMAL(12, 2)');
    assert.equal(formatType(resultType('COALESCE', [T.null(), T.varchar(3)])), 'VARCHAR(3)');
    assert.throws(() => resultType('COALESCE', [T.int(), S]), /cannot apply COALESCE/);
  });
});

describe('IF, IFNULL, NULLIF', () => {
  test('IF picks by a TRUE condition; NULL counts as false', () => {
    assert.equal(call('IF', [[true, B], [1, I], [2, I]]), 1);
    assert.equal(call('IF', [[false, B], [1, I], [2, I]]), 2);
    assert.equal(call('IF', [[null, B], [1, I], [2, I]]), 2);
    assert.equal(formatType(resultType('IF', [B, T.int(false), T.bigint(false)])), 'BIGINT NOT NULL');
  });
  test('IFNULL', () => {
    assert.equal(call('IFNULL', [[null, S], ['d', S]]), 'd');
    assert.equal(call('IFNULL', [['v', S], ['d', S]]), 'v');
    assert.equal(formatType(resultType('IFNULL', [T.int(), T.int(false)])), 'INT NOT NULL');
  });
  test('NULLIF', () => {
    assert.equal(call('NULLIF', [[1, I], [1, I]]), null);
    assert.equal(call('NULLIF', [[1, I], [2, I]]), 1);
    assert.equal(call('NULLIF', [[1, I], [null, I]]), 1);
    assert.equal(call('NULLIF', [[null, I], [1, I]]), null);
    assert.equal(formatType(resultType('NULLIF', [T.int(false), T.int(false)])), 'INT');
  });
});

describe('GREATEST, LEAST', () => {
  test('over numbers, strings and decimals; NULL if any is NULL', () => {
    assert.equal(call('GREATEST', [[1, I], [3, I], [2, I]]), 3);
    assert.equal(call('LEAST', [[1, I], [3, I], [2, I]]), 1);
    assert.equal(call('GREATEST', [['b', S], ['a', S]]), 'b');
    assert.equal(call('GREATEST', [[1, I], [null, I]]), null);
    const t = T.decimal(4, 2);
    assert.equal(String(call('LEAST', [[Decimal.parse('1.10')!, t], [Decimal.parse('1.05')!, t]])), '1.05');
  });
});

describe('IS_DIGIT, IS_DECIMAL, IS_ALPHA', () => {
  test('string tests; NULL is false', () => {
    assert.equal(call('IS_DIGIT', [['123', S]]), true);
    assert.equal(call('IS_DIGIT', [['12a', S]]), false);
    assert.equal(call('IS_DIGIT', [['', S]]), false);
    assert.equal(call('IS_DIGIT', [[null, S]]), false);
    assert.equal(call('IS_DIGIT', [[5, I]]), true);
    assert.equal(call('IS_DECIMAL', [['1.5e3', S]]), true);
    assert.equal(call('IS_DECIMAL', [['abc', S]]), false);
    assert.equal(call('IS_ALPHA', [['abc', S]]), true);
    assert.equal(call('IS_ALPHA', [['ab1', S]]), false);
  });
});
