/**
 * The warehouse's SQL front in the StarRocks dialect: what the MySQL protocol server
 * calls for every COM_QUERY, COM_STMT_PREPARE / EXECUTE and COM_FIELD_LIST.
 *
 * A script is split into statements with our lexer (so `;` inside strings and comments
 * is not a separator) and run in order. Each statement is first offered to the
 * extensions (statements of higher layers, e.g. ROUTINE LOAD), then parsed (starrocks
 * dialect) and run: DDL on the Warehouse, SELECT translated to DuckDB (translate.ts),
 * DML as change batches (dml.ts), SHOW / DESC (show.ts), USE / SET on the session.
 *
 * Errors are StrataErrors with the codes the MySQL server maps (SQL_SYNTAX,
 * SQL_VALIDATION, SQL_UNSUPPORTED, CATALOG_OBJECT_NOT_FOUND / _EXISTS), located where the
 * parser or translator knows the position. When statement k of a script fails, the
 * error's `details.completed` holds the outcomes of statements 1..k-1 (which did run).
 */

import { StrataError, toStrataError, type ErrorCode } from '../../core/errors.js';
import { Decimal } from '../../core/decimal.js';
import type { Row, Value } from '../../core/values.js';
import type { Expr, Pos, SetStatement, Statement } from '../../sql/ast.js';
import { Lexer, type Token } from '../../sql/lexer.js';
import { Parser, describeToken } from '../../sql/parser/cursor.js';
import { parseStatementAt } from '../../sql/parser/statements.js';
import type { ResultColumn, StatementOutcome, Warehouse, WarehouseSessionState } from '../api.js';
import { columnFromAst, tableDefFromAst } from './ddl.js';
import { runDelete, runInsert, runUpdate } from './dml.js';
import { informationSchemaTable, userDatabases } from './info-schema.js';
import { describe, show } from './show.js';
import { resolveTable, resultColumns, splitTableName, Translator, type InfoTable, type TranslateHost } from './translate.js';
import { VARIABLE_ALIASES, defaultVariables, normalizeVariableValue, zoneOf } from './variables.js';

/** Statements handled by higher layers (e.g. CREATE/SHOW/PAUSE ROUTINE LOAD): tried first; undefined = not mine. */
export interface WarehouseExtension {
  handle(statementText: string, session: WarehouseSessionState): Promise<StatementOutcome | undefined>;
}

export interface WarehouseSqlOptions {
  /** The server version reported by @@version and VERSION() (StarRocks reports a MySQL 5.1 version). */
  readonly version?: string;
  readonly extensions?: WarehouseExtension[];
}

/** The default server version: StarRocks' FE reports MySQL 5.1.0 to clients. */
export const DEFAULT_SERVER_VERSION = '5.1.0';
export const VERSION_COMMENT = 'Strata (StarRocks-compatible)';

interface SessionEntry {
  readonly state: WarehouseSessionState;
  readonly openedAt: number;
}

/** One statement of a script: its text and where it starts. */
interface StatementSlice {
  readonly first: Token;
  /** Offset after its last character. */
  readonly end: number;
  readonly text: string;
}

function located(code: 'SQL_SYNTAX' | 'SQL_VALIDATION' | 'SQL_UNSUPPORTED' | 'CATALOG_OBJECT_NOT_FOUND' | 'CATALOG_OBJECT_EXISTS', message: string, pos: Pos, hint?: string): StrataError {
  const location = { line: pos.line, column: pos.column };
  return new StrataError(code, message, hint === undefined ? { location } : { location, hint });
}

const OK: StatementOutcome = { kind: 'ok', affectedRows: 0 };

export class WarehouseSql {
  readonly warehouse: Warehouse;
  readonly version: string;
  readonly #extensions: WarehouseExtension[];
  readonly #defaults: Map<string, Value>;
  readonly #globals = new Map<string, Value>();
  readonly #sessions = new Map<number, SessionEntry>();
  readonly #startedAt = Date.now();
  /** DML reads rows and then applies changes: one statement at a time, so they do not interleave. */
  #dml: Promise<unknown> = Promise.resolve();

