import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { T } from '../../core/types.js';
import type { SqlType } from '../../core/types.js';
import { daysFromCivil, MICROS_PER_DAY } from '../../core/values.js';
import type { Row, Value } from '../../core/values.js';
import type { ResultColumn, StatementOutcome, WarehouseSessionState } from '../../store/api.js';
import type { MySqlBackend } from './server.js';

/**
 * A tiny in-memory MySqlBackend for the protocol tests (the real one is the warehouse's
 * StarRocks dialect). It knows a handful of statements, records every statement text it
 * receives, and serves a table `types` with a value of every Strata type.
 */

export function micros(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, us = 0): bigint {
  return BigInt(daysFromCivil(y, mo, d)) * MICROS_PER_DAY + BigInt(((h * 60 + mi) * 60 + s) * 1_000_000 + us);
}

export function timeMicros(h: number, mi: number, s: number, us = 0, negative = false): number {
  const v = ((h * 60 + mi) * 60 + s) * 1_000_000 + us;
  return negative ? -v : v;
}

function col(name: string, type: SqlType): ResultColumn {
  return { name, type, database: 'demo', table: 'types' };
}

export const TYPES_COLUMNS: readonly ResultColumn[] = [
  col('id', T.int(false)),
  col('b', T.boolean()),
  col('ti', T.tinyint()),
  col('si', T.smallint()),
  col('i', T.int()),
  col('bi', T.bigint()),
  col('f', T.float()),
  col('d', T.double()),
  col('dec', T.decimal(20, 4)),
  col('s', T.string()),
  col('c', T.char(5)),
  col('bin', T.bytes()),
  col('vb', T.varbinary(16)),
  col('dt', T.date()),
  col('t', T.time(3)),
  col('ts', T.timestamp(6)),
  col('ts0', T.timestamp(0)),
  col('ts3', T.timestamp(3)),
  col('n', T.int()),
];

export const TYPES_ROWS: readonly Row[] = [
  [
    1,
    true,
    -128,
    -32768,
    -2147483648,
    9007199254740993n,
    0.1,
    0.1,
    new Decimal(123456789012345678n, 4),
    'héllo 😀 wörld',
    'ab',
    new Uint8Array([0, 1, 2, 255]),
    new Uint8Array([0x41, 0x00, 0x42]),
    daysFromCivil(2024, 2, 29),
    timeMicros(13, 45, 7, 123_000),
    micros(2024, 2, 29, 23, 59, 59, 123_456),
    micros(2024, 1, 1),
    micros(2024, 1, 1, 8, 0, 0, 500_000),
    null,
  ],
  [
    2,
    false,
    127,
    32767,
    2147483647,
    9223372036854775807n,
    -2.5,
    -1.5e300,
    new Decimal(-1n, 4),
    '',
    'zzzzz',
    new Uint8Array([]),
    new Uint8Array([0xff]),
    0,
    timeMicros(838, 59, 59, 0, true),
    micros(1969, 12, 31, 23, 59, 59, 500_000),
    micros(1999, 12, 31, 23, 59, 59),
    micros(1000, 1, 1),
    42,
  ],
  [3, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
];

/** Splits a script at `;` outside quotes (enough for the tests' statements). */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote !== '') {
      cur += c;
      if (c === '\\') {
        cur += sql[++i] ?? '';
      } else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c;
      cur += c;
      continue;
    }
    if (c === ';') {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function literalColumn(text: string): { column: ResultColumn; value: Value } {
  const t = text.trim();
  if (/^null$/i.test(t)) return { column: { name: 'NULL', type: T.null() }, value: null };
  if (/^-?\d+$/.test(t)) {
    const big = BigInt(t);
    if (big >= -2147483648n && big <= 2147483647n) return { column: { name: t, type: T.int(false) }, value: Number(big) };
    return { column: { name: t, type: T.bigint(false) }, value: big };
  }
  if (/^-?\d*\.\d+$/.test(t)) {
    const d = Decimal.parse(t)!;
    return { column: { name: t, type: T.decimal(Math.max(d.precision(), d.scale + 1), d.scale, false) }, value: d };
  }
  const m = /^'((?:[^'\\]|\\.|'')*)'$/.exec(t);
  if (m !== null) {
    const s = m[1]!.replace(/''/g, "'").replace(/\\(.)/g, '$1');
    return { column: { name: s, type: T.varchar(Math.max(1, s.length), false) }, value: s };
  }
  throw new StrataError('SQL_VALIDATION', `Unknown column '${t}' in 'field list'`, { details: { column: t } });
}

