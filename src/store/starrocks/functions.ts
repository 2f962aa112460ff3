/**
 * MySQL / StarRocks function calls → DuckDB SQL text. Each mapping keeps MySQL's
 * semantics where DuckDB differs (CONCAT is NULL if any argument is; LENGTH counts
 * bytes; GREATEST is NULL if any argument is; DAYOFWEEK counts from Sunday = 1; ...).
 * Functions not listed pass through under their own name (DuckDB has many of the same
 * name: ABS, UPPER, ROUND, ...). The README lists what is mapped and how.
 */

import { StrataError } from '../../core/errors.js';
import type { TypeKind } from '../../core/types.js';
import type { Expr, FunctionCall, IntervalLiteral, Pos } from '../../sql/ast.js';
import { mysqlFormatToStrftime, quoteString } from './sql-text.js';

/** What a function translation needs from the translator. */
export interface CallContext {
  /** The translated text of an argument. */
  expr(e: Expr): string;
  /** An argument used as a date/time: string literals become typed literals. */
  temporal(e: Expr): string;
  /** The statically known type of an expression (literals, columns of known tables, casts), or null. */
  staticKind(e: Expr): TypeKind | null;
  /** The current time as a TIMESTAMP in the session's time zone. */
  localNow(): string;
  /** A TIMESTAMPTZ expression as a TIMESTAMP in the session's time zone. */
  toLocal(instant: string): string;
  /** A TIMESTAMP expression (wall clock in the session's time zone) as a TIMESTAMPTZ. */
  fromLocal(wallClock: string): string;
  /** Text of a literal for the session's information functions. */
  info(what: 'database' | 'user' | 'current_user' | 'version' | 'connection_id'): string;
  /** The translated text of an INTERVAL literal. */
  interval(i: IntervalLiteral): string;
}

function loc(pos: Pos): { line: number; column: number } {
  return { line: pos.line, column: pos.column };
}

function fail(code: 'SQL_VALIDATION' | 'SQL_UNSUPPORTED', message: string, pos: Pos, hint?: string): never {
  throw new StrataError(code, message, hint === undefined ? { location: loc(pos) } : { location: loc(pos), hint });
}

function arity(c: FunctionCall, name: string, min: number, max: number): void {
  const n = c.args.length;
  if (n < min || n > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    fail('SQL_VALIDATION', `incorrect parameter count in the call to function ${name}: expected ${want}, got ${n}`, c.pos);
  }
}

function arg(c: FunctionCall, i: number): Expr {
  return c.args[i]!;
}

/** A constant string argument (a format, a unit), or a located error. */
function stringArg(c: FunctionCall, i: number, what: string, name: string): string {
  const a = arg(c, i);
  if (a.kind === 'string') return a.value;
  return fail('SQL_UNSUPPORTED', `${name} needs a constant string as its ${what}`, a.pos, `Write the ${what} as a quoted literal.`);
}

/** A constant integer argument, or a located error. */
function intArg(c: FunctionCall, i: number, what: string, name: string): number {
  const a = arg(c, i);
  if (a.kind === 'number' && /^\d+$/.test(a.text)) return Number(a.text);
  if (a.kind === 'unary' && a.op === '-' && a.operand.kind === 'number' && /^\d+$/.test(a.operand.text)) return -Number(a.operand.text);
  return fail('SQL_UNSUPPORTED', `${name} needs a constant integer as its ${what}`, a.pos);
}

/** TIMESTAMPDIFF / TIMESTAMPADD / EXTRACT units (MySQL spellings, also SQL_TSI_*). */
const UNITS: Readonly<Record<string, string>> = {
  MICROSECOND: 'microsecond',
  MILLISECOND: 'millisecond',
  SECOND: 'second',
  MINUTE: 'minute',
  HOUR: 'hour',
  DAY: 'day',
  WEEK: 'week',
  MONTH: 'month',
  QUARTER: 'quarter',
  YEAR: 'year',
};

