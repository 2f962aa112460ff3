import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../decimal.js';
import { formatType, T, type SqlType } from '../types.js';
import { formatDate, formatTimestamp, parseDate, parseTime, parseTimestamp, type Value } from '../values.js';
import { fieldsOfTimestamp, splitTimestamp } from './calendar.js';
import { compileFormatter } from './datetime-format.js';
import type { FunctionContext } from './definition.js';
import { lookupFunction } from './registry.js';
import { call, resultType } from './test-helpers.js';
import { instantToWall, wallToInstant, zoneOf } from './time-zone.js';

const S = T.string();
const I = T.int();
const BI = T.bigint();
const TS = T.timestamp(6);
const LTZ = T.timestampLtz(3);
const SHANGHAI: FunctionContext = { timeZone: 'Asia/Shanghai' };
const NEW_YORK: FunctionContext = { timeZone: 'America/New_York' };
const UTC_CTX: FunctionContext = { timeZone: 'UTC' };

const ts = (s: string): readonly [Value, SqlType] => [parseTimestamp(s)!, TS];
const date = (s: string): readonly [Value, SqlType] => [parseDate(s)!, T.date()];
const str = (s: string | null): readonly [Value, SqlType] => [s, S];
const showTs = (v: Value, p = 3): string | null => (v === null ? null : formatTimestamp(v as bigint, p));
const showDate = (v: Value): string | null => (v === null ? null : formatDate(v as number));

