/**
 * MySQL-syntax queries (our AST, starrocks dialect) → DuckDB SQL text. The translation
 * walks the AST and prints DuckDB SQL; nothing is rewritten with regular expressions.
 *
 * - Names: backticks become double quotes; an unqualified table is the session's
 *   current database's (`"db"."t" AS "t"`); `information_schema.x` becomes an inline
 *   query over the warehouse's metadata (see info-schema.ts); `FROM dual` is dropped.
 * - Every select item gets an explicit alias: its own, or the name MySQL gives it (a
 *   column's name, a string literal's value, otherwise the item's source text, e.g.
 *   `count(*)`), so DuckDB's result has MySQL's column names, also inside subqueries.
 * - MySQL semantics DuckDB lacks are spelled out: NULLs sort first ascending (an
 *   explicit NULLS FIRST/LAST), `x / 0` is NULL, LIKE escapes with `\`, `<=>` is IS NOT
 *   DISTINCT FROM, `LIMIT m, n` is LIMIT n OFFSET m, CAST returns NULL when it fails
 *   (StarRocks), and the functions of functions.ts.
 * - `@@var` / `@var` / DATABASE() / CONNECTION_ID() are constants of the session.
 *
 * The translator also reports where each top-level result column comes from, so a plain
 * column reference keeps its table's declared type (see `resultColumns`).
 */

import { StrataError, type ErrorCode } from '../../core/errors.js';
import { withNullability, type SqlType, type TypeKind } from '../../core/types.js';
import type { Value } from '../../core/values.js';
import type {
  CastExpr,
  CommonTableExpr,
  Expr,
  FromItem,
  FunctionCall,
  IdentifierExpr,
  IntervalLiteral,
  OrderItem,
  Pos,
  QualifiedName,
  Query,
  Select,
  SelectItem,
  WindowSpec,
} from '../../sql/ast.js';
import { Lexer } from '../../sql/lexer.js';
import { Parser } from '../../sql/parser/cursor.js';
import { parseExpr } from '../../sql/parser/expressions.js';
import type { ResultColumn, Warehouse, WarehouseTableDef } from '../api.js';
import { translateCall, type CallContext } from './functions.js';
import { inlineTableSql, quoteIdent, quoteString, valueLiteral } from './sql-text.js';
import type { ZoneSpec } from './variables.js';

/** An information_schema table (or any constant table): its columns and rows. */
export interface InfoTable {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  readonly rows: readonly (readonly Value[])[];
}

/** What the translator needs from the session and the warehouse. */
export interface TranslateHost {
  readonly warehouse: Warehouse;
  /** The session's current database, or null. */
  readonly database: string | null;
  readonly connectionId: number;
  readonly user: string;
  readonly version: string;
  readonly zone: ZoneSpec;
  /** `@@name` (scope null), `@@session.name`, `@@global.name`; throws for an unknown variable. */
  systemVariable(name: string, scope: 'SESSION' | 'GLOBAL' | null, pos: Pos): Value;
  /** `@name`; NULL when unset. */
  userVariable(name: string): Value;
  /** An information_schema table by name (any case), or undefined. */
  informationSchema(name: string): InfoTable | undefined;
}

/** Where a result column comes from. */
export interface Origin {
  readonly database: string;
  readonly table: string;
  readonly column: string;
  readonly type: SqlType;
}

/** One top-level select item: an expression (one result column) or a star (several). */
export type OutputHint =
  | { readonly kind: 'expr'; readonly name: string; readonly origin: Origin | null }
  | { readonly kind: 'star'; readonly origins: readonly Origin[] | null };

export interface TranslatedQuery {
  readonly sql: string;
  readonly outputs: readonly OutputHint[];
}

/** A table reference resolved against the warehouse. */
export type ResolvedTable =
  | { readonly kind: 'table'; readonly def: WarehouseTableDef }
  | { readonly kind: 'info'; readonly table: InfoTable };

interface RelColumn {
  readonly name: string;
  readonly origin: Origin | null;
}

/** A name visible in FROM: a table, a CTE or a subquery, with its columns when known. */
interface Relation {
  readonly name: string;
  readonly database: string | null;
  readonly table: string | null;
  readonly columns: readonly RelColumn[] | null;
}

class Scope {
  readonly relations: Relation[] = [];
  readonly ctes = new Map<string, Relation>();
  constructor(readonly parent: Scope | null) {}

