import { canCastExplicitly } from '../../core/coercion.js';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { splitTimestamp } from '../../core/functions/calendar.js';
import type { Evaluator } from '../../core/functions/definition.js';
import {
  doubleToInt,
  doubleToLong,
  fitDecimal,
  javaDoubleToString,
  javaFloatToString,
  parseDecimalText,
  parseDoubleText,
  parseIntegralText,
  wrapSmallint,
  wrapTinyint,
} from '../../core/functions/numeric-text.js';
import { parseDateLenient } from '../../core/functions/temporal.js';
import { instantToWall, wallToInstant, zoneOf } from '../../core/functions/time-zone.js';
import { formatType, MAX_LENGTH, withNullability, type SqlType } from '../../core/types.js';
import {
  formatDate,
  formatTime,
  formatTimestamp,
  MICROS_PER_DAY,
  parseTime,
  parseTimestamp,
  type Value,
} from '../../core/values.js';

/**
 * CAST and TRY_CAST between every pair of types canCastExplicitly allows, with Flink 1.17+
 * semantics (table.exec.legacy-cast-behaviour disabled):
 *
 * - numeric → narrower integer wraps like Java's cast ((TINYINT) 300 = 44); FLOAT/DOUBLE →
 *   integer truncates toward zero and saturates at the target's int/long range first (Java),
 *   NaN → 0; DECIMAL → integer truncates and wraps; anything → DECIMAL rounds HALF_UP and
 *   gives NULL when the value does not fit the precision (also for CAST, as Flink).
 * - string → number/boolean/date-time: trimmed; malformed text fails the job with a
 *   RUNTIME error `cannot cast 'abc' to INT` (TRY_CAST gives NULL). '1.9' → INT is 1.
 * - string → BOOLEAN accepts true/t/yes/y/1 and false/f/no/n/0 (any case).
 * - number → string as Java prints it (1.0E10, 0.1, 100.0); BOOLEAN → 'TRUE'/'FALSE'.
 * - CHAR(n) pads with spaces to n and truncates; VARCHAR(n) truncates (Flink 1.16+);
 *   BINARY(n) pads with zero bytes, VARBINARY(n) truncates; string ↔ bytes is UTF-8.
 * - TIMESTAMP ↔ TIMESTAMP_LTZ and DATE/TIME → TIMESTAMP_LTZ use the session time zone;
 *   numbers ↔ TIMESTAMP/TIMESTAMP_LTZ are seconds since the epoch (UTC for TIMESTAMP).
 * - Lowering a TIME/TIMESTAMP precision truncates (floors) the fraction.
 */

export interface CastContext {
  readonly timeZone: string;
}

type Converter = (v: Value) => Value;

const IDENTITY: Converter = (v) => v;

class CastFailure extends StrataError {}

function fail(v: Value, to: SqlType): CastFailure {
  const shown = typeof v === 'string' ? `'${v}'` : String(v);
  return new CastFailure('RUNTIME', `cannot cast ${shown} to ${formatType(withNullability(to, true))}`, {
    hint: 'Use TRY_CAST to get NULL for values that do not convert.',
  });
}

/**
 * Compiles CAST(arg AS to). `tryCast` turns conversion failures into NULL. Throws
 * StrataError('SQL_VALIDATION') when the cast is not allowed at all.
 */
export function compileCast(arg: Evaluator, from: SqlType, to: SqlType, tryCast: boolean, ctx: CastContext): Evaluator {
  if (from.kind === 'NULL') return () => null;
  const conv = converter(from, to, ctx);
  if (conv === IDENTITY) return arg;
  if (!tryCast) {
    return (r) => {
      const v = arg(r);
      return v === null ? null : conv(v);
    };
  }
  return (r) => {
    const v = arg(r);
    if (v === null) return null;
    try {
      return conv(v);
    } catch (e) {
      if (e instanceof CastFailure) return null;
      throw e;
    }
  };
}

/** Casts one value (convenience for tests and constant folding). */
export function castValue(v: Value, from: SqlType, to: SqlType, ctx: CastContext = { timeZone: 'UTC' }, tryCast = false): Value {
  return compileCast(() => v, from, to, tryCast, ctx)([]);
}