  constructor(warehouse: Warehouse, options: WarehouseSqlOptions = {}) {
    this.warehouse = warehouse;
    this.version = options.version ?? DEFAULT_SERVER_VERSION;
    this.#extensions = [...(options.extensions ?? [])];
    this.#defaults = defaultVariables(this.version, VERSION_COMMENT);
  }

  /** Adds an extension after construction (tried after the earlier ones). */
  addExtension(extension: WarehouseExtension): void {
    this.#extensions.push(extension);
  }

  /** A new session; `database` must exist (CATALOG_OBJECT_NOT_FOUND otherwise). */
  openSession(connectionId: number, user: string, database: string | null): WarehouseSessionState {
    const state: WarehouseSessionState = { connectionId, user, database: null, variables: new Map() };
    if (database !== null && database !== '') state.database = this.#canonicalDatabase(database, null);
    this.#sessions.set(connectionId, { state, openedAt: Date.now() });
    return state;
  }

  /** Forgets a session (SHOW PROCESSLIST stops listing it). */
  closeSession(session: WarehouseSessionState): void {
    const e = this.#sessions.get(session.connectionId);
    if (e !== undefined && e.state === session) this.#sessions.delete(session.connectionId);
  }

  /** Runs every statement of `sql` in order; one outcome per statement. */
  async query(sql: string, session: WarehouseSessionState): Promise<StatementOutcome[]> {
    const outcomes: StatementOutcome[] = [];
    const splitter = new Lexer(sql, 'starrocks');
    let sawAny = false;
    for (;;) {
      let slice: StatementSlice | null;
      try {
        slice = nextStatement(sql, splitter);
      } catch (e) {
        throw withCompleted(e, outcomes);
      }
      if (slice === null) break;
      sawAny = true;
      try {
        outcomes.push(await this.#run(sql, slice, session, null));
      } catch (e) {
        throw withCompleted(e, outcomes);
      }
    }
    if (!sawAny) throw new StrataError('SQL_SYNTAX', 'query was empty', { hint: 'Send at least one statement.' });
    return outcomes;
  }

  /** Checks one statement and says how many `?` it has and, for queries, its result columns. */
  async prepare(sql: string, session: WarehouseSessionState): Promise<{ paramCount: number; columns: readonly ResultColumn[] | null }> {
    const slice = singleStatement(sql);
    let parsed: { statement: Statement; paramCount: number };
    try {
      parsed = parseSlice(sql, slice);
    } catch (e) {
      // A statement only an extension understands is checked when it runs.
      if (this.#extensions.length > 0 && e instanceof StrataError && e.code === 'SQL_SYNTAX') return { paramCount: 0, columns: null };
      throw e;
    }
    const st = parsed.statement;
    let columns: readonly ResultColumn[] | null = null;
    if (st.kind === 'query' || st.kind === 'show' || st.kind === 'describe') {
      try {
        const params = new Array<Value>(parsed.paramCount).fill(null);
        const o = st.kind === 'query' ? await this.#select(slice, st, session, params, true) : await this.#execute(slice, st, session, params);
        if (o.kind === 'rows') columns = o.columns;
      } catch (e) {
        // Errors that do not depend on parameter values are reported now; the others
        // (a NULL parameter DuckDB rejects) when the statement runs.
        const err = mapDuckDbError(e);
        if (err.code !== 'RUNTIME') throw err;
      }
    }
    return { paramCount: parsed.paramCount, columns };
  }

  /** Runs one prepared statement with its parameter values. */
  async executePrepared(sql: string, params: readonly Value[], session: WarehouseSessionState): Promise<StatementOutcome> {
    const slice = singleStatement(sql);
    return this.#run(sql, slice, session, params);
  }

  /**
   * The DuckDB SQL that one SELECT (or VALUES / UNION ...) statement translates to, for
   * tests, EXPLAIN and debugging. `params` are the values of its `?`.
   */
  translate(sql: string, session: WarehouseSessionState, params: readonly Value[] | null = null): string {
    const slice = singleStatement(sql);
    const { statement } = parseSlice(sql, slice);
    if (statement.kind !== 'query') throw new StrataError('SQL_VALIDATION', `only a query translates to DuckDB SQL, not ${statement.kind.toUpperCase()}`);
    return this.#translator(session, slice, params).query(statement.query).sql;
  }

  /** COM_FIELD_LIST: the columns of a table of the current database. */
  async fieldList(table: string, session: WarehouseSessionState): Promise<readonly ResultColumn[]> {
    const host = this.#host(session);
    const r = resolveTable(host, { parts: [table], pos: { line: 1, column: 1, offset: 0 } });
    if (r.kind === 'info') return r.table.columns.map((c) => ({ name: c.name, type: c.type, database: 'information_schema', table: r.table.name }));
    return r.def.columns.map((c) => ({ name: c.name, type: c.type, database: r.def.database, table: r.def.name }));
  }

  // ---- running statements --------------------------------------------------------------

  async #run(sql: string, slice: StatementSlice, session: WarehouseSessionState, params: readonly Value[] | null): Promise<StatementOutcome> {
    if (params === null || params.length === 0) {
      for (const ext of this.#extensions) {
        const o = await ext.handle(slice.text, session);
        if (o !== undefined) return o;
      }
    }
    const { statement, paramCount } = parseSlice(sql, slice);
    if (params !== null && params.length !== paramCount) {
      throw new StrataError('SQL_VALIDATION', `the statement has ${paramCount} parameter${paramCount === 1 ? '' : 's'} but ${params.length} value${params.length === 1 ? ' was' : 's were'} given`);
    }
    try {
      return await this.#execute(slice, statement, session, params);
    } catch (e) {
      throw mapDuckDbError(e);
    }
  }

  async #execute(slice: StatementSlice, st: Statement, session: WarehouseSessionState, params: readonly Value[] | null): Promise<StatementOutcome> {
    const w = this.warehouse;
    switch (st.kind) {
      case 'query':
        return this.#select(slice, st, session, params, false);
      case 'insert':
        return this.#serialized(() => runInsert(this.#translator(session, slice, params), st));
      case 'update':
        return this.#serialized(() => runUpdate(this.#translator(session, slice, params), st));
      case 'delete':
        return this.#serialized(() => runDelete(this.#translator(session, slice, params), st));
      case 'truncate': {
        const r = resolveTable(this.#host(session), st.table);
        if (r.kind !== 'table') throw located('SQL_VALIDATION', 'information_schema is read-only', st.pos);
        await this.#serialized(() => w.truncateTable(r.def.database, r.def.name));
        return OK;
      }
      case 'create-database': {
        if (st.asDatabase !== null) throw located('SQL_UNSUPPORTED', 'CREATE DATABASE ... AS DATABASE is Flink CDC syntax; run it with strata sql', st.pos);
        if (st.name.parts.length > 1) this.#checkCatalog(st.name.parts[0]!, st.name.pos);
        const name = st.name.parts[st.name.parts.length - 1]!;
        if (name.toLowerCase() === 'information_schema') {
          if (st.ifNotExists) return OK;
          throw located('CATALOG_OBJECT_EXISTS', "database 'information_schema' already exists", st.name.pos);
        }
        if (name.toLowerCase().startsWith('_strata')) throw located('SQL_VALIDATION', `database names starting with '_strata' are reserved`, st.name.pos);
        await w.createDatabase(name, st.ifNotExists);
        return OK;
      }
      case 'create-table': {
        const def = tableDefFromAst(st, session.database);
        if (def.database.toLowerCase() === 'information_schema') throw located('SQL_VALIDATION', 'information_schema is read-only', st.name.pos);
        const db = this.#canonicalDatabase(def.database, st.name.pos);
        await w.createTable({ ...def, database: db }, st.ifNotExists);
        return OK;
      }
      case 'drop':
        return this.#drop(st, session);
      case 'alter-table': {
        const r = resolveTable(this.#host(session), st.name);
        if (r.kind !== 'table') throw located('SQL_VALIDATION', 'information_schema is read-only', st.pos);
        const def = r.def;
        for (const a of st.actions) {
          switch (a.kind) {
            case 'add-column':
              await w.addColumn(def.database, def.name, columnFromAst(a.column, false), { after: a.after, first: a.first });
              break;
            case 'drop-column':
              if (def.keyColumns.some((k) => k.toLowerCase() === a.column.toLowerCase())) {
                throw located('SQL_VALIDATION', `cannot drop key column '${a.column}' of table '${def.database}.${def.name}' (StarRocks rule)`, st.pos);
              }
              await w.dropColumn(def.database, def.name, a.column);
              break;
            default:
              throw located('SQL_UNSUPPORTED', `ALTER TABLE ... ${a.kind.toUpperCase().replace('-', ' ')} is not supported by the warehouse`, st.pos, 'ADD COLUMN and DROP COLUMN are.');
          }
        }
        return OK;
      }
      case 'use': {
        if (st.catalog) {
          this.#checkCatalog(st.name.parts[0]!, st.name.pos);
          return OK;
        }
        if (st.name.parts.length > 1) this.#checkCatalog(st.name.parts[0]!, st.name.pos);
        session.database = this.#canonicalDatabase(st.name.parts[st.name.parts.length - 1]!, st.name.pos);
        return OK;
      }
      case 'set':
        await this.#set(st, session, slice);
        return OK;
      case 'show':
        return show(
          {
            host: this.#host(session),
            variables: (scope) => this.#variableList(session, scope),
            processes: () => this.#processes(),
            filter: (t, where) => this.#filter(t, where, session, slice),
            startedAt: this.#startedAt,
          },
          st,
        );
      case 'describe':
        return describe(this.#host(session), st);
      case 'explain': {
        if (st.statement.kind !== 'query') throw located('SQL_UNSUPPORTED', 'EXPLAIN in the warehouse supports SELECT only', st.pos);
        const tr = this.#translator(session, slice, params);
        const t = tr.query(st.statement.query);
        const plan = await w.query(`EXPLAIN ${t.sql}`);
        const lines = ['DuckDB SQL:', t.sql, ''];
        for (const r of plan.rows) for (const v of r.slice(1)) if (typeof v === 'string') lines.push(...v.split('\n'));
        return { kind: 'rows', columns: [{ name: 'Explain String', type: { kind: 'VARCHAR', nullable: true, precision: 2147483647 } }], rows: lines.map((l) => [l]) };
      }
      case 'transaction':
        // Every statement is atomic on its own; BEGIN / COMMIT / ROLLBACK are accepted for clients that send them.
        return OK;
      case 'kill':
        return OK;
      case 'reset':
        throw located('SQL_UNSUPPORTED', "RESET is Flink syntax; in the warehouse write SET x = DEFAULT", st.pos);
      case 'create-catalog':
      case 'create-view':
      case 'statement-set':
        throw located('SQL_UNSUPPORTED', `${st.kind.replace('-', ' ').toUpperCase()} is not supported by the warehouse`, st.pos, 'Pipelines (Flink SQL) run with strata sql.');
    }
  }

  async #select(
    slice: StatementSlice,
    st: Extract<Statement, { kind: 'query' }>,
    session: WarehouseSessionState,
    params: readonly Value[] | null,
    describeOnly: boolean,
  ): Promise<StatementOutcome> {
    const t = this.#translator(session, slice, params).query(st.query);
    const q = describeOnly ? `SELECT * FROM (${t.sql}) AS q LIMIT 0` : t.sql;
    const r = await this.warehouse.query(q);
    return { kind: 'rows', columns: resultColumns(r.columns, t.outputs), rows: r.rows };
  }

  async #drop(st: Extract<Statement, { kind: 'drop' }>, session: WarehouseSessionState): Promise<StatementOutcome> {
    const w = this.warehouse;
    const force = st.force === true;
    switch (st.object) {
      case 'DATABASE': {
        if (st.name.parts.length > 1) this.#checkCatalog(st.name.parts[0]!, st.name.pos);
        const name = st.name.parts[st.name.parts.length - 1]!;
        if (name.toLowerCase() === 'information_schema') throw located('SQL_VALIDATION', 'information_schema cannot be dropped', st.name.pos);
        const canonical = userDatabases(w).find((d) => d.toLowerCase() === name.toLowerCase());
        if (canonical === undefined) {
          if (st.ifExists) return OK;
          throw located('CATALOG_OBJECT_NOT_FOUND', `unknown database '${name}'`, st.name.pos);
        }
        await this.#serialized(() => w.dropDatabase(canonical, st.ifExists, force));
        if (session.database !== null && session.database.toLowerCase() === canonical.toLowerCase()) session.database = null;
        return OK;
      }
      case 'TABLE': {
        const { database, table } = splitTableName(session.database, st.name);
        if (database.toLowerCase() === 'information_schema') throw located('SQL_VALIDATION', 'information_schema is read-only', st.name.pos);
        const def = w.getTable(database, table);
        if (def === undefined) {
          if (st.ifExists) return OK;
          resolveTable(this.#host(session), st.name); // throws the located not-found error
          return OK;
        }
        await this.#serialized(() => w.dropTable(def.database, def.name, st.ifExists));
        return OK;
      }
      default:
        throw located('SQL_UNSUPPORTED', `DROP ${st.object} is not supported by the warehouse`, st.pos);
    }
  }

  #serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#dml.then(fn, fn);
    this.#dml = run.catch(() => undefined);
    return run;
  }

  // ---- SET and variables -----------------------------------------------------------------

  async #set(st: SetStatement, session: WarehouseSessionState, slice: StatementSlice): Promise<void> {
    for (const a of st.assignments) {
      const target = a.scope === 'GLOBAL' ? this.#globals : session.variables;
      if (a.key === 'TRANSACTION') continue;
      if (a.key === 'NAMES' || a.key === 'CHARACTER SET') {
        const cs = typeof a.value === 'string' && a.value.toUpperCase() !== 'DEFAULT' ? a.value.toLowerCase() : 'utf8mb4';
        target.set('character_set_client', cs);
        target.set('character_set_results', cs);
        if (a.key === 'NAMES') target.set('character_set_connection', cs);
        continue;
      }
      if (a.key.startsWith('@')) {
        const v = typeof a.value === 'string' ? a.value : await this.#evaluate(a.value, session, slice);
        session.variables.set(a.key.toLowerCase(), v);
        continue;
      }
      const name = a.key.toLowerCase();
      if (typeof a.value === 'string' && a.value === 'DEFAULT') {
        target.delete(name);
        const alias = VARIABLE_ALIASES[name];
        if (alias !== undefined) target.delete(alias);
        continue;
      }
      let v: Value;
      if (typeof a.value === 'string') v = a.value;
      else if (a.value.kind === 'identifier' && a.value.parts.length === 1 && !a.value.parts[0]!.startsWith('@')) v = a.value.parts[0]!; // SET sql_mode = TRADITIONAL
      else v = await this.#evaluate(a.value, session, slice);
      v = normalizeVariableValue(name, v);
      if (name === 'time_zone') checkTimeZone(v, st.pos);
      target.set(name, v);
      const alias = VARIABLE_ALIASES[name];
      if (alias !== undefined) target.set(alias, v);
    }
  }

