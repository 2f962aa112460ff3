/**
 * INSERT, UPDATE and DELETE on warehouse tables. Each statement computes the rows it
 * touches with one DuckDB query (the new rows cast to the columns' types; for UPDATE the
 * old and new values side by side; for DELETE the rows to go) and hands them to
 * `Warehouse.apply` as changes (+I; -U/+U; -D), in one transaction. So key semantics
 * (PRIMARY upserts by key, DUPLICATE appends) and position records stay in one place,
 * and a statement is atomic.
 */

import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { MAX_LENGTH, type SqlType } from '../../core/types.js';
import { rowEquals, keyOf, type Row, type Value } from '../../core/values.js';
import type { DeleteStatement, Expr, Insert, Pos, UpdateStatement } from '../../sql/ast.js';
import { parseExpression } from '../../sql/parser.js';
import type { StatementOutcome, WarehouseColumn, WarehouseTableDef } from '../api.js';
import { duckTypeOf, quoteIdent } from './sql-text.js';
import { resolveTable, type Translator } from './translate.js';

function located(code: 'SQL_VALIDATION' | 'SQL_UNSUPPORTED', message: string, pos: Pos, hint?: string): StrataError {
  const location = { line: pos.line, column: pos.column };
  return new StrataError(code, message, hint === undefined ? { location } : { location, hint });
}

/** The warehouse table a DML statement writes (information_schema is read-only). */
function targetTable(tr: Translator, name: Parameters<typeof resolveTable>[1], verb: string): WarehouseTableDef {
  const r = resolveTable(tr.host, name);
  if (r.kind !== 'table') throw located('SQL_VALIDATION', `information_schema is read-only: cannot ${verb} ${name.parts.join('.')}`, name.pos);
  return r.def;
}

function columnIndex(def: WarehouseTableDef, name: string, pos: Pos): number {
  const i = def.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (i < 0) throw located('SQL_VALIDATION', `unknown column '${name}' in table '${def.database}.${def.name}'`, pos);
  return i;
}

/** `CAST(x AS <the column's DuckDB type>)`. */
function castTo(x: string, c: WarehouseColumn): string {
  return `CAST(${x} AS ${duckTypeOf(c.type)})`;
}

/** The column's DEFAULT as DuckDB SQL (NULL when it has none). */
function defaultSql(tr: Translator, c: WarehouseColumn): string {
  if (c.defaultValue === null) return 'NULL';
  return tr.expression(parseExpression(c.defaultValue, { dialect: 'starrocks' }));
}

function isDefaultKeyword(e: Expr): boolean {
  return e.kind === 'identifier' && e.parts.length === 1 && e.parts[0]!.toUpperCase() === 'DEFAULT';
}

/**
 * A value from DuckDB in the representation of the column's type (DuckDB may return a
 * wider type, e.g. HUGEINT for LARGEINT), checked against NOT NULL and VARCHAR(n).
 */
function columnValue(v: Value, c: WarehouseColumn, def: WarehouseTableDef, pos: Pos): Value {
  const t: SqlType = c.type;
  if (v === null) {
    if (!t.nullable) throw located('SQL_VALIDATION', `column '${c.name}' of table '${def.database}.${def.name}' cannot be NULL`, pos);
    return null;
  }
  switch (t.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Decimal) return v.toNumber();
      return v;
    case 'BIGINT':
      if (typeof v === 'number') return BigInt(Math.trunc(v));
      if (v instanceof Decimal) return v.toBigint();
      return v;
    case 'FLOAT':
    case 'DOUBLE':
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Decimal) return v.toNumber();
      return v;
    case 'DECIMAL': {
      let d: Decimal | null = null;
      if (v instanceof Decimal) d = v;
      else if (typeof v === 'bigint') d = Decimal.fromBigint(v);
      else if (typeof v === 'number') d = Decimal.fromNumber(v);
      else if (typeof v === 'string') d = Decimal.parse(v);
      const p = t.precision ?? 10;
      const s = t.scale ?? 0;
      if (d === null || !d.fits(p, s)) {
        throw located('SQL_VALIDATION', `value ${String(v)} does not fit column '${c.name}' (${c.typeText})`, pos);
      }
      return d.rescale(s);
    }
    case 'CHAR':
    case 'VARCHAR': {
      const s = typeof v === 'string' ? v : String(v);
      const max = t.precision ?? MAX_LENGTH;
      // StarRocks counts VARCHAR(n) in bytes.
      if (max < MAX_LENGTH && Buffer.byteLength(s, 'utf8') > max) {
        throw located('SQL_VALIDATION', `value too long for column '${c.name}' (${c.typeText}): ${Buffer.byteLength(s, 'utf8')} bytes`, pos);
      }
      return s;
    }
    default:
      return v;
  }
}

