/**
 * SHOW and DESC in the StarRocks / MySQL formats. Each SHOW builds a constant table (the
 * column names and order MySQL clients expect), then applies `LIKE 'p'` to its first
 * column and `WHERE expr` through DuckDB (so `SHOW VARIABLES WHERE Variable_name = ...`,
 * as Connector/J 5 sends, and `SHOW COLLATION WHERE Charset = ...`, as SQLAlchemy sends,
 * work like queries).
 */

import { StrataError } from '../../core/errors.js';
import { T, type SqlType } from '../../core/types.js';
import type { Row, Value } from '../../core/values.js';
import type { Describe, Expr, Pos, QualifiedName, Show } from '../../sql/ast.js';
import type { StatementOutcome, Warehouse, WarehouseTableDef } from '../api.js';
import { defaultValueText, showCreateTable, starrocksType } from './ddl.js';
import { CHARSETS, COLLATIONS, ENGINES, INFORMATION_SCHEMA_TABLES, columnKey, informationSchemaColumns, userDatabases } from './info-schema.js';
import { backtick, likeMatches, quoteIdent } from './sql-text.js';
import { resolveTable, splitTableName, type InfoTable } from './translate.js';
import type { TranslateHost } from './translate.js';

/** What SHOW needs from the front. */
export interface ShowContext {
  readonly host: TranslateHost;
  /** Variables as SHOW VARIABLES lists them (name, value text), sorted by name. */
  variables(scope: 'SESSION' | 'GLOBAL'): readonly (readonly [string, string])[];
  processes(): readonly { readonly id: number; readonly user: string; readonly database: string | null; readonly seconds: number }[];
  /** Filters a constant table with a WHERE expression (run in DuckDB). */
  filter(table: InfoTable, where: Expr): Promise<readonly Row[]>;
  readonly startedAt: number;
}

const S = T.string();
const I = T.bigint();

function located(code: 'SQL_UNSUPPORTED' | 'SQL_VALIDATION' | 'CATALOG_OBJECT_NOT_FOUND', message: string, pos: Pos, hint?: string): StrataError {
  const location = { line: pos.line, column: pos.column };
  return new StrataError(code, message, hint === undefined ? { location } : { location, hint });
}

function table(name: string, spec: readonly (readonly [string, SqlType])[], rows: Value[][]): InfoTable {
  return { name, columns: spec.map(([n, type]) => ({ name: n, type })), rows };
}

/** A table definition or an information_schema table, for SHOW COLUMNS / DESC. */
function describeTarget(host: TranslateHost, name: QualifiedName): { def: WarehouseTableDef } | { info: { name: string; type: SqlType }[]; table: string } {
  const { database, table: t } = splitTableName(host.database, name);
  if (database.toLowerCase() === 'information_schema') {
    const cols = informationSchemaColumns(t);
    if (cols === undefined) throw located('CATALOG_OBJECT_NOT_FOUND', `table 'information_schema.${t}' does not exist`, name.pos);
    return { info: [...cols], table: t.toUpperCase() };
  }
  const r = resolveTable(host, name);
  if (r.kind !== 'table') throw located('CATALOG_OBJECT_NOT_FOUND', `table '${database}.${t}' does not exist`, name.pos);
  return { def: r.def };
}

/** The database SHOW TABLES / SHOW TABLE STATUS look at: FROM db, or the current one. */
function targetDatabase(host: TranslateHost, name: QualifiedName | null, pos: Pos): string {
  if (name === null) {
    if (host.database === null) throw located('CATALOG_OBJECT_NOT_FOUND', 'no database selected', pos, 'Run USE <database> first, or write SHOW TABLES FROM <database>.');
    return host.database;
  }
  const db = name.parts[name.parts.length - 1]!;
  if (db.toLowerCase() === 'information_schema') return 'information_schema';
  const canonical = userDatabases(host.warehouse).find((d) => d.toLowerCase() === db.toLowerCase());
  if (canonical === undefined) throw located('CATALOG_OBJECT_NOT_FOUND', `unknown database '${db}'`, name.pos);
  return canonical;
}