function unitArg(c: FunctionCall, i: number, name: string): string {
  const a = arg(c, i);
  let text: string | null = null;
  if (a.kind === 'identifier' && a.parts.length === 1) text = a.parts[0]!;
  else if (a.kind === 'string') text = a.value;
  const u = text === null ? undefined : UNITS[text.toUpperCase().replace(/^SQL_TSI_/, '').replace(/S$/, '')];
  if (u === undefined) {
    return fail('SQL_VALIDATION', `${name} needs a time unit (MICROSECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR) as its argument ${i + 1}`, a.pos);
  }
  return u;
}

const DATE_UNITS = new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);

/** DATE_ADD / DATE_SUB / ADDDATE / SUBDATE: `d ± interval`, a DATE when d is a DATE and the unit is whole days. */
function dateArith(c: FunctionCall, t: CallContext, sign: '+' | '-', name: string): string {
  arity(c, name, 2, 2);
  const d = arg(c, 0);
  const i = arg(c, 1);
  let interval: string;
  let unit: string;
  if (i.kind === 'interval') {
    interval = t.interval(i);
    unit = i.unit;
  } else {
    interval = `INTERVAL (${t.expr(i)}) DAY`;
    unit = 'DAY';
  }
  const text = `(${t.temporal(d)} ${sign} ${interval})`;
  return t.staticKind(d) === 'DATE' && DATE_UNITS.has(unit) ? `CAST(${text} AS DATE)` : text;
}

/** `CASE WHEN any arg IS NULL THEN NULL ELSE f(args) END`: MySQL's NULL rule for GREATEST / LEAST. */
function nullIfAnyNull(args: readonly string[], body: string): string {
  return `(CASE WHEN ${args.map((a) => `${a} IS NULL`).join(' OR ')} THEN NULL ELSE ${body} END)`;
}

function asVarchar(e: Expr, t: CallContext): string {
  return e.kind === 'string' ? t.expr(e) : `CAST(${t.expr(e)} AS VARCHAR)`;
}

/**
 * The DuckDB text of a call (without FILTER / OVER, which the translator appends), or
 * null when the name is not a MySQL function with its own mapping (the caller passes it
 * through as written).
 */
