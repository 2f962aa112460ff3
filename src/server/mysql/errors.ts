import { StrataError } from '../../core/errors.js';
import { ErrNo } from './constants.js';

/**
 * StrataError → MySQL error number, SQLSTATE and message, as clients and ORMs expect
 * them (they branch on 1045, 1049, 1064, 1146, ...). Never a stack trace.
 *
 * | Strata code                | MySQL                                               |
 * |----------------------------|-----------------------------------------------------|
 * | SQL_SYNTAX                 | 1064 42000, "You have an error in your SQL syntax; …" |
 * | CATALOG_OBJECT_NOT_FOUND   | 1049 42000 database, 1054 42S22 column, 1305 42000 function, else 1146 42S02 table |
 * | CATALOG_OBJECT_EXISTS      | 1007 HY000 database, else 1050 42S01 table          |
 * | SQL_VALIDATION             | 1054 42S22 unknown column, else 1105 HY000          |
 * | SQL_UNSUPPORTED            | 1235 42000                                          |
 * | anything else              | 1105 HY000 with the message                         |
 *
 * The object kind comes from `details.objectType` / `details.kind` / `details.object`
 * when the thrower set one, else from the words of the message. A thrower that knows
 * the exact MySQL error sets `details.mysqlErrno` (and `details.mysqlSqlState`), which
 * win over the table.
 */

export interface MySqlError {
  readonly errno: number;
  readonly sqlState: string;
  readonly message: string;
}

const SYNTAX_PREFIX = 'You have an error in your SQL syntax; ';

/** MySQL clients keep about 512 bytes of an error message; longer ones are cut with an ellipsis. */
const MAX_MESSAGE_CHARS = 2000;

type ObjectKind = 'database' | 'table' | 'column' | 'function' | null;

function kindFromDetails(details: Record<string, unknown> | undefined): ObjectKind {
  if (details === undefined) return null;
  for (const key of ['objectType', 'objectKind', 'kind', 'object', 'type']) {
    const v = details[key];
    if (typeof v !== 'string') continue;
    const k = v.toLowerCase();
    if (k === 'database' || k === 'schema' || k === 'catalog') return 'database';
    if (k === 'table' || k === 'view' || k === 'materialized view') return 'table';
    if (k === 'column' || k === 'field') return 'column';
    if (k === 'function') return 'function';
  }
  if (typeof details['column'] === 'string') return 'column';
  return null;
}

function kindFromMessage(message: string): ObjectKind {
  // The first kind word that appears wins: "table `x` not found in database `y`" is a table.
  const m = /\b(database|schema|table|view|column|field|function)\b/i.exec(message);
  if (m === null) return null;
  const w = m[1]!.toLowerCase();
  if (w === 'database' || w === 'schema') return 'database';
  if (w === 'column' || w === 'field') return 'column';
  if (w === 'function') return 'function';
  return 'table';
}

function objectKind(e: StrataError): ObjectKind {
  return kindFromDetails(e.details) ?? kindFromMessage(e.bare);
}

function clip(message: string): string {
  const oneLine = message.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > MAX_MESSAGE_CHARS ? oneLine.slice(0, MAX_MESSAGE_CHARS - 3) + '...' : oneLine;
}

function isUnknownColumn(e: StrataError): boolean {
  if (kindFromDetails(e.details) === 'column') return true;
  return /\b(unknown|unresolved|cannot (?:be )?resolve[d]?|no such)\s+column\b|\bcolumn\b[^.]*\b(not found|does not exist|unknown|cannot be resolved)\b/i.test(e.bare);
}

export function toMySqlError(e: unknown): MySqlError {
  if (!(e instanceof StrataError)) {
    const msg = e instanceof Error ? e.message : String(e);
    return { errno: ErrNo.ER_UNKNOWN_ERROR, sqlState: 'HY000', message: clip(`internal error: ${msg}`) };
  }
  const message = e.message;
  const explicit = e.details?.['mysqlErrno'];
  if (typeof explicit === 'number' && Number.isInteger(explicit) && explicit > 0 && explicit < 0x10000) {
    const state = e.details?.['mysqlSqlState'];
    const sqlState = typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state) ? state : 'HY000';
    return { errno: explicit, sqlState, message: clip(message) };
  }
  switch (e.code) {
    case 'SQL_SYNTAX':
      return { errno: ErrNo.ER_PARSE_ERROR, sqlState: '42000', message: clip(SYNTAX_PREFIX + message) };
    case 'CATALOG_OBJECT_NOT_FOUND':
      switch (objectKind(e)) {
        case 'database':
          return { errno: ErrNo.ER_BAD_DB, sqlState: '42000', message: clip(message) };
        case 'column':
          return { errno: ErrNo.ER_BAD_FIELD, sqlState: '42S22', message: clip(message) };
        case 'function':
          return { errno: ErrNo.ER_SP_DOES_NOT_EXIST, sqlState: '42000', message: clip(message) };
        default:
          return { errno: ErrNo.ER_NO_SUCH_TABLE, sqlState: '42S02', message: clip(message) };
      }
    case 'CATALOG_OBJECT_EXISTS':
      if (objectKind(e) === 'database') return { errno: ErrNo.ER_DB_CREATE_EXISTS, sqlState: 'HY000', message: clip(message) };
      return { errno: ErrNo.ER_TABLE_EXISTS, sqlState: '42S01', message: clip(message) };
    case 'SQL_VALIDATION':
      if (isUnknownColumn(e)) return { errno: ErrNo.ER_BAD_FIELD, sqlState: '42S22', message: clip(message) };
      return { errno: ErrNo.ER_UNKNOWN_ERROR, sqlState: 'HY000', message: clip(message) };
    case 'SQL_UNSUPPORTED':
      return { errno: ErrNo.ER_NOT_SUPPORTED_YET, sqlState: '42000', message: clip(message) };
    default:
      return { errno: ErrNo.ER_UNKNOWN_ERROR, sqlState: 'HY000', message: clip(message) };
  }
}

/** ERR 1045 for a failed login, worded as MySQL words it. */
export function accessDenied(user: string, host: string, usingPassword: boolean): MySqlError {
  return {
    errno: ErrNo.ER_ACCESS_DENIED,
    sqlState: '28000',
    message: `Access denied for user '${user}'@'${host}' (using password: ${usingPassword ? 'YES' : 'NO'})`,
  };
}