function tableNames(w: Warehouse, db: string): string[] {
  if (db === 'information_schema') return [...INFORMATION_SCHEMA_TABLES];
  return [...w.listTables(db)].sort();
}

async function tableStatus(ctx: ShowContext, db: string): Promise<InfoTable> {
  const w = ctx.host.warehouse;
  const spec: [string, SqlType][] = [
    ['Name', S], ['Engine', S], ['Version', I], ['Row_format', S], ['Rows', I], ['Avg_row_length', I], ['Data_length', I],
    ['Max_data_length', I], ['Index_length', I], ['Data_free', I], ['Auto_increment', I], ['Create_time', T.timestamp(0)],
    ['Update_time', T.timestamp(0)], ['Check_time', T.timestamp(0)], ['Collation', S], ['Checksum', I], ['Create_options', S], ['Comment', S],
  ];
  const names = tableNames(w, db);
  const rows: Value[][] = [];
  if (db === 'information_schema') {
    for (const n of names) rows.push([n, 'MEMORY', 10n, 'Fixed', null, null, null, null, null, null, null, null, null, null, 'utf8mb4_general_ci', null, '', '']);
    return table('status', spec, rows);
  }
  const counts = new Map<string, Value>();
  if (names.length > 0) {
    const sql = names.map((n, i) => `SELECT ${i} AS i, count(*) AS n FROM ${quoteIdent(db)}.${quoteIdent(n)}`).join(' UNION ALL ');
    const r = await w.query(sql);
    for (const row of r.rows) counts.set(names[Number(row[0])]!, row[1] ?? null);
  }
  for (const n of names) {
    const def = w.getTable(db, n);
    const pos = w.position(db, n);
    const c = counts.get(n) ?? null;
    rows.push([
      n, 'StarRocks', 10n, 'Dynamic', typeof c === 'number' ? BigInt(c) : c, null, null, null, null, null, null, null,
      pos === null ? null : BigInt(pos.committedAt) * 1000n, null, 'utf8mb4_general_ci', null, '', def?.comment ?? '',
    ]);
  }
  return table('status', spec, rows);
}

function columnsTable(host: TranslateHost, st: { name: QualifiedName; full: boolean }): InfoTable {
  const target = describeTarget(host, st.name);
  const full = st.full;
  const spec: [string, SqlType][] = full
    ? [['Field', S], ['Type', S], ['Collation', S], ['Null', S], ['Key', S], ['Default', S], ['Extra', S], ['Privileges', S], ['Comment', S]]
    : [['Field', S], ['Type', S], ['Null', S], ['Key', S], ['Default', S], ['Extra', S]];
  const rows: Value[][] = [];
  if ('info' in target) {
    for (const c of target.info) {
      const type = c.type.kind === 'BIGINT' ? 'bigint(20)' : c.type.kind === 'TIMESTAMP' ? 'datetime' : 'varchar(65533)';
      rows.push(full ? [c.name, type, type.startsWith('varchar') ? 'utf8mb4_general_ci' : null, 'YES', '', null, '', 'select', ''] : [c.name, type, 'YES', '', null, '']);
    }
  } else {
    const def = target.def;
    for (const c of def.columns) {
      const key = columnKey(def, c.name);
      const type = starrocksType(c);
      const dflt = c.defaultValue === null ? null : defaultValueText(c.defaultValue);
      const isStr = c.type.kind === 'CHAR' || c.type.kind === 'VARCHAR';
      const extra = c.aggregation ?? '';
      rows.push(
        full
          ? [c.name, type, isStr ? 'utf8mb4_general_ci' : null, c.type.nullable ? 'YES' : 'NO', key, dflt, extra, 'select,insert,update,references', c.comment]
          : [c.name, type, c.type.nullable ? 'YES' : 'NO', key, dflt, extra],
      );
    }
  }
  return table('columns', spec, rows);
}