/** INSERT INTO t [(cols)] VALUES ... | SELECT ...; INSERT OVERWRITE replaces every row. */
export async function runInsert(tr: Translator, st: Insert): Promise<StatementOutcome> {
  const w = tr.host.warehouse;
  if (st.hints.length > 0) throw located('SQL_UNSUPPORTED', 'OPTIONS hints are Flink syntax; INSERT into a warehouse table takes none', st.pos);
  const def = targetTable(tr, st.table, 'insert into');
  const n = def.columns.length;
  // Target column i ← source column slot[i] (or -1: its default).
  const slot = new Array<number>(n).fill(-1);
  let width: number;
  if (st.columns === null) {
    for (let i = 0; i < n; i++) slot[i] = i;
    width = n;
  } else {
    st.columns.forEach((name, j) => {
      const i = columnIndex(def, name, st.table.pos);
      if (slot[i] !== -1) throw located('SQL_VALIDATION', `column '${name}' is listed twice`, st.table.pos);
      slot[i] = j;
    });
    width = st.columns.length;
  }
  const q = st.query;
  let source: string;
  if (q.kind === 'values') {
    const targetOf = new Array<WarehouseColumn | null>(width).fill(null);
    for (let i = 0; i < n; i++) if (slot[i]! >= 0) targetOf[slot[i]!] = def.columns[i]!;
    const rows = q.rows.map((r) => {
      if (r.length !== width) {
        throw located('SQL_VALIDATION', `column count doesn't match value count: ${width} columns, ${r.length} values`, r[0]?.pos ?? q.pos);
      }
      // Each value is cast to its column's type in place, so rows of different literal
      // types ('2024-01-01', NOW()) make one column type in DuckDB.
      return '(' + r.map((e, j) => castTo(isDefaultKeyword(e) ? defaultSql(tr, targetOf[j]!) : tr.expression(e), targetOf[j]!)).join(', ') + ')';
    });
    source = `(VALUES ${rows.join(', ')})`;
  } else {
    const t = tr.query(q);
    let got = 0;
    let known = true;
    for (const o of t.outputs) {
      if (o.kind === 'expr') got++;
      else if (o.origins === null) known = false;
      else got += o.origins.length;
    }
    if (!known) got = (await w.query(`SELECT * FROM (${t.sql}) LIMIT 0`)).columns.length;
    if (got !== width) throw located('SQL_VALIDATION', `column count doesn't match value count: ${width} columns, the query returns ${got}`, q.pos);
    source = `(${t.sql})`;
  }
  const aliases = Array.from({ length: width }, (_, j) => `c${j}`);
  const proj = def.columns.map((c, i) => castTo(slot[i]! >= 0 ? `s.c${slot[i]}` : defaultSql(tr, c), c));
  const sql = `SELECT ${proj.join(', ')} FROM ${source} AS s(${aliases.join(', ')})`;
  const result = await w.query(sql);
  const batch = new ChangeBatch();
  if (st.overwrite) {
    const old = await w.query(`SELECT * FROM ${quoteIdent(def.database)}.${quoteIdent(def.name)}`);
    for (const r of old.rows) batch.push(DELETE, r);
  }
  for (const r of result.rows) {
    const row: Value[] = new Array<Value>(n);
    for (let i = 0; i < n; i++) row[i] = columnValue(r[i] ?? null, def.columns[i]!, def, st.pos);
    batch.push(INSERT, row);
  }
  if (batch.length > 0) await w.apply([{ database: def.database, table: def.name, batch }], null);
  return { kind: 'ok', affectedRows: result.rows.length };
}