  /** The value of an expression without tables (SET x = expr). */
  async #evaluate(e: Expr, session: WarehouseSessionState, slice: StatementSlice): Promise<Value> {
    switch (e.kind) {
      case 'string':
        return e.value;
      case 'null':
        return null;
      case 'boolean':
        return e.value;
      case 'number':
        if (/^\d+$/.test(e.text)) return normalizeVariableValue('', BigInt(e.text));
        break;
      default:
        break;
    }
    const text = this.#translator(session, slice, null).expression(e);
    const r = await this.warehouse.query(`SELECT ${text}`);
    const v = r.rows[0]?.[0] ?? null;
    if (v instanceof Decimal) return v.toString();
    return v;
  }

  #variable(session: WarehouseSessionState, name: string, scope: 'SESSION' | 'GLOBAL' | null, pos: Pos): Value {
    const key = name.toLowerCase();
    if (scope !== 'GLOBAL' && session.variables.has(key)) return session.variables.get(key)!;
    if (this.#globals.has(key)) return this.#globals.get(key)!;
    if (this.#defaults.has(key)) return this.#defaults.get(key)!;
    throw located('SQL_VALIDATION', `unknown system variable '${name}'`, pos, 'SHOW VARIABLES lists them.');
  }

  #variableList(session: WarehouseSessionState, scope: 'SESSION' | 'GLOBAL'): [string, string][] {
    const merged = new Map<string, Value>(this.#defaults);
    for (const [k, v] of this.#globals) merged.set(k, v);
    if (scope === 'SESSION') for (const [k, v] of session.variables) if (!k.startsWith('@')) merged.set(k, v);
    return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, v === null ? '' : v instanceof Uint8Array ? '' : String(v)]);
  }

  #processes(): { id: number; user: string; database: string | null; seconds: number }[] {
    const now = Date.now();
    return [...this.#sessions.values()]
      .map((e) => ({ id: e.state.connectionId, user: e.state.user, database: e.state.database, seconds: Math.floor((now - e.openedAt) / 1000) }))
      .sort((a, b) => a.id - b.id);
  }

  async #filter(t: InfoTable, where: Expr, session: WarehouseSessionState, slice: StatementSlice): Promise<Row[]> {
    const sql = this.#translator(session, slice, null).filterRows(t, where);
    const r = await this.warehouse.query(sql);
    return r.rows.map((row) => row.slice());
  }

  // ---- hosts ---------------------------------------------------------------------------

  #host(session: WarehouseSessionState): TranslateHost {
    const self = this;
    return {
      warehouse: this.warehouse,
      database: session.database,
      connectionId: session.connectionId,
      user: session.user,
      version: this.version,
      zone: zoneOf(this.#variable(session, 'time_zone', null, { line: 1, column: 1, offset: 0 })),
      systemVariable: (name, scope, pos) => self.#variable(session, name, scope, pos),
      userVariable: (name) => session.variables.get('@' + name.toLowerCase()) ?? null,
      informationSchema: (name) =>
        informationSchemaTable(name, {
          warehouse: self.warehouse,
          variables: (scope) => self.#variableList(session, scope),
          processes: () => self.#processes(),
        }),
    };
  }

  #translator(session: WarehouseSessionState, slice: StatementSlice, params: readonly Value[] | null): Translator {
    return new Translator(this.#host(session), slice.text, params);
  }

  /** The database's name as created; CATALOG_OBJECT_NOT_FOUND when there is none. */
  #canonicalDatabase(name: string, pos: Pos | null): string {
    if (name.toLowerCase() === 'information_schema') return 'information_schema';
    const found = userDatabases(this.warehouse).find((d) => d.toLowerCase() === name.toLowerCase());
    if (found !== undefined) return found;
    const msg = `unknown database '${name}'`;
    if (pos === null) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', msg);
    throw located('CATALOG_OBJECT_NOT_FOUND', msg, pos);
  }

  #checkCatalog(name: string, pos: Pos): void {
    const n = name.toLowerCase();
    if (n !== 'default_catalog' && n !== 'def') throw located('CATALOG_OBJECT_NOT_FOUND', `unknown catalog '${name}'; the warehouse has only default_catalog`, pos);
  }
}