/** DESC t in StarRocks' format: Field, Type, Null, Key (true/false), Default, Extra. */
export function describe(host: TranslateHost, st: Describe): StatementOutcome {
  const target = describeTarget(host, st.name);
  const spec: [string, SqlType][] = [['Field', S], ['Type', S], ['Null', S], ['Key', S], ['Default', S], ['Extra', S]];
  const rows: Value[][] = [];
  if ('info' in target) {
    for (const c of target.info) rows.push([c.name, c.type.kind === 'BIGINT' ? 'bigint' : c.type.kind === 'TIMESTAMP' ? 'datetime' : 'varchar(65533)', 'YES', 'false', null, '']);
  } else {
    const def = target.def;
    const keys = new Set(def.keyColumns.map((k) => k.toLowerCase()));
    for (const c of def.columns) {
      rows.push([
        c.name,
        starrocksType(c, false),
        c.type.nullable ? 'YES' : 'NO',
        keys.has(c.name.toLowerCase()) ? 'true' : 'false',
        c.defaultValue === null ? null : defaultValueText(c.defaultValue),
        c.aggregation ?? '',
      ]);
    }
  }
  return outcome(table('desc', spec, rows));
}

function outcome(t: InfoTable): StatementOutcome {
  return { kind: 'rows', columns: t.columns.map((c) => ({ name: c.name, type: c.type })), rows: t.rows };
}

