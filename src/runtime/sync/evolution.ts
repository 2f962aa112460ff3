import type { MysqlColumn } from '../../connectors/mysql-cdc/binlog/column-types.js';
import { decimalPrecisionOf, isIntegral, sameType, type SqlType } from '../../core/types.js';
import type { WarehouseColumn, WarehouseTableDef } from '../../store/api.js';
import type { AlterOp, TrackedSchema } from './mysql-ddl.js';
import { mapMysqlColumn } from './type-mapping.js';

/**
 * What a column-level DDL (ALTER TABLE) does to the warehouse table, by policy
 * ('schema.change.behavior', Flink CDC's names):
 *
 * - exception: any change to the table's columns or key stops the table.
 * - evolve: applied as is (rename, add at its position, drop, retype, nullability, key);
 *   a step the warehouse refuses stops the table.
 * - try_evolve: as evolve; a refused step is logged and the table goes on with the
 *   warehouse table as it is (rows are mapped by column name and cast).
 * - lenient (default): nothing is lost: a rename adds the new column and keeps the old
 *   one (NULL-able, NULL from now on); a drop keeps the column (NULL-able); an added
 *   column goes last, NULL-able; a type change applies only when it widens; NOT NULL is
 *   relaxed, never imposed. Key changes apply (keeping the old key could merge rows).
 * - ignore: the warehouse table is not changed; rows are mapped by name and cast.
 *
 * The plan is computed from the tracked source schema before and after the DDL, the
 * ALTER operations (for renames and positions) and the warehouse table as it is now.
 */

export type SchemaChangeBehavior = 'exception' | 'evolve' | 'try_evolve' | 'lenient' | 'ignore';
export const SCHEMA_CHANGE_BEHAVIORS: readonly SchemaChangeBehavior[] = ['exception', 'evolve', 'try_evolve', 'lenient', 'ignore'];

export type EvolutionStep = { readonly describe: string } & (
  | { readonly kind: 'add'; readonly column: WarehouseColumn; readonly first: boolean; readonly after: string | null }
  | { readonly kind: 'drop'; readonly name: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'modify'; readonly column: WarehouseColumn }
  | { readonly kind: 'key'; readonly columns: readonly string[] }
);

export type EvolutionPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'refuse'; readonly reason: string }
  | { readonly kind: 'steps'; readonly steps: readonly EvolutionStep[] };

const lower = (s: string): string => s.toLowerCase();

function sameColumn(a: MysqlColumn, b: MysqlColumn): boolean {
  return (
    a.name === b.name &&
    a.dataType === b.dataType &&
    a.unsigned === b.unsigned &&
    a.nullable === b.nullable &&
    a.displayWidth === b.displayWidth &&
    a.length === b.length &&
    a.precision === b.precision &&
    a.scale === b.scale &&
    a.fsp === b.fsp &&
    a.charset === b.charset &&
    (a.enumValues ?? []).join('\u0000') === (b.enumValues ?? []).join('\u0000') &&
    (a.setValues ?? []).join('\u0000') === (b.setValues ?? []).join('\u0000')
  );
}

const INT_RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };

/** Whether every value of `from` fits `to` unchanged (a widening, or the same type). */
export function isWidening(from: SqlType, to: SqlType): boolean {
  if (from.kind === to.kind) {
    switch (from.kind) {
      case 'DECIMAL': {
        const fp = from.precision ?? 10;
        const fs = from.scale ?? 0;
        const tp = to.precision ?? 10;
        const ts = to.scale ?? 0;
        return tp - ts >= fp - fs && ts >= fs;
      }
      case 'CHAR':
      case 'VARCHAR':
      case 'BINARY':
      case 'VARBINARY':
      case 'TIME':
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ':
        return (to.precision ?? 0) >= (from.precision ?? 0);
      default:
        return true;
    }
  }
  if (isIntegral(from) && isIntegral(to)) return INT_RANK[to.kind]! >= INT_RANK[from.kind]!;
  if (isIntegral(from) && to.kind === 'DECIMAL') {
    const d = decimalPrecisionOf(from)!;
    return (to.precision ?? 10) - (to.scale ?? 0) >= d.precision;
  }
  if (from.kind === 'FLOAT' && to.kind === 'DOUBLE') return true;
  if ((from.kind === 'CHAR' && to.kind === 'VARCHAR') || (from.kind === 'BINARY' && to.kind === 'VARBINARY')) return (to.precision ?? 0) >= (from.precision ?? 0);
  return false;
}

