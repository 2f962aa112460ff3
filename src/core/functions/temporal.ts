import { commonType } from '../coercion.js';
import { Decimal } from '../decimal.js';
import { T, withNullability, type SqlType } from '../types.js';
import { civilFromDays, daysFromCivil, MICROS_PER_DAY, parseDate, parseTimestamp, type Value } from '../values.js';
import {
  addMonthsToDate,
  addMonthsToTimestamp,
  dayOfYear,
  isoDayOfWeek,
  isoWeek,
  isoYear,
  monthsBetween,
  splitTimestamp,
  sqlDayOfWeek,
  timestampOfFields,
} from './calendar.js';
import { compileParser, compileWallFormatter, type ParsedDateTime, type WallFormatter } from './datetime-format.js';
import {
  anyNullable,
  bigintArg,
  intArg,
  literalText,
  mapArgs,
  runtimeError,
  stringArg,
  strict1,
  strict2,
  strict3,
  type CompileInput,
  type Evaluator,
  type FunctionContext,
  type FunctionDefinition,
  type Resolution,
} from './definition.js';
import { LONG_MIN } from './numeric-text.js';
import { findZone, instantToWall, wallToInstant, zoneOf, type Zone } from './time-zone.js';

/**
 * Date and time functions. TIMESTAMP values are wall-clock times; TIMESTAMP_LTZ values are
 * instants shown in the session time zone (`ctx.timeZone`, see time-zone.ts for the DST
 * rule). Functions that read calendar fields from a TIMESTAMP_LTZ (EXTRACT, YEAR,
 * DATE_FORMAT, ...) read them in the session zone. Parse failures give NULL
 * (UNIX_TIMESTAMP: Long.MIN_VALUE, as Flink).
 */

const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';

function nowMicros(): bigint {
  return BigInt(Date.now()) * 1000n;
}

function isDateTime(t: SqlType): boolean {
  return t.kind === 'DATE' || t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ';
}

/** Wall-clock microseconds of a DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ value. */
function toWall(type: SqlType, zone: Zone): (v: Value) => bigint {
  switch (type.kind) {
    case 'DATE':
      return (v) => BigInt(v as number) * MICROS_PER_DAY;
    case 'TIME':
      return (v) => BigInt(v as number);
    case 'TIMESTAMP_LTZ':
      return (v) => instantToWall(zone, v as bigint);
    default:
      return (v) => v as bigint;
  }
}

function truncateMicros(micros: bigint, precision: number): bigint {
  if (precision >= 6) return micros;
  const unit = 10n ** BigInt(6 - precision);
  const r = micros % unit;
  return r === 0n ? micros : micros - (r < 0n ? r + unit : r);
}

// ---------------------------------------------------------------------------
// Current time
// ---------------------------------------------------------------------------

function nowFn(name: string, resultType: SqlType, make: (ctx: FunctionContext) => Evaluator): FunctionDefinition {
  return {
    name,
    signatures: [`${name}()`],
    deterministic: false,
    resolve: (types) => (types.length === 0 ? { argTypes: [], resultType } : null),
    compile: (input) => make(input.ctx),
  };
}

const CURRENT_FUNCTIONS: FunctionDefinition[] = [
  nowFn('CURRENT_TIMESTAMP', T.timestampLtz(3, false), () => () => nowMicros()),
  nowFn('NOW', T.timestampLtz(3, false), () => () => nowMicros()),
  nowFn('CURRENT_ROW_TIMESTAMP', T.timestampLtz(3, false), () => () => nowMicros()),
  nowFn('PROCTIME', T.timestampLtz(3, false), () => () => nowMicros()),
  nowFn('LOCALTIMESTAMP', T.timestamp(3, false), (ctx) => {
    const zone = zoneOf(ctx.timeZone);
    return () => instantToWall(zone, nowMicros());
  }),
  nowFn('CURRENT_DATE', T.date(false), (ctx) => {
    const zone = zoneOf(ctx.timeZone);
    return () => splitTimestamp(instantToWall(zone, nowMicros())).days;
  }),
  nowFn('CURRENT_TIME', T.time(0, false), (ctx) => {
    const zone = zoneOf(ctx.timeZone);
    return () => Math.floor(splitTimestamp(instantToWall(zone, nowMicros())).micros / 1_000_000) * 1_000_000;
  }),
  nowFn('LOCALTIME', T.time(0, false), (ctx) => {
    const zone = zoneOf(ctx.timeZone);
    return () => Math.floor(splitTimestamp(instantToWall(zone, nowMicros())).micros / 1_000_000) * 1_000_000;
  }),
];

