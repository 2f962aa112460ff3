import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  doubleToInt,
  doubleToLong,
  javaDoubleToString,
  javaFloatToString,
  parseDoubleText,
  parseIntegralText,
  wrapSmallint,
  wrapTinyint,
} from './numeric-text.js';

describe('Java number text (checked against a JDK)', () => {
  const doubles: [number, string][] = [
    [1e7, '1.0E7'],
    [1e-4, '1.0E-4'],
    [123456.789, '123456.789'],
    [1e21, '1.0E21'],
    [0.001, '0.001'],
    [-0, '-0.0'],
    [0, '0.0'],
    [10, '10.0'],
    [9999999, '9999999.0'],
    [1.5e300, '1.5E300'],
    [-2.5e-10, '-2.5E-10'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ];
  for (const [v, want] of doubles) test(`Double.toString(${v}) = ${want}`, () => assert.equal(javaDoubleToString(v), want));
  const floats: [number, string][] = [
    [1.1, '1.1'],
    [3.4028235e38, '3.4028235E38'],
    [1e-5, '1.0E-5'],
    [0.1, '0.1'],
    [16777217, '1.6777216E7'],
  ];
  for (const [v, want] of floats) test(`Float.toString(${v}f) = ${want}`, () => assert.equal(javaFloatToString(Math.fround(v)), want));
});

describe('Java casts', () => {
  test('double to int and long saturate; NaN is 0', () => {
    assert.equal(doubleToInt(3.9e10), 2147483647);
    assert.equal(doubleToInt(-3.9e10), -2147483648);
    assert.equal(doubleToInt(-1.9), -1);
    assert.equal(doubleToInt(Number.NaN), 0);
    assert.equal(doubleToLong(1e30), 9223372036854775807n);
    assert.equal(doubleToLong(Number.NaN), 0n);
    assert.equal(doubleToLong(-2.5), -2n);
  });
  test('narrowing wraps', () => {
    assert.equal(wrapTinyint(300), 44);
    assert.equal(wrapTinyint(doubleToInt(-129.7)), 127);
    assert.equal(wrapSmallint(doubleToInt(1e10)), -1);
  });
});

describe('parsing', () => {
  test('integers as Flink reads them', () => {
    assert.equal(parseIntegralText(' 42 '), 42n);
    assert.equal(parseIntegralText('-1.9'), -1n);
    assert.equal(parseIntegralText('+7'), 7n);
    assert.equal(parseIntegralText('1e3'), null);
    assert.equal(parseIntegralText('abc'), null);
    assert.equal(parseIntegralText(''), null);
  });
  test('doubles as Double.parseDouble', () => {
    assert.equal(parseDoubleText(' 1.5e3 '), 1500);
    assert.equal(parseDoubleText('.5'), 0.5);
    assert.equal(parseDoubleText('2f'), 2);
    assert.equal(parseDoubleText('-Infinity'), -Infinity);
    assert.ok(Number.isNaN(parseDoubleText('NaN')!));
    assert.equal(parseDoubleText('1,5'), null);
    assert.equal(parseDoubleText(''), null);
  });
});
