/**
 * The abstract syntax tree of both dialects Strata reads: Flink SQL (pipelines) and the
 * StarRocks/MySQL dialect (the warehouse on :9030). Every node is a discriminated union
 * member (`kind`) and carries the position where it starts, so the binder can report
 * errors with line and column.
 */

export interface Pos {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** 0-based offset into the statement text. */
  readonly offset: number;
}

// ---------------------------------------------------------------------------
// Names and types
// ---------------------------------------------------------------------------

/** A possibly qualified name: `t`, `db.t`, `` `cat`.`db`.`t` ``. Parts keep their case. */
export interface QualifiedName {
  readonly parts: readonly string[];
  readonly pos: Pos;
}

/**
 * A type as written: `INT`, `DECIMAL(10, 2)`, `VARCHAR(40)`, `TIMESTAMP(3) WITH LOCAL TIME ZONE`,
 * `BIGINT UNSIGNED` (MySQL). `name` is upper case with internal spaces normalized
 * (`TIMESTAMP_LTZ`, `TIMESTAMP WITH LOCAL TIME ZONE`, `DOUBLE PRECISION`, `CHARACTER VARYING`).
 */
export interface TypeName {
  readonly name: string;
  readonly params: readonly number[];
  readonly unsigned: boolean;
  /** ARRAY<T>, MAP<K, V>, ROW<...> element types (parsed; the binder may reject them). */
  readonly elements: readonly TypeName[];
  readonly pos: Pos;
}

/** `'key' = 'value'` in WITH (...) or PROPERTIES (...). */
export interface Property {
  readonly key: string;
  readonly value: string;
  readonly pos: Pos;
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

export type Expr =
  | IdentifierExpr
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | TypedLiteral
  | IntervalLiteral
  | UnaryExpr
  | BinaryExpr
  | IsExpr
  | BetweenExpr
  | InExpr
  | LikeExpr
  | CaseExpr
  | CastExpr
  | FunctionCall
  | SubqueryExpr
  | ExistsExpr
  | ParameterExpr
  | StarExpr;

/** A column reference, possibly qualified: `a`, `t.a`, `` `t`.`a` ``. */
export interface IdentifierExpr {
  readonly kind: 'identifier';
  readonly parts: readonly string[];
  readonly pos: Pos;
}

/** A numeric literal as written (`42`, `3.14`, `1e3`); the binder decides INT/BIGINT/DECIMAL/DOUBLE. */
export interface NumberLiteral {
  readonly kind: 'number';
  readonly text: string;
  readonly pos: Pos;
}

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly pos: Pos;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly pos: Pos;
}

export interface NullLiteral {
  readonly kind: 'null';
  readonly pos: Pos;
}

/** `DATE '2024-01-01'`, `TIME '12:00:00'`, `TIMESTAMP '2024-01-01 12:00:00'`, `X'0aff'`. */
export interface TypedLiteral {
  readonly kind: 'typed-literal';
  readonly type: 'DATE' | 'TIME' | 'TIMESTAMP' | 'BINARY';
  readonly value: string;
  readonly pos: Pos;
}

/** `INTERVAL '5' SECOND`, `INTERVAL '1' DAY`, `INTERVAL '10' MINUTES`. Unit upper case, singular. */
export interface IntervalLiteral {
  readonly kind: 'interval';
  readonly value: string;
  readonly unit: 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND' | 'MILLISECOND' | 'WEEK' | 'QUARTER' | 'MICROSECOND';
  readonly negative: boolean;
  readonly pos: Pos;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+' | 'NOT';
  readonly operand: Expr;
  readonly pos: Pos;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '<=>'
  | 'AND'
  | 'OR';

/** `!=` is parsed as `<>`; MySQL's `&&`/`||` as AND/OR only in the StarRocks dialect. */
export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly pos: Pos;
}

