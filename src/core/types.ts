/**
 * Strata's logical types: Flink SQL's type system, which every dialect maps into.
 *
 * Runtime representation of a non-null value of each type (see values.ts):
 *
 * | type                         | JS value                                              |
 * |------------------------------|-------------------------------------------------------|
 * | BOOLEAN                      | boolean                                               |
 * | TINYINT, SMALLINT, INT       | number (integral)                                     |
 * | BIGINT                       | bigint (always, so 2^63-1 stays exact)                |
 * | FLOAT, DOUBLE                | number                                                |
 * | DECIMAL(p, s)                | Decimal (unscaled bigint + scale s)                   |
 * | CHAR(n), VARCHAR(n), STRING  | string                                                |
 * | BINARY(n), VARBINARY(n), BYTES | Uint8Array                                          |
 * | DATE                         | number: days since 1970-01-01                         |
 * | TIME(p)                      | number: microseconds since midnight (may be negative or ≥ 24 h for MySQL TIME) |
 * | TIMESTAMP(p)                 | bigint: microseconds since 1970-01-01 00:00:00, wall-clock (no zone) |
 * | TIMESTAMP_LTZ(p)             | bigint: microseconds since the epoch, an instant (UTC) |
 * | NULL                         | null (the type of an untyped NULL literal)            |
 *
 * SQL NULL is `null` for every type. Precision beyond microseconds is not kept at run time.
 */

export type TypeKind =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'CHAR'
  | 'VARCHAR'
  | 'BINARY'
  | 'VARBINARY'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'TIMESTAMP_LTZ'
  | 'NULL';

export interface SqlType {
  readonly kind: TypeKind;
  readonly nullable: boolean;
  /** DECIMAL precision, CHAR/VARCHAR/BINARY/VARBINARY length, TIME/TIMESTAMP fractional precision. */
  readonly precision?: number;
  /** DECIMAL scale. */
  readonly scale?: number;
}

/** Length Flink uses for STRING and BYTES (VARCHAR(2147483647)). */
export const MAX_LENGTH = 2147483647;
export const MAX_DECIMAL_PRECISION = 38;
/** MySQL allows DECIMAL(65, 30); Strata keeps such values exactly (Flink caps at 38). */
export const MAX_MYSQL_DECIMAL_PRECISION = 65;

function t(kind: TypeKind, nullable: boolean, precision?: number, scale?: number): SqlType {
  const out: { kind: TypeKind; nullable: boolean; precision?: number; scale?: number } = { kind, nullable };
  if (precision !== undefined) out.precision = precision;
  if (scale !== undefined) out.scale = scale;
  return out;
}

export const T = {
  boolean: (nullable = true): SqlType => t('BOOLEAN', nullable),
  tinyint: (nullable = true): SqlType => t('TINYINT', nullable),
  smallint: (nullable = true): SqlType => t('SMALLINT', nullable),
  int: (nullable = true): SqlType => t('INT', nullable),
  bigint: (nullable = true): SqlType => t('BIGINT', nullable),
  float: (nullable = true): SqlType => t('FLOAT', nullable),
  double: (nullable = true): SqlType => t('DOUBLE', nullable),
  decimal: (precision = 10, scale = 0, nullable = true): SqlType => t('DECIMAL', nullable, precision, scale),
  char: (length = 1, nullable = true): SqlType => t('CHAR', nullable, length),
  varchar: (length = 1, nullable = true): SqlType => t('VARCHAR', nullable, length),
  string: (nullable = true): SqlType => t('VARCHAR', nullable, MAX_LENGTH),
  binary: (length = 1, nullable = true): SqlType => t('BINARY', nullable, length),
  varbinary: (length = 1, nullable = true): SqlType => t('VARBINARY', nullable, length),
  bytes: (nullable = true): SqlType => t('VARBINARY', nullable, MAX_LENGTH),
  date: (nullable = true): SqlType => t('DATE', nullable),
  time: (precision = 0, nullable = true): SqlType => t('TIME', nullable, precision),
  timestamp: (precision = 6, nullable = true): SqlType => t('TIMESTAMP', nullable, precision),
  timestampLtz: (precision = 6, nullable = true): SqlType => t('TIMESTAMP_LTZ', nullable, precision),
  null: (): SqlType => t('NULL', true),
} as const;