// ---- splitting and parsing ----------------------------------------------------------------

/** The next statement of the script (tokens up to `;` or the end), or null at the end. */
function nextStatement(sql: string, lexer: Lexer): StatementSlice | null {
  let first: Token;
  for (;;) {
    first = lexer.next();
    if (first.kind === 'eof') return null;
    if (!(first.kind === 'op' && first.value === ';')) break;
  }
  let last = first;
  for (;;) {
    const t = lexer.next();
    if (t.kind === 'eof' || (t.kind === 'op' && t.value === ';')) break;
    last = t;
  }
  return { first, end: last.end, text: sql.slice(first.start, last.end) };
}

/** The one statement of a prepared statement's text. */
function singleStatement(sql: string): StatementSlice {
  const lexer = new Lexer(sql, 'starrocks');
  const slice = nextStatement(sql, lexer);
  if (slice === null) throw new StrataError('SQL_SYNTAX', 'query was empty');
  const more = nextStatement(sql, lexer);
  if (more !== null) {
    throw located('SQL_SYNTAX', 'a prepared statement holds one statement; found another one here', { line: more.first.line, column: more.first.column, offset: 0 });
  }
  return slice;
}

/** Parses one statement slice; positions are those of the whole text, offsets relative to the slice. */
function parseSlice(sql: string, slice: StatementSlice): { statement: Statement; paramCount: number } {
  const lexer = new Lexer(sql, 'starrocks', undefined, slice.first.start, slice.end, slice.first.line, slice.first.column);
  const p = new Parser(sql, { dialect: 'starrocks' }, lexer);
  p.base = slice.first.start;
  p.paramCount = 0;
  const statement = parseStatementAt(p);
  const t = p.peek();
  if (t.kind !== 'eof') throw p.error(t, `unexpected ${describeToken(t)} after the end of the statement; expected ';' or the end of the statement`);
  return { statement, paramCount: p.paramCount };
}

