import type { ChangeBatch } from '../core/batch.js';
import type { SqlType } from '../core/types.js';
import type { Row, Value } from '../core/values.js';

/**
 * The warehouse: databases and tables that persist every layer and answer SQL. The
 * embedded implementation keeps them in DuckDB files under the data directory
 * (`store/duckdb/`); the StarRocks dialect (`store/starrocks/`) and the MySQL protocol
 * server (`server/mysql/`) sit on top of this interface.
 */

/** StarRocks table models. PRIMARY applies upserts and deletes; DUPLICATE appends. */
export type KeyModel = 'PRIMARY' | 'DUPLICATE' | 'UNIQUE' | 'AGGREGATE';

export interface WarehouseColumn {
  readonly name: string;
  readonly type: SqlType;
  /** The type as written in the DDL (`STRING`, `VARCHAR(40)`, `DATETIME`), for SHOW CREATE TABLE. */
  readonly typeText: string;
  readonly comment: string;
  /** DEFAULT as written (SQL text), or null. */
  readonly defaultValue: string | null;
  /** AGGREGATE KEY tables: SUM, MAX, MIN, REPLACE, ... */
  readonly aggregation: string | null;
}

export interface WarehouseTableDef {
  readonly database: string;
  readonly name: string;
  readonly columns: readonly WarehouseColumn[];
  readonly keyModel: KeyModel;
  /** Key columns by name (for PRIMARY: the primary key). */
  readonly keyColumns: readonly string[];
  readonly comment: string;
  /** `olap` unless written otherwise. */
  readonly engine: string;
  /** DISTRIBUTED BY HASH(cols) BUCKETS n / RANDOM: stored and shown, not used on one machine. */
  readonly distribution: { readonly columns: readonly string[]; readonly buckets: number | null; readonly random: boolean } | null;
  readonly partitionText: string | null;
  readonly properties: Readonly<Record<string, string>>;
}

/** Which source position a table reflects: written in the same transaction as the data. */
export interface TablePosition {
  /** The pipeline (job) or load job that wrote it. */
  readonly writer: string;
  /** Opaque position text: a checkpoint id, binlog file:pos / GTID set, or topic offsets. */
  readonly position: string;
  /** Milliseconds since the epoch when the transaction committed. */
  readonly committedAt: number;
}

/** Changes for one table; rows have one value per column of the table, in column order. */
export interface TableChanges {
  readonly database: string;
  readonly table: string;
  readonly batch: ChangeBatch;
}

export interface ResultColumn {
  readonly name: string;
  readonly type: SqlType;
  /** Originating database and table, when the column comes straight from one. */
  readonly database?: string;
  readonly table?: string;
}

export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly Row[];
}

/**
 * Contract:
 * - `apply` applies every change of every table in one transaction, together with the
 *   position record of each table touched: all of it is visible, or none of it (also
 *   after a crash). On PRIMARY tables, +I/+U upsert by key and -U/-D delete by key; the
 *   batch is consolidated per key first (the last change of a key wins). On DUPLICATE
 *   tables +I/+U append and -U/-D delete one equal row.
 * - Names are case-insensitive for lookup; tables keep the case they were created with.
 * - DDL is durable when the promise resolves; a restart with the same data directory
 *   finds every database, table, row and position.
 * - Errors are StrataErrors: CATALOG_OBJECT_EXISTS / CATALOG_OBJECT_NOT_FOUND for names,
 *   SQL_VALIDATION for bad definitions, RUNTIME for DuckDB failures (with DuckDB's text).
 */
export interface Warehouse {
  createDatabase(name: string, ifNotExists: boolean): Promise<void>;
  dropDatabase(name: string, ifExists: boolean, force: boolean): Promise<void>;
  listDatabases(): readonly string[];
  hasDatabase(name: string): boolean;

  /** Resolves to false when IF NOT EXISTS found the table already there. */
  createTable(def: WarehouseTableDef, ifNotExists: boolean): Promise<boolean>;
  dropTable(database: string, table: string, ifExists: boolean): Promise<void>;
  truncateTable(database: string, table: string): Promise<void>;
  addColumn(database: string, table: string, column: WarehouseColumn, position: { readonly after: string | null; readonly first: boolean }): Promise<void>;
  dropColumn(database: string, table: string, column: string): Promise<void>;
  // Schema-evolution DDL (database sync). Optional so that test doubles need not implement
  // them; the embedded warehouse (DuckDbWarehouse) implements all four.
  /** Renames a column (key, distribution and position records follow). */
  renameColumn?(database: string, table: string, from: string, to: string): Promise<void>;
  /**
   * Changes a column's type and nullability (and typeText): existing values are cast to
   * the new type in one transaction; a value that does not fit fails the whole change
   * (SQL_VALIDATION naming the column) and leaves the table as it was.
   */
  modifyColumn?(database: string, table: string, column: WarehouseColumn): Promise<void>;
  /**
   * Changes the key: `keyColumns` non-empty makes a PRIMARY KEY table on them (they become
   * NOT NULL and move to the front, StarRocks' rule); empty makes a DUPLICATE KEY table on
   * the first column. Fails with SQL_VALIDATION when existing rows repeat a new key.
   */
  setPrimaryKey?(database: string, table: string, keyColumns: readonly string[]): Promise<void>;
  /** Renames a table within its database; its rows and position record move with it. */
  renameTable?(database: string, table: string, newName: string): Promise<void>;
  getTable(database: string, table: string): WarehouseTableDef | undefined;
  listTables(database: string): readonly string[];

  apply(changes: readonly TableChanges[], position: Omit<TablePosition, 'committedAt'> | null): Promise<void>;
  position(database: string, table: string): TablePosition | null;

  /**
   * Runs DuckDB SQL (already translated from the MySQL dialect). Tables are addressed as
   * `"database"."table"`. Values come back in Strata's representation (see core/types.ts).
   */
  query(sql: string, params?: readonly Value[]): Promise<QueryResult>;

  close(): Promise<void>;
}

/** The outcome of one statement run through the warehouse's SQL front (the StarRocks dialect). */
export type StatementOutcome =
  | {
      readonly kind: 'ok';
      readonly affectedRows: number;
      readonly lastInsertId?: number;
      readonly info?: string;
      readonly warnings?: number;
    }
  | { readonly kind: 'rows'; readonly columns: readonly ResultColumn[]; readonly rows: readonly Row[] };

/** Per-connection state of a warehouse SQL session. */
export interface WarehouseSessionState {
  readonly connectionId: number;
  readonly user: string;
  /** Current database (USE), or null. */
  database: string | null;
  /** Session variables set with SET. */
  readonly variables: Map<string, Value>;
}