function splitTopLevelCommas(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === "'") quote = false;
      continue;
    }
    if (c === "'") quote = true;
    if (c === ',') {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function typeOfParam(v: Value): SqlType {
  if (v === null) return T.null();
  if (typeof v === 'boolean') return T.boolean();
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? T.int() : T.double();
  if (typeof v === 'bigint') return T.bigint();
  if (typeof v === 'string') return T.string();
  if (v instanceof Decimal) return T.decimal(38, v.scale);
  return T.bytes();
}

function countPlaceholders(sql: string): number {
  let n = 0;
  let quote = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '?') n++;
  }
  return n;
}

export class FakeBackend implements MySqlBackend {
  /** Every statement text received, in order (COM_QUERY split at ';', prepare and execute texts). */
  readonly statements: string[] = [];
  readonly sessions = new Set<WarehouseSessionState>();
  lastParams: readonly Value[] = [];
  /** Rows of `select * from big`. */
  bigRows = 0;

  openSession(connectionId: number, user: string, database: string | null): WarehouseSessionState {
    if (database !== null && database.toLowerCase() === 'nope') {
      throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `Unknown database '${database}'`, { details: { objectType: 'database' } });
    }
    const s: WarehouseSessionState = { connectionId, user, database, variables: new Map() };
    this.sessions.add(s);
    return s;
  }

  closeSession(session: WarehouseSessionState): void {
    this.sessions.delete(session);
  }

  async query(sql: string, session: WarehouseSessionState): Promise<StatementOutcome[]> {
    const outcomes: StatementOutcome[] = [];
    for (const stmt of splitSql(sql)) {
      try {
        outcomes.push(await this.#run(stmt, session));
      } catch (e) {
        if (e instanceof StrataError && outcomes.length > 0) {
          throw new StrataError(e.code, e.bare, { details: { ...(e.details ?? {}), partial: outcomes } });
        }
        throw e;
      }
    }
    return outcomes;
  }

  async #run(stmt: string, session: WarehouseSessionState): Promise<StatementOutcome> {
    this.statements.push(stmt);
    const s = stmt.replace(/\s+/g, ' ').trim();
    const lower = s.toLowerCase();
    if (lower === 'select @@version_comment limit 1') {
      return { kind: 'rows', columns: [{ name: '@@version_comment', type: T.varchar(64) }], rows: [['Strata']] };
    }
    if (lower === 'select database()') {
      return { kind: 'rows', columns: [{ name: 'database()', type: T.varchar(64) }], rows: [[session.database]] };
    }
    if (lower === 'select user()' || lower === 'select current_user()') {
      return { kind: 'rows', columns: [{ name: 'user()', type: T.varchar(64) }], rows: [[`${session.user}@localhost`]] };
    }
    if (lower === 'select connection_id()') {
      return { kind: 'rows', columns: [{ name: 'connection_id()', type: T.bigint(false) }], rows: [[BigInt(session.connectionId)]] };
    }
    if (lower === 'show databases') {
      return { kind: 'rows', columns: [{ name: 'Database', type: T.varchar(64, false) }], rows: [['demo'], ['information_schema']] };
    }
    if (lower === 'show tables') {
      if (session.database === null) throw new StrataError('USAGE', 'No database selected', { details: { mysqlErrno: 1046, mysqlSqlState: '3D000' } });
      return { kind: 'rows', columns: [{ name: `Tables_in_${session.database}`, type: T.varchar(64, false) }], rows: [['types']] };
    }
    if (lower === 'select * from types' || lower === 'select * from demo.types') {
      return { kind: 'rows', columns: TYPES_COLUMNS, rows: TYPES_ROWS };
    }
    if (lower === 'select * from big') {
      const rows: Row[] = [];
      for (let i = 0; i < this.bigRows; i++) rows.push([i, `row number ${i} with some padding text to make it longer`]);
      return { kind: 'rows', columns: [{ name: 'id', type: T.int(false) }, { name: 'txt', type: T.string() }], rows };
    }
    if (lower === 'select sleep_then_id') {
      await new Promise((r) => setTimeout(r, 5));
      return { kind: 'rows', columns: [{ name: 'id', type: T.bigint(false) }], rows: [[BigInt(session.connectionId)]] };
    }
    if (lower === 'select boom') throw new TypeError('kaboom from a buggy backend');
    const rep = /^select repeat\('(.)', (\d+)\)$/i.exec(s);
    if (rep !== null) return { kind: 'rows', columns: [{ name: 'r', type: T.string() }], rows: [[rep[1]!.repeat(Number(rep[2]))]] };
    const len = /^select length\('([^']*)'\)$/i.exec(s);
    if (len !== null) return { kind: 'rows', columns: [{ name: 'n', type: T.bigint(false) }], rows: [[BigInt(len[1]!.length)]] };
    if (lower.startsWith('select * from missing')) {
      throw new StrataError('CATALOG_OBJECT_NOT_FOUND', "Table 'demo.missing' doesn't exist", { details: { objectType: 'table' } });
    }
    if (lower.startsWith('selec ')) throw new StrataError('SQL_SYNTAX', `near 'selec' at line 1`);
    const use = /^use `?([^`]+)`?$/i.exec(s);
    if (use !== null) {
      const db = use[1]!;
      if (db.toLowerCase() === 'nope') {
        throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `Unknown database '${db}'`, { details: { objectType: 'database' } });
      }
      session.database = db;
      return { kind: 'ok', affectedRows: 0 };
    }
    if (lower.startsWith('set ')) return { kind: 'ok', affectedRows: 0 };
    if (lower.startsWith('insert ')) return { kind: 'ok', affectedRows: 2, lastInsertId: 7, info: 'Records: 2  Duplicates: 0  Warnings: 0' };
    const sel = /^select (.+)$/is.exec(s);
    if (sel !== null && !/\bfrom\b/i.test(sel[1]!)) {
      const parts = splitTopLevelCommas(sel[1]!).map(literalColumn);
      return { kind: 'rows', columns: parts.map((p) => p.column), rows: [parts.map((p) => p.value)] };
    }
    throw new StrataError('SQL_UNSUPPORTED', `the test backend does not run: ${s}`);
  }

  async prepare(sql: string, _session: WarehouseSessionState): Promise<{ paramCount: number; columns: readonly ResultColumn[] | null }> {
    this.statements.push(sql);
    const lower = sql.trim().toLowerCase();
    if (lower.startsWith('selec ')) throw new StrataError('SQL_SYNTAX', `near 'selec' at line 1`);
    if (lower.startsWith('select * from types')) return { paramCount: countPlaceholders(sql), columns: TYPES_COLUMNS };
    return { paramCount: countPlaceholders(sql), columns: null };
  }

  async executePrepared(sql: string, params: readonly Value[], session: WarehouseSessionState): Promise<StatementOutcome> {
    this.lastParams = params;
    const lower = sql.trim().toLowerCase().replace(/\s+/g, ' ');
    if (lower === 'select * from types') return { kind: 'rows', columns: TYPES_COLUMNS, rows: TYPES_ROWS };
    if (lower === 'select * from types where id = ?') {
      const id = Number(params[0]);
      return { kind: 'rows', columns: TYPES_COLUMNS, rows: TYPES_ROWS.filter((r) => r[0] === id) };
    }
    if (lower === 'select boom') throw new TypeError('kaboom from a buggy backend');
    if (lower.startsWith('insert ')) return { kind: 'ok', affectedRows: 1, lastInsertId: 11 };
    if (/^select \?(, ?\?)*$/.test(lower)) {
      return {
        kind: 'rows',
        columns: params.map((p, i) => ({ name: `p${i}`, type: typeOfParam(p) })),
        rows: [params],
      };
    }
    const outcomes = await this.query(sql, session);
    return outcomes[0] ?? { kind: 'ok', affectedRows: 0 };
  }

  async fieldList(table: string, _session: WarehouseSessionState): Promise<readonly ResultColumn[]> {
    if (table.toLowerCase() === 'types') return TYPES_COLUMNS;
    throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `Table '${table}' doesn't exist`, { details: { objectType: 'table' } });
  }
}