/** The conversion function for non-null values; IDENTITY when values need no change. */
export function converter(from: SqlType, to: SqlType, ctx: CastContext): Converter {
  if (!canCastExplicitly(from, to)) {
    throw new StrataError('SQL_VALIDATION', `cannot cast ${formatType(withNullability(from, true))} to ${formatType(withNullability(to, true))}`);
  }
  switch (to.kind) {
    case 'CHAR':
    case 'VARCHAR':
      return toCharacter(from, to, ctx);
    case 'BOOLEAN':
      return toBoolean(from, to);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return toSmallIntegral(from, to);
    case 'BIGINT':
      return toBigint(from, to);
    case 'FLOAT':
    case 'DOUBLE':
      return toApproximate(from, to);
    case 'DECIMAL':
      return toDecimal(from, to);
    case 'BINARY':
    case 'VARBINARY':
      return toBinary(from, to);
    case 'DATE':
      return toDate(from, to, ctx);
    case 'TIME':
      return toTime(from, to, ctx);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return toTimestamp(from, to, ctx);
    case 'NULL':
      return () => null;
  }
}

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** Text of a non-null value as CAST(x AS STRING) writes it. */
function textOf(from: SqlType, ctx: CastContext): (v: Value) => string {
  switch (from.kind) {
    case 'CHAR':
    case 'VARCHAR':
      return (v) => v as string;
    case 'BOOLEAN':
      return (v) => (v ? 'TRUE' : 'FALSE');
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return (v) => String(v);
    case 'FLOAT':
      return (v) => javaFloatToString(v as number);
    case 'DOUBLE':
      return (v) => javaDoubleToString(v as number);
    case 'DECIMAL':
      return (v) => (v as Decimal).toString();
    case 'DATE':
      return (v) => formatDate(v as number);
    case 'TIME': {
      const p = from.precision ?? 0;
      return (v) => formatTime(v as number, p);
    }
    case 'TIMESTAMP': {
      const p = from.precision ?? 6;
      return (v) => formatTimestamp(v as bigint, p);
    }
    case 'TIMESTAMP_LTZ': {
      const p = from.precision ?? 6;
      const zone = zoneOf(ctx.timeZone);
      return (v) => formatTimestamp(instantToWall(zone, v as bigint), p);
    }
    case 'BINARY':
    case 'VARBINARY':
      return (v) => utf8.decode(v as Uint8Array);
    case 'NULL':
      return () => '';
  }
}

function toCharacter(from: SqlType, to: SqlType, ctx: CastContext): Converter {
  const len = to.precision ?? (to.kind === 'CHAR' ? 1 : MAX_LENGTH);
  const fromChar = from.kind === 'CHAR' || from.kind === 'VARCHAR';
  const fromLen = from.precision ?? MAX_LENGTH;
  if (fromChar) {
    if (to.kind === 'VARCHAR' && fromLen <= len) return IDENTITY;
    if (to.kind === 'CHAR' && from.kind === 'CHAR' && fromLen === len) return IDENTITY;
  }
  const text = textOf(from, ctx);
  if (to.kind === 'CHAR') {
    return (v) => {
      const s = text(v);
      return s.length === len ? s : s.length > len ? s.slice(0, len) : s.padEnd(len, ' ');
    };
  }
  if (len >= MAX_LENGTH) return text;
  return (v) => {
    const s = text(v);
    return s.length > len ? s.slice(0, len) : s;
  };
}

function toBinary(from: SqlType, to: SqlType): Converter {
  const len = to.precision ?? (to.kind === 'BINARY' ? 1 : MAX_LENGTH);
  const fromBin = from.kind === 'BINARY' || from.kind === 'VARBINARY';
  if (fromBin) {
    const fromLen = from.precision ?? MAX_LENGTH;
    if (to.kind === 'VARBINARY' && fromLen <= len) return IDENTITY;
    if (to.kind === 'BINARY' && from.kind === 'BINARY' && fromLen === len) return IDENTITY;
  }
  const bytes: (v: Value) => Uint8Array = fromBin ? (v) => v as Uint8Array : (v) => utf8Encoder.encode(v as string);
  if (to.kind === 'BINARY') {
    return (v) => {
      const b = bytes(v);
      if (b.length === len) return b;
      if (b.length > len) return b.slice(0, len);
      const out = new Uint8Array(len);
      out.set(b);
      return out;
    };
  }
  if (len >= MAX_LENGTH) return bytes;
  return (v) => {
    const b = bytes(v);
    return b.length > len ? b.slice(0, len) : b;
  };
}

// ---------------------------------------------------------------------------
// BOOLEAN
// ---------------------------------------------------------------------------

const TRUE_TEXT = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE_TEXT = new Set(['f', 'false', 'n', 'no', '0']);

function toBoolean(from: SqlType, to: SqlType): Converter {
  switch (from.kind) {
    case 'BOOLEAN':
      return IDENTITY;
    case 'CHAR':
    case 'VARCHAR':
      return (v) => {
        const s = (v as string).trim().toLowerCase();
        if (TRUE_TEXT.has(s)) return true;
        if (FALSE_TEXT.has(s)) return false;
        throw fail(v, to);
      };
    case 'BIGINT':
      return (v) => v !== 0n;
    default:
      return (v) => v !== 0;
  }
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

function wrapFor(kind: string): (n: number) => number {
  return kind === 'TINYINT' ? wrapTinyint : kind === 'SMALLINT' ? wrapSmallint : (n) => n | 0;
}

const RANGES: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
};