const UNIX_TIMESTAMP: FunctionDefinition = {
  name: 'UNIX_TIMESTAMP',
  signatures: ['UNIX_TIMESTAMP()', 'UNIX_TIMESTAMP(STRING)', 'UNIX_TIMESTAMP(STRING, STRING format)'],
  deterministic: false,
  resolve(types) {
    if (types.length === 0) return { argTypes: [], resultType: T.bigint(false) };
    const args = types.length === 1 ? mapArgs(types, [stringArg]) : mapArgs(types, [stringArg, stringArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.bigint(anyNullable(args)) };
  },
  compile(input) {
    if (input.args.length === 0) return () => BigInt(Math.floor(Date.now() / 1000));
    const zone = zoneOf(input.ctx.timeZone);
    const parse = (s: string, fmt: string): bigint => {
      const p = compileParser(fmt, true);
      const parsed = p === null ? null : p(s);
      if (parsed === null) return LONG_MIN;
      const instant = instantOfParsed(parsed, zone);
      return floorDiv(instant, 1_000_000n);
    };
    if (input.args.length === 1) return strict1(input.args[0]!, (s: string) => parse(s, DEFAULT_FORMAT));
    return strict2(input.args[0]!, input.args[1]!, parse);
  },
};

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The instant a parsed date-time names: its own offset when it has one, else the session zone's. */
function instantOfParsed(p: ParsedDateTime, zone: Zone): bigint {
  const wall = timestampOfFields(p);
  if (p.offsetMs !== null) return wall - BigInt(p.offsetMs) * 1000n;
  return wallToInstant(zone, wall);
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

function formatWall(fmt: WallFormatter, wall: bigint, offsetMs: number): string {
  return fmt.formatMicros(wall, offsetMs);
}

/**
 * `fmt` over TIMESTAMP values, for a pattern without offset letters: one call site's
 * formatter, which for a date-only pattern answers a timestamp of the same day as the
 * previous one from that day's text, with two bigint comparisons.
 */
function timestampFormatter(fmt: WallFormatter): (wall: bigint) => string {
  if (!fmt.dateOnly) return (wall) => fmt.formatMicros(wall, 0);
  // The day [from, until) of `text`; empty at first.
  let from = 1n;
  let until = 0n;
  let text = '';
  return (wall) => {
    if (wall >= from && wall < until) return text;
    text = fmt.formatMicros(wall, 0);
    const rem = wall % MICROS_PER_DAY;
    from = wall - (rem < 0n ? rem + MICROS_PER_DAY : rem);
    until = from + MICROS_PER_DAY;
    return text;
  };
}

const DATE_FORMAT: FunctionDefinition = {
  name: 'DATE_FORMAT',
  signatures: ['DATE_FORMAT(TIMESTAMP, STRING format)', 'DATE_FORMAT(STRING, STRING format)'],
  deterministic: true,
  resolve(types) {
    if (types.length !== 2) return null;
    const t = types[0]!;
    const first = isDateTime(t) ? t : stringArg(t);
    const fmt = stringArg(types[1]!);
    if (first === null || fmt === null) return null;
    return { argTypes: [first, fmt], resultType: T.string(true) };
  },
  compile(input) {
    const zone = zoneOf(input.ctx.timeZone);
    const t = input.argTypes[0]!;
    const ltz = t.kind === 'TIMESTAMP_LTZ';
    const wallOf: (v: Value) => bigint | null =
      t.kind === 'CHAR' || t.kind === 'VARCHAR' ? (v) => parseTimestamp(v as string) : toWall(t, zone);
    const offsetOf = (v: Value, wall: bigint): number =>
      zone.fixed ? zone.offsetAtMs(0) : zone.offsetAtMs(Number((ltz ? (v as bigint) : wallToInstant(zone, wall)) / 1000n));
    const run = (v: Value, fmt: WallFormatter | null, zoned: boolean): string | null => {
      if (fmt === null) return null;
      const wall = wallOf(v);
      if (wall === null) return null;
      return formatWall(fmt, wall, zoned ? offsetOf(v, wall) : 0);
    };
    const c = input.constants[1];
    if (typeof c === 'string') {
      const fmt = compileWallFormatter(c);
      const zoned = usesOffset(c);
      if (fmt !== null && !zoned) {
        // The common case: no offset to print, so the text is a function of the wall-clock time.
        const format = timestampFormatter(fmt);
        if (t.kind === 'TIMESTAMP') return strict1(input.args[0]!, format);
        return strict1(input.args[0]!, (v: Value) => {
          const wall = wallOf(v);
          return wall === null ? null : format(wall);
        });
      }
      return strict1(input.args[0]!, (v: Value) => run(v, fmt, zoned));
    }
    return strict2(input.args[0]!, input.args[1]!, (v: Value, f: string) => run(v, compileWallFormatter(f), usesOffset(f)));
  },
};

/** Whether a pattern prints a zone offset (a cheap over-approximation). */
function usesOffset(pattern: string): boolean {
  return /[ZXxzV]/.test(pattern);
}

const FROM_UNIXTIME: FunctionDefinition = {
  name: 'FROM_UNIXTIME',
  signatures: ['FROM_UNIXTIME(BIGINT seconds)', 'FROM_UNIXTIME(BIGINT seconds, STRING format)'],
  deterministic: true,
  resolve(types) {
    const args = types.length === 1 ? mapArgs(types, [bigintArg]) : mapArgs(types, [bigintArg, stringArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.string(true) };
  },
  compile(input) {
    const zone = zoneOf(input.ctx.timeZone);
    const run = (secs: bigint, f: string): string | null => {
      const fmt = compileWallFormatter(f);
      if (fmt === null) return null;
      const instant = secs * 1_000_000n;
      return formatWall(fmt, instantToWall(zone, instant), zone.offsetAtMs(Number(secs) * 1000));
    };
    if (input.args.length === 1) return strict1(input.args[0]!, (s: bigint) => run(s, DEFAULT_FORMAT));
    return strict2(input.args[0]!, input.args[1]!, run);
  },
};

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/** Date part of text: 'yyyy-MM-dd' optionally followed by a time (ignored). */
export function parseDateLenient(text: string): number | null {
  const s = text.trim();
  const cut = s.search(/[ T]/);
  return parseDate(cut < 0 ? s : s.slice(0, cut));
}

const TO_DATE: FunctionDefinition = {
  name: 'TO_DATE',
  signatures: ['TO_DATE(STRING)', 'TO_DATE(STRING, STRING format)'],
  deterministic: true,
  resolve(types) {
    const args = types.length === 1 ? mapArgs(types, [stringArg]) : mapArgs(types, [stringArg, stringArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.date(true) };
  },
  compile(input) {
    if (input.args.length === 1) return strict1(input.args[0]!, (s: string) => parseDateLenient(s));
    return strict2(input.args[0]!, input.args[1]!, (s: string, f: string) => {
      const p = compileParser(f);
      const parsed = p === null ? null : p(s);
      return parsed === null ? null : splitTimestamp(timestampOfFields(parsed)).days;
    });
  },
};

const TO_TIMESTAMP: FunctionDefinition = {
  name: 'TO_TIMESTAMP',
  signatures: ['TO_TIMESTAMP(STRING)', 'TO_TIMESTAMP(STRING, STRING format)'],
  deterministic: true,
  resolve(types) {
    const args = types.length === 1 ? mapArgs(types, [stringArg]) : mapArgs(types, [stringArg, stringArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.timestamp(3, true) };
  },
  compile(input) {
    if (input.args.length === 1) {
      return strict1(input.args[0]!, (s: string) => {
        const v = parseTimestamp(s);
        return v === null ? null : truncateMicros(v, 3);
      });
    }
    return strict2(input.args[0]!, input.args[1]!, (s: string, f: string) => {
      const p = compileParser(f);
      const parsed = p === null ? null : p(s);
      return parsed === null ? null : truncateMicros(timestampOfFields(parsed), 3);
    });
  },
};

function numericEpochToMicros(v: Value, type: SqlType, precision: number): bigint | null {
  const scale = precision === 0 ? 1_000_000 : precision === 3 ? 1000 : precision === 6 ? 1 : 0.001;
  switch (type.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return precision === 9 ? BigInt(Math.trunc((v as number) / 1000)) : BigInt(v as number) * BigInt(scale);
    case 'BIGINT':
      return precision === 9 ? (v as bigint) / 1000n : (v as bigint) * BigInt(scale);
    case 'FLOAT':
    case 'DOUBLE': {
      const n = v as number;
      if (!Number.isFinite(n)) return null;
      return BigInt(Math.floor(n * scale));
    }
    case 'DECIMAL': {
      const d = (v as Decimal).mul(Decimal.parse(String(scale))!);
      const whole = d.toBigint();
      return d.sign() < 0 && !d.equals(Decimal.fromBigint(whole)) ? whole - 1n : whole;
    }
    default:
      return null;
  }
}

const MAX_MICROS = 253402300799999999n; // 9999-12-31 23:59:59.999999
const MIN_MICROS = -62135596800000000n; // 0001-01-01 00:00:00

const TO_TIMESTAMP_LTZ: FunctionDefinition = {
  name: 'TO_TIMESTAMP_LTZ',
  signatures: [
    'TO_TIMESTAMP_LTZ(NUMERIC epoch)',
    'TO_TIMESTAMP_LTZ(NUMERIC epoch, INT precision)',
    'TO_TIMESTAMP_LTZ(STRING)',
    'TO_TIMESTAMP_LTZ(STRING, STRING format)',
    'TO_TIMESTAMP_LTZ(STRING, STRING format, STRING zone)',
  ],
  deterministic: true,
  resolve(types, literals): Resolution | string | null {
    if (types.length < 1 || types.length > 3) return null;
    const first = types[0]!;
    if (first.kind === 'CHAR' || first.kind === 'VARCHAR') {
      const args = mapArgs(types, types.map(() => stringArg));
      if (args === null) return null;
      return { argTypes: args, resultType: T.timestampLtz(3, true) };
    }
    const num = first.kind === 'NULL' ? T.bigint() : first;
    if (!['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL'].includes(num.kind)) return null;
    if (types.length === 1) return { argTypes: [num], resultType: T.timestampLtz(3, true) };
    if (types.length !== 2) return null;
    const p = intArg(types[1]!);
    if (p === null) return null;
    const lit = literals[1];
    if (lit !== undefined && lit !== null && ![0, 3, 6, 9].includes(Number(lit))) {
      return `TO_TIMESTAMP_LTZ precision must be 0 (seconds) or 3 (milliseconds), got ${String(lit)}`;
    }
    return { argTypes: [num, p], resultType: T.timestampLtz(3, true) };
  },
  compile(input) {
    const t = input.argTypes[0]!;
    const clamp = (m: bigint | null): bigint | null => (m === null || m > MAX_MICROS || m < MIN_MICROS ? null : truncateMicros(m, 3));
    if (t.kind === 'CHAR' || t.kind === 'VARCHAR') {
      const session = zoneOf(input.ctx.timeZone);
      const run = (s: string, fmt: string | null, tz: string | null): bigint | null => {
        const zone = tz === null ? session : findZone(tz);
        if (zone === null) return null;
        if (fmt === null) {
          const wall = parseTimestamp(s);
          return wall === null ? null : clamp(wallToInstant(zone, wall));
        }
        const p = compileParser(fmt);
        const parsed = p === null ? null : p(s);
        return parsed === null ? null : clamp(instantOfParsed(parsed, zone));
      };
      const a = input.args;
      if (a.length === 1) return strict1(a[0]!, (s: string) => run(s, null, null));
      if (a.length === 2) return strict2(a[0]!, a[1]!, (s: string, f: string) => run(s, f, null));
      return strict3(a[0]!, a[1]!, a[2]!, run);
    }
    if (input.args.length === 1) return strict1(input.args[0]!, (v: Value) => clamp(numericEpochToMicros(v, t, 3)));
    return strict2(input.args[0]!, input.args[1]!, (v: Value, p: number) => {
      if (p !== 0 && p !== 3 && p !== 6 && p !== 9) {
        throw runtimeError(`TO_TIMESTAMP_LTZ precision must be 0 (seconds) or 3 (milliseconds), got ${p}`);
      }
      return clamp(numericEpochToMicros(v, t, p));
    });
  },
};

const CONVERT_TZ: FunctionDefinition = {
  name: 'CONVERT_TZ',
  signatures: ['CONVERT_TZ(STRING datetime, STRING fromZone, STRING toZone)'],
  deterministic: true,
  resolve(types) {
    const args = mapArgs(types, [stringArg, stringArg, stringArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.string(true) };
  },
  compile(input) {
    const fmt = compileWallFormatter(DEFAULT_FORMAT)!;
    return strict3(input.args[0]!, input.args[1]!, input.args[2]!, (s: string, from: string, to: string) => {
      const wall = parseTimestamp(s);
      const zf = findZone(from);
      const zt = findZone(to);
      if (wall === null || zf === null || zt === null) return null;
      const instant = wallToInstant(zf, wall);
      return formatWall(fmt, instantToWall(zt, instant), 0);
    });
  },
};

// ---------------------------------------------------------------------------
// Fields: EXTRACT, YEAR, MONTH, ...
// ---------------------------------------------------------------------------

type Unit =
  | 'MILLENNIUM'
  | 'CENTURY'
  | 'DECADE'
  | 'YEAR'
  | 'ISOYEAR'
  | 'QUARTER'
  | 'MONTH'
  | 'WEEK'
  | 'DAY'
  | 'DOY'
  | 'DOW'
  | 'ISODOW'
  | 'HOUR'
  | 'MINUTE'
  | 'SECOND'
  | 'MILLISECOND'
  | 'MICROSECOND'
  | 'NANOSECOND'
  | 'EPOCH';

const UNITS = new Set<string>([
  'MILLENNIUM',
  'CENTURY',
  'DECADE',
  'YEAR',
  'ISOYEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'DOY',
  'DOW',
  'ISODOW',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
  'NANOSECOND',
  'EPOCH',
]);

const TIME_UNITS = new Set(['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND', 'EPOCH']);

function normalizeUnit(u: string): string {
  let s = u.trim().toUpperCase();
  if (s.startsWith('SQL_TSI_')) s = s.slice(8);
  if (s === 'DAYOFYEAR') return 'DOY';
  if (s === 'DAYOFWEEK') return 'DOW';
  if (s === 'FRAC_SECOND') return 'MICROSECOND';
  return s.endsWith('S') && UNITS.has(s.slice(0, -1)) ? s.slice(0, -1) : s;
}

/** Field `unit` of a wall-clock timestamp. */
function extractField(unit: Unit, wall: bigint): bigint {
  const { days, micros } = splitTimestamp(wall);
  switch (unit) {
    case 'EPOCH':
      return floorDiv(wall, 1_000_000n);
    case 'HOUR':
      return BigInt(Math.floor(micros / 3_600_000_000));
    case 'MINUTE':
      return BigInt(Math.floor(micros / 60_000_000) % 60);
    case 'SECOND':
      return BigInt(Math.floor(micros / 1_000_000) % 60);
    case 'MILLISECOND':
      return BigInt(Math.floor((micros % 60_000_000) / 1000));
    case 'MICROSECOND':
      return BigInt(micros % 60_000_000);
    case 'NANOSECOND':
      return BigInt(micros % 60_000_000) * 1000n;
    case 'DOY':
      return BigInt(dayOfYear(days));
    case 'DOW':
      return BigInt(sqlDayOfWeek(days));
    case 'ISODOW':
      return BigInt(isoDayOfWeek(days));
    case 'WEEK':
      return BigInt(isoWeek(days));
    case 'ISOYEAR':
      return BigInt(isoYear(days));
    default:
      break;
  }
  const { year, month, day } = civilFromDays(days);
  switch (unit) {
    case 'DAY':
      return BigInt(day);
    case 'MONTH':
      return BigInt(month);
    case 'QUARTER':
      return BigInt(Math.floor((month - 1) / 3) + 1);
    case 'YEAR':
      return BigInt(year);
    case 'DECADE':
      return BigInt(Math.floor(year / 10));
    case 'CENTURY':
      return BigInt(year > 0 ? Math.floor((year + 99) / 100) : -Math.floor((-year + 99) / 100));
    default:
      return BigInt(year > 0 ? Math.floor((year + 999) / 1000) : -Math.floor((-year + 999) / 1000));
  }
}

function fieldAccepts(unit: string, t: SqlType): boolean {
  if (t.kind === 'TIME') return TIME_UNITS.has(unit);
  if (t.kind === 'DATE') return !TIME_UNITS.has(unit) || unit === 'EPOCH';
  return isDateTime(t);
}

function compileField(unit: Unit, input: CompileInput, argIndex: number): Evaluator {
  const zone = zoneOf(input.ctx.timeZone);
  const wall = toWall(input.argTypes[argIndex]!, zone);
  return strict1(input.args[argIndex]!, (v: Value) => extractField(unit, wall(v)));
}

const EXTRACT: FunctionDefinition = {
  name: 'EXTRACT',
  signatures: ["EXTRACT('unit', DATE|TIME|TIMESTAMP)"],
  deterministic: true,
  resolve(types, literals): Resolution | string | null {
    if (types.length !== 2) return null;
    const unitType = stringArg(types[0]!);
    const t = types[1]!.kind === 'NULL' ? T.timestamp() : types[1]!;
    if (unitType === null || (!isDateTime(t) && t.kind !== 'TIME')) return null;
    const lit = literals[0];
    if (typeof lit === 'string') {
      const unit = normalizeUnit(lit);
      if (!UNITS.has(unit)) return `unknown EXTRACT unit '${lit}'`;
      if (!fieldAccepts(unit, t)) return `cannot EXTRACT ${unit} from ${t.kind}`;
    }
    return { argTypes: [unitType, t], resultType: T.bigint(t.nullable || types[1]!.kind === 'NULL') };
  },
  compile(input) {
    const c = input.constants[0];
    if (typeof c === 'string') {
      const unit = normalizeUnit(c);
      if (!UNITS.has(unit)) throw runtimeError(`unknown EXTRACT unit '${c}'`);
      return compileField(unit as Unit, input, 1);
    }
    const zone = zoneOf(input.ctx.timeZone);
    const wall = toWall(input.argTypes[1]!, zone);
    return strict2(input.args[0]!, input.args[1]!, (u: string, v: Value) => {
      const unit = normalizeUnit(u);
      if (!UNITS.has(unit)) throw runtimeError(`unknown EXTRACT unit '${u}'`);
      return extractField(unit as Unit, wall(v));
    });
  },
};

function fieldFn(name: string, unit: Unit, timeOk: boolean, dateOk: boolean): FunctionDefinition {
  return {
    name,
    signatures: [`${name}(${dateOk ? 'DATE|' : ''}${timeOk ? 'TIME|' : ''}TIMESTAMP)`],
    deterministic: true,
    resolve(types) {
      if (types.length !== 1) return null;
      const t = types[0]!.kind === 'NULL' ? T.timestamp() : types[0]!;
      const ok = t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ' || (t.kind === 'TIME' && timeOk) || (t.kind === 'DATE' && dateOk);
      if (!ok) return null;
      return { argTypes: [t], resultType: T.bigint(t.nullable || types[0]!.kind === 'NULL') };
    },
    compile: (input) => compileField(unit, input, 0),
  };
}

// ---------------------------------------------------------------------------
// Arithmetic: TIMESTAMPADD, DATE_ADD, DATE_SUB, TIMESTAMPDIFF, DATEDIFF
// ---------------------------------------------------------------------------

const ADD_UNITS: Record<string, { months?: number; micros?: bigint }> = {
  YEAR: { months: 12 },
  QUARTER: { months: 3 },
  MONTH: { months: 1 },
  WEEK: { micros: 7n * MICROS_PER_DAY },
  DAY: { micros: MICROS_PER_DAY },
  HOUR: { micros: 3_600_000_000n },
  MINUTE: { micros: 60_000_000n },
  SECOND: { micros: 1_000_000n },
  MILLISECOND: { micros: 1000n },
  MICROSECOND: { micros: 1n },
};

function addUnitOf(u: string): { months?: number; micros?: bigint } | undefined {
  return ADD_UNITS[normalizeUnit(u)];
}

function isSubDay(u: string): boolean {
  const n = normalizeUnit(u);
  return n === 'HOUR' || n === 'MINUTE' || n === 'SECOND' || n === 'MILLISECOND' || n === 'MICROSECOND';
}

const TIMESTAMPADD: FunctionDefinition = {
  name: 'TIMESTAMPADD',
  signatures: ["TIMESTAMPADD('unit', INT, DATE|TIMESTAMP)"],
  deterministic: true,
  resolve(types, literals): Resolution | string | null {
    if (types.length !== 3) return null;
    const u = stringArg(types[0]!);
    const n = bigintArg(types[1]!);
    const t = types[2]!.kind === 'NULL' ? T.timestamp() : types[2]!;
    if (u === null || n === null || !isDateTime(t)) return null;
    const lit = literals[0];
    let rt: SqlType = t;
    if (typeof lit === 'string') {
      if (addUnitOf(lit) === undefined) return `unknown TIMESTAMPADD unit '${lit}'`;
      if (t.kind === 'DATE' && isSubDay(lit)) {
        const unit = normalizeUnit(lit);
        rt = T.timestamp(unit === 'MILLISECOND' ? 3 : unit === 'MICROSECOND' ? 6 : 0);
      }
    }
    return { argTypes: [u, n, t], resultType: withNullability(rt, n.nullable || t.nullable || types[2]!.kind === 'NULL') };
  },
  compile(input) {
    const t = input.argTypes[2]!;
    const rt = input.resultType;
    const zone = zoneOf(input.ctx.timeZone);
    const add = (u: string, n: bigint, v: Value): Value => {
      const unit = addUnitOf(u);
      if (unit === undefined) throw runtimeError(`unknown TIMESTAMPADD unit '${u}'`);
      if (t.kind === 'DATE') {
        if (unit.months !== undefined) return addMonthsToDate(v as number, Number(n) * unit.months);
        const micros = BigInt(v as number) * MICROS_PER_DAY + n * unit.micros!;
        if (rt.kind === 'DATE') return Number(floorDiv(micros, MICROS_PER_DAY));
        return micros;
      }
      const ts = v as bigint;
      if (t.kind === 'TIMESTAMP_LTZ') {
        // Calendar units move the wall clock of the session zone; smaller units move the instant.
        if (unit.months !== undefined || unit.micros! >= MICROS_PER_DAY) {
          const wall = instantToWall(zone, ts);
          const moved = unit.months !== undefined ? addMonthsToTimestamp(wall, Number(n) * unit.months) : wall + n * unit.micros!;
          return wallToInstant(zone, moved);
        }
        return ts + n * unit.micros!;
      }
      if (unit.months !== undefined) return addMonthsToTimestamp(ts, Number(n) * unit.months);
      return ts + n * unit.micros!;
    };
    const c = input.constants[0];
    if (typeof c === 'string') {
      if (addUnitOf(c) === undefined) throw runtimeError(`unknown TIMESTAMPADD unit '${c}'`);
      return strict2(input.args[1]!, input.args[2]!, (n: bigint, v: Value) => add(c, n, v));
    }
    return strict3(input.args[0]!, input.args[1]!, input.args[2]!, add);
  },
};

/** Date argument for the Hive-style DATE_ADD, DATE_SUB, DATEDIFF: DATE, TIMESTAMP, TIMESTAMP_LTZ or a string. */
function dateish(t: SqlType): SqlType | null {
  if (isDateTime(t)) return t;
  return stringArg(t);
}

function daysOf(type: SqlType, zone: Zone): (v: Value) => number | null {
  switch (type.kind) {
    case 'DATE':
      return (v) => v as number;
    case 'TIMESTAMP':
      return (v) => splitTimestamp(v as bigint).days;
    case 'TIMESTAMP_LTZ':
      return (v) => splitTimestamp(instantToWall(zone, v as bigint)).days;
    default:
      return (v) => parseDateLenient(v as string);
  }
}

function dateAddFn(name: string, sign: number): FunctionDefinition {
  return {
    name,
    signatures: [`${name}(DATE|TIMESTAMP|STRING, INT days)`],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, [dateish, intArg]);
      if (args === null) return null;
      const nullable = anyNullable(args) || args[0]!.kind === 'CHAR' || args[0]!.kind === 'VARCHAR';
      return { argTypes: args, resultType: T.date(nullable) };
    },
    compile(input) {
      const days = daysOf(input.argTypes[0]!, zoneOf(input.ctx.timeZone));
      return strict2(input.args[0]!, input.args[1]!, (v: Value, n: number) => {
        const d = days(v);
        return d === null ? null : d + sign * n;
      });
    },
  };
}

const DATEDIFF: FunctionDefinition = {
  name: 'DATEDIFF',
  signatures: ['DATEDIFF(DATE|TIMESTAMP|STRING end, DATE|TIMESTAMP|STRING start)'],
  deterministic: true,
  resolve(types) {
    const args = mapArgs(types, [dateish, dateish]);
    if (args === null) return null;
    const nullable = anyNullable(args) || args.some((t) => t.kind === 'CHAR' || t.kind === 'VARCHAR');
    return { argTypes: args, resultType: T.int(nullable) };
  },
  compile(input) {
    const zone = zoneOf(input.ctx.timeZone);
    const da = daysOf(input.argTypes[0]!, zone);
    const db = daysOf(input.argTypes[1]!, zone);
    return strict2(input.args[0]!, input.args[1]!, (a: Value, b: Value) => {
      const x = da(a);
      const y = db(b);
      return x === null || y === null ? null : x - y;
    });
  },
};

const DIFF_MICROS: Record<string, bigint> = {
  WEEK: 7n * MICROS_PER_DAY,
  DAY: MICROS_PER_DAY,
  HOUR: 3_600_000_000n,
  MINUTE: 60_000_000n,
  SECOND: 1_000_000n,
  MILLISECOND: 1000n,
  MICROSECOND: 1n,
};
const DIFF_MONTHS: Record<string, number> = { YEAR: 12, QUARTER: 3, MONTH: 1 };

const TIMESTAMPDIFF: FunctionDefinition = {
  name: 'TIMESTAMPDIFF',
  signatures: ["TIMESTAMPDIFF('unit', DATE|TIMESTAMP, DATE|TIMESTAMP)"],
  deterministic: true,
  resolve(types, literals): Resolution | string | null {
    if (types.length !== 3) return null;
    const u = stringArg(types[0]!);
    if (u === null) return null;
    const a = types[1]!;
    const b = types[2]!;
    if (!(isDateTime(a) || a.kind === 'NULL') || !(isDateTime(b) || b.kind === 'NULL')) return null;
    const c = commonType([a, b]);
    if (c === null) return null;
    const target = c.kind === 'NULL' ? T.timestamp() : c;
    const lit = literalText(literals[0]);
    if (lit !== undefined) {
      const unit = normalizeUnit(lit);
      if (DIFF_MICROS[unit] === undefined && DIFF_MONTHS[unit] === undefined) return `unknown TIMESTAMPDIFF unit '${lit}'`;
    }
    return {
      argTypes: [u, withNullability(target, a.nullable || a.kind === 'NULL'), withNullability(target, b.nullable || b.kind === 'NULL')],
      resultType: T.int(c.nullable || a.kind === 'NULL' || b.kind === 'NULL'),
    };
  },
  compile(input) {
    const zone = zoneOf(input.ctx.timeZone);
    const t = input.argTypes[1]!;
    const wall = toWall(t, zone);
    const raw = t.kind === 'DATE' ? wall : (v: Value) => v as bigint;
    const diff = (u: string, a: Value, b: Value): number => {
      const unit = normalizeUnit(u);
      const micros = DIFF_MICROS[unit];
      if (micros !== undefined) return Number(BigInt.asIntN(32, (raw(b) - raw(a)) / micros));
      const months = DIFF_MONTHS[unit];
      if (months === undefined) throw runtimeError(`unknown TIMESTAMPDIFF unit '${u}'`);
      return Math.trunc(monthsBetween(wall(a), wall(b)) / months) | 0;
    };
    const c = input.constants[0];
    if (typeof c === 'string') return strict2(input.args[1]!, input.args[2]!, (a: Value, b: Value) => diff(c, a, b));
    return strict3(input.args[0]!, input.args[1]!, input.args[2]!, diff);
  },
};

export const TEMPORAL_FUNCTIONS: readonly FunctionDefinition[] = [
  ...CURRENT_FUNCTIONS,
  UNIX_TIMESTAMP,
  DATE_FORMAT,
  FROM_UNIXTIME,
  TO_DATE,
  TO_TIMESTAMP,
  TO_TIMESTAMP_LTZ,
  CONVERT_TZ,
  EXTRACT,
  fieldFn('YEAR', 'YEAR', false, true),
  fieldFn('QUARTER', 'QUARTER', false, true),
  fieldFn('MONTH', 'MONTH', false, true),
  fieldFn('WEEK', 'WEEK', false, true),
  fieldFn('DAYOFYEAR', 'DOY', false, true),
  fieldFn('DAYOFMONTH', 'DAY', false, true),
  fieldFn('DAYOFWEEK', 'DOW', false, true),
  fieldFn('HOUR', 'HOUR', true, false),
  fieldFn('MINUTE', 'MINUTE', true, false),
  fieldFn('SECOND', 'SECOND', true, false),
  TIMESTAMPADD,
  dateAddFn('DATE_ADD', 1),
  dateAddFn('DATE_SUB', -1),
  TIMESTAMPDIFF,
  DATEDIFF,
];

// ---------------------------------------------------------------------------
// FLOOR / CEIL (datetime TO unit), called as FLOOR(x, 'UNIT') / CEIL(x, 'UNIT')
// ---------------------------------------------------------------------------

const FLOOR_UNITS = new Set(['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND']);

/** Type rule of FLOOR/CEIL(datetime TO unit); null when the arguments are not of that form. */
export function resolveTemporalRounding(name: string, types: readonly SqlType[], literals: readonly (Value | undefined)[]): Resolution | string | null {
  if (types.length !== 2) return null;
  const t = types[0]!;
  const u = stringArg(types[1]!);
  if (u === null || !isDateTime(t)) return null;
  const lit = literalText(literals[1]);
  if (lit !== undefined && !FLOOR_UNITS.has(normalizeUnit(lit))) return `cannot ${name} a date-time to unit '${lit}'`;
  return { argTypes: [t, u], resultType: withNullability(t, t.nullable || u.nullable) };
}

/** Floors (or ceils) a wall-clock timestamp to a unit; weeks start on Sunday (Calcite). */
function roundWall(wall: bigint, unit: string, ceil: boolean): bigint {
  const { days } = splitTimestamp(wall);
  let floor: bigint;
  let next: (t: bigint) => bigint;
  const fixed = (step: bigint): void => {
    const r = ((wall % step) + step) % step;
    floor = wall - r;
    next = (t) => t + step;
  };
  switch (unit) {
    case 'YEAR':
    case 'QUARTER':
    case 'MONTH': {
      const { year, month } = civilFromDays(days);
      const span = unit === 'YEAR' ? 12 : unit === 'QUARTER' ? 3 : 1;
      const firstMonth = Math.floor((month - 1) / span) * span + 1;
      floor = BigInt(daysFromCivil(year, firstMonth, 1)) * MICROS_PER_DAY;
      next = (t) => addMonthsToTimestamp(t, span);
      break;
    }
    case 'WEEK': {
      const sunday = days - (sqlDayOfWeek(days) - 1);
      floor = BigInt(sunday) * MICROS_PER_DAY;
      next = (t) => t + 7n * MICROS_PER_DAY;
      break;
    }
    case 'DAY':
      fixed(MICROS_PER_DAY);
      break;
    case 'HOUR':
      fixed(3_600_000_000n);
      break;
    case 'MINUTE':
      fixed(60_000_000n);
      break;
    case 'SECOND':
      fixed(1_000_000n);
      break;
    default:
      fixed(1000n);
      break;
  }
  return ceil && floor! !== wall ? next!(floor!) : floor!;
}

export function compileTemporalRounding(input: CompileInput, ceil: boolean): Evaluator {
  const t = input.argTypes[0]!;
  const zone = zoneOf(input.ctx.timeZone);
  const run = (v: Value, u: string): Value => {
    const unit = normalizeUnit(u);
    if (!FLOOR_UNITS.has(unit)) throw runtimeError(`cannot ${input.name} a date-time to unit '${u}'`);
    switch (t.kind) {
      case 'DATE':
        return Number(floorDiv(roundWall(BigInt(v as number) * MICROS_PER_DAY, unit, ceil), MICROS_PER_DAY));
      case 'TIMESTAMP_LTZ':
        return wallToInstant(zone, roundWall(instantToWall(zone, v as bigint), unit, ceil));
      default:
        return roundWall(v as bigint, unit, ceil);
    }
  };
  const c = input.constants[1];
  if (typeof c === 'string') return strict1(input.args[0]!, (v: Value) => run(v, c));
  return strict2(input.args[0]!, input.args[1]!, run);
}