/** UPDATE t SET c = e, ... [FROM ...] [WHERE ...] on a PRIMARY KEY table: -U old / +U new for every changed row. */
export async function runUpdate(tr: Translator, st: UpdateStatement): Promise<StatementOutcome> {
  const w = tr.host.warehouse;
  const def = targetTable(tr, st.table, 'update');
  if (def.keyModel !== 'PRIMARY') {
    throw located('SQL_UNSUPPORTED', `UPDATE is only supported on PRIMARY KEY tables (StarRocks rule); '${def.database}.${def.name}' is a ${def.keyModel} KEY table`, st.pos);
  }
  const keys = new Set(def.keyColumns.map((k) => k.toLowerCase()));
  const assigned: number[] = [];
  for (const a of st.assignments) {
    const i = columnIndex(def, a.column, a.pos);
    if (keys.has(def.columns[i]!.name.toLowerCase())) {
      throw located('SQL_VALIDATION', `primary key column '${def.columns[i]!.name}' cannot be updated`, a.pos, 'Delete the row and insert it with the new key.');
    }
    if (assigned.includes(i)) throw located('SQL_VALIDATION', `column '${a.column}' is assigned twice`, a.pos);
    assigned.push(i);
  }
  let from = tr.beginTableScope(def, st.alias);
  if (st.from !== null) from += ', ' + tr.from(st.from);
  const alias = quoteIdent(st.alias ?? def.name);
  const old = def.columns.map((c) => `${alias}.${quoteIdent(c.name)}`);
  const values = st.assignments.map((a, j) => castTo(tr.expression(a.value), def.columns[assigned[j]!]!));
  let sql = `SELECT ${[...old, ...values].join(', ')} FROM ${from}`;
  if (st.where !== null) sql += ' WHERE ' + tr.expression(st.where);
  const result = await w.query(sql);
  const n = def.columns.length;
  const keyIdx = def.keyColumns.map((k) => def.columns.findIndex((c) => c.name.toLowerCase() === k.toLowerCase()));
  const seen = new Set<unknown>();
  const batch = new ChangeBatch();
  let matched = 0;
  for (const r of result.rows) {
    const before = r.slice(0, n);
    const key = keyOf(before, keyIdx);
    if (seen.has(key)) continue; // UPDATE ... FROM: the first match of a row wins
    seen.add(key);
    matched++;
    const after = before.slice();
    for (let j = 0; j < assigned.length; j++) {
      const i = assigned[j]!;
      after[i] = columnValue(r[n + j] ?? null, def.columns[i]!, def, st.assignments[j]!.pos);
    }
    if (rowEquals(before, after)) continue;
    batch.push(UPDATE_BEFORE, before);
    batch.push(UPDATE_AFTER, after);
  }
  if (batch.length > 0) await w.apply([{ database: def.database, table: def.name, batch }], null);
  const changed = batch.length / 2;
  return { kind: 'ok', affectedRows: changed, info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: 0` };
}

/** DELETE FROM t [WHERE ...]: -D for every matching row. */
export async function runDelete(tr: Translator, st: DeleteStatement): Promise<StatementOutcome> {
  const w = tr.host.warehouse;
  const def = targetTable(tr, st.table, 'delete from');
  if (def.keyModel === 'AGGREGATE') {
    throw located('SQL_UNSUPPORTED', `DELETE is not supported on AGGREGATE KEY table '${def.database}.${def.name}'`, st.pos);
  }
  const from = tr.beginTableScope(def, st.alias);
  const alias = quoteIdent(st.alias ?? def.name);
  let sql = `SELECT ${def.columns.map((c) => `${alias}.${quoteIdent(c.name)}`).join(', ')} FROM ${from}`;
  if (st.where !== null) sql += ' WHERE ' + tr.expression(st.where);
  const result = await w.query(sql);
  const batch = new ChangeBatch();
  for (const r of result.rows) batch.push(DELETE, r as Row);
  if (batch.length > 0) await w.apply([{ database: def.database, table: def.name, batch }], null);
  return { kind: 'ok', affectedRows: result.rows.length };
}
