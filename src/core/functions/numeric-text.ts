import { Decimal } from '../decimal.js';

/**
 * Numbers as Java (and so Flink) writes and reads them, and Java's integer arithmetic.
 */

/** Java's Double.toString: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `-Infinity`, `-0.0`. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : s + '.0';
  }
  const e = d.toExponential();
  const at = e.indexOf('e');
  let mant = e.slice(0, at);
  let exp = e.slice(at + 1);
  if (!mant.includes('.')) mant += '.0';
  if (exp.startsWith('+')) exp = exp.slice(1);
  return `${mant}E${exp}`;
}

/** Java's Float.toString for a value already rounded to float32: `1.1`, `3.4028235E38`. */
export function javaFloatToString(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaDoubleToString(f);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return javaDoubleToString(candidate);
  }
  return javaDoubleToString(f);
}

const INTEGRAL_TEXT = /^[+-]?(\d+)(\.\d*)?$/;

/**
 * Flink's string-to-integer parsing: trimmed, optional sign, digits, an optional fraction
 * that is dropped (`'1.9'` → 1). Null when malformed.
 */
export function parseIntegralText(text: string): bigint | null {
  const s = text.trim();
  const m = INTEGRAL_TEXT.exec(s);
  if (m === null) return null;
  const v = BigInt(m[1]!);
  return s.startsWith('-') ? -v : v;
}

const DOUBLE_TEXT = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?$/;

/** Java's Double.parseDouble on trimmed text; null when malformed. */
export function parseDoubleText(text: string): number | null {
  const s = text.trim();
  if (!DOUBLE_TEXT.test(s)) return null;
  const body = /[fFdD]$/.test(s) && !s.endsWith('Infinity') ? s.slice(0, -1) : s;
  const n = Number(body);
  return Number.isNaN(n) && !body.includes('NaN') ? null : n;
}

/** Decimal from trimmed text; null when malformed. */
export function parseDecimalText(text: string): Decimal | null {
  return Decimal.parse(text.trim());
}

// ---------------------------------------------------------------------------
// Java integer semantics
// ---------------------------------------------------------------------------

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
export const LONG_MIN = -9223372036854775808n;
export const LONG_MAX = 9223372036854775807n;

export function wrapTinyint(v: number): number {
  return (v << 24) >> 24;
}

export function wrapSmallint(v: number): number {
  return (v << 16) >> 16;
}

export function wrapInt(v: number): number {
  return v | 0;
}

export function wrapBigint(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Java's (int) cast of a double: NaN → 0, saturating at the int range, truncation toward zero. */
export function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= INT_MAX) return INT_MAX;
  if (d <= INT_MIN) return INT_MIN;
  return Math.trunc(d);
}

/** Java's (long) cast of a double. */
export function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9223372036854775807) return LONG_MAX;
  if (d <= -9223372036854775808) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

/** Powers of ten as bigints, cached. */
const POW10: bigint[] = [];
export function pow10(n: number): bigint {
  let p = POW10[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    POW10[n] = p;
  }
  return p;
}

/** The value rounded HALF_UP to `scale` and checked against `precision`; null on overflow. */
export function fitDecimal(d: Decimal, precision: number, scale: number): Decimal | null {
  const r = d.scale === scale ? d : d.rescale(scale);
  const limit = pow10(precision);
  const u = r.unscaled;
  return u < limit && u > -limit ? r : null;
}