function withCompleted(e: unknown, completed: readonly StatementOutcome[]): StrataError {
  const err = toStrataError(e);
  if (completed.length === 0) return err;
  return new StrataError(err.code, err.bare, {
    domain: err.domain,
    retryable: err.retryable,
    ...(err.location !== undefined ? { location: err.location } : {}),
    ...(err.hint !== undefined ? { hint: err.hint } : {}),
    details: { ...(err.details ?? {}), completed: [...completed] },
  });
}

/**
 * DuckDB's errors (`query failed: Binder Error: ...` from the Warehouse) for mistakes
 * the translator cannot see, mapped to the codes a MySQL client expects: binder,
 * conversion and range errors are SQL_VALIDATION, a missing table stays
 * CATALOG_OBJECT_NOT_FOUND, a missing function is SQL_VALIDATION. The message keeps
 * DuckDB's text without the excerpt of the translated SQL.
 */
function mapDuckDbError(e: unknown): StrataError {
  const err = toStrataError(e);
  const m = /^query failed: ([A-Za-z]+(?: [A-Za-z]+){0,2}) Error: ([\s\S]*)$/.exec(err.bare);
  if (m === null) return err;
  const kind = m[1]!;
  /** DuckDB's error class as one lower-case word: 'Invalid Input' → 'invalid-input'. */
  const cls = kind.toLowerCase().replace(/ /g, '-');
  const body = m[2]!.split(/\n\s*LINE \d+:/)[0]!.trim().replace(/\s*\n\s*/g, ' ');
  let code: ErrorCode;
  switch (cls) {
    case 'catalog':
      code = /function|macro/i.test(body) ? 'SQL_VALIDATION' : err.code;
      break;
    case 'binder':
    case 'conversion':
    case 'invalid-input':
    case 'out-of-range':
    case 'constraint':
      code = 'SQL_VALIDATION';
      break;
    case 'parser':
    case 'not-implemented':
      code = 'SQL_UNSUPPORTED';
      break;
    default:
      code = err.code;
  }
  return new StrataError(code, `${kind.toLowerCase()} error: ${body}`, { cause: err });
}

function checkTimeZone(v: Value, pos: Pos): void {
  const z = zoneOf(v);
  if (z.kind === 'offset') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: z.name });
  } catch {
    throw located('SQL_VALIDATION', `unknown or incorrect time zone: '${String(v)}'`, pos, "Use a name like 'Asia/Shanghai', an offset like '+08:00', or 'SYSTEM'.");
  }
}
