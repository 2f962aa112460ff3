import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import { formatType, type SqlType } from '../../../core/types.js';
import type { Value } from '../../../core/values.js';

/**
 * Numeric result representations of aggregates, and exact conversions into them.
 *
 * Integer results wrap like Java's arithmetic (Flink's SUM of INT is an INT that
 * overflows): the exact value is kept by the accumulator and reduced modulo 2^8, 2^16,
 * 2^32 or 2^64 only here, on output. DECIMAL results are rounded HALF_UP to the result
 * scale and become NULL when they do not fit the result precision (Flink's DECIMAL
 * overflow gives NULL). FLOAT results are the DOUBLE result rounded to float.
 */
export const OUT_TINYINT = 0;
export const OUT_SMALLINT = 1;
export const OUT_INT = 2;
export const OUT_BIGINT = 3;
export const OUT_DECIMAL = 4;
export const OUT_DOUBLE = 5;
export const OUT_FLOAT = 6;

export type OutKind =
  | typeof OUT_TINYINT
  | typeof OUT_SMALLINT
  | typeof OUT_INT
  | typeof OUT_BIGINT
  | typeof OUT_DECIMAL
  | typeof OUT_DOUBLE
  | typeof OUT_FLOAT;

export interface NumericOut {
  readonly kind: OutKind;
  /** DECIMAL only. */
  readonly precision: number;
  readonly scale: number;
  /** DECIMAL only: 10^precision, the bound of the unscaled value. */
  readonly limit: bigint;
}

/** The numeric representation of `type`; fails (INTERNAL: the binder should not allow it) otherwise. */
export function numericOutOf(type: SqlType, what: string): NumericOut {
  const k = outKindOf(type);
  if (k === null) {
    throw new StrataError('INTERNAL', `${what} cannot produce a ${formatType(type)} result: it needs a numeric result type`);
  }
  const precision = type.precision ?? 38;
  return { kind: k, precision, scale: type.scale ?? 0, limit: pow10(precision) };
}

const POW10: bigint[] = [1n];

/** 10^k as a bigint (cached). */
export function pow10(k: number): bigint {
  let p = POW10[k];
  if (p === undefined) {
    for (let i = POW10.length; i <= k; i++) POW10.push(POW10[i - 1]! * 10n);
    p = POW10[k]!;
  }
  return p;
}

/** num / den rounded HALF_UP (away from zero on a tie); den > 0. */
export function divHalfUp(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < den) return q;
  return num < 0n ? q - 1n : q + 1n;
}

export function outKindOf(type: SqlType): OutKind | null {
  switch (type.kind) {
    case 'TINYINT':
      return OUT_TINYINT;
    case 'SMALLINT':
      return OUT_SMALLINT;
    case 'INT':
      return OUT_INT;
    case 'BIGINT':
      return OUT_BIGINT;
    case 'DECIMAL':
      return OUT_DECIMAL;
    case 'DOUBLE':
      return OUT_DOUBLE;
    case 'FLOAT':
      return OUT_FLOAT;
    default:
      return null;
  }
}

/** An exact integer as the result type (integers wrap; decimals are checked against the precision). */
export function outFromBigint(v: bigint, out: NumericOut): Value {
  switch (out.kind) {
    case OUT_TINYINT:
      return Number(BigInt.asIntN(8, v));
    case OUT_SMALLINT:
      return Number(BigInt.asIntN(16, v));
    case OUT_INT:
      return Number(BigInt.asIntN(32, v));
    case OUT_BIGINT:
      return BigInt.asIntN(64, v);
    case OUT_DECIMAL:
      return outFromDecimal(new Decimal(v, 0), out);
    case OUT_DOUBLE:
      return Number(v);
    case OUT_FLOAT:
      return Math.fround(Number(v));
  }
}

/**
 * An exact integer given as a JS number (any safe integer) as the result type. The
 * integer results take the fast path: ToInt32 is exact modular reduction for safe integers.
 */