describe('DATE_FORMAT', () => {
  test('TIMESTAMP, DATE and string arguments', () => {
    assert.equal(call('DATE_FORMAT', [ts('2024-01-01 12:30:45.678'), str('yyyy-MM-dd HH:mm:ss')]), '2024-01-01 12:30:45');
    assert.equal(call('DATE_FORMAT', [ts('2024-01-01 12:30:45.678'), str('yyyyMMdd HH:mm:ss.SSS')]), '20240101 12:30:45.678');
    assert.equal(call('DATE_FORMAT', [date('2024-03-05'), str('yyyy/MM/dd')]), '2024/03/05');
    assert.equal(call('DATE_FORMAT', [str('2024-01-01 12:00:00'), str('yyyyMMdd')]), '20240101');
    assert.equal(call('DATE_FORMAT', [str('garbage'), str('yyyyMMdd')]), null);
    assert.equal(call('DATE_FORMAT', [ts('2024-01-01 12:00:00'), str('yyyy qq')]), null);
  });
  test('TIMESTAMP_LTZ is shown in the session zone', () => {
    const instant: readonly [Value, SqlType] = [parseTimestamp('2024-01-01 00:00:00')!, LTZ];
    assert.equal(call('DATE_FORMAT', [instant, str('yyyy-MM-dd HH:mm:ss XXX')], SHANGHAI), '2024-01-01 08:00:00 +08:00');
    assert.equal(call('DATE_FORMAT', [instant, str('yyyy-MM-dd HH:mm')], NEW_YORK), '2023-12-31 19:00');
  });
  test('type', () => assert.equal(formatType(resultType('DATE_FORMAT', [T.timestamp(3, false), T.string(false)])), 'STRING'));

  /** DATE_FORMAT compiled once for a column of `type` and a constant pattern, as a projection uses it. */
  const compiled = (type: SqlType, pattern: string, ctx: FunctionContext): ((v: Value) => Value) => {
    const def = lookupFunction('DATE_FORMAT')!;
    const fn = def.compile({
      name: def.name,
      args: [(r) => r[0] ?? null, () => pattern],
      argTypes: [type, S],
      resultType: S,
      constants: [undefined, pattern],
      ctx,
      text: 'DATE_FORMAT(...)',
    });
    return (v) => fn([v]);
  };

  /** The text as the plain formatter gives it, from fields computed with bigint arithmetic. */
  const oracle = (pattern: string, wall: bigint, offsetMs: number): string =>
    compileFormatter(pattern)!({ ...fieldsOfTimestamp(wall), days: splitTimestamp(wall).days, offsetMs });

  const DAY = 86_400_000_000n;
  const HOUR = 3_600_000_000n;
  const PATTERNS = ['yyyy-MM-dd', 'yyyyMMdd', 'yyyy-MM-dd HH:mm:ss.SSS', 'EEE D w', 'yyyy-MM-dd HH:mm XXX'];

  /** Timestamps of a stream: runs within one day, steps across midnight, back and forth, negative, and far out. */
  const stream = (): bigint[] => {
    const out: bigint[] = [];
    const midnights = [parseTimestamp('2024-01-02 00:00:00')!, 0n, -DAY * 20_000n, parseTimestamp('2024-03-10 00:00:00')!, parseTimestamp('2024-11-03 00:00:00')!, DAY * 3_000_000n];
    for (const m of midnights) {
      for (const d of [-2n * HOUR, -1n, 0n, 1n, HOUR, 2n * HOUR + 1n, 5n * HOUR, 7n * HOUR, DAY - 1n, DAY, DAY + HOUR, DAY - 1n, -1n, 0n, 3n * DAY]) out.push(m + d);
    }
    return out;
  };

  test('compiled once over a stream: same day, across midnight, backwards, negative (TIMESTAMP and DATE)', () => {
    for (const pattern of PATTERNS) {
      const f = compiled(TS, pattern, UTC_CTX);
      for (const t of stream()) assert.equal(f(t), oracle(pattern, t, 0), `${pattern} at ${t} µs`);
      assert.equal(f(null), null);
      const d = compiled(T.date(), pattern, UTC_CTX);
      for (const days of [19_723, 19_723, 19_724, -1, -1, 0, 19_723, -719_528]) {
        assert.equal(d(days), oracle(pattern, BigInt(days) * DAY, 0), `${pattern} on day ${days}`);
      }
    }
  });

  test('compiled once over TIMESTAMP_LTZ in zones with DST: same text as the wall clock of each instant', () => {
    for (const ctx of [NEW_YORK, SHANGHAI, { timeZone: 'Europe/London' }, { timeZone: '-03:30' }] as FunctionContext[]) {
      const zone = zoneOf(ctx.timeZone);
      for (const pattern of PATTERNS) {
        const f = compiled(LTZ, pattern, ctx);
        for (const instant of stream()) {
          const wall = instantToWall(zone, instant);
          const offsetMs = zone.fixed ? zone.offsetAtMs(0) : zone.offsetAtMs(Number(instant / 1000n));
          assert.equal(f(instant), oracle(pattern, wall, offsetMs), `${pattern} in ${ctx.timeZone} at instant ${instant}`);
        }
      }
    }
    // New York, spring forward: 2024-03-10 01:59 EST is followed by 03:00 EDT; the local date turns at local midnight.
    const ny = compiled(LTZ, 'yyyy-MM-dd HH:mm', NEW_YORK);
    const at = (s: string): bigint => wallToInstant(zoneOf('America/New_York'), parseTimestamp(s)!);
    assert.equal(ny(at('2024-03-10 01:59:00')), '2024-03-10 01:59');
    assert.equal(ny(at('2024-03-10 01:59:00') + 60_000_000n), '2024-03-10 03:00');
    const nyDay = compiled(LTZ, 'yyyy-MM-dd', NEW_YORK);
    assert.equal(nyDay(at('2024-11-03 23:59:59')), '2024-11-03');
    assert.equal(nyDay(at('2024-11-03 23:59:59') + 1_000_000n), '2024-11-04');
    assert.equal(nyDay(parseTimestamp('2024-11-04 04:59:59')!), '2024-11-03', '04:59:59 UTC is 23:59:59 EST');
  });

  test('compiled once over strings', () => {
    const f = compiled(S, 'yyyy-MM-dd', UTC_CTX);
    assert.equal(f('2024-01-01 23:59:59'), '2024-01-01');
    assert.equal(f('2024-01-02 00:00:00'), '2024-01-02');
    assert.equal(f('garbage'), null);
    assert.equal(f('2024-01-02 12:00:00'), '2024-01-02');
  });
});