export function translateCall(c: FunctionCall, t: CallContext): string | null {
  const name = c.name[c.name.length - 1]!.toUpperCase();
  const args = (): string[] => c.args.map((a) => t.expr(a));
  const distinct = c.distinct ? 'DISTINCT ' : '';
  switch (name) {
    // ---- conditional --------------------------------------------------------------
    case 'IF': {
      arity(c, 'IF', 3, 3);
      const [a, b, e] = args() as [string, string, string];
      return `(CASE WHEN ${a} THEN ${b} ELSE ${e} END)`;
    }
    case 'IFNULL':
    case 'NVL':
      arity(c, name, 2, 2);
      return `COALESCE(${args().join(', ')})`;
    case 'ISNULL':
      arity(c, 'ISNULL', 1, 1);
      return `(${t.expr(arg(c, 0))} IS NULL)`;
    case 'NULL_OR_EMPTY': {
      arity(c, name, 1, 1);
      const a = t.expr(arg(c, 0));
      return `(${a} IS NULL OR ${a} = '')`;
    }
    case 'GREATEST':
    case 'LEAST': {
      arity(c, name, 1, Infinity);
      const a = args();
      return nullIfAnyNull(a, `${name.toLowerCase()}(${a.join(', ')})`);
    }

    // ---- strings ------------------------------------------------------------------
    case 'CONCAT': {
      arity(c, 'CONCAT', 1, Infinity);
      // DuckDB's concat() skips NULLs; || is NULL if any operand is, as MySQL's CONCAT.
      return '(' + c.args.map((a) => asVarchar(a, t)).join(' || ') + ')';
    }
    case 'CONCAT_WS': {
      arity(c, 'CONCAT_WS', 2, Infinity);
      return `concat_ws(${c.args.map((a) => asVarchar(a, t)).join(', ')})`;
    }
    case 'LENGTH':
    case 'OCTET_LENGTH':
      arity(c, name, 1, 1);
      return `strlen(${asVarchar(arg(c, 0), t)})`;
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
      arity(c, name, 1, 1);
      return `length(${asVarchar(arg(c, 0), t)})`;
    case 'SUBSTRING':
    case 'SUBSTR':
    case 'MID':
      arity(c, name, 2, 3);
      return `substring(${[asVarchar(arg(c, 0), t), ...c.args.slice(1).map((a) => t.expr(a))].join(', ')})`;
    case 'LOCATE': {
      arity(c, 'LOCATE', 2, 3);
      const sub = t.expr(arg(c, 0));
      const s = asVarchar(arg(c, 1), t);
      if (c.args.length === 2) return `instr(${s}, ${sub})`;
      const p = t.expr(arg(c, 2));
      const found = `instr(substring(${s}, ${p}), ${sub})`;
      return `(CASE WHEN ${found} = 0 THEN 0 ELSE ${found} + ${p} - 1 END)`;
    }
    case 'POSITION':
      arity(c, 'POSITION', 2, 2);
      return `instr(${asVarchar(arg(c, 1), t)}, ${t.expr(arg(c, 0))})`;
    case 'INSTR':
      arity(c, 'INSTR', 2, 2);
      return `instr(${asVarchar(arg(c, 0), t)}, ${t.expr(arg(c, 1))})`;
    case 'LEFT':
    case 'RIGHT':
      arity(c, name, 2, 2);
      return `${name.toLowerCase()}(${asVarchar(arg(c, 0), t)}, ${t.expr(arg(c, 1))})`;
    case 'LPAD':
    case 'RPAD':
      arity(c, name, 3, 3);
      return `${name.toLowerCase()}(${asVarchar(arg(c, 0), t)}, ${t.expr(arg(c, 1))}, ${t.expr(arg(c, 2))})`;
    case 'UPPER':
    case 'UCASE':
      arity(c, name, 1, 1);
      return `upper(${asVarchar(arg(c, 0), t)})`;
    case 'LOWER':
    case 'LCASE':
      arity(c, name, 1, 1);
      return `lower(${asVarchar(arg(c, 0), t)})`;
    case 'TRIM': {
      // TRIM('BOTH'|'LEADING'|'TRAILING', chars, s) from TRIM(... FROM s); TRIM(s).
      if (c.args.length === 3 && arg(c, 0).kind === 'string') {
        const mode = (arg(c, 0) as { value: string }).value;
        const f = mode === 'LEADING' ? 'ltrim' : mode === 'TRAILING' ? 'rtrim' : 'trim';
        return `${f}(${asVarchar(arg(c, 2), t)}, ${t.expr(arg(c, 1))})`;
      }
      arity(c, 'TRIM', 1, 2);
      return `trim(${[asVarchar(arg(c, 0), t), ...c.args.slice(1).map((a) => t.expr(a))].join(', ')})`;
    }
    case 'LTRIM':
    case 'RTRIM':
      arity(c, name, 1, 2);
      return `${name.toLowerCase()}(${[asVarchar(arg(c, 0), t), ...c.args.slice(1).map((a) => t.expr(a))].join(', ')})`;
    case 'SPACE':
      arity(c, 'SPACE', 1, 1);
      return `repeat(' ', ${t.expr(arg(c, 0))})`;
    case 'REPEAT':
      arity(c, 'REPEAT', 2, 2);
      return `repeat(${asVarchar(arg(c, 0), t)}, ${t.expr(arg(c, 1))})`;
    case 'REPLACE':
      arity(c, 'REPLACE', 3, 3);
      return `replace(${asVarchar(arg(c, 0), t)}, ${t.expr(arg(c, 1))}, ${t.expr(arg(c, 2))})`;
    case 'REVERSE':
      arity(c, 'REVERSE', 1, 1);
      return `reverse(${asVarchar(arg(c, 0), t)})`;
    case 'SHA1':
    case 'SHA':
      arity(c, name, 1, 1);
      return `sha1(${asVarchar(arg(c, 0), t)})`;
    case 'SHA2': {
      arity(c, 'SHA2', 2, 2);
      const bits = intArg(c, 1, 'hash length', 'SHA2');
      if (bits !== 256 && bits !== 0) fail('SQL_UNSUPPORTED', `SHA2 with hash length ${bits} is not supported; only 256`, arg(c, 1).pos);
      return `sha256(${asVarchar(arg(c, 0), t)})`;
    }
    case 'MD5':
      arity(c, 'MD5', 1, 1);
      return `md5(${asVarchar(arg(c, 0), t)})`;
    case 'FIND_IN_SET': {
      arity(c, 'FIND_IN_SET', 2, 2);
      const s = t.expr(arg(c, 0));
      const list = t.expr(arg(c, 1));
      return `(CASE WHEN ${s} IS NULL OR ${list} IS NULL THEN NULL ELSE coalesce(list_position(string_split(${list}, ','), ${s}), 0) END)`;
    }
    case 'SUBSTRING_INDEX': {
      arity(c, 'SUBSTRING_INDEX', 3, 3);
      const s = asVarchar(arg(c, 0), t);
      const d = t.expr(arg(c, 1));
      const n = intArg(c, 2, 'count', 'SUBSTRING_INDEX');
      if (n === 0) return `(CASE WHEN ${s} IS NULL OR ${d} IS NULL THEN NULL ELSE '' END)`;
      const slice = n > 0 ? `[1:${n}]` : `[${n}:]`;
      return `array_to_string(string_split(${s}, ${d})${slice}, ${d})`;
    }
    case 'STRCMP': {
      arity(c, 'STRCMP', 2, 2);
      const [a, b] = args() as [string, string];
      return `(CASE WHEN ${a} IS NULL OR ${b} IS NULL THEN NULL WHEN ${a} < ${b} THEN -1 WHEN ${a} > ${b} THEN 1 ELSE 0 END)`;
    }
    case 'FORMAT': {
      arity(c, 'FORMAT', 2, 3);
      const d = intArg(c, 1, 'number of decimals', 'FORMAT');
      return `format('{:,.${Math.max(0, Math.min(d, 30))}f}', CAST(${t.expr(arg(c, 0))} AS DOUBLE))`;
    }
    case 'REGEXP':
      arity(c, 'REGEXP', 2, 2);
      return `regexp_matches(${asVarchar(arg(c, 0), t)}, ${t.expr(arg(c, 1))})`;
    case 'REGEXP_REPLACE':
      arity(c, 'REGEXP_REPLACE', 3, 3);
      return `regexp_replace(${asVarchar(arg(c, 0), t)}, ${t.expr(arg(c, 1))}, ${t.expr(arg(c, 2))}, 'g')`;
    case 'REGEXP_EXTRACT':
      arity(c, 'REGEXP_EXTRACT', 2, 3);
      return `regexp_extract(${[asVarchar(arg(c, 0), t), ...c.args.slice(1).map((a) => t.expr(a))].join(', ')})`;
    case 'CHARSET':
      arity(c, 'CHARSET', 1, 1);
      return "'utf8mb4'";
    case 'COLLATION':
      arity(c, 'COLLATION', 1, 1);
      return "'utf8mb4_general_ci'";

    // ---- JSON ---------------------------------------------------------------------
    case 'JSON_EXTRACT':
    case 'JSON_QUERY':
      arity(c, name, 2, 2);
      return `json_extract(${args().join(', ')})`;
    case 'JSON_UNQUOTE': {
      arity(c, 'JSON_UNQUOTE', 1, 1);
      const a = arg(c, 0);
      if (a.kind === 'call' && a.name.length === 1 && a.name[0]!.toUpperCase() === 'JSON_EXTRACT' && a.args.length === 2) {
        return `json_extract_string(${a.args.map((x) => t.expr(x)).join(', ')})`;
      }
      return `json_extract_string(${t.expr(a)}, '$')`;
    }
    case 'GET_JSON_STRING':
      arity(c, name, 2, 2);
      return `json_extract_string(${args().join(', ')})`;
    case 'GET_JSON_INT':
      arity(c, name, 2, 2);
      return `TRY_CAST(json_extract_string(${args().join(', ')}) AS BIGINT)`;
    case 'GET_JSON_DOUBLE':
      arity(c, name, 2, 2);
      return `TRY_CAST(json_extract_string(${args().join(', ')}) AS DOUBLE)`;
    case 'PARSE_JSON':
      arity(c, name, 1, 1);
      return `json(${t.expr(arg(c, 0))})`;

    // ---- numbers ------------------------------------------------------------------
    case 'MOD':
      arity(c, 'MOD', 2, 2);
      return `(${t.expr(arg(c, 0))} % ${t.expr(arg(c, 1))})`;
    case 'DIV':
      arity(c, 'DIV', 2, 2);
      return `CAST(trunc(${t.expr(arg(c, 0))} / NULLIF(${t.expr(arg(c, 1))}, 0)) AS BIGINT)`;
    case 'TRUNCATE':
      arity(c, 'TRUNCATE', 2, 2);
      return `trunc(${args().join(', ')})`;
    case 'CEILING':
      arity(c, name, 1, 1);
      return `ceil(${t.expr(arg(c, 0))})`;
    case 'POW':
    case 'POWER':
      arity(c, name, 2, 2);
      return `pow(${args().join(', ')})`;
    case 'LOG':
      arity(c, 'LOG', 1, 2);
      if (c.args.length === 1) return `ln(${t.expr(arg(c, 0))})`;
      return `(ln(${t.expr(arg(c, 1))}) / ln(${t.expr(arg(c, 0))}))`;
    case 'RAND':
      arity(c, 'RAND', 0, 1);
      return 'random()';
    case 'PI':
      arity(c, 'PI', 0, 0);
      return 'pi()';

    // ---- date and time ------------------------------------------------------------
    case 'NOW':
    case 'CURRENT_TIMESTAMP':
    case 'LOCALTIMESTAMP':
    case 'LOCALTIME':
    case 'SYSDATE': {
      arity(c, name, 0, 1);
      const fsp = c.args.length === 1 ? intArg(c, 0, 'fractional seconds precision', name) : 0;
      return fsp === 0 ? `date_trunc('second', ${t.localNow()})` : fsp >= 6 ? t.localNow() : `date_trunc('millisecond', ${t.localNow()})`;
    }
    case 'UTC_TIMESTAMP':
      arity(c, name, 0, 0);
      return "date_trunc('second', timezone('UTC', now()))";
    case 'CURDATE':
    case 'CURRENT_DATE':
      arity(c, name, 0, 0);
      return `CAST(${t.localNow()} AS DATE)`;
    case 'UTC_DATE':
      arity(c, name, 0, 0);
      return "CAST(timezone('UTC', now()) AS DATE)";
    case 'CURTIME':
    case 'CURRENT_TIME':
      arity(c, name, 0, 1);
      return `CAST(date_trunc('second', ${t.localNow()}) AS TIME)`;
    case 'UNIX_TIMESTAMP':
      arity(c, name, 0, 1);
      if (c.args.length === 0) return 'CAST(epoch(now()) AS BIGINT)';
      return `CAST(epoch(${t.fromLocal(`CAST(${t.temporal(arg(c, 0))} AS TIMESTAMP)`)}) AS BIGINT)`;
    case 'FROM_UNIXTIME': {
      arity(c, name, 1, 2);
      const ts = t.toLocal(`to_timestamp(${t.expr(arg(c, 0))})`);
      if (c.args.length === 1) return ts;
      return `strftime(${ts}, ${quoteString(mysqlFormatToStrftime(stringArg(c, 1, 'format', name), false, arg(c, 1).pos).format)})`;
    }
    case 'DATE_FORMAT': {
      arity(c, name, 2, 2);
      const f = mysqlFormatToStrftime(stringArg(c, 1, 'format', name), false, arg(c, 1).pos).format;
      return `strftime(CAST(${t.temporal(arg(c, 0))} AS TIMESTAMP), ${quoteString(f)})`;
    }
    case 'STR_TO_DATE': {
      arity(c, name, 2, 2);
      const f = mysqlFormatToStrftime(stringArg(c, 1, 'format', name), true, arg(c, 1).pos);
      const parsed = `try_strptime(${asVarchar(arg(c, 0), t)}, ${quoteString(f.format)})`;
      return f.hasTime ? parsed : `CAST(${parsed} AS DATE)`;
    }
    case 'DATE':
      arity(c, name, 1, 1);
      return `TRY_CAST(${t.temporal(arg(c, 0))} AS DATE)`;
    case 'TIMESTAMP':
      arity(c, name, 1, 1);
      return `TRY_CAST(${t.temporal(arg(c, 0))} AS TIMESTAMP)`;
    case 'TIME':
      arity(c, name, 1, 1);
      return `TRY_CAST(${t.temporal(arg(c, 0))} AS TIME)`;
    case 'YEAR':
    case 'MONTH':
    case 'QUARTER':
    case 'HOUR':
    case 'MINUTE':
    case 'SECOND':
    case 'DAYOFYEAR':
    case 'DAYNAME':
    case 'MONTHNAME':
    case 'LAST_DAY':
      arity(c, name, 1, 1);
      return `${name.toLowerCase()}(${t.temporal(arg(c, 0))})`;
    case 'DAY':
    case 'DAYOFMONTH':
      arity(c, name, 1, 1);
      return `day(${t.temporal(arg(c, 0))})`;
    case 'DAYOFWEEK':
      arity(c, name, 1, 1);
      return `(dayofweek(${t.temporal(arg(c, 0))}) + 1)`;
    case 'WEEKDAY':
      arity(c, name, 1, 1);
      return `(isodow(${t.temporal(arg(c, 0))}) - 1)`;
    case 'WEEKOFYEAR':
      arity(c, name, 1, 1);
      return `week(${t.temporal(arg(c, 0))})`;
    case 'WEEK': {
      arity(c, name, 1, 2);
      const mode = c.args.length === 2 ? intArg(c, 1, 'mode', 'WEEK') : 0;
      const d = t.temporal(arg(c, 0));
      if (mode === 3) return `week(${d})`;
      return `CAST(strftime(CAST(${d} AS TIMESTAMP), '${mode % 2 === 1 ? '%W' : '%U'}') AS INTEGER)`;
    }
    case 'DATE_ADD':
    case 'ADDDATE':
    case 'DAYS_ADD':
      return dateArith(c, t, '+', name);
    case 'DATE_SUB':
    case 'SUBDATE':
    case 'DAYS_SUB':
      return dateArith(c, t, '-', name);
    case 'DATEDIFF':
      arity(c, name, 2, 2);
      return `date_diff('day', CAST(${t.temporal(arg(c, 1))} AS DATE), CAST(${t.temporal(arg(c, 0))} AS DATE))`;
    case 'TIMESTAMPDIFF': {
      arity(c, name, 3, 3);
      const u = unitArg(c, 0, name);
      return `date_sub('${u}', CAST(${t.temporal(arg(c, 1))} AS TIMESTAMP), CAST(${t.temporal(arg(c, 2))} AS TIMESTAMP))`;
    }
    case 'TIMESTAMPADD': {
      arity(c, name, 3, 3);
      const u = unitArg(c, 0, name);
      return `(CAST(${t.temporal(arg(c, 2))} AS TIMESTAMP) + INTERVAL (${t.expr(arg(c, 1))}) ${u.toUpperCase()})`;
    }
    case 'EXTRACT': {
      arity(c, name, 2, 2);
      return `date_part(${quoteString(unitArg(c, 0, name))}, ${t.temporal(arg(c, 1))})`;
    }
    case 'DATE_TRUNC': {
      arity(c, name, 2, 2);
      // StarRocks: date_trunc('day', x); DuckDB: the same order.
      return `date_trunc(${t.expr(arg(c, 0))}, ${t.temporal(arg(c, 1))})`;
    }
    case 'CONVERT_TZ': {
      arity(c, name, 3, 3);
      return `timezone(${t.expr(arg(c, 2))}, timezone(${t.expr(arg(c, 1))}, CAST(${t.temporal(arg(c, 0))} AS TIMESTAMP)))`;
    }

    // ---- aggregates ---------------------------------------------------------------
    case 'COUNT': {
      if (c.star) return 'count(*)';
      arity(c, 'COUNT', 1, Infinity);
      if (c.args.length === 1) return `count(${distinct}${t.expr(arg(c, 0))})`;
      if (!c.distinct) fail('SQL_VALIDATION', 'COUNT with several arguments needs DISTINCT: COUNT(DISTINCT a, b)', c.pos);
      const a = args();
      // MySQL counts the distinct combinations with no NULL in them.
      return `count(DISTINCT CASE WHEN ${a.map((x) => `${x} IS NOT NULL`).join(' AND ')} THEN row(${a.join(', ')}) END)`;
    }
    case 'GROUP_CONCAT': {
      arity(c, name, 1, 2);
      const sep = c.args.length === 2 ? t.expr(arg(c, 1)) : "','";
      return `string_agg(${distinct}${asVarchar(arg(c, 0), t)}, ${sep})`;
    }
    case 'STD':
    case 'STDDEV':
    case 'STDDEV_POP':
      arity(c, name, 1, 1);
      return `stddev_pop(${distinct}${t.expr(arg(c, 0))})`;
    case 'VARIANCE':
    case 'VAR_POP':
      arity(c, name, 1, 1);
      return `var_pop(${distinct}${t.expr(arg(c, 0))})`;
    case 'MAX_BY':
    case 'MIN_BY':
      arity(c, name, 2, 2);
      return `${name === 'MAX_BY' ? 'arg_max' : 'arg_min'}(${args().join(', ')})`;
    case 'PERCENTILE_APPROX':
      arity(c, name, 2, 3);
      return `approx_quantile(${t.expr(arg(c, 0))}, ${t.expr(arg(c, 1))})`;
    case 'APPROX_COUNT_DISTINCT':
    case 'NDV':
      arity(c, name, 1, 1);
      return `approx_count_distinct(${t.expr(arg(c, 0))})`;

    // ---- session information ------------------------------------------------------
    case 'DATABASE':
    case 'SCHEMA':
      arity(c, name, 0, 0);
      return t.info('database');
    case 'USER':
    case 'SESSION_USER':
    case 'SYSTEM_USER':
      arity(c, name, 0, 0);
      return t.info('user');
    case 'CURRENT_USER':
      arity(c, name, 0, 0);
      return t.info('current_user');
    case 'VERSION':
      arity(c, name, 0, 0);
      return t.info('version');
    case 'CURRENT_VERSION':
      arity(c, name, 0, 0);
      return t.info('version');
    case 'CONNECTION_ID':
      arity(c, name, 0, 0);
      return t.info('connection_id');
    case 'LAST_INSERT_ID':
      arity(c, name, 0, 1);
      return 'CAST(0 AS BIGINT)';
    case 'ROW_COUNT':
      arity(c, name, 0, 0);
      return 'CAST(-1 AS BIGINT)';
    case 'FOUND_ROWS':
      arity(c, name, 0, 0);
      return 'CAST(0 AS BIGINT)';
    case 'UUID':
      arity(c, name, 0, 0);
      return 'CAST(uuid() AS VARCHAR)';
    case 'SLEEP':
      arity(c, name, 1, 1);
      return 'CAST(0 AS BIGINT)';
    default:
      return null;
  }
}