  cte(name: string): Relation | undefined {
    const key = name.toLowerCase();
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const r = s.ctes.get(key);
      if (r !== undefined) return r;
    }
    return undefined;
  }
}

function located(code: ErrorCode, message: string, pos: Pos, hint?: string): StrataError {
  const location = { line: pos.line, column: pos.column };
  return new StrataError(code, message, hint === undefined ? { location } : { location, hint });
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATE_ONLY = /^\s*\d{4}-\d{1,2}-\d{1,2}\s*$/;
const DATE_UNITS = new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);

/**
 * Resolves a table name (`t`, `db.t`, `default_catalog.db.t`) against the session's
 * database and the warehouse; CATALOG_OBJECT_NOT_FOUND names the database or table.
 */
export function resolveTable(host: TranslateHost, name: QualifiedName): ResolvedTable {
  const { database, table } = splitTableName(host.database, name);
  if (database.toLowerCase() === 'information_schema') {
    const info = host.informationSchema(table);
    if (info === undefined) throw located('CATALOG_OBJECT_NOT_FOUND', `table 'information_schema.${table}' does not exist`, name.pos);
    return { kind: 'info', table: info };
  }
  const def = host.warehouse.getTable(database, table);
  if (def === undefined) {
    if (!host.warehouse.hasDatabase(database)) throw located('CATALOG_OBJECT_NOT_FOUND', `unknown database '${database}'`, name.pos);
    throw located('CATALOG_OBJECT_NOT_FOUND', `table '${database}.${table}' does not exist`, name.pos, 'SHOW TABLES lists the tables of the current database.');
  }
  return { kind: 'table', def };
}

/** `t` / `db.t` / `catalog.db.t` → database and table; the current database for `t`. */
export function splitTableName(current: string | null, name: QualifiedName): { database: string; table: string } {
  const p = name.parts;
  if (p.length === 3) {
    const cat = p[0]!.toLowerCase();
    if (cat !== 'default_catalog' && cat !== 'def') {
      throw located('CATALOG_OBJECT_NOT_FOUND', `unknown catalog '${p[0]}'; the warehouse has only default_catalog`, name.pos);
    }
  }
  if (p.length >= 2) return { database: p[p.length - 2]!, table: p[p.length - 1]! };
  if (current === null) {
    throw located('CATALOG_OBJECT_NOT_FOUND', `no database selected for table '${p[0]}'`, name.pos, 'Run USE <database> first, or write <database>.<table>.');
  }
  return { database: current, table: p[0]! };
}

/**
 * The result columns of a translated query: DuckDB's columns, with the declared type
 * (when DuckDB returned the same kind, e.g. VARCHAR(40) instead of STRING) and the
 * database and table of every column that is a plain reference to a table column.
 */
export function resultColumns(duck: readonly ResultColumn[], outputs: readonly OutputHint[]): ResultColumn[] {
  const origins: (Origin | null)[] = [];
  for (const o of outputs) {
    if (o.kind === 'expr') origins.push(o.origin);
    else if (o.origins === null) return duck.slice();
    else origins.push(...o.origins);
  }
  if (origins.length !== duck.length) return duck.slice();
  return duck.map((c, i) => {
    const o = origins[i];
    if (o === null || o === undefined) return c;
    const type = o.type.kind === c.type.kind ? o.type : c.type;
    return { name: c.name, type, database: o.database, table: o.table };
  });
}

/**
 * Translates queries and expressions of one statement. `text` is the statement's source
 * (node offsets are relative to it); `params` are the values of `?` (null: `?` is not
 * allowed).
 */
export class Translator implements CallContext {
  readonly #host: TranslateHost;
  readonly #text: string;
  readonly #params: readonly Value[] | null;
  #scope: Scope = new Scope(null);

  constructor(host: TranslateHost, text: string, params: readonly Value[] | null) {
    this.#host = host;
    this.#text = text;
    this.#params = params;
  }

  get host(): TranslateHost {
    return this.#host;
  }

  /** A whole query (the top level of SELECT, or the source of INSERT ... SELECT). */
  query(q: Query): TranslatedQuery {
    this.#scope = new Scope(null);
    return this.#query(q);
  }

  /**
   * An expression evaluated over the rows of `table` (UPDATE's SET and WHERE, DELETE's
   * WHERE) or over no table. Additional FROM items (UPDATE ... FROM) are given as SQL
   * text already translated by `from`.
   */
  expression(e: Expr): string {
    return this.expr(e);
  }

