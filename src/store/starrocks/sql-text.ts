/**
 * Small printers shared by the translator, SHOW and DML: DuckDB identifiers and
 * literals, Strata values as DuckDB literals, MySQL LIKE patterns, and MySQL → strftime
 * format strings.
 */

import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import type { SqlType } from '../../core/types.js';
import { bytesToHex, formatDate, formatTime, formatTimestamp, type Value } from '../../core/values.js';
import type { Pos } from '../../sql/ast.js';

/** `"name"` with embedded double quotes doubled (DuckDB identifier). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** `'text'` with embedded single quotes doubled (DuckDB string literal; backslash is literal). */
export function quoteString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** A MySQL identifier in backticks (for SHOW CREATE TABLE). */
export function backtick(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/**
 * A Strata value as a DuckDB literal. Without a type, numbers that are integers print
 * as integers and other numbers as DOUBLE; with a type, temporal values (days,
 * microseconds) print as typed literals.
 */
export function valueLiteral(v: Value, type?: SqlType): string {
  if (v === null) return 'NULL';
  if (type !== undefined) {
    switch (type.kind) {
      case 'DATE':
        if (typeof v === 'number') return `DATE '${formatDate(v)}'`;
        break;
      case 'TIME':
        if (typeof v === 'number') return `TIME '${formatTime(v, 6)}'`;
        break;
      case 'TIMESTAMP':
        if (typeof v === 'bigint') return `TIMESTAMP '${formatTimestamp(v, 6)}'`;
        break;
      case 'TIMESTAMP_LTZ':
        if (typeof v === 'bigint') return `CAST('${formatTimestamp(v, 6)}+00' AS TIMESTAMPTZ)`;
        break;
      default:
        break;
    }
  }
  switch (typeof v) {
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'bigint':
      return v.toString();
    case 'number':
      if (Number.isInteger(v)) return Object.is(v, -0) ? '0' : String(v);
      if (Number.isNaN(v)) return "CAST('NaN' AS DOUBLE)";
      if (!Number.isFinite(v)) return v > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
      return `CAST(${String(v)} AS DOUBLE)`;
    case 'string':
      return quoteString(v);
    default:
      if (v instanceof Decimal) return v.toString();
      return `from_hex('${bytesToHex(v)}')`;
  }
}

/** Does `s` match the MySQL LIKE `pattern` (`%`, `_`, `\` escapes)? Case-insensitive, as SHOW ... LIKE is. */
export function likeMatches(s: string, pattern: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRegExp(pattern[++i]!);
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRegExp(c);
  }
  return new RegExp(re + '$', 'i').test(s);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * MySQL DATE_FORMAT specifiers → DuckDB strftime specifiers. `parse` selects the
 * strptime variant (no `-` flags). Unknown specifiers stand for the character itself,
 * as in MySQL. `%D` (day with English suffix) has no strftime equivalent.
 */
export function mysqlFormatToStrftime(format: string, parse: boolean, pos: Pos): { format: string; hasTime: boolean; hasDate: boolean } {
  let out = '';
  let hasTime = false;
  let hasDate = false;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i + 1 >= format.length) {
      out += c === '%' ? '%%' : c;
      continue;
    }
    const s = format[++i]!;
    let r: string;
    switch (s) {
      case 'a': r = '%a'; hasDate = true; break;
      case 'b': r = '%b'; hasDate = true; break;
      case 'c': r = parse ? '%m' : '%-m'; hasDate = true; break;
      case 'd': r = '%d'; hasDate = true; break;
      case 'e': r = parse ? '%d' : '%-d'; hasDate = true; break;
      case 'f': r = '%f'; hasTime = true; break;
      case 'H': r = '%H'; hasTime = true; break;
      case 'h':
      case 'I': r = '%I'; hasTime = true; break;
      case 'i': r = '%M'; hasTime = true; break;
      case 'j': r = '%j'; hasDate = true; break;
      case 'k': r = parse ? '%H' : '%-H'; hasTime = true; break;
      case 'l': r = parse ? '%I' : '%-I'; hasTime = true; break;
      case 'M': r = '%B'; hasDate = true; break;
      case 'm': r = '%m'; hasDate = true; break;
      case 'p': r = '%p'; hasTime = true; break;
      case 'r': r = '%I:%M:%S %p'; hasTime = true; break;
      case 'S':
      case 's': r = '%S'; hasTime = true; break;
      case 'T': r = '%H:%M:%S'; hasTime = true; break;
      case 'U': r = '%U'; hasDate = true; break;
      case 'u': r = '%W'; hasDate = true; break;
      case 'V':
      case 'v': r = '%V'; hasDate = true; break;
      case 'W': r = '%A'; hasDate = true; break;
      case 'w': r = '%w'; hasDate = true; break;
      case 'X':
      case 'x': r = '%G'; hasDate = true; break;
      case 'Y': r = '%Y'; hasDate = true; break;
      case 'y': r = '%y'; hasDate = true; break;
      case '%': r = '%%'; break;
      case 'D':
        throw new StrataError('SQL_UNSUPPORTED', "the DATE_FORMAT specifier %D (day with an English suffix) is not supported", {
          location: { line: pos.line, column: pos.column },
          hint: 'Use %d or %e.',
        });
      default:
        r = s;
    }
    out += r;
  }
  return { format: out, hasTime, hasDate };
}

/** The DuckDB type that holds a Strata type's values. */
export function duckTypeOf(type: SqlType): string {
  switch (type.kind) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'TINYINT':
      return 'TINYINT';
    case 'SMALLINT':
      return 'SMALLINT';
    case 'INT':
      return 'INTEGER';
    case 'BIGINT':
      return 'BIGINT';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'DECIMAL': {
      const p = type.precision ?? 10;
      const s = type.scale ?? 0;
      // Wider decimals are kept as text by the DuckDB warehouse.
      return p <= 38 ? `DECIMAL(${p}, ${s})` : 'VARCHAR';
    }
    case 'CHAR':
    case 'VARCHAR':
      return 'VARCHAR';
    case 'BINARY':
    case 'VARBINARY':
      return 'BLOB';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'TIME';
    case 'TIMESTAMP':
      return 'TIMESTAMP';
    case 'TIMESTAMP_LTZ':
      return 'TIMESTAMPTZ';
    case 'NULL':
      return 'VARCHAR';
  }
}

/**
 * A query over constant rows: `SELECT CAST(c0 AS T) AS "A", ... FROM (VALUES ...) AS v(c0, ...)`
 * (or an empty result with the same columns). Used for information_schema and SHOW ... WHERE.
 */
export function inlineTableSql(columns: readonly { readonly name: string; readonly type: SqlType }[], rows: readonly (readonly Value[])[]): string {
  if (rows.length === 0) {
    return 'SELECT ' + columns.map((c) => `CAST(NULL AS ${duckTypeOf(c.type)}) AS ${quoteIdent(c.name)}`).join(', ') + ' WHERE FALSE';
  }
  const values = rows.map((r) => '(' + columns.map((c, i) => valueLiteral(r[i] ?? null, c.type)).join(', ') + ')').join(', ');
  return (
    'SELECT ' +
    columns.map((c, i) => `CAST(c${i} AS ${duckTypeOf(c.type)}) AS ${quoteIdent(c.name)}`).join(', ') +
    ` FROM (VALUES ${values}) AS v(${columns.map((_, i) => `c${i}`).join(', ')})`
  );
}
