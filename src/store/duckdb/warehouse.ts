import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBMaterializedResult, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { Row, Value } from '../../core/values.js';
import type {
  QueryResult,
  ResultColumn,
  TableChanges,
  TablePosition,
  Warehouse,
  WarehouseColumn,
  WarehouseTableDef,
} from '../api.js';
import { TableApplier } from './apply.js';
import { duckDbMessage, operationError, queryError } from './duckdb-errors.js';
import {
  PositionWriter,
  bootstrapMetadata,
  compactPositions,
  deleteDatabase,
  deleteTableDef,
  insertDatabase,
  loadMetadata,
  writeTableDef,
  type LoadedMetadata,
} from './metadata.js';
import { SerialQueue } from './serial-queue.js';
import { qualifiedName, quoteIdent } from './sql-text.js';
import { withNullability } from '../../core/types.js';
import {
  columnDdl,
  createTableSql,
  defaultExpression,
  rebuildTableSql,
  validateColumn,
  validateDatabaseName,
  validateName,
  validateTableDef,
} from './table-def.js';
import { duckDbTypeText, strataTypeOfDuckDb } from './type-mapping.js';
import { toDuckDbParam, valueReader } from './values.js';

/** The DuckDB file inside the data directory. */
export const WAREHOUSE_FILE = 'warehouse.duckdb';

export interface DuckDbWarehouseOptions {
  /** DuckDB worker threads (default: DuckDB's, one per core). */
  readonly threads?: number;
  /** DuckDB memory limit, e.g. `4GB` (default: DuckDB's, 80 % of RAM). */
  readonly memoryLimit?: string;
}

interface TableEntry {
  def: WarehouseTableDef;
  applier: TableApplier | null;
}

/** Files open in this process: DuckDB's file lock only keeps other processes out. */
const OPEN_FILES = new Set<string>();

function tableKey(database: string, table: string): string {
  return database.toLowerCase() + '\u0000' + table.toLowerCase();
}

/**
 * The embedded warehouse: one DuckDB file `<dataDir>/warehouse.duckdb`; each warehouse
 * database is a DuckDB schema, each table a DuckDB table with the same column names;
 * definitions and positions live in the `_strata` schema (metadata.ts) and commit in the
 * same transactions as the data.
 *
 * Two connections: the writer runs apply and DDL one at a time (an internal queue), the
 * reader runs queries one at a time (another queue), so a long query does not hold up
 * applies and readers always see committed state. Catalog reads (`listDatabases`,
 * `getTable`, `position`) are answered from memory, updated after each commit.
 */
export class DuckDbWarehouse implements Warehouse {
  readonly #instance: DuckDBInstance;
  readonly #writer: DuckDBConnection;
  readonly #reader: DuckDBConnection;
  readonly #writes = new SerialQueue();
  readonly #reads = new SerialQueue();
  readonly #positionWriter: PositionWriter;
  /** lower-case name → name as created. */
  readonly #databases = new Map<string, string>();
  readonly #tables = new Map<string, TableEntry>();
  readonly #positions = new Map<string, TablePosition>();
  readonly #location: string;
  #nextStagingId = 1;
  #closed = false;

  private constructor(
    instance: DuckDBInstance,
    writer: DuckDBConnection,
    reader: DuckDBConnection,
    positionWriter: PositionWriter,
    location: string,
  ) {
    this.#instance = instance;
    this.#writer = writer;
    this.#reader = reader;
    this.#positionWriter = positionWriter;
    this.#location = location;
  }