/** MySQL's implicit default of a NOT NULL column without DEFAULT (what existing rows get). */
function implicitDefault(c: MysqlColumn): string | null {
  if (c.nullable) return null;
  switch (c.dataType) {
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'set':
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return "''";
    case 'enum':
      return c.enumValues !== null && c.enumValues.length > 0 ? "'" + c.enumValues[0]!.replace(/'/g, "''") + "'" : null;
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint':
    case 'decimal':
    case 'float':
    case 'double':
    case 'year':
      return '0';
    case 'time':
      return "'00:00:00'";
    default:
      return null;
  }
}

function withDefault(col: WarehouseColumn, text: string | null): WarehouseColumn {
  return text === null || text === 'NULL' ? col : { ...col, defaultValue: text };
}

function relaxed(col: WarehouseColumn): WarehouseColumn {
  return { ...col, type: { ...col.type, nullable: true } as SqlType };
}

export function planEvolution(
  before: TrackedSchema,
  after: TrackedSchema,
  ops: readonly AlterOp[],
  current: WarehouseTableDef,
  policy: SchemaChangeBehavior,
  keyOverride: readonly string[] | null,
): EvolutionPlan {
  // Renames (RENAME COLUMN, CHANGE old new) of columns the table had.
  const renames = new Map<string, string>();
  for (const op of ops) {
    if (op.op === 'rename-column') renames.set(lower(op.from), op.to);
    else if (op.op === 'modify-column' && op.name !== op.column.name) renames.set(lower(op.name), op.column.name);
  }
  const defaults = new Map<string, string | null>();
  for (const op of ops) if (op.op === 'add-column') defaults.set(lower(op.column.name), op.defaultValue);
  const afterName = (old: string): string => renames.get(lower(old)) ?? old;
  const afterByName = new Map(after.columns.map((c) => [lower(c.name), c]));
  const beforeAfter = new Set(before.columns.map((c) => lower(afterName(c.name))));
  const added = after.columns.filter((c) => !beforeAfter.has(lower(c.name)));
  const dropped = before.columns.filter((c) => !afterByName.has(lower(afterName(c.name))));
  const renamed = before.columns.filter((c) => afterByName.has(lower(afterName(c.name))) && afterName(c.name) !== c.name);
  const keyBefore = before.primaryKey.map((k) => lower(afterName(k)));
  const keyAfter = after.primaryKey.map(lower);
  const keyChanged = keyOverride === null && keyBefore.join('\u0000') !== keyAfter.join('\u0000');
  let changed = added.length > 0 || dropped.length > 0 || renamed.length > 0 || keyChanged;
  if (!changed) {
    for (const b of before.columns) {
      const a = afterByName.get(lower(b.name));
      if (a !== undefined && !sameColumn(a, b)) changed = true;
    }
  }
  if (!changed) return { kind: 'none' };

  const what: string[] = [];
  if (added.length > 0) what.push(`adds ${added.map((c) => c.name).join(', ')}`);
  if (dropped.length > 0) what.push(`drops ${dropped.map((c) => c.name).join(', ')}`);
  if (renamed.length > 0) what.push(`renames ${renamed.map((c) => `${c.name} to ${afterName(c.name)}`).join(', ')}`);
  if (keyChanged) what.push(`changes the primary key to (${after.primaryKey.join(', ')})`);
  if (what.length === 0) what.push('changes column types or nullability');
  if (policy === 'exception') return { kind: 'refuse', reason: `the DDL ${what.join('; ')} and the policy stops the table on any schema change` };
  if (policy === 'ignore') return { kind: 'steps', steps: [] };

  const keySet = new Set((keyOverride ?? after.primaryKey).map(lower));
  const steps: EvolutionStep[] = [];
  const targetCols = new Map(current.columns.map((c) => [lower(c.name), c]));
  const lenient = policy === 'lenient';

  // 1. Renames.
  for (const b of renamed) {
    const to = afterName(b.name);
    const a = afterByName.get(lower(to))!;
    if (!lenient) {
      steps.push({ kind: 'rename', from: b.name, to, describe: `renaming column ${b.name} to ${to}` });
      targetCols.set(lower(to), { ...targetCols.get(lower(b.name))!, name: to });
      targetCols.delete(lower(b.name));
    } else {
      const col = relaxed(mapMysqlColumn(a, false).column);
      if (!targetCols.has(lower(to))) {
        steps.push({ kind: 'add', column: col, first: false, after: null, describe: `adding column ${to} (the new name of ${b.name})` });
        targetCols.set(lower(to), col);
      }
      const old = targetCols.get(lower(b.name));
      if (old !== undefined && !old.type.nullable && !keySet.has(lower(b.name))) {
        steps.push({ kind: 'modify', column: relaxed(old), describe: `making column ${b.name} NULL-able (renamed to ${to} in the source)` });
      }
    }
  }
  // 2. Added columns, in their order.
  for (const a of added) {
    if (targetCols.has(lower(a.name))) continue;
    const i = after.columns.indexOf(a);
    const base = mapMysqlColumn(a, keySet.has(lower(a.name))).column;
    const dflt = defaults.get(lower(a.name)) ?? implicitDefault(a);
    const col = withDefault(lenient ? relaxed(base) : base, dflt);
    if (lenient || i === after.columns.length - 1) steps.push({ kind: 'add', column: col, first: false, after: null, describe: `adding column ${a.name}` });
    else if (i === 0) steps.push({ kind: 'add', column: col, first: true, after: null, describe: `adding column ${a.name} FIRST` });
    else {
      const prev = after.columns[i - 1]!.name;
      steps.push({ kind: 'add', column: col, first: false, after: prev, describe: `adding column ${a.name} AFTER ${prev}` });
    }
    targetCols.set(lower(a.name), col);
  }
  // 3. Type and nullability of the columns both schemas have.
  for (const a of after.columns) {
    if (added.includes(a)) continue;
    const cur = targetCols.get(lower(a.name));
    if (cur === undefined) continue;
    const desired = mapMysqlColumn(a, keySet.has(lower(a.name))).column;
    if (sameType(cur.type, desired.type) && cur.typeText === desired.typeText) continue;
    let next: WarehouseColumn = { ...desired, name: cur.name, comment: cur.comment, defaultValue: cur.defaultValue };
    if (lenient) {
      const widen = isWidening(cur.type, desired.type);
      const type = widen ? desired.type : cur.type;
      next = { ...next, type: { ...type, nullable: cur.type.nullable || desired.type.nullable } as SqlType, typeText: widen ? desired.typeText : cur.typeText };
      if (sameType(cur.type, next.type) && cur.typeText === next.typeText) continue;
    }
    steps.push({ kind: 'modify', column: next, describe: `changing column ${cur.name} to ${next.typeText}${next.type.nullable ? '' : ' NOT NULL'}` });
    targetCols.set(lower(a.name), next);
  }
  // 4. The key.
  if (keyChanged) steps.push({ kind: 'key', columns: after.primaryKey, describe: `changing the primary key to (${after.primaryKey.join(', ')})` });
  // 5. Dropped columns.
  for (const b of dropped) {
    const cur = targetCols.get(lower(b.name));
    if (cur === undefined) continue;
    if (!lenient) steps.push({ kind: 'drop', name: cur.name, describe: `dropping column ${cur.name}` });
    else if (!cur.type.nullable) steps.push({ kind: 'modify', column: relaxed(cur), describe: `making column ${cur.name} NULL-able (dropped in the source)` });
  }
  return { kind: 'steps', steps };
}