describe('TO_DATE, TO_TIMESTAMP, TO_TIMESTAMP_LTZ', () => {
  test('TO_DATE', () => {
    assert.equal(showDate(call('TO_DATE', [str('2024-01-31')])), '2024-01-31');
    assert.equal(showDate(call('TO_DATE', [str(' 2024-01-31 10:00:00 ')])), '2024-01-31');
    assert.equal(showDate(call('TO_DATE', [str('31/01/2024'), str('dd/MM/yyyy')])), '2024-01-31');
    assert.equal(call('TO_DATE', [str('2024-02-30')]), null);
    assert.equal(call('TO_DATE', [str('x'), str('yyyy')]), null);
  });
  test('TO_TIMESTAMP gives TIMESTAMP(3)', () => {
    assert.equal(showTs(call('TO_TIMESTAMP', [str('2024-01-01 12:00:00.123456')]), 6), '2024-01-01 12:00:00.123000');
    assert.equal(showTs(call('TO_TIMESTAMP', [str('2024-01-01')])), '2024-01-01 00:00:00.000');
    assert.equal(showTs(call('TO_TIMESTAMP', [str('01/02/2024 10:07'), str('dd/MM/yyyy HH:mm')])), '2024-02-01 10:07:00.000');
    assert.equal(call('TO_TIMESTAMP', [str('not a time')]), null);
    assert.equal(formatType(resultType('TO_TIMESTAMP', [T.string(false)])), 'TIMESTAMP(3)');
  });
  test('TO_TIMESTAMP_LTZ from epoch numbers', () => {
    assert.equal(showTs(call('TO_TIMESTAMP_LTZ', [[1704067200, I], [0, I]])), '2024-01-01 00:00:00.000');
    assert.equal(showTs(call('TO_TIMESTAMP_LTZ', [[1704067200123n, BI], [3, I]])), '2024-01-01 00:00:00.123');
    assert.equal(showTs(call('TO_TIMESTAMP_LTZ', [[1704067200123n, BI]])), '2024-01-01 00:00:00.123');
    assert.equal(showTs(call('TO_TIMESTAMP_LTZ', [[Decimal.parse('1704067200.5')!, T.decimal(11, 1)], [0, I]])), '2024-01-01 00:00:00.500');
    assert.equal(showTs(call('TO_TIMESTAMP_LTZ', [[-1.5, T.double()], [0, I]])), '1969-12-31 23:59:58.500');
    assert.equal(call('TO_TIMESTAMP_LTZ', [[9223372036854775807n, BI], [0, I]]), null);
    assert.throws(() => resultType('TO_TIMESTAMP_LTZ', [BI, I], [1n, 5]), /precision must be 0/);
    assert.throws(() => call('TO_TIMESTAMP_LTZ', [[1n, BI], [5, I]]), /precision must be 0/);
  });
  test('TO_TIMESTAMP_LTZ from text uses the session zone unless given one', () => {
    assert.equal(showTs(call('TO_TIMESTAMP_LTZ', [str('2024-01-01 08:00:00')], SHANGHAI)), '2024-01-01 00:00:00.000');
    assert.equal(showTs(call('TO_TIMESTAMP_LTZ', [str('2024-01-01 08:00'), str('yyyy-MM-dd HH:mm'), str('UTC')], SHANGHAI)), '2024-01-01 08:00:00.000');
  });
});

describe('UNIX_TIMESTAMP, FROM_UNIXTIME', () => {
  test('UNIX_TIMESTAMP parses in the session zone', () => {
    assert.equal(call('UNIX_TIMESTAMP', [str('2024-01-01 08:00:00')], SHANGHAI), 1704067200n);
    assert.equal(call('UNIX_TIMESTAMP', [str('2024-01-01 00:00:00')]), 1704067200n);
    assert.equal(call('UNIX_TIMESTAMP', [str('20240101'), str('yyyyMMdd')]), 1704067200n);
    assert.equal(call('UNIX_TIMESTAMP', [str('2024-01-01 08:00:00 +08:00'), str('yyyy-MM-dd HH:mm:ss XXX')]), 1704067200n);
    assert.equal(call('UNIX_TIMESTAMP', [str('1969-12-31 23:59:59.5')]), -1n);
  });
  test('unparsable text gives Long.MIN_VALUE, as Flink', () => {
    assert.equal(call('UNIX_TIMESTAMP', [str('nope')]), -9223372036854775808n);
  });
  test('UNIX_TIMESTAMP() is now', () => {
    const v = call('UNIX_TIMESTAMP', []) as bigint;
    assert.ok(Math.abs(Number(v) - Date.now() / 1000) < 120);
  });
  test('FROM_UNIXTIME formats in the session zone', () => {
    assert.equal(call('FROM_UNIXTIME', [[0n, BI]]), '1970-01-01 00:00:00');
    assert.equal(call('FROM_UNIXTIME', [[0n, BI]], SHANGHAI), '1970-01-01 08:00:00');
    assert.equal(call('FROM_UNIXTIME', [[1704067200n, BI], str('yyyyMMdd')]), '20240101');
  });
});