  /**
   * Opens (creating when missing) the warehouse in `dataDir`; `':memory:'` keeps
   * everything in memory (tests). Restores every database, table and position.
   */
  static async open(dataDir: string, options: DuckDbWarehouseOptions = {}): Promise<DuckDbWarehouse> {
    let file: string;
    if (dataDir === ':memory:') file = ':memory:';
    else {
      try {
        fs.mkdirSync(dataDir, { recursive: true });
      } catch (e) {
        throw new StrataError('RUNTIME', `cannot create the warehouse data directory ${dataDir}: ${duckDbMessage(e)}`, {
          hint: 'Check the path and its permissions.',
          cause: e,
        });
      }
      file = path.join(fs.realpathSync(dataDir), WAREHOUSE_FILE);
      if (OPEN_FILES.has(file)) {
        throw new StrataError('RUNTIME', `cannot open the warehouse ${file}: it is already open in this process`, {
          hint: 'Share the open DuckDbWarehouse instead of opening the directory twice.',
        });
      }
    }
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, config);
    } catch (e) {
      const msg = duckDbMessage(e);
      throw new StrataError('RUNTIME', `cannot open the warehouse ${file}: ${msg}`, {
        hint: /lock/i.test(msg)
          ? 'Another process has this data directory open: stop it or use another directory.'
          : 'Check that the file is a DuckDB database written by this DuckDB version.',
        cause: e,
      });
    }
    try {
      const writer = await instance.connect();
      const reader = await instance.connect();
      for (const c of [writer, reader]) await c.run(`SET TimeZone = 'UTC'`);
      await bootstrapMetadata(writer);
      const meta = await loadMetadata(writer);
      await compactPositions(writer);
      const positionWriter = await PositionWriter.prepare(writer, meta.positionSeq);
      const w = new DuckDbWarehouse(instance, writer, reader, positionWriter, file);
      await w.#restore(meta);
      if (file !== ':memory:') OPEN_FILES.add(file);
      return w;
    } catch (e) {
      instance.closeSync();
      if (e instanceof StrataError) throw e;
      throw new StrataError('RUNTIME', `cannot open the warehouse ${file}: ${duckDbMessage(e)}`, { cause: e });
    }
  }

  async #restore(meta: LoadedMetadata): Promise<void> {
    const schemas = new Set(
      (await this.#writer.runAndReadAll(`SELECT lower(schema_name) FROM duckdb_schemas() WHERE database_name = current_database()`))
        .getRows()
        .map((r) => String(r[0])),
    );
    const tables = new Set(
      (await this.#writer.runAndReadAll(`SELECT lower(schema_name) || chr(0) || lower(table_name) FROM duckdb_tables() WHERE database_name = current_database()`))
        .getRows()
        .map((r) => String(r[0])),
    );
    for (const db of meta.databases) {
      if (!schemas.has(db.toLowerCase())) throw this.#damaged(`database ${db} is in the catalog but its DuckDB schema is missing`);
      this.#databases.set(db.toLowerCase(), db);
    }
    for (const def of meta.tables) {
      const key = tableKey(def.database, def.name);
      if (!tables.has(key)) throw this.#damaged(`table ${def.database}.${def.name} is in the catalog but its DuckDB table is missing`);
      this.#tables.set(key, { def, applier: null });
    }
    for (const p of meta.positions) this.#positions.set(tableKey(p.database, p.table), p.position);
  }

  #damaged(what: string): StrataError {
    return new StrataError('STATE', `the warehouse ${this.#location} is inconsistent: ${what}`, {
      hint: 'Restore the data directory from a backup.',
    });
  }

  // -------------------------------------------------------------------------
  // Catalog reads (from memory)
  // -------------------------------------------------------------------------

  listDatabases(): readonly string[] {
    return [...this.#databases.values()].sort();
  }

  hasDatabase(name: string): boolean {
    return this.#databases.has(name.toLowerCase());
  }

  getTable(database: string, table: string): WarehouseTableDef | undefined {
    return this.#tables.get(tableKey(database, table))?.def;
  }

  listTables(database: string): readonly string[] {
    this.#requireDatabase(database);
    const prefix = database.toLowerCase() + '\u0000';
    const out: string[] = [];
    for (const [k, e] of this.#tables) if (k.startsWith(prefix)) out.push(e.def.name);
    return out.sort();
  }

  position(database: string, table: string): TablePosition | null {
    return this.#positions.get(tableKey(database, table)) ?? null;
  }

  #requireDatabase(name: string): string {
    const db = this.#databases.get(name.toLowerCase());
    if (db === undefined) {
      throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `database ${name} does not exist`, {
        hint: `Create it with CREATE DATABASE ${name}, or check SHOW DATABASES.`,
      });
    }
    return db;
  }

  #requireTable(database: string, table: string): TableEntry {
    const db = this.#requireDatabase(database);
    const e = this.#tables.get(tableKey(database, table));
    if (e === undefined) {
      throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `table ${db}.${table} does not exist`, {
        hint: `Check SHOW TABLES FROM ${db}.`,
      });
    }
    return e;
  }

  #checkOpen(): void {
    if (this.#closed) throw new StrataError('RUNTIME', `the warehouse ${this.#location} is closed`);
  }

  // -------------------------------------------------------------------------
  // DDL
  // -------------------------------------------------------------------------

  /** Runs `body` in one writer transaction; DuckDB failures become StrataErrors naming `what`. */
  async #transaction(what: string, body: (c: DuckDBConnection) => Promise<void>): Promise<void> {
    const c = this.#writer;
    await c.run('BEGIN TRANSACTION');
    try {
      await body(c);
      await c.run('COMMIT');
    } catch (e) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw operationError(e, what);
    }
  }

  async #disposeApplier(entry: TableEntry | undefined): Promise<void> {
    if (entry === undefined || entry.applier === null) return;
    const a = entry.applier;
    entry.applier = null;
    await a.dispose(this.#writer).catch(() => undefined);
  }

  createDatabase(name: string, ifNotExists: boolean): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      validateDatabaseName(name);
      const existing = this.#databases.get(name.toLowerCase());
      if (existing !== undefined) {
        if (ifNotExists) return;
        throw new StrataError('CATALOG_OBJECT_EXISTS', `database ${existing} already exists`, {
          hint: 'Use CREATE DATABASE IF NOT EXISTS, or choose another name.',
        });
      }
      await this.#transaction(`create database ${name}`, async (c) => {
        await c.run(`CREATE SCHEMA ${quoteIdent(name)}`);
        await insertDatabase(c, name);
      });
      this.#databases.set(name.toLowerCase(), name);
    });
  }

  dropDatabase(name: string, ifExists: boolean, _force: boolean): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const db = this.#databases.get(name.toLowerCase());
      if (db === undefined) {
        if (ifExists) return;
        this.#requireDatabase(name);
        return;
      }
      await this.#transaction(`drop database ${db}`, async (c) => {
        await c.run(`DROP SCHEMA ${quoteIdent(db)} CASCADE`);
        await deleteDatabase(c, db);
      });
      this.#databases.delete(db.toLowerCase());
      const prefix = db.toLowerCase() + '\u0000';
      for (const [k, e] of [...this.#tables]) {
        if (!k.startsWith(prefix)) continue;
        this.#tables.delete(k);
        this.#positions.delete(k);
        await this.#disposeApplier(e);
      }
    });
  }

  createTable(def: WarehouseTableDef, ifNotExists: boolean): Promise<boolean> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const db = this.#requireDatabase(def.database);
      validateName(def.name, 'table');
      const existing = this.#tables.get(tableKey(db, def.name));
      if (existing !== undefined) {
        if (ifNotExists) return false;
        throw new StrataError('CATALOG_OBJECT_EXISTS', `table ${db}.${existing.def.name} already exists`, {
          hint: 'Use CREATE TABLE IF NOT EXISTS, or drop the table first.',
        });
      }
      const normalized = validateTableDef(def, db);
      await this.#transaction(`create table ${db}.${def.name}`, async (c) => {
        await c.run(createTableSql(normalized));
        await writeTableDef(c, normalized);
      });
      this.#tables.set(tableKey(db, def.name), { def: normalized, applier: null });
      return true;
    });
  }

  dropTable(database: string, table: string, ifExists: boolean): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const key = tableKey(database, table);
      const entry = this.#tables.get(key);
      if (entry === undefined) {
        if (ifExists) return;
        this.#requireTable(database, table);
        return;
      }
      const { database: db, name } = entry.def;
      await this.#transaction(`drop table ${db}.${name}`, async (c) => {
        await c.run(`DROP TABLE ${qualifiedName(db, name)}`);
        await deleteTableDef(c, db, name);
      });
      this.#tables.delete(key);
      this.#positions.delete(key);
      await this.#disposeApplier(entry);
    });
  }

  truncateTable(database: string, table: string): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const { def } = this.#requireTable(database, table);
      await this.#transaction(`truncate table ${def.database}.${def.name}`, async (c) => {
        await c.run(`DELETE FROM ${qualifiedName(def.database, def.name)}`);
      });
    });
  }

  addColumn(
    database: string,
    table: string,
    column: WarehouseColumn,
    position: { readonly after: string | null; readonly first: boolean },
  ): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const entry = this.#requireTable(database, table);
      const def = entry.def;
      const where = `table ${def.database}.${def.name}`;
      if (def.columns.some((c) => c.name.toLowerCase() === column.name.toLowerCase())) {
        throw new StrataError('CATALOG_OBJECT_EXISTS', `column ${column.name} already exists in ${where}`, {
          hint: 'Use another name, or check DESCRIBE first.',
        });
      }
      validateColumn(column, where, def.keyModel, false);
      let at = def.columns.length;
      if (position.first) at = 0;
      else if (position.after !== null) {
        const i = def.columns.findIndex((c) => c.name.toLowerCase() === position.after!.toLowerCase());
        if (i < 0) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `column ${position.after} (in AFTER ${position.after}) does not exist in ${where}`);
        at = i + 1;
      }
      const columns = [...def.columns.slice(0, at), column, ...def.columns.slice(at)];
      const next: WarehouseTableDef = { ...def, columns };
      const fill = defaultExpression(column.defaultValue, column.type, `column ${column.name} of ${where}`);
      await this.#transaction(`add column ${column.name} to ${where}`, async (c) => {
        if (at === def.columns.length && column.type.nullable) {
          const dflt = column.defaultValue === null ? '' : ` DEFAULT ${fill}`;
          await c.run(`ALTER TABLE ${qualifiedName(def.database, def.name)} ADD COLUMN ${columnDdl(column)}${dflt}`);
        } else {
          const sources = columns.map((col) => (col === column ? `CAST(${fill} AS ${duckDbTypeText(col.type)})` : quoteIdent(col.name)));
          for (const sql of rebuildTableSql(next, sources)) await c.run(sql);
        }
        await writeTableDef(c, next);
      });
      entry.def = next;
      await this.#disposeApplier(entry);
    });
  }

  dropColumn(database: string, table: string, column: string): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const entry = this.#requireTable(database, table);
      const def = entry.def;
      const where = `table ${def.database}.${def.name}`;
      const col = def.columns.find((c) => c.name.toLowerCase() === column.toLowerCase());
      if (col === undefined) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `column ${column} does not exist in ${where}`);
      if (def.keyColumns.some((k) => k.toLowerCase() === col.name.toLowerCase())) {
        throw new StrataError('SQL_VALIDATION', `cannot drop column ${col.name} of ${where}: it is a key column of the ${def.keyModel} KEY`, {
          hint: 'Recreate the table with another key instead.',
        });
      }
      if (def.distribution !== null && def.distribution.columns.some((d) => d.toLowerCase() === col.name.toLowerCase())) {
        throw new StrataError('SQL_VALIDATION', `cannot drop column ${col.name} of ${where}: the table is distributed by it`);
      }
      if (def.columns.length === 1) throw new StrataError('SQL_VALIDATION', `cannot drop column ${col.name}: it is the only column of ${where}`);
      const next: WarehouseTableDef = { ...def, columns: def.columns.filter((c) => c !== col) };
      await this.#transaction(`drop column ${col.name} of ${where}`, async (c) => {
        await c.run(`ALTER TABLE ${qualifiedName(def.database, def.name)} DROP COLUMN ${quoteIdent(col.name)}`);
        await writeTableDef(c, next);
      });
      entry.def = next;
      await this.#disposeApplier(entry);
    });
  }

  renameColumn(database: string, table: string, from: string, to: string): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const entry = this.#requireTable(database, table);
      const def = entry.def;
      const where = `table ${def.database}.${def.name}`;
      const col = def.columns.find((c) => c.name.toLowerCase() === from.toLowerCase());
      if (col === undefined) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `column ${from} does not exist in ${where}`);
      if (col.name === to) return;
      if (col.name.toLowerCase() !== to.toLowerCase() && def.columns.some((c) => c.name.toLowerCase() === to.toLowerCase())) {
        throw new StrataError('CATALOG_OBJECT_EXISTS', `column ${to} already exists in ${where}`, { hint: 'Use another name.' });
      }
      validateColumn({ ...col, name: to }, where, def.keyModel, def.keyColumns.some((k) => k.toLowerCase() === col.name.toLowerCase()));
      const rename = (n: string): string => (n.toLowerCase() === col.name.toLowerCase() ? to : n);
      const next: WarehouseTableDef = {
        ...def,
        columns: def.columns.map((c) => (c === col ? { ...c, name: to } : c)),
        keyColumns: def.keyColumns.map(rename),
        distribution: def.distribution === null ? null : { ...def.distribution, columns: def.distribution.columns.map(rename) },
      };
      await this.#disposeApplier(entry);
      await this.#transaction(`rename column ${col.name} of ${where} to ${to}`, async (c) => {
        await c.run(`ALTER TABLE ${qualifiedName(def.database, def.name)} RENAME COLUMN ${quoteIdent(col.name)} TO ${quoteIdent(to)}`);
        await writeTableDef(c, next);
      });
      entry.def = next;
    });
  }

  modifyColumn(database: string, table: string, column: WarehouseColumn): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const entry = this.#requireTable(database, table);
      const def = entry.def;
      const where = `table ${def.database}.${def.name}`;
      const i = def.columns.findIndex((c) => c.name.toLowerCase() === column.name.toLowerCase());
      if (i < 0) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `column ${column.name} does not exist in ${where}`);
      const old = def.columns[i]!;
      const columns = def.columns.map((c, j) => (j === i ? { ...column, name: old.name } : c));
      const sources = columns.map((c, j) => (j === i ? `CAST(${quoteIdent(old.name)} AS ${duckDbTypeText(c.type)})` : quoteIdent(c.name)));
      await this.#redefine(entry, { ...def, columns }, sources, `change the type of column ${old.name} of ${where} to ${column.typeText}`);
    });
  }

  setPrimaryKey(database: string, table: string, keyColumns: readonly string[]): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const entry = this.#requireTable(database, table);
      const def = entry.def;
      const where = `table ${def.database}.${def.name}`;
      const keys: string[] = [];
      for (const k of keyColumns) {
        const c = def.columns.find((x) => x.name.toLowerCase() === k.toLowerCase());
        if (c === undefined) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `key column ${k} does not exist in ${where}`);
        keys.push(c.name);
      }
      const keySet = new Set(keys.map((k) => k.toLowerCase()));
      let next: WarehouseTableDef;
      if (keys.length === 0) {
        const columns = def.columns.map((c) => ({ ...c }));
        next = {
          ...def,
          columns,
          keyModel: 'DUPLICATE',
          keyColumns: [columns[0]!.name],
          distribution: def.distribution === null ? null : { ...def.distribution, columns: def.distribution.random ? [] : [columns[0]!.name] },
        };
      } else {
        const keyCols = keys.map((k) => def.columns.find((c) => c.name === k)!).map((c) => ({ ...c, type: withNullability(c.type, false) }));
        const rest = def.columns.filter((c) => !keySet.has(c.name.toLowerCase()));
        next = {
          ...def,
          columns: [...keyCols, ...rest],
          keyModel: 'PRIMARY',
          keyColumns: keys,
          distribution: def.distribution === null ? null : { columns: keys, buckets: def.distribution.buckets, random: false },
        };
        const dup = await this.#writer.runAndReadAll(
          `SELECT count(*) FROM (SELECT 1 FROM ${qualifiedName(def.database, def.name)} GROUP BY ${keys.map(quoteIdent).join(', ')} HAVING count(*) > 1)`,
        );
        if (Number(dup.getRows()[0]![0] as bigint) > 0) {
          throw new StrataError('SQL_VALIDATION', `cannot make (${keys.join(', ')}) the primary key of ${where}: existing rows repeat a key`, {
            hint: 'Remove the duplicate rows first.',
          });
        }
      }
      await this.#redefine(entry, next, next.columns.map((c) => quoteIdent(c.name)), `change the key of ${where} to (${keys.join(', ')})`);
    });
  }

  renameTable(database: string, table: string, newName: string): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      const entry = this.#requireTable(database, table);
      const def = entry.def;
      validateName(newName, 'table');
      if (def.name === newName) return;
      const newKey = tableKey(def.database, newName);
      const oldKey = tableKey(def.database, def.name);
      if (newKey !== oldKey && this.#tables.has(newKey)) {
        throw new StrataError('CATALOG_OBJECT_EXISTS', `table ${def.database}.${newName} already exists`, { hint: 'Drop it first or choose another name.' });
      }
      const next: WarehouseTableDef = { ...def, name: newName };
      await this.#disposeApplier(entry);
      await this.#transaction(`rename table ${def.database}.${def.name} to ${newName}`, async (c) => {
        await c.run(`ALTER TABLE ${qualifiedName(def.database, def.name)} RENAME TO ${quoteIdent(newName)}`);
        await deleteTableDef(c, def.database, def.name);
        await writeTableDef(c, next);
        const pos = this.#positions.get(oldKey);
        if (pos !== undefined) await this.#positionWriter.write(def.database, newName, pos);
      });
      this.#tables.delete(oldKey);
      entry.def = next;
      this.#tables.set(newKey, entry);
      const pos = this.#positions.get(oldKey);
      this.#positions.delete(oldKey);
      if (pos !== undefined) this.#positions.set(newKey, pos);
    });
  }

  /** Rebuilds a table with a new definition (same database and name); `sources[i]` fills column i. */
  async #redefine(entry: TableEntry, next: WarehouseTableDef, sources: readonly string[], what: string): Promise<void> {
    const normalized = validateTableDef(next, entry.def.database);
    await this.#disposeApplier(entry);
    try {
      await this.#transaction(what, async (c) => {
        for (const sql of rebuildTableSql(normalized, sources)) await c.run(sql);
        await writeTableDef(c, normalized);
      });
    } catch (e) {
      if (e instanceof StrataError && e.code === 'RUNTIME') {
        throw new StrataError('SQL_VALIDATION', `cannot ${what}: ${e.bare}`, { hint: 'Existing values do not fit the new definition.', cause: e });
      }
      throw e;
    }
    entry.def = normalized;
  }

  // -------------------------------------------------------------------------
  // Data
  // -------------------------------------------------------------------------

  apply(changes: readonly TableChanges[], position: Omit<TablePosition, 'committedAt'> | null): Promise<void> {
    return this.#writes.run(async () => {
      this.#checkOpen();
      // Resolve every table first: an unknown name fails before anything is written.
      const groups = new Map<string, { entry: TableEntry; batches: ChangeBatch[] }>();
      for (const tc of changes) {
        const entry = this.#requireTable(tc.database, tc.table);
        const key = tableKey(entry.def.database, entry.def.name);
        const g = groups.get(key);
        if (g === undefined) groups.set(key, { entry, batches: [tc.batch] });
        else g.batches.push(tc.batch);
      }
      if (groups.size === 0) return;
      for (const { entry } of groups.values()) {
        if (entry.applier === null) {
          try {
            entry.applier = await TableApplier.create(this.#writer, entry.def, this.#nextStagingId++);
          } catch (e) {
            throw operationError(e, `preparing apply to ${entry.def.database}.${entry.def.name}`);
          }
        }
      }
      const names = [...groups.values()].map((g) => `${g.entry.def.database}.${g.entry.def.name}`).join(', ');
      let committedAt = 0;
      await this.#transaction(`apply to ${names}`, async (c) => {
        for (const { entry, batches } of groups.values()) {
          for (const b of batches) await entry.applier!.apply(c, b);
        }
        if (position !== null) {
          committedAt = Date.now();
          for (const { entry } of groups.values()) {
            await this.#positionWriter.write(entry.def.database, entry.def.name, { writer: position.writer, position: position.position, committedAt });
          }
          await this.#positionWriter.maybeCompact(c);
        }
      });
      if (position !== null) {
        for (const [key] of groups) this.#positions.set(key, { writer: position.writer, position: position.position, committedAt });
      }
    });
  }

  query(sql: string, params: readonly Value[] = []): Promise<QueryResult> {
    return this.#reads.run(async () => {
      this.#checkOpen();
      let result: DuckDBMaterializedResult;
      try {
        if (params.length === 0) result = await this.#reader.run(sql);
        else {
          const values: DuckDBValue[] = [];
          const types: DuckDBType[] = [];
          for (const p of params) {
            const d = toDuckDbParam(p);
            values.push(d.value);
            types.push(d.type);
          }
          result = await this.#reader.run(sql, values, types);
        }
      } catch (e) {
        throw queryError(e);
      }
      return readResult(result);
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const done = Promise.all([this.#writes.run(async () => undefined), this.#reads.run(async () => undefined)]).then(() => {
      if (this.#closed) return;
      this.#closed = true;
      this.#reader.closeSync();
      this.#writer.closeSync();
      this.#instance.closeSync();
      OPEN_FILES.delete(this.#location);
    });
    return done;
  }
}

/** Converts a materialized DuckDB result into columns and rows in Strata's representation. */
export function readResult(result: DuckDBMaterializedResult): QueryResult {
  const names = result.columnNames();
  const types = result.columnTypes();
  const columns: ResultColumn[] = names.map((name, i) => ({ name, type: strataTypeOfDuckDb(types[i]!) }));
  const readers = types.map((t) => valueReader(t));
  const width = names.length;
  const rows: Row[] = [];
  const chunks = result.chunkCount;
  for (let ci = 0; ci < chunks; ci++) {
    const chunk = result.getChunk(ci);
    const n = chunk.rowCount;
    const base = rows.length;
    for (let r = 0; r < n; r++) rows.push(new Array<Value>(width));
    for (let c = 0; c < width; c++) {
      const vector = chunk.getColumnVector(c);
      const read = readers[c]!;
      const type = types[c]!;
      for (let r = 0; r < n; r++) {
        const v = vector.getItem(r);
        (rows[base + r] as Value[])[c] = v === null ? null : read(v, type);
      }
    }
  }
  return { columns, rows };
}