/** Seconds since the epoch (truncated) of a TIMESTAMP (as UTC) or TIMESTAMP_LTZ value. */
function epochSeconds(v: Value): bigint {
  return (v as bigint) / 1_000_000n;
}

function epochSecondsDouble(v: Value): number {
  return Number(v as bigint) / 1e6;
}

function toSmallIntegral(from: SqlType, to: SqlType): Converter {
  const wrap = wrapFor(to.kind);
  const bits = to.kind === 'TINYINT' ? 8 : to.kind === 'SMALLINT' ? 16 : 32;
  const [lo, hi] = RANGES[to.kind]!;
  switch (from.kind) {
    case 'TINYINT':
      return IDENTITY;
    case 'SMALLINT':
      return to.kind === 'TINYINT' ? (v) => wrap(v as number) : IDENTITY;
    case 'INT':
      return to.kind === 'INT' ? IDENTITY : (v) => wrap(v as number);
    case 'BIGINT':
      return (v) => Number(BigInt.asIntN(bits, v as bigint));
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => wrap(doubleToInt(v as number));
    case 'DECIMAL':
      return (v) => Number(BigInt.asIntN(bits, (v as Decimal).toBigint()));
    case 'BOOLEAN':
      return (v) => (v ? 1 : 0);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (v) => Number(BigInt.asIntN(bits, epochSeconds(v)));
    default:
      return (v) => {
        const n = parseIntegralText(v as string);
        if (n === null || n < lo || n > hi) throw fail(v, to);
        return Number(n);
      };
  }
}

function toBigint(from: SqlType, to: SqlType): Converter {
  switch (from.kind) {
    case 'BIGINT':
      return IDENTITY;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return (v) => BigInt(v as number);
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => doubleToLong(v as number);
    case 'DECIMAL':
      return (v) => BigInt.asIntN(64, (v as Decimal).toBigint());
    case 'BOOLEAN':
      return (v) => (v ? 1n : 0n);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return epochSeconds;
    default:
      return (v) => {
        const n = parseIntegralText(v as string);
        if (n === null || n < RANGES.BIGINT![0] || n > RANGES.BIGINT![1]) throw fail(v, to);
        return n;
      };
  }
}

function toApproximate(from: SqlType, to: SqlType): Converter {
  const float = to.kind === 'FLOAT';
  const round: (n: number) => number = float ? Math.fround : (n) => n;
  switch (from.kind) {
    case 'DOUBLE':
      return float ? (v) => Math.fround(v as number) : IDENTITY;
    case 'FLOAT':
      return IDENTITY;
    case 'TINYINT':
    case 'SMALLINT':
      return IDENTITY;
    case 'INT':
      return float ? (v) => Math.fround(v as number) : IDENTITY;
    case 'BIGINT':
      return (v) => round(Number(v as bigint));
    case 'DECIMAL':
      return (v) => round((v as Decimal).toNumber());
    case 'BOOLEAN':
      return (v) => (v ? 1 : 0);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (v) => round(epochSecondsDouble(v));
    default:
      return (v) => {
        const n = parseDoubleText(v as string);
        if (n === null) throw fail(v, to);
        return round(n);
      };
  }
}

function toDecimal(from: SqlType, to: SqlType): Converter {
  const p = to.precision ?? 10;
  const s = to.scale ?? 0;
  switch (from.kind) {
    case 'DECIMAL':
      if ((from.scale ?? 0) === s && (from.precision ?? 10) - (from.scale ?? 0) <= p - s) return IDENTITY;
      return (v) => fitDecimal(v as Decimal, p, s);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return (v) => fitDecimal(new Decimal(BigInt(v as number), 0), p, s);
    case 'BIGINT':
      return (v) => fitDecimal(new Decimal(v as bigint, 0), p, s);
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => {
        const d = Decimal.fromNumber(v as number);
        return d === null ? null : fitDecimal(d, p, s);
      };
    case 'BOOLEAN':
      return (v) => fitDecimal(new Decimal(v ? 1n : 0n, 0), p, s);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (v) => fitDecimal(new Decimal(v as bigint, 6), p, s);
    default:
      return (v) => {
        const d = parseDecimalText(v as string);
        if (d === null) throw fail(v, to);
        return fitDecimal(d, p, s);
      };
  }
}

// ---------------------------------------------------------------------------
// Date and time
// ---------------------------------------------------------------------------