/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN`. */
export interface IsExpr {
  readonly kind: 'is';
  readonly operand: Expr;
  readonly test: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN';
  readonly not: boolean;
  readonly pos: Pos;
}

export interface BetweenExpr {
  readonly kind: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly not: boolean;
  readonly symmetric: boolean;
  readonly pos: Pos;
}

/** `x [NOT] IN (a, b, c)` or `x [NOT] IN (SELECT ...)`. */
export interface InExpr {
  readonly kind: 'in';
  readonly operand: Expr;
  readonly list: readonly Expr[] | null;
  readonly subquery: Query | null;
  readonly not: boolean;
  readonly pos: Pos;
}

/** `x [NOT] LIKE pattern [ESCAPE 'c']`; `similar` for SIMILAR TO. */
export interface LikeExpr {
  readonly kind: 'like';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape: Expr | null;
  readonly not: boolean;
  readonly similar: boolean;
  readonly pos: Pos;
}

/** `CASE [operand] WHEN .. THEN .. [ELSE ..] END`. */
export interface CaseExpr {
  readonly kind: 'case';
  readonly operand: Expr | null;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise: Expr | null;
  readonly pos: Pos;
}

/** `CAST(x AS type)`, `TRY_CAST(x AS type)`, and MySQL's `CAST(x AS SIGNED)` (type name SIGNED). */
export interface CastExpr {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: TypeName;
  readonly tryCast: boolean;
  readonly pos: Pos;
}

/**
 * A function call: `UPPER(x)`, `COUNT(*)` (star), `COUNT(DISTINCT x)`, `SUM(x) FILTER (WHERE c)`.
 * Special syntax is normalized to calls: `EXTRACT(DAY FROM x)` → EXTRACT('DAY', x),
 * `POSITION(a IN b)` → POSITION(a, b), `TRIM(BOTH 'x' FROM s)` → TRIM('BOTH', 'x', s),
 * `SUBSTRING(s FROM 2 FOR 3)` → SUBSTRING(s, 2, 3), `CURRENT_TIMESTAMP` → CURRENT_TIMESTAMP().
 * `over` holds a window specification (`ROW_NUMBER() OVER (PARTITION BY .. ORDER BY ..)`).
 */
export interface FunctionCall {
  readonly kind: 'call';
  readonly name: readonly string[];
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly star: boolean;
  readonly filter: Expr | null;
  readonly over: WindowSpec | null;
  readonly pos: Pos;
}

export interface WindowSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly pos: Pos;
}

/** A scalar subquery `(SELECT ...)`. */
export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly query: Query;
  readonly pos: Pos;
}

export interface ExistsExpr {
  readonly kind: 'exists';
  readonly query: Query;
  readonly not: boolean;
  readonly pos: Pos;
}

/** `?` in a prepared statement; `index` counts from 0 in order of appearance. */
export interface ParameterExpr {
  readonly kind: 'parameter';
  readonly index: number;
  readonly pos: Pos;
}

/** `*` or `t.*` in a select list (only there). */
export interface StarExpr {
  readonly kind: 'star';
  readonly qualifier: readonly string[] | null;
  readonly pos: Pos;
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

export type Query = Select | SetOperation | Values;

export interface SelectItem {
  /** A StarExpr for `*` / `t.*`. */
  readonly expr: Expr;
  readonly alias: string | null;
  readonly pos: Pos;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly nullsFirst: boolean | null;
  readonly pos: Pos;
}

export interface CommonTableExpr {
  readonly name: string;
  readonly columns: readonly string[] | null;
  readonly query: Query;
  readonly pos: Pos;
}

export interface Select {
  readonly kind: 'select';
  readonly with: readonly CommonTableExpr[];
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from: FromItem | null;
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | null;
  readonly orderBy: readonly OrderItem[];
  /** LIMIT n, `LIMIT m, n` (MySQL) and `LIMIT n OFFSET m` / `FETCH FIRST n ROWS ONLY`. */
  readonly limit: Expr | null;
  readonly offset: Expr | null;
  readonly pos: Pos;
}

export interface SetOperation {
  readonly kind: 'set-operation';
  readonly op: 'UNION' | 'INTERSECT' | 'EXCEPT';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | null;
  readonly offset: Expr | null;
  readonly pos: Pos;
}

export interface Values {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expr[])[];
  readonly pos: Pos;
}

export type FromItem = TableRef | SubqueryRef | JoinRef | TableFunctionRef;

/**
 * A table in FROM: `t`, `db.t AS x`, `t /*+ OPTIONS('k'='v') *\/`,
 * `t FOR SYSTEM_TIME AS OF o.proc_time AS d` (lookup join).
 */
