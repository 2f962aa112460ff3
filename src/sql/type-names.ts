import { StrataError } from '../core/errors.js';
import { MAX_LENGTH, MAX_MYSQL_DECIMAL_PRECISION, T, type SqlType } from '../core/types.js';
import type { TypeName } from './ast.js';

/**
 * Turns a written type into a Strata type. Flink's names first; MySQL/StarRocks spellings
 * (DATETIME, LARGEINT, TEXT, JSON, `INT(11)`, UNSIGNED) map to the type that holds every
 * value exactly (BIGINT UNSIGNED and LARGEINT → DECIMAL(20|39, 0), as Flink CDC does).
 */
export function resolveTypeName(t: TypeName, nullable: boolean, file?: string): SqlType {
  const loc = { ...(file !== undefined ? { file } : {}), line: t.pos.line, column: t.pos.column };
  const p = t.params;
  const bad = (msg: string): StrataError => new StrataError('SQL_VALIDATION', msg, { location: loc });
  const need = (max: number): void => {
    if (p.length > max) throw bad(`type ${t.name} takes at most ${max} parameter${max === 1 ? '' : 's'}, got ${p.length}`);
  };
  switch (t.name) {
    case 'BOOLEAN':
    case 'BOOL':
      need(0);
      return T.boolean(nullable);
    case 'TINYINT':
      // MySQL TINYINT(1) is a number too (Flink CDC maps it to BOOLEAN only with an option).
      if (t.unsigned) return T.smallint(nullable);
      return T.tinyint(nullable);
    case 'SMALLINT':
      return t.unsigned ? T.int(nullable) : T.smallint(nullable);
    case 'MEDIUMINT':
      return T.int(nullable);
    case 'INT':
    case 'INTEGER':
      return t.unsigned ? T.bigint(nullable) : T.int(nullable);
    case 'BIGINT':
      return t.unsigned ? T.decimal(20, 0, nullable) : T.bigint(nullable);
    case 'LARGEINT':
      return T.decimal(39, 0, nullable);
    case 'FLOAT':
    case 'REAL':
      need(2);
      return T.float(nullable);
    case 'DOUBLE':
    case 'DOUBLE PRECISION':
      need(2);
      return T.double(nullable);
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC':
    case 'DECIMALV2':
    case 'DECIMAL32':
    case 'DECIMAL64':
    case 'DECIMAL128': {
      need(2);
      const precision = p[0] ?? 10;
      const scale = p[1] ?? 0;
      if (precision < 1 || precision > MAX_MYSQL_DECIMAL_PRECISION) {
        throw bad(`DECIMAL precision must be between 1 and ${MAX_MYSQL_DECIMAL_PRECISION}, got ${precision}`);
      }
      if (scale < 0 || scale > precision) throw bad(`DECIMAL scale must be between 0 and the precision (${precision}), got ${scale}`);
      return T.decimal(precision, scale, nullable);
    }
    case 'CHAR':
    case 'CHARACTER':
      need(1);
      return T.char(checkLength(p[0] ?? 1, t.name, bad), nullable);
    case 'VARCHAR':
    case 'CHARACTER VARYING':
      need(1);
      return p.length === 0 ? T.string(nullable) : T.varchar(checkLength(p[0]!, t.name, bad), nullable);
    case 'STRING':
    case 'TEXT':
    case 'TINYTEXT':
    case 'MEDIUMTEXT':
    case 'LONGTEXT':
    case 'JSON':
    case 'JSONB':
      need(0);
      return T.string(nullable);
    case 'BINARY':
      need(1);
      return T.binary(checkLength(p[0] ?? 1, t.name, bad), nullable);
    case 'VARBINARY':
      need(1);
      return p.length === 0 ? T.bytes(nullable) : T.varbinary(checkLength(p[0]!, t.name, bad), nullable);
    case 'BYTES':
    case 'BLOB':
    case 'TINYBLOB':
    case 'MEDIUMBLOB':
    case 'LONGBLOB':
      return T.bytes(nullable);
    case 'DATE':
      need(0);
      return T.date(nullable);
    case 'TIME':
      need(1);
      return T.time(checkPrecision(p[0] ?? 0, bad), nullable);
    case 'TIMESTAMP':
    case 'TIMESTAMP WITHOUT TIME ZONE':
      need(1);
      return T.timestamp(checkPrecision(p[0] ?? 6, bad), nullable);
    case 'DATETIME':
      // StarRocks' DATETIME keeps microseconds (MySQL's DATETIME without a precision would not).
      need(1);
      return T.timestamp(checkPrecision(p[0] ?? 6, bad), nullable);
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP WITH LOCAL TIME ZONE':
      need(1);
      return T.timestampLtz(checkPrecision(p[0] ?? 6, bad), nullable);
    default:
      throw bad(
        `unknown or unsupported type '${t.name}'; expected one of BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p, s), CHAR(n), VARCHAR(n), STRING, BINARY(n), VARBINARY(n), BYTES, DATE, TIME(p), TIMESTAMP(p), TIMESTAMP_LTZ(p)`,
      );
  }
}

function checkLength(n: number, name: string, bad: (m: string) => StrataError): number {
  if (n < 1 || n > MAX_LENGTH) throw bad(`${name} length must be between 1 and ${MAX_LENGTH}, got ${n}`);
  return n;
}

function checkPrecision(n: number, bad: (m: string) => StrataError): number {
  if (n < 0 || n > 9) throw bad(`fractional seconds precision must be between 0 and 9, got ${n}`);
  return n;
}
