import {
  decimalPrecisionOf,
  isApproximate,
  isBinary,
  isCharacter,
  isIntegral,
  isNumeric,
  MAX_DECIMAL_PRECISION,
  T,
  withNullability,
  type SqlType,
  type TypeKind,
} from './types.js';

/**
 * Flink's type coercion rules: the common type of several types (CASE, COALESCE, UNION,
 * IN), which casts happen implicitly, which are allowed at all, and how the operands of a
 * comparison are aligned. Follows Flink's LogicalTypeMerging.findCommonType and
 * LogicalTypeCasts (1.19), with the differences listed in src/core/functions/README.md.
 */

const INTEGRAL_RANK: Partial<Record<TypeKind, number>> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };

function isTimestampKind(k: TypeKind): boolean {
  return k === 'TIMESTAMP' || k === 'TIMESTAMP_LTZ';
}

/**
 * Least restrictive common type of two non-NULL types, ignoring nullability (the result
 * is nullable; the caller fixes nullability). Null when there is none.
 */
function mergeTwo(a: SqlType, b: SqlType): SqlType | null {
  const ka = a.kind;
  const kb = b.kind;
  // Character strings: same fixed length stays CHAR, otherwise VARCHAR of the longest.
  if (isCharacter(a) && isCharacter(b)) {
    const len = Math.max(a.precision ?? 1, b.precision ?? 1);
    if (ka === 'CHAR' && kb === 'CHAR' && a.precision === b.precision) return T.char(len);
    return T.varchar(len);
  }
  if (isBinary(a) && isBinary(b)) {
    const len = Math.max(a.precision ?? 1, b.precision ?? 1);
    if (ka === 'BINARY' && kb === 'BINARY' && a.precision === b.precision) return T.binary(len);
    return T.varbinary(len);
  }
  if (isNumeric(a) && isNumeric(b)) {
    if (isApproximate(a) || isApproximate(b)) {
      if (ka === 'DOUBLE' || kb === 'DOUBLE' || ka === 'DECIMAL' || kb === 'DECIMAL') return T.double();
      return T.float();
    }
    if (ka !== 'DECIMAL' && kb !== 'DECIMAL') {
      return (INTEGRAL_RANK[ka] ?? 0) >= (INTEGRAL_RANK[kb] ?? 0) ? withNullability(a, true) : withNullability(b, true);
    }
    const da = decimalPrecisionOf(a)!;
    const db = decimalPrecisionOf(b)!;
    let d = Math.max(da.precision - da.scale, db.precision - db.scale);
    d = Math.min(d, MAX_DECIMAL_PRECISION);
    let s = Math.max(da.scale, db.scale);
    s = Math.min(s, MAX_DECIMAL_PRECISION - d);
    return T.decimal(d + s, s);
  }
  if (ka === 'BOOLEAN' && kb === 'BOOLEAN') return T.boolean();
  if (ka === 'DATE' && kb === 'DATE') return T.date();
  if (ka === 'TIME' && kb === 'TIME') return T.time(Math.max(a.precision ?? 0, b.precision ?? 0));
  if (isTimestampKind(ka) && isTimestampKind(kb)) {
    const p = Math.max(a.precision ?? 6, b.precision ?? 6);
    return ka === 'TIMESTAMP_LTZ' || kb === 'TIMESTAMP_LTZ' ? T.timestampLtz(p) : T.timestamp(p);
  }
  // DATE widens to TIMESTAMP (Strata, as the brief of implicit casts says; Flink finds no
  // common type here).
  if (ka === 'DATE' && kb === 'TIMESTAMP') return withNullability(b, true);
  if (ka === 'TIMESTAMP' && kb === 'DATE') return withNullability(a, true);
  return null;
}

/**
 * Flink's least restrictive common type of the given types (for CASE, COALESCE, UNION, IN,
 * comparisons); null when none. The NULL type combines with anything; only NULL types give
 * NULL. The result is nullable if any input is (or is NULL).
 */
export function commonType(types: readonly SqlType[]): SqlType | null {
  if (types.length === 0) return null;
  let nullable = false;
  let result: SqlType | null = null;
  for (const t of types) {
    if (t.nullable || t.kind === 'NULL') nullable = true;
    if (t.kind === 'NULL') continue;
    if (result === null) {
      result = withNullability(t, true);
      continue;
    }
    const merged = mergeTwo(result, t);
    if (merged === null) return null;
    result = merged;
  }
  if (result === null) return T.null();
  return withNullability(result, nullable);
}

/**
 * Implicit cast allowed: lossless widening as Flink's LogicalTypeCasts defines it
 * (TINYINT < SMALLINT < INT < BIGINT < DECIMAL < FLOAT < DOUBLE; integers and DECIMAL to
 * DECIMAL of any precision; CHAR → CHAR/VARCHAR, VARCHAR → VARCHAR; BINARY → BINARY/VARBINARY,
 * VARBINARY → VARBINARY; TIMESTAMP ↔ TIMESTAMP_LTZ; NULL → anything), plus DATE → TIMESTAMP.
 * Lengths and precisions are not compared (as in Flink); nullability is not checked.
 * Unlike Flink, TIMESTAMP → DATE and TIMESTAMP → TIME are not implicit (they lose data).
 */