describe('EXTRACT and field functions', () => {
  const T0 = ts('2024-02-29 13:05:09.123456');
  const cases: [string, bigint][] = [
    ['YEAR', 2024n],
    ['QUARTER', 1n],
    ['MONTH', 2n],
    ['WEEK', 9n],
    ['DAY', 29n],
    ['DOY', 60n],
    ['DOW', 5n],
    ['ISODOW', 4n],
    ['HOUR', 13n],
    ['MINUTE', 5n],
    ['SECOND', 9n],
    ['MILLISECOND', 9123n],
    ['MICROSECOND', 9123456n],
    ['EPOCH', 1709211909n],
    ['DECADE', 202n],
    ['CENTURY', 21n],
    ['MILLENNIUM', 3n],
  ];
  for (const [unit, want] of cases) {
    test(`EXTRACT(${unit} FROM 2024-02-29 13:05:09.123456) = ${want}`, () => assert.equal(call('EXTRACT', [str(unit), T0]), want));
  }
  test('DATE, TIME and TIMESTAMP_LTZ operands', () => {
    assert.equal(call('EXTRACT', [str('DAY'), date('2024-03-05')]), 5n);
    assert.equal(call('EXTRACT', [str('MINUTE'), [parseTime('10:42:00')!, T.time(0)]]), 42n);
    const instant: readonly [Value, SqlType] = [parseTimestamp('2024-01-01 20:00:00')!, LTZ];
    assert.equal(call('EXTRACT', [str('DAY'), instant], SHANGHAI), 2n);
    assert.equal(call('EXTRACT', [str('year'), date('1999-12-31')]), 1999n);
  });
  test('unknown or misplaced units are validation errors', () => {
    assert.throws(() => resultType('EXTRACT', [S, TS], ['FORTNIGHT']), /unknown EXTRACT unit 'FORTNIGHT'/);
    assert.throws(() => resultType('EXTRACT', [S, T.time(0)], ['YEAR']), /cannot EXTRACT YEAR from TIME/);
    assert.equal(formatType(resultType('EXTRACT', [S, T.date(false)], ['DAY'])), 'BIGINT NOT NULL');
  });
  test('named field functions', () => {
    assert.equal(call('YEAR', [date('2024-03-05')]), 2024n);
    assert.equal(call('QUARTER', [date('2024-11-05')]), 4n);
    assert.equal(call('MONTH', [T0]), 2n);
    assert.equal(call('WEEK', [date('2021-01-03')]), 53n);
    assert.equal(call('DAYOFYEAR', [date('2024-12-31')]), 366n);
    assert.equal(call('DAYOFMONTH', [T0]), 29n);
    assert.equal(call('DAYOFWEEK', [date('2024-03-03')]), 1n);
    assert.equal(call('HOUR', [T0]), 13n);
    assert.equal(call('MINUTE', [[parseTime('10:42:07')!, T.time(0)]]), 42n);
    assert.equal(call('SECOND', [[parseTime('10:42:07')!, T.time(0)]]), 7n);
    assert.equal(call('YEAR', [[null, TS]]), null);
    assert.throws(() => resultType('HOUR', [T.date()]), /cannot apply HOUR to DATE/);
  });
});