export interface TableRef {
  readonly kind: 'table';
  readonly name: QualifiedName;
  readonly alias: string | null;
  /** Dynamic table options from an `OPTIONS(...)` hint. */
  readonly hints: readonly Property[];
  readonly forSystemTimeAsOf: Expr | null;
  readonly pos: Pos;
}

export interface SubqueryRef {
  readonly kind: 'subquery';
  readonly query: Query;
  readonly alias: string | null;
  readonly columnAliases: readonly string[] | null;
  readonly lateral: boolean;
  readonly pos: Pos;
}

export interface JoinRef {
  readonly kind: 'join';
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on: Expr | null;
  readonly using: readonly string[] | null;
  readonly pos: Pos;
}

/**
 * A table-valued function: `TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND))`
 * or `LATERAL TABLE(f(x))`. Arguments of the form `TABLE t` are TableArg; `DESCRIPTOR(c)` is
 * a DescriptorArg.
 */
export interface TableFunctionRef {
  readonly kind: 'table-function';
  readonly name: QualifiedName;
  readonly args: readonly TableFunctionArg[];
  readonly alias: string | null;
  readonly columnAliases: readonly string[] | null;
  readonly lateral: boolean;
  readonly pos: Pos;
}

export type TableFunctionArg =
  | { readonly kind: 'table-arg'; readonly name: QualifiedName; readonly pos: Pos }
  | { readonly kind: 'descriptor-arg'; readonly columns: readonly string[]; readonly pos: Pos }
  | { readonly kind: 'expr-arg'; readonly expr: Expr; readonly name: string | null; readonly pos: Pos };

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

export type Statement =
  | CreateCatalog
  | CreateDatabase
  | CreateTable
  | CreateView
  | DropObject
  | AlterTable
  | Insert
  | StatementSet
  | Use
  | SetStatement
  | ResetStatement
  | Show
  | Describe
  | Explain
  | QueryStatement
  | UpdateStatement
  | DeleteStatement
  | TruncateStatement
  | TransactionStatement
  | KillStatement;

export interface CreateCatalog {
  readonly kind: 'create-catalog';
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly options: readonly Property[];
  readonly pos: Pos;
}

export interface CreateDatabase {
  readonly kind: 'create-database';
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly comment: string | null;
  readonly options: readonly Property[];
  /** CDAS: `... AS DATABASE src INCLUDING ALL TABLES | INCLUDING TABLE 'a', 'b' [EXCLUDING TABLE 'c'] /*+ OPTIONS(..) *\/`; null for a plain CREATE DATABASE. */
  readonly asDatabase: CreateDatabaseAs | null;
  readonly pos: Pos;
}

/**
 * The source of a CREATE DATABASE AS (CDAS). `including` is 'ALL' or the table names or
 * patterns as written (`INCLUDING TABLE 'web.*'`); `hints` are the source's OPTIONS hint.
 */
export interface CreateDatabaseAs {
  readonly source: QualifiedName;
  readonly including: 'ALL' | readonly string[];
  readonly excluding: readonly string[];
  readonly hints: readonly Property[];
  readonly pos: Pos;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: TypeName;
  /** true: NULL written; false: NOT NULL written; null: neither (nullable). */
  readonly nullable: boolean | null;
  readonly defaultValue: Expr | null;
  readonly comment: string | null;
  /** `name AS expr` (a computed column). */
  readonly computed: Expr | null;
  /** `name TYPE METADATA [FROM 'key'] [VIRTUAL]`. */
  readonly metadata: { readonly key: string | null; readonly virtual: boolean } | null;
  /** StarRocks AGGREGATE KEY tables: `v BIGINT SUM`. */
  readonly aggregation: string | null;
  readonly pos: Pos;
}

