import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { daysFromCivil, formatTimestamp, parseTimestamp } from '../values.js';
import { fieldsOfTimestamp, splitTimestamp, timestampOfFields } from './calendar.js';
import { compileFormatter, compileParser } from './datetime-format.js';

function fmt(pattern: string, ts: string, offsetMs = 0): string | null {
  const f = compileFormatter(pattern);
  if (f === null) return null;
  const micros = parseTimestamp(ts)!;
  return f({ ...fieldsOfTimestamp(micros), days: splitTimestamp(micros).days, offsetMs });
}

function parse(pattern: string, text: string, trailing = false): string | null {
  const p = compileParser(pattern, trailing);
  if (p === null) return null;
  const r = p(text);
  return r === null ? null : formatTimestamp(timestampOfFields(r), 6);
}

describe('formatting (checked against java.time.format.DateTimeFormatter)', () => {
  const T0 = '2024-02-29 13:05:09.123456';
  const cases: [string, string][] = [
    ['yyyy-MM-dd HH:mm:ss.SSS', '2024-02-29 13:05:09.123'],
    ['EEE, dd MMM yyyy hh:mm a', 'Thu, 29 Feb 2024 01:05 PM'],
    ['yyyyMMddHHmmss', '20240229130509'],
    ['D yy M d H m s', '60 24 2 29 13 5 9'],
    ['EEEE MMMM', 'Thursday February'],
    ['SSSSSS', '123456'],
    ['k K h', '13 1 1'],
    ["'T'HH'h' '''quoted'''", "T13h 'quoted'"],
  ];
  for (const [p, want] of cases) test(`'${p}'`, () => assert.equal(fmt(p, T0), want));
  test('midnight in the 12- and 24-hour styles', () => {
    assert.equal(fmt('k K h a', '2024-01-01 00:00:00'), '24 0 12 AM');
  });
  test('zone offsets', () => {
    assert.equal(fmt('HH:mm Z', '2024-01-01 08:00:00', 8 * 3600_000), '08:00 +0800');
    assert.equal(fmt('HH:mm XXX', '2024-01-01 08:00:00', -5.5 * 3600_000), '08:00 -05:30');
    assert.equal(fmt('X', '2024-01-01 08:00:00', 0), 'Z');
  });
  test('invalid patterns give null', () => {
    assert.equal(compileFormatter('yyyy-MM-dd qq'), null);
    assert.equal(compileFormatter("yyyy 'unterminated"), null);
  });
});

describe('parsing', () => {
  test('fixed-width adjacent fields', () => {
    assert.equal(parse('yyyyMMddHHmmss', '20240229130509'), '2024-02-29 13:05:09.000000');
  });
  test('variable-width fields when separated', () => {
    assert.equal(parse('yyyy/M/d', '2024/2/9'), '2024-02-09 00:00:00.000000');
    assert.equal(parse('yyyy-MM-dd', '2024-2-9'), '2024-02-09 00:00:00.000000');
  });
  test('fractions, names, AM/PM', () => {
    assert.equal(parse('yyyy-MM-dd HH:mm:ss.SSS', '2024-01-01 10:00:00.5'), '2024-01-01 10:00:00.500000');
    assert.equal(parse('dd MMM yyyy hh:mm a', '05 Mar 2024 01:15 PM'), '2024-03-05 13:15:00.000000');
    assert.equal(parse('EEEE, MMMM d, yyyy', 'Tuesday, March 5, 2024'), '2024-03-05 00:00:00.000000');
    assert.equal(parse('hh a', '12 AM'), '1970-01-01 00:00:00.000000');
  });
  test('offsets are reported', () => {
    const p = compileParser('yyyy-MM-dd HH:mm:ss XXX')!;
    const r = p('2024-01-01 10:00:00 +08:00')!;
    assert.equal(r.offsetMs, 8 * 3600_000);
    assert.equal(p('2024-01-01 10:00:00 Z')!.offsetMs, 0);
  });
  test('day of year', () => {
    assert.equal(parse('yyyy D', '2024 60'), '2024-02-29 00:00:00.000000');
  });
  test('impossible dates and mismatches give null', () => {
    assert.equal(parse('yyyy-MM-dd', '2023-02-29'), null);
    assert.equal(parse('yyyy-MM-dd', '2024-13-01'), null);
    assert.equal(parse('yyyy-MM-dd HH:mm', '2024-01-01 25:00'), null);
    assert.equal(parse('yyyy-MM-dd', 'hello'), null);
    assert.equal(parse('yyyy-MM-dd', '2024-01-01 10:00'), null);
  });
  test('trailing text is allowed only when asked (SimpleDateFormat style)', () => {
    assert.equal(parse('yyyy-MM-dd', '2024-01-01 10:00', true), '2024-01-01 00:00:00.000000');
  });
  test('calendar round trip', () => {
    const days = daysFromCivil(2024, 2, 29);
    assert.equal(splitTimestamp(BigInt(days) * 86_400_000_000n - 1n).days, days - 1);
  });
});