function truncateTimestamp(micros: bigint, precision: number): bigint {
  if (precision >= 6) return micros;
  const unit = 10n ** BigInt(6 - precision);
  const r = micros % unit;
  return r === 0n ? micros : micros - (r < 0n ? r + unit : r);
}

function truncateTime(micros: number, precision: number): number {
  if (precision >= 6) return micros;
  const unit = 10 ** (6 - precision);
  return Math.floor(micros / unit) * unit;
}

function toDate(from: SqlType, to: SqlType, ctx: CastContext): Converter {
  switch (from.kind) {
    case 'DATE':
      return IDENTITY;
    case 'TIMESTAMP':
      return (v) => splitTimestamp(v as bigint).days;
    case 'TIMESTAMP_LTZ': {
      const zone = zoneOf(ctx.timeZone);
      return (v) => splitTimestamp(instantToWall(zone, v as bigint)).days;
    }
    default:
      return (v) => {
        const d = parseDateLenient(v as string);
        if (d === null) throw fail(v, to);
        return d;
      };
  }
}

function toTime(from: SqlType, to: SqlType, ctx: CastContext): Converter {
  const p = to.precision ?? 0;
  switch (from.kind) {
    case 'TIME':
      return (from.precision ?? 0) <= p ? IDENTITY : (v) => truncateTime(v as number, p);
    case 'TIMESTAMP':
      return (v) => truncateTime(splitTimestamp(v as bigint).micros, p);
    case 'TIMESTAMP_LTZ': {
      const zone = zoneOf(ctx.timeZone);
      return (v) => truncateTime(splitTimestamp(instantToWall(zone, v as bigint)).micros, p);
    }
    default:
      return (v) => {
        const s = (v as string).trim();
        let t = parseTime(s);
        if (t === null) {
          const ts = parseTimestamp(s);
          if (ts !== null && /[ T]/.test(s)) t = splitTimestamp(ts).micros;
        }
        if (t === null || t < 0 || t >= 86_400_000_000) throw fail(v, to);
        return truncateTime(t, p);
      };
  }
}

/** The wall-clock time a string writes, and the instant when it ends with Z or ±hh:mm. */
function parseZonedText(text: string): { wall: bigint | null; instant: bigint | null } {
  const s = text.trim();
  const m = /(Z|[+-]\d{2}:?\d{2})$/.exec(s);
  if (m !== null && /\d[ T]\d/.test(s)) {
    const wall = parseTimestamp(s.slice(0, m.index).trim());
    if (wall === null) return { wall: null, instant: null };
    if (m[1] === 'Z') return { wall, instant: wall };
    const sign = m[1]!.startsWith('-') ? -1n : 1n;
    const digits = m[1]!.replace(/[+:-]/g, '');
    const offset = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000_000n;
    return { wall, instant: wall - sign * offset };
  }
  return { wall: parseTimestamp(s), instant: null };
}

function toTimestamp(from: SqlType, to: SqlType, ctx: CastContext): Converter {
  const p = to.precision ?? 6;
  const ltz = to.kind === 'TIMESTAMP_LTZ';
  const zone = ltz || from.kind === 'TIMESTAMP_LTZ' ? zoneOf(ctx.timeZone) : null;
  // Wall clock → target representation.
  const fromWall: (wall: bigint) => bigint = ltz ? (w) => wallToInstant(zone!, w) : (w) => w;
  const finish = (micros: bigint): bigint => truncateTimestamp(micros, p);
  switch (from.kind) {
    case 'TIMESTAMP':
      if (!ltz) return (from.precision ?? 6) <= p ? IDENTITY : (v) => finish(v as bigint);
      return (v) => finish(wallToInstant(zone!, v as bigint));
    case 'TIMESTAMP_LTZ':
      if (ltz) return (from.precision ?? 6) <= p ? IDENTITY : (v) => finish(v as bigint);
      return (v) => finish(instantToWall(zone!, v as bigint));
    case 'DATE':
      return (v) => fromWall(BigInt(v as number) * MICROS_PER_DAY);
    case 'TIME':
      return (v) => finish(fromWall(BigInt(v as number)));
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return (v) => BigInt(v as number) * 1_000_000n;
    case 'BIGINT':
      return (v) => BigInt.asIntN(64, (v as bigint) * 1_000_000n);
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => {
        const n = v as number;
        if (!Number.isFinite(n)) return null;
        return finish(BigInt(Math.floor(n * 1e6)));
      };
    case 'DECIMAL':
      return (v) => {
        const d = (v as Decimal).rescale(6);
        return finish(d.unscaled);
      };
    default:
      return (v) => {
        const parsed = parseZonedText(v as string);
        if (parsed.wall === null) throw fail(v, to);
        if (ltz && parsed.instant !== null) return finish(parsed.instant);
        return finish(fromWall(parsed.wall));
      };
  }
}