export interface Watermark {
  readonly column: string;
  readonly expr: Expr;
  readonly pos: Pos;
}

/** StarRocks table key model: `PRIMARY KEY(...)`, `DUPLICATE KEY(...)`, `UNIQUE KEY(...)`, `AGGREGATE KEY(...)`. */
export interface KeyDesc {
  readonly type: 'PRIMARY' | 'DUPLICATE' | 'UNIQUE' | 'AGGREGATE';
  readonly columns: readonly string[];
  readonly pos: Pos;
}

export interface CreateTable {
  readonly kind: 'create-table';
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly temporary: boolean;
  readonly columns: readonly ColumnDef[];
  /** Flink: `PRIMARY KEY (a, b) NOT ENFORCED` in the column list. */
  readonly primaryKey: { readonly columns: readonly string[]; readonly enforced: boolean; readonly pos: Pos } | null;
  readonly watermark: Watermark | null;
  readonly comment: string | null;
  readonly partitionedBy: readonly string[];
  /** Flink WITH (...) options. */
  readonly options: readonly Property[];
  /** `LIKE other (...)` is not supported; parsed only to report it. */
  // StarRocks parts (null/empty in Flink DDL):
  readonly engine: string | null;
  readonly keyDesc: KeyDesc | null;
  readonly distribution: { readonly columns: readonly string[]; readonly buckets: number | null; readonly random: boolean; readonly pos: Pos } | null;
  /** PARTITION BY ... text as written (stored and shown, not interpreted). */
  readonly partitionText: string | null;
  readonly properties: readonly Property[];
  /** CREATE TABLE ... AS TABLE src / AS SELECT ... (CTAS). */
  readonly asTable: QualifiedName | null;
  readonly asTableHints: readonly Property[];
  readonly asQuery: Query | null;
  readonly pos: Pos;
}

export interface CreateView {
  readonly kind: 'create-view';
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly temporary: boolean;
  readonly columns: readonly string[] | null;
  readonly query: Query;
  /** The query text as written, for SHOW CREATE VIEW. */
  readonly queryText: string;
  readonly pos: Pos;
}

export interface DropObject {
  readonly kind: 'drop';
  readonly object: 'CATALOG' | 'DATABASE' | 'TABLE' | 'VIEW';
  readonly name: QualifiedName;
  readonly ifExists: boolean;
  readonly cascade: boolean;
  readonly temporary: boolean;
  /** StarRocks `DROP ... FORCE` (starrocks dialect only; absent elsewhere). */
  readonly force?: boolean;
  readonly pos: Pos;
}

export type AlterAction =
  | { readonly kind: 'add-column'; readonly column: ColumnDef; readonly after: string | null; readonly first: boolean }
  | { readonly kind: 'drop-column'; readonly column: string }
  | { readonly kind: 'rename-column'; readonly from: string; readonly to: string }
  | { readonly kind: 'modify-column'; readonly column: ColumnDef }
  | { readonly kind: 'rename-table'; readonly to: QualifiedName }
  | { readonly kind: 'set-options'; readonly options: readonly Property[] };

export interface AlterTable {
  readonly kind: 'alter-table';
  readonly name: QualifiedName;
  readonly actions: readonly AlterAction[];
  readonly pos: Pos;
}

export interface Insert {
  readonly kind: 'insert';
  readonly table: QualifiedName;
  readonly hints: readonly Property[];
  readonly columns: readonly string[] | null;
  readonly query: Query;
  readonly overwrite: boolean;
  readonly pos: Pos;
}

/** `BEGIN STATEMENT SET; INSERT ...; INSERT ...; END;` (also `EXECUTE STATEMENT SET BEGIN ... END;`). */
export interface StatementSet {
  readonly kind: 'statement-set';
  readonly inserts: readonly Insert[];
  readonly pos: Pos;
}