describe('TIMESTAMPADD, DATE_ADD, DATE_SUB', () => {
  test('calendar units clamp to the end of the month', () => {
    assert.equal(showTs(call('TIMESTAMPADD', [str('MONTH'), [1n, BI], ts('2024-01-31 10:00:00')])), '2024-02-29 10:00:00.000');
    assert.equal(showTs(call('TIMESTAMPADD', [str('YEAR'), [1n, BI], ts('2024-02-29 00:00:00')])), '2025-02-28 00:00:00.000');
    assert.equal(showTs(call('TIMESTAMPADD', [str('QUARTER'), [-1n, BI], ts('2024-05-31 00:00:00')])), '2024-02-29 00:00:00.000');
  });
  test('fixed units', () => {
    assert.equal(showTs(call('TIMESTAMPADD', [str('HOUR'), [25n, BI], ts('2024-01-01 00:00:00')])), '2024-01-02 01:00:00.000');
    assert.equal(showTs(call('TIMESTAMPADD', [str('SECOND'), [-1n, BI], ts('2024-01-01 00:00:00')])), '2023-12-31 23:59:59.000');
    assert.equal(showTs(call('TIMESTAMPADD', [str('WEEK'), [2n, BI], ts('2024-01-01 00:00:00')])), '2024-01-15 00:00:00.000');
  });
  test('on DATE: day units give DATE, smaller units TIMESTAMP', () => {
    assert.equal(showDate(call('TIMESTAMPADD', [str('DAY'), [1n, BI], date('2024-02-28')])), '2024-02-29');
    assert.equal(showDate(call('TIMESTAMPADD', [str('MONTH'), [1n, BI], date('2024-01-31')])), '2024-02-29');
    assert.equal(formatType(resultType('TIMESTAMPADD', [S, BI, T.date()], ['HOUR'])), 'TIMESTAMP(0)');
    assert.equal(showTs(call('TIMESTAMPADD', [str('HOUR'), [3n, BI], date('2024-01-01')])), '2024-01-01 03:00:00.000');
  });
  test('on TIMESTAMP_LTZ, a DAY keeps the wall-clock time across DST', () => {
    const instant = parseTimestamp('2024-03-09 17:00:00')!; // 12:00 EST
    const v = call('TIMESTAMPADD', [str('DAY'), [1n, BI], [instant, LTZ]], NEW_YORK);
    assert.equal(showTs(v), '2024-03-10 16:00:00.000'); // 12:00 EDT
    const h = call('TIMESTAMPADD', [str('HOUR'), [24n, BI], [instant, LTZ]], NEW_YORK);
    assert.equal(showTs(h), '2024-03-10 17:00:00.000');
  });
  test('unknown unit', () => {
    assert.throws(() => resultType('TIMESTAMPADD', [S, BI, TS], ['EON']), /unknown TIMESTAMPADD unit 'EON'/);
  });
  test('DATE_ADD and DATE_SUB', () => {
    assert.equal(showDate(call('DATE_ADD', [date('2024-02-28'), [2, I]])), '2024-03-01');
    assert.equal(showDate(call('DATE_SUB', [str('2024-03-01'), [1, I]])), '2024-02-29');
    assert.equal(showDate(call('DATE_ADD', [ts('2024-01-01 23:00:00'), [1, I]])), '2024-01-02');
    assert.equal(call('DATE_ADD', [str('nope'), [1, I]]), null);
  });
});

describe('TIMESTAMPDIFF, DATEDIFF', () => {
  const cases: [string, string, string, number][] = [
    ['DAY', '2024-01-01 00:00:00', '2024-01-03 12:00:00', 2],
    ['DAY', '2024-01-03 12:00:00', '2024-01-01 00:00:00', -2],
    ['HOUR', '2024-01-01 00:00:00', '2024-01-01 05:59:59', 5],
    ['SECOND', '2024-01-01 00:00:00', '2024-01-01 00:01:00.5', 60],
    ['MONTH', '2024-01-31 00:00:00', '2024-02-29 00:00:00', 1],
    ['MONTH', '2024-01-31 10:00:00', '2024-02-29 09:00:00', 0],
    ['MONTH', '2024-03-15 00:00:00', '2024-01-16 00:00:00', -1],
    ['YEAR', '2020-02-29 00:00:00', '2024-02-28 00:00:00', 3],
    ['QUARTER', '2024-01-01 00:00:00', '2024-12-31 00:00:00', 3],
    ['WEEK', '2024-01-01 00:00:00', '2024-01-15 00:00:00', 2],
  ];
  for (const [unit, a, b, want] of cases) {
    test(`TIMESTAMPDIFF(${unit}, ${a}, ${b}) = ${want}`, () => assert.equal(call('TIMESTAMPDIFF', [str(unit), ts(a), ts(b)]), want));
  }
  test('dates', () => {
    assert.equal(call('TIMESTAMPDIFF', [str('DAY'), date('2024-01-01'), date('2024-03-01')]), 60);
    assert.equal(formatType(resultType('TIMESTAMPDIFF', [S, T.date(false), T.timestamp(3, false)], ['DAY'])), 'INT NOT NULL');
    assert.equal(formatType(resultType('TIMESTAMPDIFF', [S, T.date(), T.timestamp(3)], ['DAY'])), 'INT');
  });
  test('DATEDIFF counts days', () => {
    assert.equal(call('DATEDIFF', [str('2024-03-01'), str('2024-02-28')]), 2);
    assert.equal(call('DATEDIFF', [date('2024-01-01'), ts('2024-01-10 23:00:00')]), -9);
    assert.equal(call('DATEDIFF', [str('bad'), str('2024-02-28')]), null);
  });
});

describe('CONVERT_TZ', () => {
  test('moves a wall-clock string between zones', () => {
    assert.equal(call('CONVERT_TZ', [str('2024-01-01 00:00:00'), str('UTC'), str('Asia/Shanghai')]), '2024-01-01 08:00:00');
    assert.equal(call('CONVERT_TZ', [str('2024-07-01 12:00:00'), str('America/New_York'), str('+00:00')]), '2024-07-01 16:00:00');
    assert.equal(call('CONVERT_TZ', [str('2024-01-01 00:00:00'), str('Nowhere/City'), str('UTC')]), null);
  });
});

