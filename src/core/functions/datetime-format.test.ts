import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { daysFromCivil, formatTimestamp, parseTimestamp } from '../values.js';
import { fieldsOfTimestamp, splitTimestamp, timestampOfFields } from './calendar.js';
import { compileFormatter, compileParser, compileWallFormatter } from './datetime-format.js';

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

describe('WallFormatter (the DATE_FORMAT hot path) gives the same text as the field formatter', () => {
  /** The text by the plain formatter over fields computed with bigint arithmetic. */
  const oracle = (pattern: string, micros: bigint, offsetMs: number): string =>
    compileFormatter(pattern)!({ ...fieldsOfTimestamp(micros), days: splitTimestamp(micros).days, offsetMs });

  const DAY = 86_400_000_000n;
  const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
  const PATTERNS = [
    'yyyy-MM-dd',
    'yyyyMMdd',
    'yyyy-MM-dd HH:mm:ss.SSS',
    'EEE EEEE D w G yy uuuu MMM MMMM L e c',
    "'day' d 'of' M",
    'HH:mm:ss SSSSSS SSSSSSSSS k K h a',
    'yyyy-MM-dd HH:mm Z XXX x z',
    'X',
  ];

  // A seeded walk: small and large steps, both sides of 1970, of midnight and of 2^53 µs.
  let state = 0x2545f491;
  const rand = (n: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const starts = [0n, -1n, 1_704_153_599_999_999n, -DAY * 365n * 300n, SAFE - 2n * DAY, -SAFE + DAY, SAFE * 4n, -SAFE * 3n, DAY * 2_932_896n];
  const steps = [1n, 999_999n, 60_000_000n, 3_600_000_000n, DAY - 1n, DAY, DAY + 1n, 7n * DAY + 12_345n];

  for (const pattern of PATTERNS) {
    test(`'${pattern}' over a walk of 3000 timestamps`, () => {
      const f = compileWallFormatter(pattern)!;
      assert.equal(f.dateOnly, !/[aHkKhmsSZXxzV]/.test(pattern.replace(/'[^']*'/g, '')));
      let checked = 0;
      for (const start of starts) {
        let t = start;
        for (let i = 0; i < 333; i++) {
          const step = steps[rand(steps.length)]!;
          t += rand(3) === 0 ? -step : step;
          const offsetMs = [0, 8 * 3600_000, -5.5 * 3600_000][rand(3)]!;
          const got = f.formatMicros(t, offsetMs);
          const want = oracle(pattern, t, offsetMs);
          if (got !== want) assert.fail(`${pattern} at ${t} µs (offset ${offsetMs}): got '${got}', expected '${want}'`);
          checked++;
        }
      }
      assert.equal(checked, starts.length * 333);
    });
  }

  test('midnight exactly, the microsecond before, and the exact-double boundary', () => {
    const f = compileWallFormatter('yyyy-MM-dd HH:mm:ss.SSSSSS')!;
    for (const t of [0n, -1n, DAY, DAY - 1n, -DAY, -DAY - 1n, -DAY + 1n, SAFE, SAFE + 1n, -SAFE, -SAFE - 1n, SAFE - (SAFE % DAY), SAFE - (SAFE % DAY) - 1n]) {
      assert.equal(f.formatMicros(t, 0), oracle('yyyy-MM-dd HH:mm:ss.SSSSSS', t, 0), `${t} µs`);
    }
    assert.equal(f.formatMicros(-1n, 0), '1969-12-31 23:59:59.999999');
    assert.equal(compileWallFormatter('yyyy-MM-dd')!.formatMicros(DAY - 1n, 0), '1970-01-01');
    assert.equal(compileWallFormatter('yyyy-MM-dd')!.formatMicros(DAY, 0), '1970-01-02');
  });

  test('invalid patterns give null', () => {
    assert.equal(compileWallFormatter('yyyy-MM-dd qq'), null);
    assert.equal(compileWallFormatter("yyyy 'unterminated"), null);
  });
});