/** Runs a SHOW statement. */
export async function show(ctx: ShowContext, st: Show): Promise<StatementOutcome> {
  const host = ctx.host;
  const w = host.warehouse;
  let t: InfoTable;
  switch (st.what) {
    case 'DATABASES':
    case 'SCHEMAS':
      t = table('databases', [['Database', S]], ['information_schema', ...userDatabases(w)].sort().map((d) => [d]));
      break;
    case 'TABLES': {
      const db = targetDatabase(host, st.name, st.pos);
      const names = tableNames(w, db);
      t = st.full
        ? table('tables', [[`Tables_in_${db}`, S], ['Table_type', S]], names.map((n) => [n, db === 'information_schema' ? 'SYSTEM VIEW' : 'BASE TABLE']))
        : table('tables', [[`Tables_in_${db}`, S]], names.map((n) => [n]));
      break;
    }
    case 'TABLE STATUS':
      t = await tableStatus(ctx, targetDatabase(host, st.name, st.pos));
      break;
    case 'COLUMNS':
    case 'FIELDS':
      t = columnsTable(host, { name: st.name!, full: st.full });
      break;
    case 'CREATE TABLE': {
      const target = describeTarget(host, st.name!);
      if (!('def' in target)) throw located('SQL_UNSUPPORTED', 'SHOW CREATE TABLE is not supported for information_schema tables', st.pos);
      t = table('create', [['Table', S], ['Create Table', S]], [[target.def.name, showCreateTable(target.def)]]);
      break;
    }
    case 'CREATE DATABASE':
    case 'CREATE SCHEMA': {
      const db = targetDatabase(host, st.name, st.pos);
      t = table('create', [['Database', S], ['Create Database', S]], [[db, `CREATE DATABASE ${backtick(db)}`]]);
      break;
    }
    case 'VARIABLES':
    case 'SESSION VARIABLES':
    case 'LOCAL VARIABLES':
    case 'GLOBAL VARIABLES': {
      const scope = st.what === 'GLOBAL VARIABLES' ? 'GLOBAL' : 'SESSION';
      t = table('variables', [['Variable_name', S], ['Value', S]], ctx.variables(scope).map(([n, v]) => [n, v]));
      break;
    }
    case 'STATUS':
    case 'SESSION STATUS':
    case 'GLOBAL STATUS': {
      const up = Math.floor((Date.now() - ctx.startedAt) / 1000);
      t = table('status', [['Variable_name', S], ['Value', S]], [
        ['Threads_connected', String(ctx.processes().length)],
        ['Uptime', String(up)],
      ]);
      break;
    }
    case 'ENGINES':
    case 'STORAGE ENGINES':
      t = table('engines', [['Engine', S], ['Support', S], ['Comment', S], ['Transactions', S], ['XA', S], ['Savepoints', S]], ENGINES.map((e) => [...e]));
      break;
    case 'CHARSET':
    case 'CHARACTER SET':
      t = table('charset', [['Charset', S], ['Description', S], ['Default collation', S], ['Maxlen', I]], CHARSETS.map(([cs, coll, desc, max]) => [cs, desc, coll, BigInt(max)]));
      break;
    case 'COLLATION':
      t = table(
        'collation',
        [['Collation', S], ['Charset', S], ['Id', I], ['Default', S], ['Compiled', S], ['Sortlen', I]],
        COLLATIONS.map(([coll, cs, id, d, comp, sort]) => [coll, cs, BigInt(id), d, comp, BigInt(sort)]),
      );
      break;
    case 'WARNINGS':
    case 'ERRORS':
      t = table('warnings', [['Level', S], ['Code', I], ['Message', S]], []);
      break;
    case 'PROCESSLIST':
      t = table(
        'processlist',
        [['Id', I], ['User', S], ['Host', S], ['db', S], ['Command', S], ['Time', I], ['State', S], ['Info', S]],
        ctx.processes().map((p) => [BigInt(p.id), p.user, '%', p.database, 'Sleep', BigInt(p.seconds), '', null]),
      );
      break;
    case 'INDEX':
    case 'INDEXES':
    case 'KEYS': {
      const target = describeTarget(host, st.name!);
      const rows: Value[][] = [];
      if ('def' in target && (target.def.keyModel === 'PRIMARY' || target.def.keyModel === 'UNIQUE')) {
        const def = target.def;
        def.keyColumns.forEach((k, i) => rows.push([def.name, 0n, 'PRIMARY', BigInt(i + 1), k, 'A', null, null, null, '', 'BTREE', '', '']));
      }
      t = table(
        'index',
        [
          ['Table', S], ['Non_unique', I], ['Key_name', S], ['Seq_in_index', I], ['Column_name', S], ['Collation', S], ['Cardinality', I],
          ['Sub_part', I], ['Packed', S], ['Null', S], ['Index_type', S], ['Comment', S], ['Index_comment', S],
        ],
        rows,
      );
      break;
    }
    case 'CATALOGS':
      t = table('catalogs', [['Catalog', S], ['Type', S], ['Comment', S]], [['default_catalog', 'Internal', "An internal catalog contains this cluster's self-managed tables."]]);
      break;
    case 'GRANTS':
      t = table('grants', [[`Grants for ${host.user}@%`, S]], [[`GRANT ALL PRIVILEGES ON *.* TO '${host.user}'@'%'`]]);
      break;
    case 'PLUGINS':
      t = table('plugins', [['Name', S], ['Status', S], ['Type', S], ['Library', S], ['License', S]], []);
      break;
    case 'TRIGGERS':
      t = table('triggers', [['Trigger', S], ['Event', S], ['Table', S], ['Statement', S], ['Timing', S], ['Created', S]], []);
      break;
    case 'PROCEDURE STATUS':
    case 'FUNCTION STATUS':
      t = table('routines', [['Db', S], ['Name', S], ['Type', S], ['Definer', S], ['Modified', S], ['Created', S], ['Security_type', S], ['Comment', S]], []);
      break;
    case 'EVENTS':
      t = table('events', [['Db', S], ['Name', S], ['Definer', S], ['Type', S], ['Status', S]], []);
      break;
    case 'CURRENT DATABASE':
      t = table('current', [['Database', S]], [[host.database]]);
      break;
    default:
      throw located('SQL_UNSUPPORTED', `SHOW ${st.full ? 'FULL ' : ''}${st.what} is not supported by the warehouse`, st.pos, 'SHOW DATABASES, TABLES, CREATE TABLE, COLUMNS, VARIABLES and PROCESSLIST are.');
  }
  if (st.like !== null) {
    const like = st.like;
    t = { ...t, rows: t.rows.filter((r) => typeof r[0] === 'string' && likeMatches(r[0], like)) };
  }
  if (st.where !== undefined) t = { ...t, rows: await ctx.filter(t, st.where) };
  return outcome(t);
}