export function withNullability(type: SqlType, nullable: boolean): SqlType {
  if (type.nullable === nullable) return type;
  return t(type.kind, nullable, type.precision, type.scale);
}

export function isIntegral(type: SqlType): boolean {
  return type.kind === 'TINYINT' || type.kind === 'SMALLINT' || type.kind === 'INT' || type.kind === 'BIGINT';
}

/** Integral types whose values are JS numbers (not bigint). */
export function isSmallIntegral(type: SqlType): boolean {
  return type.kind === 'TINYINT' || type.kind === 'SMALLINT' || type.kind === 'INT';
}

export function isApproximate(type: SqlType): boolean {
  return type.kind === 'FLOAT' || type.kind === 'DOUBLE';
}

export function isNumeric(type: SqlType): boolean {
  return isIntegral(type) || isApproximate(type) || type.kind === 'DECIMAL';
}

export function isCharacter(type: SqlType): boolean {
  return type.kind === 'CHAR' || type.kind === 'VARCHAR';
}

export function isBinary(type: SqlType): boolean {
  return type.kind === 'BINARY' || type.kind === 'VARBINARY';
}

export function isTemporal(type: SqlType): boolean {
  return type.kind === 'DATE' || type.kind === 'TIME' || type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ';
}

export function isTimestamp(type: SqlType): boolean {
  return type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ';
}

/** Types whose run-time values are bigints. */
export function isBigintValued(type: SqlType): boolean {
  return type.kind === 'BIGINT' || type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ';
}

/** Equal kinds and parameters; nullability ignored. */
export function sameTypeIgnoringNull(a: SqlType, b: SqlType): boolean {
  return a.kind === b.kind && a.precision === b.precision && a.scale === b.scale;
}

export function sameType(a: SqlType, b: SqlType): boolean {
  return sameTypeIgnoringNull(a, b) && a.nullable === b.nullable;
}

/** The integer digits a type needs when turned into DECIMAL (Flink's rules). */
export function decimalPrecisionOf(type: SqlType): { precision: number; scale: number } | null {
  switch (type.kind) {
    case 'TINYINT':
      return { precision: 3, scale: 0 };
    case 'SMALLINT':
      return { precision: 5, scale: 0 };
    case 'INT':
      return { precision: 10, scale: 0 };
    case 'BIGINT':
      return { precision: 19, scale: 0 };
    case 'DECIMAL':
      return { precision: type.precision ?? 10, scale: type.scale ?? 0 };
    default:
      return null;
  }
}

/** Flink's SQL spelling of a type, e.g. `DECIMAL(10, 2) NOT NULL`, `STRING`. */
export function formatType(type: SqlType): string {
  let s: string;
  switch (type.kind) {
    case 'DECIMAL':
      s = `DECIMAL(${type.precision ?? 10}, ${type.scale ?? 0})`;
      break;
    case 'CHAR':
      s = `CHAR(${type.precision ?? 1})`;
      break;
    case 'VARCHAR':
      s = type.precision === MAX_LENGTH ? 'STRING' : `VARCHAR(${type.precision ?? 1})`;
      break;
    case 'BINARY':
      s = `BINARY(${type.precision ?? 1})`;
      break;
    case 'VARBINARY':
      s = type.precision === MAX_LENGTH ? 'BYTES' : `VARBINARY(${type.precision ?? 1})`;
      break;
    case 'TIME':
      s = `TIME(${type.precision ?? 0})`;
      break;
    case 'TIMESTAMP':
      s = `TIMESTAMP(${type.precision ?? 6})`;
      break;
    case 'TIMESTAMP_LTZ':
      s = `TIMESTAMP_LTZ(${type.precision ?? 6})`;
      break;
    default:
      s = type.kind;
  }
  return type.nullable || type.kind === 'NULL' ? s : `${s} NOT NULL`;
}
