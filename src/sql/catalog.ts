import { StrataError } from '../core/errors.js';
import type { TableDescriptor } from '../core/plan.js';
import type { Schema } from '../core/schema.js';
import type { Query } from './ast.js';

/**
 * The Flink-style catalog: catalogs hold databases, databases hold tables and views.
 * Names compare case-insensitively (Flink's default catalog is case-sensitive, but users of
 * the seeds mix `flink_cdc` spellings freely; Strata keeps the case as created and finds
 * names regardless of case). The current catalog and database start as Flink's
 * `default_catalog`.`default_database`.
 */

export interface CatalogTable {
  readonly kind: 'table';
  readonly descriptor: TableDescriptor;
  readonly comment: string | null;
  /** Flink DDL as created (with secrets as written: never show this text; see redaction). */
  readonly ddl: string;
}

export interface CatalogView {
  readonly kind: 'view';
  readonly path: readonly [string, string, string];
  readonly schema: Schema;
  readonly query: Query;
  readonly queryText: string;
}

export type CatalogObject = CatalogTable | CatalogView;

interface Database {
  readonly name: string;
  readonly comment: string | null;
  readonly objects: Map<string, CatalogObject>;
}

interface CatalogEntry {
  readonly name: string;
  readonly options: Readonly<Record<string, string>>;
  readonly databases: Map<string, Database>;
}

export const DEFAULT_CATALOG = 'default_catalog';
export const DEFAULT_DATABASE = 'default_database';

const k = (s: string): string => s.toLowerCase();

export class Catalog {
  readonly #catalogs = new Map<string, CatalogEntry>();
  currentCatalog = DEFAULT_CATALOG;
  currentDatabase = DEFAULT_DATABASE;

  constructor() {
    this.createCatalog(DEFAULT_CATALOG, {}, false);
    this.createDatabase([DEFAULT_CATALOG, DEFAULT_DATABASE], null, false);
  }

  createCatalog(name: string, options: Readonly<Record<string, string>>, ifNotExists: boolean): void {
    if (this.#catalogs.has(k(name))) {
      if (ifNotExists) return;
      throw new StrataError('CATALOG_OBJECT_EXISTS', `catalog '${name}' already exists`, {
        hint: 'Use CREATE CATALOG IF NOT EXISTS, or pick another name.',
      });
    }
    this.#catalogs.set(k(name), { name, options, databases: new Map() });
  }

  hasCatalog(name: string): boolean {
    return this.#catalogs.has(k(name));
  }

  /** The WITH options a catalog was created with (CTAS/CDAS read a MySQL source's connection here). */
  catalogOptions(name: string): Readonly<Record<string, string>> | undefined {
    return this.#catalogs.get(k(name))?.options;
  }

