/**
 * StarRocks DDL ↔ warehouse table definitions: CREATE TABLE → WarehouseTableDef (with
 * StarRocks' rules: the key columns come first, in order; no key clause means DUPLICATE
 * KEY on the first column), ALTER TABLE ADD COLUMN → WarehouseColumn, and the way
 * StarRocks prints a table back (SHOW CREATE TABLE, DESC, SHOW COLUMNS types).
 */

import { StrataError } from '../../core/errors.js';
import { MAX_LENGTH, type SqlType } from '../../core/types.js';
import type { ColumnDef, CreateTable, Expr, Pos, TypeName } from '../../sql/ast.js';
import { resolveTypeName } from '../../sql/type-names.js';
import type { KeyModel, WarehouseColumn, WarehouseTableDef } from '../api.js';
import { splitTableName } from './translate.js';
import { backtick } from './sql-text.js';

function located(code: 'SQL_VALIDATION' | 'SQL_UNSUPPORTED', message: string, pos: Pos, hint?: string): StrataError {
  const location = { line: pos.line, column: pos.column };
  return new StrataError(code, message, hint === undefined ? { location } : { location, hint });
}

/** The type as written: `VARCHAR(40)`, `DECIMAL(10,2)`, `BIGINT UNSIGNED`, `STRING`. */
export function typeText(t: TypeName): string {
  return t.name + (t.params.length > 0 ? `(${t.params.join(',')})` : '') + (t.unsigned ? ' UNSIGNED' : '');
}

/**
 * A DEFAULT as SQL text in MySQL syntax (`'abc'`, `0`, `-1.5`, `NULL`,
 * `CURRENT_TIMESTAMP`): constants and CURRENT_TIMESTAMP only, as StarRocks allows.
 */