  /** Starts a scope holding `table` under `alias` (for UPDATE/DELETE). */
  beginTableScope(def: WarehouseTableDef, alias: string | null): string {
    this.#scope = new Scope(null);
    const name = alias ?? def.name;
    this.#scope.relations.push(this.#tableRelation(def, name, false));
    return `${quoteIdent(def.database)}.${quoteIdent(def.name)} AS ${quoteIdent(name)}`;
  }

  /** Translates FROM items into the current scope (UPDATE ... FROM). */
  from(f: FromItem): string {
    return this.#from(f, false) ?? '';
  }

  /** A constant table with the given columns and rows, filtered by `where` (SHOW ... WHERE). */
  filterRows(table: InfoTable, where: Expr): string {
    this.#scope = new Scope(null);
    this.#scope.relations.push({ name: 't', database: null, table: null, columns: table.columns.map((c) => ({ name: c.name, origin: null })) });
    return `SELECT * FROM (${inlineTableSql(table.columns, table.rows)}) AS t WHERE ${this.expr(where)}`;
  }

  // ---- queries -----------------------------------------------------------------------

  #query(q: Query): TranslatedQuery {
    switch (q.kind) {
      case 'select':
        return this.#select(q);
      case 'set-operation': {
        const l = this.#operand(q.left);
        const r = this.#operand(q.right);
        const op = q.op + (q.all ? ' ALL' : '');
        let sql = `${l.sql} ${op} ${r.sql}`;
        sql += this.#tail(q.orderBy, q.limit, q.offset);
        const outputs = l.outputs.map((o): OutputHint => (o.kind === 'expr' ? { kind: 'expr', name: o.name, origin: null } : { kind: 'star', origins: null }));
        return { sql, outputs };
      }
      case 'values': {
        const width = q.rows[0]?.length ?? 0;
        for (const row of q.rows) {
          if (row.length !== width) throw located('SQL_VALIDATION', `every VALUES row needs ${width} values, this one has ${row.length}`, row[0]?.pos ?? q.pos);
        }
        const names = Array.from({ length: width }, (_, i) => `column_${i}`);
        const rows = q.rows.map((r) => '(' + r.map((e) => this.expr(e)).join(', ') + ')').join(', ');
        return {
          sql: `SELECT * FROM (VALUES ${rows}) AS v(${names.map(quoteIdent).join(', ')})`,
          outputs: names.map((name) => ({ kind: 'expr', name, origin: null })),
        };
      }
    }
  }

  /** An operand of a set operation, parenthesized unless it is a plain SELECT. */
  #operand(q: Query): TranslatedQuery {
    const saved = this.#scope;
    this.#scope = new Scope(saved);
    try {
      const t = this.#query(q);
      const plain = q.kind === 'select' && q.orderBy.length === 0 && q.limit === null && q.offset === null;
      return plain ? t : { sql: `(${t.sql})`, outputs: t.outputs };
    } finally {
      this.#scope = saved;
    }
  }

  #select(s: Select): TranslatedQuery {
    const scope = this.#scope;
    let sql = '';
    if (s.with.length > 0) sql += 'WITH ' + s.with.map((c) => this.#cte(c)).join(', ') + ' ';
    let fromSql: string | null = null;
    if (s.from !== null) fromSql = this.#from(s.from, false);
    const items: string[] = [];
    const outputs: OutputHint[] = [];
    for (const it of s.items) {
      if (it.expr.kind === 'star') {
        const q = it.expr.qualifier;
        if (q === null) {
          if (fromSql === null) throw located('SQL_VALIDATION', "'SELECT *' needs a FROM clause (no tables used)", it.pos);
          items.push('*');
          outputs.push({ kind: 'star', origins: starOrigins(scope.relations) });
        } else {
          const name = q[q.length - 1]!;
          const rel = scope.relations.find((r) => r.name.toLowerCase() === name.toLowerCase());
          if (rel === undefined) throw located('SQL_VALIDATION', `unknown table '${q.join('.')}' in ${q.join('.')}.*`, it.pos);
          items.push(`${quoteIdent(rel.name)}.*`);
          outputs.push({ kind: 'star', origins: starOrigins([rel]) });
        }
        continue;
      }
      const name = this.#itemName(it);
      const text = this.expr(it.expr);
      // A plain column keeps its name in DuckDB too; an alias would also make DuckDB's
      // error for an unknown column confusing (it would name the alias).
      const plain = it.alias === null && it.expr.kind === 'identifier' && !it.expr.parts[0]!.startsWith('@');
      items.push(plain ? text : `${text} AS ${quoteIdent(name)}`);
      outputs.push({ kind: 'expr', name, origin: it.expr.kind === 'identifier' ? this.#origin(it.expr) : null });
    }
    sql += 'SELECT ' + (s.distinct ? 'DISTINCT ' : '') + items.join(', ');
    if (fromSql !== null) sql += ' FROM ' + fromSql;
    if (s.where !== null) sql += ' WHERE ' + this.expr(s.where);
    if (s.groupBy.length > 0) sql += ' GROUP BY ' + s.groupBy.map((e) => this.expr(e)).join(', ');
    if (s.having !== null) sql += ' HAVING ' + this.expr(s.having);
    sql += this.#tail(s.orderBy, s.limit, s.offset);
    return { sql, outputs };
  }

  #cte(c: CommonTableExpr): string {
    const saved = this.#scope;
    this.#scope = new Scope(saved);
    let t: TranslatedQuery;
    try {
      t = this.#query(c.query);
    } finally {
      this.#scope = saved;
    }
    const names = c.columns ?? outputNames(t.outputs);
    saved.ctes.set(c.name.toLowerCase(), {
      name: c.name,
      database: null,
      table: null,
      columns: names === null ? null : names.map((n) => ({ name: n, origin: null })),
    });
    const cols = c.columns === null ? '' : '(' + c.columns.map(quoteIdent).join(', ') + ')';
    return `${quoteIdent(c.name)}${cols} AS (${t.sql})`;
  }

  #tail(orderBy: readonly OrderItem[], limit: Expr | null, offset: Expr | null): string {
    let sql = '';
    const order = orderBy.filter((o) => o.expr.kind !== 'null');
    if (order.length > 0) sql += ' ORDER BY ' + this.#orderItems(order);
    if (limit !== null) sql += ' LIMIT ' + this.expr(limit);
    if (offset !== null) sql += ' OFFSET ' + this.expr(offset);
    return sql;
  }

  /** MySQL sorts NULL as the smallest value: NULLS FIRST ascending, NULLS LAST descending. */
  #orderItems(items: readonly OrderItem[]): string {
    return items
      .map((o) => {
        const first = o.nullsFirst ?? !o.desc;
        return `${this.expr(o.expr)} ${o.desc ? 'DESC' : 'ASC'} NULLS ${first ? 'FIRST' : 'LAST'}`;
      })
      .join(', ');
  }

  // ---- FROM --------------------------------------------------------------------------

  /** FROM items into the current scope; null for `FROM dual`. */
  #from(f: FromItem, nullable: boolean): string | null {
    const scope = this.#scope;
    switch (f.kind) {
      case 'table': {
        if (f.forSystemTimeAsOf !== null) throw located('SQL_UNSUPPORTED', 'FOR SYSTEM_TIME AS OF is a Flink lookup join; the warehouse does not support it', f.pos);
        const parts = f.name.parts;
        if (parts.length === 1) {
          const cte = scope.cte(parts[0]!);
          if (cte !== undefined) {
            const name = f.alias ?? parts[0]!;
            scope.relations.push({ ...cte, name });
            return `${quoteIdent(cte.name)} AS ${quoteIdent(name)}`;
          }
          if (parts[0]!.toLowerCase() === 'dual' && (this.#host.database === null || this.#host.warehouse.getTable(this.#host.database, 'dual') === undefined)) {
            return null;
          }
        }
        const r = resolveTable(this.#host, f.name);
        const name = f.alias ?? parts[parts.length - 1]!;
        if (r.kind === 'info') {
          const info = r.table;
          scope.relations.push({
            name,
            database: 'information_schema',
            table: info.name,
            columns: info.columns.map((c) => ({ name: c.name, origin: { database: 'information_schema', table: info.name, column: c.name, type: c.type } })),
          });
          return `(${inlineTableSql(info.columns, info.rows)}) AS ${quoteIdent(name)}`;
        }
        scope.relations.push(this.#tableRelation(r.def, name, nullable));
        return `${quoteIdent(r.def.database)}.${quoteIdent(r.def.name)} AS ${quoteIdent(name)}`;
      }
      case 'subquery': {
        const saved = this.#scope;
        // A child scope: the CTEs of the enclosing queries stay visible.
        this.#scope = new Scope(saved);
        let t: TranslatedQuery;
        try {
          t = this.#query(f.query);
        } finally {
          this.#scope = saved;
        }
        const names = f.columnAliases ?? outputNames(t.outputs);
        if (f.alias !== null) {
          saved.relations.push({ name: f.alias, database: null, table: null, columns: names === null ? null : names.map((n) => ({ name: n, origin: null })) });
        } else {
          saved.relations.push({ name: '', database: null, table: null, columns: null });
        }
        const alias = f.alias === null ? '' : ` AS ${quoteIdent(f.alias)}` + (f.columnAliases === null ? '' : '(' + f.columnAliases.map(quoteIdent).join(', ') + ')');
        return `${f.lateral ? 'LATERAL ' : ''}(${t.sql})${alias}`;
      }
      case 'join': {
        const left = this.#from(f.left, nullable || f.joinType === 'right' || f.joinType === 'full');
        const rightNullable = nullable || f.joinType === 'left' || f.joinType === 'full';
        let right = this.#from(f.right, rightNullable);
        if (left === null || right === null) throw located('SQL_VALIDATION', 'DUAL cannot be joined', f.pos);
        if (f.right.kind === 'join') right = `(${right})`;
        const kw = { inner: 'JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL JOIN', cross: 'CROSS JOIN' }[f.joinType];
        let sql = `${left} ${kw} ${right}`;
        if (f.on !== null) sql += ' ON ' + this.expr(f.on);
        else if (f.using !== null) sql += ' USING (' + f.using.map(quoteIdent).join(', ') + ')';
        return sql;
      }
      case 'table-function':
        throw located('SQL_UNSUPPORTED', `table functions (${f.name.parts.join('.')}) are not supported in the warehouse`, f.pos);
    }
  }

  #tableRelation(def: WarehouseTableDef, name: string, nullable: boolean): Relation {
    return {
      name,
      database: def.database,
      table: def.name,
      columns: def.columns.map((c) => ({
        name: c.name,
        origin: { database: def.database, table: def.name, column: c.name, type: nullable ? withNullability(c.type, true) : c.type },
      })),
    };
  }

  /** The table column an identifier refers to, when the current scope knows it. */
  #origin(e: IdentifierExpr): Origin | null {
    const parts = e.parts;
    if (parts[0]!.startsWith('@')) return null;
    const col = parts[parts.length - 1]!.toLowerCase();
    const rels = this.#scope.relations;
    let candidates: readonly Relation[];
    if (parts.length === 1) candidates = rels;
    else {
      const q = parts[parts.length - 2]!.toLowerCase();
      candidates = rels.filter((r) => r.name.toLowerCase() === q);
    }
    let found: Origin | null = null;
    let count = 0;
    for (const r of candidates) {
      if (r.columns === null) continue;
      for (const c of r.columns) {
        if (c.name.toLowerCase() === col) {
          found = c.origin;
          count++;
        }
      }
    }
    return count === 1 ? found : null;
  }

  // ---- names ---------------------------------------------------------------------------

  /** MySQL's name of a select item: alias, column name, string value, or the item's source text. */
  #itemName(it: SelectItem): string {
    if (it.alias !== null) return it.alias;
    const e = it.expr;
    if (e.kind === 'identifier' && !e.parts[0]!.startsWith('@')) return e.parts[e.parts.length - 1]!;
    if (e.kind === 'string') return e.value;
    return this.#sourceText(it.pos.offset) ?? 'expr';
  }

  /** The source text of the expression that starts at `offset` (re-parsed, so its end is exact). */
  #sourceText(offset: number): string | null {
    try {
      const lexer = new Lexer(this.#text, 'starrocks', undefined, offset, this.#text.length, 1, 1);
      const p = new Parser(this.#text, { dialect: 'starrocks' }, lexer);
      const first = p.peek();
      parseExpr(p);
      return p.slice(first, p.prev());
    } catch {
      return null;
    }
  }

  // ---- expressions -----------------------------------------------------------------------

  expr(e: Expr): string {
    switch (e.kind) {
      case 'identifier':
        return this.#identifier(e);
      case 'number':
        return e.text;
      case 'string':
        return quoteString(e.value);
      case 'boolean':
        return e.value ? 'TRUE' : 'FALSE';
      case 'null':
        return 'NULL';
      case 'typed-literal':
        if (e.type === 'BINARY') return `from_hex('${e.value}')`;
        return `${e.type} ${quoteString(e.value)}`;
      case 'interval':
        return this.interval(e);
      case 'unary':
        if (e.op === 'NOT') return `(NOT ${this.expr(e.operand)})`;
        if (e.op === '-') return `(- ${this.expr(e.operand)})`;
        return this.expr(e.operand);
      case 'binary':
        return this.#binary(e.op, e.left, e.right);
      case 'is': {
        const x = this.expr(e.operand);
        switch (e.test) {
          case 'NULL':
          case 'UNKNOWN':
            return `(${x} IS ${e.not ? 'NOT ' : ''}NULL)`;
          case 'TRUE':
          case 'FALSE':
            return `(${x} IS ${e.not ? '' : 'NOT '}DISTINCT FROM ${e.test})`;
        }
        break;
      }
      case 'between':
        if (e.symmetric) throw located('SQL_UNSUPPORTED', 'BETWEEN SYMMETRIC is not supported', e.pos);
        return `(${this.expr(e.operand)} ${e.not ? 'NOT ' : ''}BETWEEN ${this.expr(e.low)} AND ${this.expr(e.high)})`;
      case 'in': {
        const inner = e.list !== null ? e.list.map((x) => this.expr(x)).join(', ') : this.#subquery(e.subquery!);
        return `(${this.expr(e.operand)} ${e.not ? 'NOT ' : ''}IN (${inner}))`;
      }
      case 'like': {
        if (e.similar) throw located('SQL_UNSUPPORTED', 'SIMILAR TO is not supported; use LIKE or REGEXP', e.pos);
        const esc = e.escape !== null ? this.expr(e.escape) : "'\\'";
        return `(${this.expr(e.operand)} ${e.not ? 'NOT ' : ''}LIKE ${this.expr(e.pattern)} ESCAPE ${esc})`;
      }
      case 'case': {
        let sql = 'CASE';
        if (e.operand !== null) sql += ' ' + this.expr(e.operand);
        for (const w of e.whens) sql += ` WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`;
        if (e.otherwise !== null) sql += ' ELSE ' + this.expr(e.otherwise);
        return sql + ' END';
      }
      case 'cast':
        return this.#cast(e);
      case 'call':
        return this.#call(e);
      case 'subquery':
        return `(${this.#subquery(e.query)})`;
      case 'exists':
        return `(${e.not ? 'NOT ' : ''}EXISTS (${this.#subquery(e.query)}))`;
      case 'parameter': {
        if (this.#params === null) throw located('SQL_VALIDATION', "'?' parameters are only allowed in prepared statements", e.pos);
        if (e.index >= this.#params.length) throw located('SQL_VALIDATION', `no value for parameter ${e.index + 1}: ${this.#params.length} given`, e.pos);
        return valueLiteral(this.#params[e.index]!);
      }
      case 'star':
        throw located('SQL_VALIDATION', "'*' is only allowed as a select item or in COUNT(*)", e.pos);
    }
    throw new StrataError('INTERNAL', 'unhandled expression kind in the warehouse translator');
  }

  #subquery(q: Query): string {
    const saved = this.#scope;
    this.#scope = new Scope(saved);
    try {
      return this.#query(q).sql;
    } finally {
      this.#scope = saved;
    }
  }

  #binary(op: string, left: Expr, right: Expr): string {
    if (left.kind === 'interval' || right.kind === 'interval') {
      const [d, i] = left.kind === 'interval' ? [right, left] : [left, right];
      if (op !== '+' && !(op === '-' && right.kind === 'interval')) {
        throw located('SQL_VALIDATION', `an INTERVAL can only be added to or subtracted from a date or time, not used with '${op}'`, left.pos);
      }
      const text = `(${this.temporal(d)} ${op} ${this.interval(i as IntervalLiteral)})`;
      return this.staticKind(d) === 'DATE' && DATE_UNITS.has((i as IntervalLiteral).unit) ? `CAST(${text} AS DATE)` : text;
    }
    const l = this.expr(left);
    const r = this.expr(right);
    switch (op) {
      case '/':
        // MySQL: x / 0 is NULL (DuckDB: Infinity).
        return right.kind === 'number' && Number(right.text) !== 0 ? `(${l} / ${r})` : `(${l} / NULLIF(${r}, 0))`;
      case '<=>':
        return `(${l} IS NOT DISTINCT FROM ${r})`;
      default:
        return `(${l} ${op} ${r})`;
    }
  }

  #identifier(e: IdentifierExpr): string {
    const head = e.parts[0]!;
    if (head.startsWith('@')) {
      const name = e.parts[1] ?? '';
      if (head === '@') return variableLiteral(this.#host.userVariable(name));
      const scope = head === '@@global' ? 'GLOBAL' : head === '@@' ? null : 'SESSION';
      return variableLiteral(this.#host.systemVariable(name, scope, e.pos));
    }
    const parts = e.parts.length > 2 ? e.parts.slice(-2) : e.parts;
    if (e.parts.length > 4) throw located('SQL_VALIDATION', `too many parts in the column name ${e.parts.join('.')}`, e.pos);
    return parts.map(quoteIdent).join('.');
  }

  #cast(e: CastExpr): string {
    const x = e.operand.kind === 'string' ? quoteString(e.operand.value) : this.expr(e.operand);
    const t = e.type;
    const p = t.params;
    let target: string;
    switch (t.name) {
      case 'SIGNED':
        target = 'BIGINT';
        break;
      case 'UNSIGNED':
        target = 'UBIGINT';
        break;
      case 'INT':
      case 'INTEGER':
        target = t.unsigned ? 'UBIGINT' : 'INTEGER';
        break;
      case 'BIGINT':
        target = t.unsigned ? 'UBIGINT' : 'BIGINT';
        break;
      case 'TINYINT':
      case 'SMALLINT':
        target = t.name;
        break;
      case 'LARGEINT':
        target = 'HUGEINT';
        break;
      case 'CHAR':
      case 'CHARACTER':
      case 'NCHAR':
        // MySQL: CAST(x AS CHAR(n)) keeps the first n characters.
        return p.length > 0 ? `left(TRY_CAST(${x} AS VARCHAR), ${p[0]})` : `TRY_CAST(${x} AS VARCHAR)`;
      case 'VARCHAR':
      case 'STRING':
      case 'TEXT':
        target = 'VARCHAR';
        break;
      case 'DECIMAL':
      case 'DEC':
      case 'NUMERIC':
      case 'DECIMALV2':
      case 'DECIMAL32':
      case 'DECIMAL64':
      case 'DECIMAL128': {
        const prec = p[0] ?? 10;
        const scale = p[1] ?? 0;
        if (prec < 1 || prec > 38) throw located('SQL_UNSUPPORTED', `CAST to DECIMAL(${prec}, ${scale}) is not supported: the precision must be between 1 and 38`, t.pos);
        if (scale > prec) throw located('SQL_VALIDATION', `DECIMAL scale ${scale} is larger than the precision ${prec}`, t.pos);
        target = `DECIMAL(${prec}, ${scale})`;
        break;
      }
      case 'FLOAT':
        target = 'FLOAT';
        break;
      case 'DOUBLE':
      case 'DOUBLE PRECISION':
      case 'REAL':
        target = 'DOUBLE';
        break;
      case 'DATE':
        target = 'DATE';
        break;
      case 'DATETIME':
      case 'TIMESTAMP':
        target = 'TIMESTAMP';
        break;
      case 'TIME':
        target = 'TIME';
        break;
      case 'BINARY':
      case 'VARBINARY':
        target = 'BLOB';
        break;
      case 'BOOLEAN':
      case 'BOOL':
        target = 'BOOLEAN';
        break;
      case 'JSON':
        target = 'JSON';
        break;
      default:
        throw located('SQL_UNSUPPORTED', `CAST to ${t.name} is not supported`, t.pos, 'Cast to SIGNED, UNSIGNED, CHAR, DECIMAL(p, s), DOUBLE, DATE, DATETIME, TIME or BINARY.');
    }
    // StarRocks returns NULL when a value does not convert.
    return `TRY_CAST(${x} AS ${target})`;
  }

  #call(c: FunctionCall): string {
    if (c.name.length > 1) throw located('SQL_UNSUPPORTED', `user-defined functions (${c.name.join('.')}) are not supported`, c.pos);
    let sql = translateCall(c, this);
    if (sql === null) {
      const name = c.name[0]!;
      const fn = IDENT.test(name) ? name.toLowerCase() : quoteIdent(name);
      sql = `${fn}(${c.distinct ? 'DISTINCT ' : ''}${c.star ? '*' : c.args.map((a) => this.expr(a)).join(', ')})`;
    }
    if (c.filter !== null) sql += ` FILTER (WHERE ${this.expr(c.filter)})`;
    if (c.over !== null) sql += ` OVER (${this.#window(c.over)})`;
    return sql;
  }

  #window(w: WindowSpec): string {
    const parts: string[] = [];
    if (w.partitionBy.length > 0) parts.push('PARTITION BY ' + w.partitionBy.map((e) => this.expr(e)).join(', '));
    if (w.orderBy.length > 0) parts.push('ORDER BY ' + this.#orderItems(w.orderBy));
    return parts.join(' ');
  }

  // ---- CallContext -----------------------------------------------------------------------

  temporal(e: Expr): string {
    if (e.kind === 'string') return `TRY_CAST(${quoteString(e.value)} AS ${DATE_ONLY.test(e.value) ? 'DATE' : 'TIMESTAMP'})`;
    return this.expr(e);
  }

  staticKind(e: Expr): TypeKind | null {
    switch (e.kind) {
      case 'typed-literal':
        return e.type === 'BINARY' ? 'VARBINARY' : e.type;
      case 'string':
        return DATE_ONLY.test(e.value) ? 'DATE' : null;
      case 'cast': {
        const n = e.type.name;
        if (n === 'DATE') return 'DATE';
        if (n === 'DATETIME' || n === 'TIMESTAMP') return 'TIMESTAMP';
        return null;
      }
      case 'call': {
        const n = e.name[e.name.length - 1]!.toUpperCase();
        if (['CURDATE', 'CURRENT_DATE', 'UTC_DATE', 'DATE', 'LAST_DAY'].includes(n)) return 'DATE';
        if (['NOW', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP', 'SYSDATE', 'UTC_TIMESTAMP', 'FROM_UNIXTIME'].includes(n)) return 'TIMESTAMP';
        if (['DATE_ADD', 'DATE_SUB', 'ADDDATE', 'SUBDATE'].includes(n) && e.args.length === 2) {
          const i = e.args[1]!;
          const unit = i.kind === 'interval' ? i.unit : 'DAY';
          return this.staticKind(e.args[0]!) === 'DATE' && DATE_UNITS.has(unit) ? 'DATE' : null;
        }
        return null;
      }
      case 'identifier':
        return this.#origin(e)?.type.kind ?? null;
      default:
        return null;
    }
  }

  localNow(): string {
    return this.toLocal('now()');
  }

  toLocal(instant: string): string {
    const z = this.#host.zone;
    if (z.kind === 'name') return `timezone(${quoteString(z.name)}, ${instant})`;
    return `(timezone('UTC', ${instant}) + INTERVAL '${z.minutes}' MINUTE)`;
  }

  fromLocal(wallClock: string): string {
    const z = this.#host.zone;
    if (z.kind === 'name') return `timezone(${quoteString(z.name)}, ${wallClock})`;
    return `timezone('UTC', ${wallClock} - INTERVAL '${z.minutes}' MINUTE)`;
  }

  info(what: 'database' | 'user' | 'current_user' | 'version' | 'connection_id'): string {
    const h = this.#host;
    switch (what) {
      case 'database':
        return h.database === null ? 'CAST(NULL AS VARCHAR)' : quoteString(h.database);
      case 'user':
      case 'current_user':
        return quoteString(`${h.user}@%`);
      case 'version':
        return quoteString(h.version);
      case 'connection_id':
        return `CAST(${h.connectionId} AS BIGINT)`;
    }
  }

  interval(i: IntervalLiteral): string {
    const v = i.value.trim();
    return `INTERVAL ${quoteString(i.negative ? (v.startsWith('-') ? v.slice(1) : '-' + v) : v)} ${i.unit}`;
  }
}

/** A variable's value as a literal: integers as BIGINT (as MySQL types them), strings as VARCHAR. */
function variableLiteral(v: Value): string {
  if (typeof v === 'number' && Number.isInteger(v)) return `CAST(${v} AS BIGINT)`;
  if (typeof v === 'bigint') return v >= 0n && v > 9223372036854775807n ? `CAST(${v} AS UBIGINT)` : `CAST(${v} AS BIGINT)`;
  if (v === null) return 'CAST(NULL AS VARCHAR)';
  return valueLiteral(v);
}

function starOrigins(relations: readonly Relation[]): Origin[] | null {
  const out: Origin[] = [];
  for (const r of relations) {
    if (r.columns === null) return null;
    for (const c of r.columns) {
      if (c.origin === null) return null;
      out.push(c.origin);
    }
  }
  return out;
}

function outputNames(outputs: readonly OutputHint[]): string[] | null {
  const names: string[] = [];
  for (const o of outputs) {
    if (o.kind === 'expr') names.push(o.name);
    else if (o.origins === null) return null;
    else names.push(...o.origins.map((x) => x.column));
  }
  return names;
}