export function outFromSafeInteger(v: number, out: NumericOut): Value {
  switch (out.kind) {
    case OUT_TINYINT:
      return (v << 24) >> 24;
    case OUT_SMALLINT:
      return (v << 16) >> 16;
    case OUT_INT:
      return v | 0;
    case OUT_DOUBLE:
      return v;
    case OUT_FLOAT:
      return Math.fround(v);
    default:
      return outFromBigint(BigInt(v), out);
  }
}

/** An exact decimal as the result type (integers truncate toward zero, then wrap). */
export function outFromDecimal(v: Decimal, out: NumericOut): Value {
  switch (out.kind) {
    case OUT_DECIMAL: {
      const r = v.scale === out.scale ? v : v.rescale(out.scale);
      const u = r.unscaled;
      return (u < 0n ? -u : u) < out.limit ? r : null;
    }
    case OUT_DOUBLE:
      return v.toNumber();
    case OUT_FLOAT:
      return Math.fround(v.toNumber());
    default:
      return outFromBigint(v.toBigint(), out);
  }
}

/** A double as the result type (integers truncate toward zero; NaN and infinities become NULL there). */
export function outFromNumber(v: number, out: NumericOut): Value {
  switch (out.kind) {
    case OUT_DOUBLE:
      return v;
    case OUT_FLOAT:
      return Math.fround(v);
    case OUT_DECIMAL: {
      const d = Decimal.fromNumber(v);
      return d === null ? null : outFromDecimal(d, out);
    }
    default:
      return Number.isFinite(v) ? outFromBigint(BigInt(Math.trunc(v)), out) : null;
  }
}

// ---------------------------------------------------------------------------
// Doubles as exact dyadic rationals: x = m · 2^e with an integer m.
// ---------------------------------------------------------------------------

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;
const TWO_32 = 4294967296;
const TWO_52 = 4503599627370496;

/** Set by `decomposeDouble`: the odd mantissa (signed, |m| < 2^53) and the exponent. */
export const decomposed = { mantissa: 0, exponent: 0 };

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * Splits a finite, non-zero double into `decomposed.mantissa · 2^decomposed.exponent` with
 * an odd mantissa (results in a module-level record, so the hot path allocates nothing).
 */
export function decomposeDouble(x: number): void {
  F64[0] = x;
  const hi = U32[HI]!;
  const lo = U32[LO]!;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (hi & 0xfffff) * TWO_32 + lo;
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant += TWO_52;
    exp = biased - 1075;
  }
  const tz = lo !== 0 ? ctz32(lo) : 32 + ctz32(mant / TWO_32);
  mant /= 2 ** tz;
  exp += tz;
  decomposed.mantissa = hi >>> 31 === 1 ? -mant : mant;
  decomposed.exponent = exp;
}

/**
 * The double nearest to m · 2^e (round half to even; a value in the subnormal range may be
 * rounded twice).
 */
export function dyadicToNumber(m: bigint, e: number): number {
  if (m === 0n) return 0;
  let x = Number(m);
  if (!Number.isFinite(x)) {
    // |m| ≥ 2^1024: keep 64 leading bits and a sticky bit, so Number() still rounds correctly.
    const neg = m < 0n;
    let a = neg ? -m : m;
    const k = a.toString(16).length * 4 - 64;
    const kb = BigInt(k);
    const sticky = (a & ((1n << kb) - 1n)) !== 0n ? 1n : 0n;
    a = (a >> kb) | sticky;
    x = Number(a);
    if (neg) x = -x;
    e += k;
  }
  while (e > 1000 && Number.isFinite(x)) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  if (e < -1000) {
    // |x| ≥ 1 and e ≥ -1074, so x · 2^(e + 600) is exact; the last step rounds once.
    return x * 2 ** (e + 600) * 2 ** -600;
  }
  return x * 2 ** e;
}

/** m · 2^e exactly as a decimal. */
export function dyadicToDecimal(m: bigint, e: number): Decimal {
  if (e >= 0) return new Decimal(m << BigInt(e), 0);
  return new Decimal(m * 5n ** BigInt(-e), -e);
}

/** m · 2^e truncated toward zero. */
export function dyadicToBigint(m: bigint, e: number): bigint {
  if (e >= 0) return m << BigInt(e);
  return m / (1n << BigInt(-e));
}