export function defaultText(e: Expr): string {
  switch (e.kind) {
    case 'string':
      return "'" + e.value.replace(/'/g, "''") + "'";
    case 'number':
      return e.text;
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'unary':
      if ((e.op === '-' || e.op === '+') && e.operand.kind === 'number') return (e.op === '-' ? '-' : '') + e.operand.text;
      break;
    case 'typed-literal':
      if (e.type !== 'BINARY') return `'${e.value.replace(/'/g, "''")}'`;
      break;
    case 'call': {
      const n = e.name[e.name.length - 1]!.toUpperCase();
      if ((n === 'CURRENT_TIMESTAMP' || n === 'NOW') && e.args.length === 0) return 'CURRENT_TIMESTAMP';
      break;
    }
    default:
      break;
  }
  throw located('SQL_UNSUPPORTED', 'a column DEFAULT must be a constant or CURRENT_TIMESTAMP', e.pos);
}

/** A column definition of CREATE TABLE or ALTER TABLE ADD COLUMN. `forceNotNull` for primary key columns. */
export function columnFromAst(c: ColumnDef, forceNotNull: boolean): WarehouseColumn {
  if (c.computed !== null) throw located('SQL_UNSUPPORTED', `computed column '${c.name}' is Flink syntax; warehouse tables store plain columns`, c.pos);
  if (c.metadata !== null) throw located('SQL_UNSUPPORTED', `METADATA column '${c.name}' is Flink syntax; warehouse tables store plain columns`, c.pos);
  if (c.type.elements.length > 0 || ['ARRAY', 'MAP', 'ROW', 'STRUCT', 'MULTISET'].includes(c.type.name)) {
    throw located('SQL_UNSUPPORTED', `column '${c.name}': type ${c.type.name} is not supported in the warehouse`, c.type.pos);
  }
  if (['BITMAP', 'HLL', 'PERCENTILE'].includes(c.type.name)) {
    throw located('SQL_UNSUPPORTED', `column '${c.name}': type ${c.type.name} is not supported in the warehouse`, c.type.pos);
  }
  const nullable = !forceNotNull && c.nullable !== false;
  const type = resolveTypeName(c.type, nullable);
  return {
    name: c.name,
    type,
    typeText: typeText(c.type),
    comment: c.comment ?? '',
    defaultValue: c.defaultValue === null ? null : defaultText(c.defaultValue),
    aggregation: c.aggregation,
  };
}

/**
 * CREATE TABLE (StarRocks syntax) → a table definition. `database` is the session's
 * current database, used when the name has no database part.
 */
export function tableDefFromAst(st: CreateTable, database: string | null): WarehouseTableDef {
  const { database: db, table } = splitTableName(database, st.name);
  if (st.temporary) throw located('SQL_UNSUPPORTED', 'CREATE TEMPORARY TABLE is not supported in the warehouse', st.pos);
  if (st.asTable !== null || st.asQuery !== null) {
    throw located('SQL_UNSUPPORTED', 'CREATE TABLE ... AS SELECT is not supported in the warehouse yet', st.pos, 'Create the table, then INSERT INTO ... SELECT.');
  }
  if (st.watermark !== null) throw located('SQL_UNSUPPORTED', 'WATERMARK is Flink syntax; warehouse tables have no event time', st.watermark.pos);
  if (st.options.length > 0) {
    throw located('SQL_UNSUPPORTED', 'WITH (...) connector options are Flink syntax; a warehouse table takes PROPERTIES (...)', st.options[0]!.pos, 'Run Flink DDL with strata sql, not on the MySQL port.');
  }
  if (st.partitionedBy.length > 0) throw located('SQL_UNSUPPORTED', 'PARTITIONED BY is Flink syntax; StarRocks writes PARTITION BY', st.pos);
  const engine = (st.engine ?? 'olap').toLowerCase();
  if (engine !== 'olap') {
    throw located('SQL_UNSUPPORTED', `ENGINE=${st.engine} is not supported; the warehouse stores OLAP tables only`, st.pos, 'Write ENGINE=OLAP or leave ENGINE out.');
  }
  if (st.columns.length === 0) throw located('SQL_VALIDATION', `table '${table}' needs at least one column`, st.pos);

  // Column names: unique, case-insensitively.
  const seen = new Map<string, ColumnDef>();
  for (const c of st.columns) {
    const k = c.name.toLowerCase();
    if (seen.has(k)) throw located('SQL_VALIDATION', `duplicate column name '${c.name}'`, c.pos);
    seen.set(k, c);
  }
  const canonical = (name: string, pos: Pos, what: string): string => {
    const c = seen.get(name.toLowerCase());
    if (c === undefined) throw located('SQL_VALIDATION', `${what} column '${name}' is not a column of table '${table}'`, pos);
    return c.name;
  };

  // Key model: the key clause; a Flink/MySQL-style PRIMARY KEY in the column list is PRIMARY KEY.
  let keyModel: KeyModel;
  let keyColumns: string[];
  let keyPos: Pos;
  if (st.keyDesc !== null) {
    if (st.primaryKey !== null) throw located('SQL_VALIDATION', 'a table has one key: remove the PRIMARY KEY in the column list or the key clause after it', st.primaryKey.pos);
    keyModel = st.keyDesc.type;
    keyPos = st.keyDesc.pos;
    keyColumns = st.keyDesc.columns.map((c) => canonical(c, keyPos, `${keyModel} KEY`));
  } else if (st.primaryKey !== null) {
    keyModel = 'PRIMARY';
    keyPos = st.primaryKey.pos;
    keyColumns = st.primaryKey.columns.map((c) => canonical(c, keyPos, 'PRIMARY KEY'));
  } else {
    // StarRocks' default: a DUPLICATE KEY table sorted by its first column.
    keyModel = 'DUPLICATE';
    keyPos = st.pos;
    keyColumns = [st.columns[0]!.name];
  }
  if (new Set(keyColumns.map((c) => c.toLowerCase())).size !== keyColumns.length) {
    throw located('SQL_VALIDATION', `${keyModel} KEY lists a column twice`, keyPos);
  }
  // StarRocks: the key columns are the first columns of the table, in the same order.
  for (let i = 0; i < keyColumns.length; i++) {
    if (st.columns[i]!.name.toLowerCase() !== keyColumns[i]!.toLowerCase()) {
      throw located(
        'SQL_VALIDATION',
        `the ${keyModel} KEY columns must be the first columns of the table, in the same order (StarRocks rule): ` +
          `key column ${i + 1} is '${keyColumns[i]}' but column ${i + 1} is '${st.columns[i]!.name}'`,
        keyPos,
        `Move ${keyColumns.map((c) => `'${c}'`).join(', ')} to the start of the column list.`,
      );
    }
  }
  const keySet = new Set(keyColumns.map((c) => c.toLowerCase()));
  const columns: WarehouseColumn[] = [];
  for (const c of st.columns) {
    const isKey = keySet.has(c.name.toLowerCase());
    if (c.aggregation !== null && (keyModel !== 'AGGREGATE' || isKey)) {
      throw located('SQL_VALIDATION', `column '${c.name}': an aggregation (${c.aggregation}) is only allowed on the value columns of an AGGREGATE KEY table`, c.pos);
    }
    if (keyModel === 'AGGREGATE' && !isKey && c.aggregation === null) {
      throw located('SQL_VALIDATION', `column '${c.name}' of an AGGREGATE KEY table needs an aggregation (SUM, MAX, MIN, REPLACE, ...)`, c.pos);
    }
    if (keyModel === 'PRIMARY' && isKey && c.nullable === true) {
      throw located('SQL_VALIDATION', `primary key column '${c.name}' cannot be NULL (StarRocks rule)`, c.pos, 'Declare it NOT NULL.');
    }
    columns.push(columnFromAst(c, keyModel === 'PRIMARY' && isKey));
  }

  let distribution: WarehouseTableDef['distribution'] = null;
  if (st.distribution !== null) {
    const d = st.distribution;
    distribution = { columns: d.columns.map((c) => canonical(c, d.pos, 'DISTRIBUTED BY HASH')), buckets: d.buckets, random: d.random };
    if (d.random && keyModel === 'PRIMARY') throw located('SQL_VALIDATION', 'a PRIMARY KEY table cannot be DISTRIBUTED BY RANDOM (StarRocks rule)', d.pos);
  }
  const properties: Record<string, string> = {};
  for (const p of st.properties) properties[p.key] = p.value;
  return {
    database: db,
    name: table,
    columns,
    keyModel,
    keyColumns,
    comment: st.comment ?? '',
    engine,
    distribution,
    partitionText: st.partitionText,
    properties,
  };
}

function baseName(typeTextValue: string): string {
  const m = /^[A-Za-z_][A-Za-z0-9_ ]*?(?=\(|$| UNSIGNED)/.exec(typeTextValue.trim());
  return (m === null ? typeTextValue : m[0]).trim().toUpperCase();
}

/** StarRocks' display of a column type: `int(11)`, `varchar(65533)`, `decimal(10, 2)`, `datetime` (SHOW CREATE TABLE, SHOW COLUMNS). */
export function starrocksType(c: WarehouseColumn, withWidth = true): string {
  const t: SqlType = c.type;
  const base = baseName(c.typeText);
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'TINYINT':
      return withWidth ? 'tinyint(4)' : 'tinyint';
    case 'SMALLINT':
      return withWidth ? 'smallint(6)' : 'smallint';
    case 'INT':
      return withWidth ? 'int(11)' : 'int';
    case 'BIGINT':
      return withWidth ? 'bigint(20)' : 'bigint';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    case 'DECIMAL':
      if (base === 'LARGEINT') return withWidth ? 'largeint(40)' : 'largeint';
      return withWidth ? `decimal(${t.precision ?? 10}, ${t.scale ?? 0})` : `decimal(${t.precision ?? 10},${t.scale ?? 0})`;
    case 'CHAR':
      return `char(${t.precision ?? 1})`;
    case 'VARCHAR':
      if (base === 'JSON' || base === 'JSONB') return 'json';
      return `varchar(${t.precision === MAX_LENGTH || t.precision === undefined ? 65533 : t.precision})`;
    case 'BINARY':
    case 'VARBINARY':
      return t.precision === MAX_LENGTH || t.precision === undefined ? 'varbinary' : `varbinary(${t.precision})`;
    case 'DATE':
      return 'date';
    case 'TIME':
      return 'time';
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return 'datetime';
    case 'NULL':
      return 'null';
  }
}

/** The DATA_TYPE of information_schema.COLUMNS: the type name alone (`int`, `varchar`, `decimal`). */
export function dataTypeName(c: WarehouseColumn): string {
  const s = starrocksType(c, false);
  const i = s.indexOf('(');
  return i < 0 ? s : s.slice(0, i);
}

/** A StarRocks double-quoted string: `"text"` with `\` and `"` escaped. */
export function dquote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** A stored DEFAULT as StarRocks prints it: `"abc"`, `"0"`, `CURRENT_TIMESTAMP`. */
export function defaultForShow(text: string): string {
  if (text === 'CURRENT_TIMESTAMP' || text === 'NULL') return text;
  return dquote(defaultValueText(text));
}

/** A stored DEFAULT's value as text (`abc` for `'abc'`), as DESC shows it. */
export function defaultValueText(text: string): string {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

/** SHOW CREATE TABLE in StarRocks' format. */
export function showCreateTable(def: WarehouseTableDef): string {
  const keys = new Set(def.keyColumns.map((k) => k.toLowerCase()));
  const cols = def.columns.map((c) => {
    let s = `  ${backtick(c.name)} ${starrocksType(c)}`;
    if (c.aggregation !== null && !keys.has(c.name.toLowerCase())) s += ` ${c.aggregation}`;
    s += c.type.nullable ? ' NULL' : ' NOT NULL';
    if (c.defaultValue !== null) s += ` DEFAULT ${defaultForShow(c.defaultValue)}`;
    s += ` COMMENT ${dquote(c.comment)}`;
    return s;
  });
  let out = `CREATE TABLE ${backtick(def.name)} (\n${cols.join(',\n')}\n) ENGINE=OLAP \n`;
  out += `${def.keyModel} KEY(${def.keyColumns.map(backtick).join(', ')})\n`;
  out += `COMMENT ${dquote(def.comment === '' ? 'OLAP' : def.comment)}\n`;
  if (def.partitionText !== null) out += `${def.partitionText}\n`;
  if (def.distribution !== null) {
    const d = def.distribution;
    out += d.random ? 'DISTRIBUTED BY RANDOM' : `DISTRIBUTED BY HASH(${d.columns.map(backtick).join(', ')})`;
    out += d.buckets !== null ? ` BUCKETS ${d.buckets} \n` : ' \n';
  }
  const props = Object.entries(def.properties);
  if (props.length === 0) props.push(['replication_num', '1']);
  out += `PROPERTIES (\n${props.map(([k, v]) => `${dquote(k)} = ${dquote(v)}`).join(',\n')}\n);`;
  return out;
}
