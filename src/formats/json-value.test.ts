import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../core/decimal.js';
import { T } from '../core/types.js';
import { toJsonValue } from './json-value.js';

test('exact numbers stay exact in JSON', () => {
  assert.equal(toJsonValue(42n, T.bigint()), 42);
  assert.equal(toJsonValue(9007199254740993n, T.bigint()), '9007199254740993');
  assert.equal(toJsonValue(-9223372036854775808n, T.bigint()), '-9223372036854775808');
  assert.equal(toJsonValue(new Decimal(12345n, 2), T.decimal(10, 2)), '123.45');
  assert.equal(toJsonValue(Number.NaN, T.double()), 'NaN');
});

test('temporal and binary values are text', () => {
  assert.equal(toJsonValue(0, T.date()), '1970-01-01');
  assert.equal(toJsonValue(1_500_000n, T.timestamp(3)), '1970-01-01 00:00:01.500');
  assert.equal(toJsonValue(new Uint8Array([0, 255]), T.bytes()), 'AP8=');
  assert.equal(toJsonValue(null, T.int()), null);
});