describe('current time', () => {
  test('CURRENT_TIMESTAMP and friends are close to now, with Flink types', () => {
    const now = BigInt(Date.now()) * 1000n;
    const v = call('CURRENT_TIMESTAMP', []) as bigint;
    assert.ok(v >= now - 60_000_000n && v <= now + 60_000_000n);
    assert.equal(formatType(resultType('CURRENT_TIMESTAMP', [])), 'TIMESTAMP_LTZ(3) NOT NULL');
    assert.equal(formatType(resultType('NOW', [])), 'TIMESTAMP_LTZ(3) NOT NULL');
    assert.equal(formatType(resultType('PROCTIME', [])), 'TIMESTAMP_LTZ(3) NOT NULL');
    assert.equal(formatType(resultType('LOCALTIMESTAMP', [])), 'TIMESTAMP(3) NOT NULL');
    assert.equal(formatType(resultType('CURRENT_DATE', [])), 'DATE NOT NULL');
    const local = call('LOCALTIMESTAMP', [], { timeZone: '+05:00' }) as bigint;
    assert.ok(local - now > 17_000_000_000n && local - now < 19_000_000_000n);
    const today = call('CURRENT_DATE', []) as number;
    assert.ok(Math.abs(today - Math.floor(Date.now() / 86_400_000)) <= 1);
    const t = call('CURRENT_TIME', []) as number;
    assert.ok(t >= 0 && t < 86_400_000_000 && t % 1_000_000 === 0);
  });
});

describe('FLOOR and CEIL to a unit', () => {
  const cases: [string, string, string, string][] = [
    ['FLOOR', 'DAY', '2024-02-29 13:05:09.123', '2024-02-29 00:00:00.000'],
    ['CEIL', 'DAY', '2024-02-29 13:05:09.123', '2024-03-01 00:00:00.000'],
    ['CEIL', 'DAY', '2024-02-29 00:00:00', '2024-02-29 00:00:00.000'],
    ['FLOOR', 'HOUR', '2024-02-29 13:05:09.123', '2024-02-29 13:00:00.000'],
    ['FLOOR', 'MINUTE', '1969-12-31 23:59:30', '1969-12-31 23:59:00.000'],
    ['FLOOR', 'MONTH', '2024-02-29 13:05:09', '2024-02-01 00:00:00.000'],
    ['CEIL', 'MONTH', '2024-02-29 13:05:09', '2024-03-01 00:00:00.000'],
    ['FLOOR', 'QUARTER', '2024-05-15 00:00:00', '2024-04-01 00:00:00.000'],
    ['FLOOR', 'YEAR', '2024-05-15 00:00:00', '2024-01-01 00:00:00.000'],
    ['CEIL', 'YEAR', '2024-05-15 00:00:00', '2025-01-01 00:00:00.000'],
    ['FLOOR', 'WEEK', '2024-02-29 13:05:09', '2024-02-25 00:00:00.000'],
    ['FLOOR', 'SECOND', '2024-02-29 13:05:09.999', '2024-02-29 13:05:09.000'],
  ];
  for (const [fn, unit, v, want] of cases) {
    test(`${fn}(${v} TO ${unit}) = ${want}`, () => assert.equal(showTs(call(fn, [ts(v), str(unit)])), want));
  }
  test('DATE and TIMESTAMP_LTZ operands', () => {
    assert.equal(showDate(call('FLOOR', [date('2024-02-29'), str('MONTH')])), '2024-02-01');
    assert.equal(showDate(call('CEIL', [date('2024-02-29'), str('MONTH')])), '2024-03-01');
    const instant: readonly [Value, SqlType] = [parseTimestamp('2024-01-01 20:30:00')!, LTZ];
    // 2024-01-02 04:30 in Shanghai floors to 2024-01-02 00:00 local = 2024-01-01 16:00Z
    assert.equal(showTs(call('FLOOR', [instant, str('DAY')], SHANGHAI)), '2024-01-01 16:00:00.000');
    assert.throws(() => resultType('FLOOR', [TS, S], [null, 'DECADE']), /cannot FLOOR a date-time to unit 'DECADE'/);
    assert.equal(formatType(resultType('CEIL', [T.timestamp(3, false), T.string(false)], [null, 'DAY'])), 'TIMESTAMP(3) NOT NULL');
  });
});