  #catalog(name: string): CatalogEntry {
    const c = this.#catalogs.get(k(name));
    if (c === undefined) {
      throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `catalog '${name}' does not exist`, {
        hint: `Known catalogs: ${this.listCatalogs().join(', ')}.`,
      });
    }
    return c;
  }

  listCatalogs(): string[] {
    return [...this.#catalogs.values()].map((c) => c.name).sort();
  }

  /** Completes a database name of one or two parts with the current catalog. */
  resolveDatabase(parts: readonly string[]): [string, string] {
    if (parts.length === 1) return [this.currentCatalog, parts[0]!];
    if (parts.length === 2) return [parts[0]!, parts[1]!];
    throw new StrataError('SQL_VALIDATION', `'${parts.join('.')}' is not a database name; expected [catalog.]database`);
  }

  /** Completes a table name of one to three parts with the current catalog and database. */
  resolveTablePath(parts: readonly string[]): [string, string, string] {
    if (parts.length === 1) return [this.currentCatalog, this.currentDatabase, parts[0]!];
    if (parts.length === 2) return [this.currentCatalog, parts[0]!, parts[1]!];
    if (parts.length === 3) return [parts[0]!, parts[1]!, parts[2]!];
    throw new StrataError('SQL_VALIDATION', `'${parts.join('.')}' is not a table name; expected [[catalog.]database.]table`);
  }

  createDatabase(path: readonly [string, string], comment: string | null, ifNotExists: boolean): void {
    const cat = this.#catalog(path[0]);
    if (cat.databases.has(k(path[1]))) {
      if (ifNotExists) return;
      throw new StrataError('CATALOG_OBJECT_EXISTS', `database '${path[0]}.${path[1]}' already exists`, {
        hint: 'Use CREATE DATABASE IF NOT EXISTS.',
      });
    }
    cat.databases.set(k(path[1]), { name: path[1], comment, objects: new Map() });
  }

  hasDatabase(path: readonly [string, string]): boolean {
    return this.#catalogs.get(k(path[0]))?.databases.has(k(path[1])) ?? false;
  }

  #database(path: readonly [string, string]): Database {
    const cat = this.#catalog(path[0]);
    const db = cat.databases.get(k(path[1]));
    if (db === undefined) {
      const known = [...cat.databases.values()].map((d) => d.name).sort();
      throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `database '${path[0]}.${path[1]}' does not exist`, {
        hint: `Create it with CREATE DATABASE, or use one of: ${known.join(', ')}.`,
      });
    }
    return db;
  }

  listDatabases(catalog = this.currentCatalog): string[] {
    return [...this.#catalog(catalog).databases.values()].map((d) => d.name).sort();
  }

  dropDatabase(path: readonly [string, string], ifExists: boolean, cascade: boolean): void {
    const cat = this.#catalog(path[0]);
    const db = cat.databases.get(k(path[1]));
    if (db === undefined) {
      if (ifExists) return;
      this.#database(path);
      return;
    }
    if (db.objects.size > 0 && !cascade) {
      throw new StrataError('SQL_VALIDATION', `database '${path[0]}.${path[1]}' is not empty`, {
        hint: 'Drop its tables first, or use DROP DATABASE ... CASCADE.',
      });
    }
    cat.databases.delete(k(path[1]));
  }

  useCatalog(name: string): void {
    const c = this.#catalog(name);
    this.currentCatalog = c.name;
    const first = [...c.databases.values()][0];
    this.currentDatabase = first?.name ?? DEFAULT_DATABASE;
  }

  useDatabase(path: readonly [string, string]): void {
    const db = this.#database(path);
    this.currentCatalog = this.#catalog(path[0]).name;
    this.currentDatabase = db.name;
  }

  createObject(path: readonly [string, string, string], obj: CatalogObject, ifNotExists: boolean): boolean {
    const db = this.#database([path[0], path[1]]);
    if (db.objects.has(k(path[2]))) {
      if (ifNotExists) return false;
      const what = obj.kind === 'view' ? 'view' : 'table';
      throw new StrataError('CATALOG_OBJECT_EXISTS', `${what} '${path.join('.')}' already exists`, {
        hint: `Use CREATE ${what.toUpperCase()} IF NOT EXISTS, or DROP ${what.toUpperCase()} first.`,
      });
    }
    db.objects.set(k(path[2]), obj);
    return true;
  }

  /** The object at a full path, or undefined. */
  find(path: readonly [string, string, string]): CatalogObject | undefined {
    return this.#catalogs.get(k(path[0]))?.databases.get(k(path[1]))?.objects.get(k(path[2]));
  }

  /** The object at a full path; a clear error naming the current database otherwise. */
  get(path: readonly [string, string, string]): CatalogObject {
    const obj = this.find(path);
    if (obj !== undefined) return obj;
    const known = this.hasDatabase([path[0], path[1]]) ? this.listObjects([path[0], path[1]]) : [];
    throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `table or view '${path.join('.')}' does not exist`, {
      hint:
        known.length > 0
          ? `Tables in ${path[0]}.${path[1]}: ${known.join(', ')}.`
          : `Create it with CREATE TABLE (the current database is ${this.currentCatalog}.${this.currentDatabase}).`,
    });
  }

  dropObject(path: readonly [string, string, string], kind: 'table' | 'view', ifExists: boolean): void {
    const db = this.#database([path[0], path[1]]);
    const obj = db.objects.get(k(path[2]));
    if (obj === undefined || obj.kind !== kind) {
      if (ifExists) return;
      throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `${kind} '${path.join('.')}' does not exist`);
    }
    db.objects.delete(k(path[2]));
  }

  listObjects(path: readonly [string, string], kind?: 'table' | 'view'): string[] {
    const db = this.#database(path);
    const out: string[] = [];
    for (const [, o] of db.objects) {
      if (kind !== undefined && o.kind !== kind) continue;
      out.push(o.kind === 'table' ? o.descriptor.path[2] : o.path[2]);
    }
    return out.sort();
  }
}