/** `USE db`, `USE cat.db`, `USE CATALOG cat`. */
export interface Use {
  readonly kind: 'use';
  readonly catalog: boolean;
  readonly name: QualifiedName;
  readonly pos: Pos;
}

/** Flink `SET 'k' = 'v'` (or `SET` alone: list); MySQL `SET [SESSION|GLOBAL] x = v, @@y = w`. */
export interface SetStatement {
  readonly kind: 'set';
  readonly assignments: readonly { readonly key: string; readonly value: Expr | string; readonly scope: 'SESSION' | 'GLOBAL' | null }[];
  readonly pos: Pos;
}

export interface ResetStatement {
  readonly kind: 'reset';
  readonly key: string | null;
  readonly pos: Pos;
}

/**
 * `SHOW CATALOGS | DATABASES | TABLES [FROM db] [LIKE 'p'] | VIEWS | FUNCTIONS | JOBS |
 * COLUMNS FROM t | CREATE TABLE t | CREATE VIEW v | CURRENT CATALOG | CURRENT DATABASE |
 * VARIABLES [LIKE 'p']`.
 */
export interface Show {
  readonly kind: 'show';
  readonly what: string;
  readonly name: QualifiedName | null;
  readonly like: string | null;
  readonly full: boolean;
  /** MySQL `SHOW ... WHERE expr` (starrocks dialect only; absent elsewhere). */
  readonly where?: Expr;
  readonly pos: Pos;
}

/** `DESCRIBE t`, `DESC t`. */
export interface Describe {
  readonly kind: 'describe';
  readonly name: QualifiedName;
  readonly pos: Pos;
}

/** `EXPLAIN [CHANGELOG_MODE, ...] statement` / `EXPLAIN PLAN FOR statement`. */
export interface Explain {
  readonly kind: 'explain';
  readonly details: readonly string[];
  readonly statement: Statement;
  readonly pos: Pos;
}

export interface QueryStatement {
  readonly kind: 'query';
  readonly query: Query;
  readonly pos: Pos;
}

// ---------------------------------------------------------------------------
// Warehouse (StarRocks dialect) statements
// ---------------------------------------------------------------------------

/** `UPDATE t [[AS] alias] SET c = e [, ...] [FROM from_items] [WHERE cond]` (StarRocks primary-key tables). */
export interface UpdateStatement {
  readonly kind: 'update';
  readonly table: QualifiedName;
  readonly alias: string | null;
  readonly assignments: readonly { readonly column: string; readonly value: Expr; readonly pos: Pos }[];
  /** StarRocks `UPDATE ... FROM t2, t3`: further tables the SET and WHERE may read. */
  readonly from: FromItem | null;
  readonly where: Expr | null;
  readonly pos: Pos;
}

/** `DELETE FROM t [[AS] alias] [WHERE cond]`. */
export interface DeleteStatement {
  readonly kind: 'delete';
  readonly table: QualifiedName;
  readonly alias: string | null;
  readonly where: Expr | null;
  readonly pos: Pos;
}

/** `TRUNCATE [TABLE] t`. */
export interface TruncateStatement {
  readonly kind: 'truncate';
  readonly table: QualifiedName;
  readonly pos: Pos;
}

/** `BEGIN [WORK]`, `START TRANSACTION ...`, `COMMIT [WORK]`, `ROLLBACK [WORK]` (starrocks dialect). */
export interface TransactionStatement {
  readonly kind: 'transaction';
  readonly action: 'BEGIN' | 'COMMIT' | 'ROLLBACK';
  readonly pos: Pos;
}

/** `KILL [CONNECTION | QUERY] n`. */
export interface KillStatement {
  readonly kind: 'kill';
  readonly query: boolean;
  readonly connectionId: number;
  readonly pos: Pos;
}

/** A statement with the slice of source text it came from. */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly text: string;
  readonly pos: Pos;
}