export function canCastImplicitly(from: SqlType, to: SqlType): boolean {
  const f = from.kind;
  const t = to.kind;
  if (f === 'NULL') return true;
  if (f === t) return true;
  switch (t) {
    case 'VARCHAR':
      return f === 'CHAR';
    case 'VARBINARY':
      return f === 'BINARY';
    case 'SMALLINT':
      return f === 'TINYINT';
    case 'INT':
      return f === 'TINYINT' || f === 'SMALLINT';
    case 'BIGINT':
      return f === 'TINYINT' || f === 'SMALLINT' || f === 'INT';
    case 'DECIMAL':
      return isNumeric(from);
    case 'FLOAT':
      return isIntegral(from) || f === 'DECIMAL';
    case 'DOUBLE':
      return isNumeric(from);
    case 'TIMESTAMP':
      return f === 'TIMESTAMP_LTZ' || f === 'DATE';
    case 'TIMESTAMP_LTZ':
      return f === 'TIMESTAMP';
    default:
      return false;
  }
}

/**
 * CAST(x AS to) allowed at all (Flink 1.19's LogicalTypeCasts.supportsExplicitCast):
 * - to CHAR/VARCHAR: from every type;
 * - to BOOLEAN: from character strings and integers;
 * - to BINARY/VARBINARY: from binary and character strings;
 * - to numeric: from numeric, character strings, BOOLEAN, TIMESTAMP, TIMESTAMP_LTZ;
 * - to DATE: from TIMESTAMP, TIMESTAMP_LTZ, character strings;
 * - to TIME: from TIME, TIMESTAMP, TIMESTAMP_LTZ, character strings;
 * - to TIMESTAMP/TIMESTAMP_LTZ: from DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ, character strings, numeric;
 * - NULL to anything; every type to itself.
 */
export function canCastExplicitly(from: SqlType, to: SqlType): boolean {
  if (canCastImplicitly(from, to)) return true;
  const f = from.kind;
  switch (to.kind) {
    case 'CHAR':
    case 'VARCHAR':
      return true;
    case 'BOOLEAN':
      return isCharacter(from) || isIntegral(from);
    case 'BINARY':
    case 'VARBINARY':
      return isBinary(from) || isCharacter(from);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return isNumeric(from) || isCharacter(from) || f === 'BOOLEAN' || isTimestampKind(f);
    case 'DATE':
      return isTimestampKind(f) || isCharacter(from);
    case 'TIME':
      return f === 'TIME' || isTimestampKind(f) || isCharacter(from);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return f === 'DATE' || f === 'TIME' || isTimestampKind(f) || isCharacter(from) || isNumeric(from);
    case 'NULL':
      return false;
  }
}

type ComparisonClass = 'numeric' | 'datetime' | 'time' | 'boolean' | 'binary' | 'character' | 'null';

function comparisonClass(t: SqlType): ComparisonClass {
  if (t.kind === 'NULL') return 'null';
  if (isNumeric(t)) return 'numeric';
  if (isCharacter(t)) return 'character';
  if (isBinary(t)) return 'binary';
  if (t.kind === 'BOOLEAN') return 'boolean';
  if (t.kind === 'TIME') return 'time';
  return 'datetime';
}

/**
 * The types the operands of a comparison (`=`, `<`, `IN`, `IS NOT DISTINCT FROM`, ...) are
 * cast to, one per operand (each keeps its nullability); null when they cannot be compared.
 *
 * - Operands of one kind, or with a common type, are cast to it, except that BIGINT or
 *   DECIMAL against FLOAT or DOUBLE stay as they are: the engine compares them exactly
 *   (9223372036854775807 is not equal to 9.223372036854776E18).
 * - A character string compared with a number, a date-time or a boolean is cast to that
 *   type (Flink's rule for comparisons); `'abc' = 1` then fails at run time like CAST.
 * - NULL literals take the type of the other operands.
 */
export function comparisonTypes(types: readonly SqlType[]): SqlType[] | null {
  const classes = new Set<ComparisonClass>();
  for (const t of types) classes.add(comparisonClass(t));
  classes.delete('null');
  if (classes.size === 0) return types.map((t) => withNullability(t, true));
  if (classes.size === 1 && classes.has('numeric')) {
    const nonNull = types.filter((t) => t.kind !== 'NULL');
    const kinds = new Set(nonNull.map((t) => t.kind));
    const exactBig = kinds.has('BIGINT') || kinds.has('DECIMAL');
    const approx = kinds.has('FLOAT') || kinds.has('DOUBLE');
    if (nonNull.length === 2 && exactBig && approx && types.length === 2) {
      return types.map((t) => (t.kind === 'NULL' ? withNullability(nonNull[0]!, true) : t));
    }
  }
  let target: SqlType | null;
  if (classes.has('character') && classes.size === 2) {
    const others = types.filter((t) => !isCharacter(t) && t.kind !== 'NULL');
    target = commonType(others);
  } else {
    target = commonType(types);
  }
  if (target === null || target.kind === 'NULL') return null;
  const tgt = target;
  return types.map((t) => withNullability(tgt, t.nullable || t.kind === 'NULL'));
}
