import { decimalPrecisionOf, MAX_DECIMAL_PRECISION, T, type SqlType } from '../types.js';

/**
 * Flink's DECIMAL result types (LogicalTypeMerging): precision and scale of +, -, *, /, %
 * and ROUND/TRUNCATE, with Flink's (Hive/Spark-style) adjustment when the precision exceeds
 * 38: the integral digits are kept and the scale shrinks, but not below min(scale, 6).
 */

const MINIMUM_ADJUSTED_SCALE = 6;

function adjust(precision: number, scale: number, nullable: boolean): SqlType {
  if (precision <= MAX_DECIMAL_PRECISION) return T.decimal(precision, scale, nullable);
  const digits = precision - scale;
  const minScale = Math.min(scale, MINIMUM_ADJUSTED_SCALE);
  const s = Math.max(MAX_DECIMAL_PRECISION - digits, minScale);
  return T.decimal(MAX_DECIMAL_PRECISION, s, nullable);
}

/** p/s of a DECIMAL or an integer type as DECIMAL (INT = DECIMAL(10, 0)). */
export function asDecimal(t: SqlType): { p: number; s: number } {
  const d = decimalPrecisionOf(t);
  return d === null ? { p: 19, s: 0 } : { p: d.precision, s: d.scale };
}

export function additionType(a: SqlType, b: SqlType, nullable: boolean): SqlType {
  const x = asDecimal(a);
  const y = asDecimal(b);
  const s = Math.max(x.s, y.s);
  return adjust(Math.max(x.p - x.s, y.p - y.s) + s + 1, s, nullable);
}

export function multiplicationType(a: SqlType, b: SqlType, nullable: boolean): SqlType {
  const x = asDecimal(a);
  const y = asDecimal(b);
  return adjust(x.p + y.p + 1, x.s + y.s, nullable);
}

export function divisionType(a: SqlType, b: SqlType, nullable: boolean): SqlType {
  const x = asDecimal(a);
  const y = asDecimal(b);
  const s = Math.max(6, x.s + y.p + 1);
  return adjust(x.p - x.s + y.s + s, s, nullable);
}

export function moduloType(a: SqlType, b: SqlType, nullable: boolean): SqlType {
  const x = asDecimal(a);
  const y = asDecimal(b);
  const s = Math.max(x.s, y.s);
  return adjust(Math.min(x.p - x.s, y.p - y.s) + s, s, nullable);
}

/** ROUND/TRUNCATE(DECIMAL(p, s), r). */
export function roundType(p: number, s: number, r: number, nullable: boolean): SqlType {
  if (r >= s) return T.decimal(p, s, nullable);
  if (r < 0) return T.decimal(Math.min(MAX_DECIMAL_PRECISION, 1 + p - s), 0, nullable);
  return T.decimal(Math.min(MAX_DECIMAL_PRECISION, 1 + p - s + r), r, nullable);
}
