import { parseEnumValues, type MysqlColumn, type MysqlDataType } from '../../connectors/mysql-cdc/binlog/column-types.js';

/**
 * A small parser for the MySQL / MariaDB table DDL that a binlog QUERY event carries:
 * ALTER TABLE, CREATE TABLE, DROP TABLE, RENAME TABLE, TRUNCATE TABLE, DROP DATABASE.
 * Everything else is `{ kind: 'other' }`. It reads what a sync needs to keep a table's
 * schema in step with the binlog (column names, types, nullability, positions, the
 * primary key, table names) and nothing more: indexes, defaults, comments, table options,
 * partitions are read past. An ALTER clause it does not understand becomes an `unknown`
 * operation, so the caller can fall back to information_schema (design note
 * docs/design/20261121_schema-evolution.md).
 *
 * `applyAlter` applies the operations to a tracked schema, the way MySQL would.
 */

export interface TableRef {
  /** null: the statement's default database. */
  readonly database: string | null;
  readonly table: string;
}

export type AlterOp =
  | { readonly op: 'add-column'; readonly column: MysqlColumn; readonly first: boolean; readonly after: string | null; readonly primaryKey: boolean; readonly defaultValue: string | null }
  | { readonly op: 'drop-column'; readonly name: string }
  | { readonly op: 'modify-column'; readonly name: string; readonly column: MysqlColumn; readonly first: boolean; readonly after: string | null; readonly primaryKey: boolean }
  | { readonly op: 'rename-column'; readonly from: string; readonly to: string }
  | { readonly op: 'add-primary-key'; readonly columns: readonly string[] }
  | { readonly op: 'drop-primary-key' }
  | { readonly op: 'rename-table'; readonly to: TableRef }
  | { readonly op: 'unknown'; readonly text: string };

export type DdlStatement =
  | { readonly kind: 'alter-table'; readonly table: TableRef; readonly ops: readonly AlterOp[] }
  | {
      readonly kind: 'create-table';
      readonly table: TableRef;
      readonly ifNotExists: boolean;
      /** null when the statement does not list them (CREATE TABLE ... SELECT, unreadable). */
      readonly schema: TrackedSchema | null;
      readonly like: TableRef | null;
    }
  | { readonly kind: 'drop-table'; readonly tables: readonly TableRef[] }
  | { readonly kind: 'rename-table'; readonly pairs: readonly { readonly from: TableRef; readonly to: TableRef }[] }
  | { readonly kind: 'truncate-table'; readonly table: TableRef }
  | { readonly kind: 'drop-database'; readonly database: string }
  | { readonly kind: 'other' };

/** A table's columns (in order) and primary key column names. */
export interface TrackedSchema {
  readonly columns: readonly MysqlColumn[];
  readonly primaryKey: readonly string[];
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

interface Tok {
  readonly kind: 'word' | 'ident' | 'string' | 'number' | 'op' | 'eof';
  readonly text: string;
  readonly upper: string;
}

class ParseFailure {
  constructor(readonly message: string) {}
}

function tokenize(sql: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' || (c === '-' && sql[i + 1] === '-' && (sql[i + 2] === ' ' || sql[i + 2] === '\t' || sql[i + 2] === '\n' || i + 2 >= n))) {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      if (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!')) {
        // Versioned comment: its body is SQL. Skip the marker and the version digits.
        i += sql[i + 2] === '!' ? 3 : 4;
        while (i < n && sql[i]! >= '0' && sql[i]! <= '9') i++;
        continue;
      }
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '*' && sql[i + 1] === '/') {
      i += 2;
      continue;
    }
    if (c === '`') {
      let s = '';
      i++;
      while (i < n) {
        if (sql[i] === '`') {
          if (sql[i + 1] === '`') {
            s += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += sql[i++]!;
      }
      out.push({ kind: 'ident', text: s, upper: s.toUpperCase() });
      continue;
    }
    if (c === "'" || c === '"') {
      let s = '';
      i++;
      while (i < n) {
        const ch = sql[i]!;
        if (ch === '\\' && i + 1 < n) {
          const e = sql[i + 1]!;
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === '0' ? '\0' : e;
          i += 2;
          continue;
        }
        if (ch === c) {
          if (sql[i + 1] === c) {
            s += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += ch;
        i++;
      }
      out.push({ kind: 'string', text: s, upper: s.toUpperCase() });
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && sql[i + 1]! >= '0' && sql[i + 1]! <= '9')) {
      let j = i;
      while (j < n && /[0-9.eE]/.test(sql[j]!)) j++;
      // An identifier may start with digits (`1col`).
      if (j < n && /[A-Za-z_$]/.test(sql[j]!)) {
        while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
        const w = sql.slice(i, j);
        out.push({ kind: 'word', text: w, upper: w.toUpperCase() });
      } else out.push({ kind: 'number', text: sql.slice(i, j), upper: sql.slice(i, j) });
      i = j;
      continue;
    }
    if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j]!)) j++;
      const w = sql.slice(i, j);
      out.push({ kind: 'word', text: w, upper: w.toUpperCase() });
      i = j;
      continue;
    }
    out.push({ kind: 'op', text: c, upper: c });
    i++;
  }
  out.push({ kind: 'eof', text: '', upper: '' });
  return out;
}

class P {
  i = 0;
  constructor(readonly toks: readonly Tok[]) {}
  peek(k = 0): Tok {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  next(): Tok {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  isWord(w: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.upper === w;
  }
  accept(w: string): boolean {
    if (this.isWord(w)) {
      this.i++;
      return true;
    }
    return false;
  }
  expect(w: string): void {
    if (!this.accept(w)) throw new ParseFailure(`expected ${w}, found '${this.peek().text}'`);
  }
  isOp(o: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === o;
  }
  acceptOp(o: string): boolean {
    if (this.isOp(o)) {
      this.i++;
      return true;
    }
    return false;
  }
  expectOp(o: string): void {
    if (!this.acceptOp(o)) throw new ParseFailure(`expected '${o}', found '${this.peek().text}'`);
  }
  ident(): string {
    const t = this.next();
    if (t.kind === 'ident' || t.kind === 'word' || t.kind === 'string') return t.text;
    throw new ParseFailure(`expected a name, found '${t.text}'`);
  }
  tableRef(): TableRef {
    const a = this.ident();
    if (this.acceptOp('.')) return { database: a, table: this.ident() };
    return { database: null, table: a };
  }
  /** Skips a balanced parenthesized group starting at '('. */
  skipParens(): void {
    this.expectOp('(');
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === 'eof') throw new ParseFailure('unbalanced parentheses');
      if (t.kind === 'op' && t.text === '(') depth++;
      else if (t.kind === 'op' && t.text === ')') depth--;
    }
  }
  /** Skips to the next ',' or ')' at depth 0 (not consuming it), or the end. */
  skipClause(): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || (t.kind === 'op' && (t.text === ',' || t.text === ')'))) return;
      if (t.kind === 'op' && t.text === '(') this.skipParens();
      else this.next();
    }
  }
  nameList(): string[] {
    this.expectOp('(');
    const out: string[] = [];
    for (;;) {
      out.push(this.ident());
      if (this.isOp('(')) this.skipParens(); // prefix length
      while (this.isWord('ASC') || this.isWord('DESC')) this.next();
      if (this.acceptOp(',')) continue;
      this.expectOp(')');
      return out;
    }
  }
}

// ---------------------------------------------------------------------------
// Column definitions
// ---------------------------------------------------------------------------

const TYPE_ALIASES: Record<string, MysqlDataType> = {
  TINYINT: 'tinyint',
  INT1: 'tinyint',
  BOOL: 'tinyint',
  BOOLEAN: 'tinyint',
  SMALLINT: 'smallint',
  INT2: 'smallint',
  MEDIUMINT: 'mediumint',
  INT3: 'mediumint',
  MIDDLEINT: 'mediumint',
  INT: 'int',
  INTEGER: 'int',
  INT4: 'int',
  BIGINT: 'bigint',
  INT8: 'bigint',
  SERIAL: 'bigint',
  DECIMAL: 'decimal',
  DEC: 'decimal',
  NUMERIC: 'decimal',
  FIXED: 'decimal',
  FLOAT: 'float',
  FLOAT4: 'float',
  DOUBLE: 'double',
  FLOAT8: 'double',
  REAL: 'double',
  BIT: 'bit',
  YEAR: 'year',
  DATE: 'date',
  TIME: 'time',
  DATETIME: 'datetime',
  TIMESTAMP: 'timestamp',
  CHAR: 'char',
  CHARACTER: 'char',
  NCHAR: 'char',
  VARCHAR: 'varchar',
  NVARCHAR: 'varchar',
  VARCHARACTER: 'varchar',
  VARCHAR2: 'varchar',
  BINARY: 'binary',
  VARBINARY: 'varbinary',
  TINYTEXT: 'tinytext',
  TEXT: 'text',
  MEDIUMTEXT: 'mediumtext',
  LONGTEXT: 'longtext',
  LONG: 'mediumtext',
  TINYBLOB: 'tinyblob',
  BLOB: 'blob',
  MEDIUMBLOB: 'mediumblob',
  LONGBLOB: 'longblob',
  ENUM: 'enum',
  SET: 'set',
  JSON: 'json',
  GEOMETRY: 'geometry',
  POINT: 'geometry',
  LINESTRING: 'geometry',
  POLYGON: 'geometry',
  MULTIPOINT: 'geometry',
  MULTILINESTRING: 'geometry',
  MULTIPOLYGON: 'geometry',
  GEOMETRYCOLLECTION: 'geometry',
  UUID: 'uuid',
  INET6: 'inet6',
  INET4: 'inet4',
};

/** Words that end a column definition's attributes (start of the next clause). */
function readColumnDef(p: P, name: string, defaultCharset: string): { column: MysqlColumn; primaryKey: boolean; defaultValue: string | null } {
  const t = p.next();
  if (t.kind !== 'word') throw new ParseFailure(`expected a type for column ${name}, found '${t.text}'`);
  let word = t.upper;
  if (word === 'NATIONAL') word = p.next().upper;
  if ((word === 'CHAR' || word === 'CHARACTER') && p.accept('VARYING')) word = 'VARCHAR';
  if (word === 'DOUBLE') p.accept('PRECISION');
  if (word === 'LONG') {
    if (p.accept('VARBINARY')) word = 'MEDIUMBLOB';
    else p.accept('VARCHAR');
  }
  let dataType = TYPE_ALIASES[word];
  if (dataType === undefined) throw new ParseFailure(`unknown type ${t.text} of column ${name}`);
  let params: number[] = [];
  let values: string[] | null = null;
  if (p.isOp('(')) {
    if (dataType === 'enum' || dataType === 'set') {
      const start = p.i;
      p.skipParens();
      values = parseEnumValues('x(' + p.toks.slice(start + 1, p.i - 1).filter((x) => x.kind === 'string').map((x) => `'${x.text.replace(/'/g, "''")}'`).join(',') + ')');
    } else {
      p.expectOp('(');
      for (;;) {
        const v = p.next();
        if (v.kind !== 'number') throw new ParseFailure(`expected a number in the type of column ${name}`);
        params.push(Number(v.text));
        if (p.acceptOp(',')) continue;
        p.expectOp(')');
        break;
      }
    }
  }
  let unsigned = false;
  let nullable: boolean | null = null;
  let charset: string | null = null;
  let primaryKey = false;
  let defaultValue: string | null = null;
  if (word === 'SERIAL') {
    unsigned = true;
    nullable = false;
  }
  for (;;) {
    const a = p.peek();
    if (a.kind === 'eof' || (a.kind === 'op' && (a.text === ',' || a.text === ')'))) break;
    if (a.kind !== 'word') {
      if (a.kind === 'op' && a.text === '(') p.skipParens();
      else p.next();
      continue;
    }
    const w = a.upper;
    if (w === 'FIRST' || w === 'AFTER') break;
    p.next();
    switch (w) {
      case 'UNSIGNED':
        unsigned = true;
        break;
      case 'SIGNED':
      case 'ZEROFILL':
      case 'AUTO_INCREMENT':
      case 'VISIBLE':
      case 'INVISIBLE':
      case 'BYTE':
      case 'UNICODE':
      case 'ASCII':
        break;
      case 'NOT':
        if (p.accept('NULL')) nullable = false;
        break;
      case 'NULL':
        nullable = true;
        break;
      case 'CHARACTER':
      case 'CHARSET':
        if (w === 'CHARACTER') p.expect('SET');
        p.acceptOp('=');
        charset = p.ident().toLowerCase();
        break;
      case 'COLLATE':
        p.acceptOp('=');
        {
          const coll = p.ident().toLowerCase();
          if (charset === null) {
            const u = coll.indexOf('_');
            charset = u > 0 ? coll.slice(0, u) : coll;
          }
        }
        break;
      case 'DEFAULT':
        if (p.isOp('(')) p.skipParens();
        else {
          const neg = p.isOp('-') ? '-' : '';
          if (p.isOp('-') || p.isOp('+')) p.next();
          const d = p.next();
          if (d.kind === 'string') defaultValue = "'" + d.text.replace(/'/g, "''") + "'";
          else if (d.kind === 'number') defaultValue = neg + d.text;
          else if (d.kind === 'word' && d.upper === 'NULL') defaultValue = 'NULL';
          else if (d.kind === 'word' && (d.upper === 'CURRENT_TIMESTAMP' || d.upper === 'NOW' || d.upper === 'LOCALTIMESTAMP')) defaultValue = 'CURRENT_TIMESTAMP';
          else if (d.kind === 'word' && (d.upper === 'TRUE' || d.upper === 'FALSE')) defaultValue = d.upper === 'TRUE' ? '1' : '0';
          if (p.isOp('(')) p.skipParens();
        }
        break;
      case 'ON':
        // ON UPDATE CURRENT_TIMESTAMP[(n)]
        p.accept('UPDATE');
        p.next();
        if (p.isOp('(')) p.skipParens();
        break;
      case 'PRIMARY':
        p.accept('KEY');
        primaryKey = true;
        break;
      case 'KEY':
        primaryKey = true;
        break;
      case 'UNIQUE':
        p.accept('KEY');
        break;
      case 'COMMENT':
        p.next();
        break;
      case 'GENERATED':
        p.accept('ALWAYS');
        break;
      case 'AS':
        if (p.isOp('(')) p.skipParens();
        break;
      case 'CHECK':
        if (p.isOp('(')) p.skipParens();
        break;
      case 'COLUMN_FORMAT':
      case 'STORAGE':
        p.next();
        break;
      case 'REFERENCES':
        p.skipClause();
        break;
      default:
        break;
    }
  }
  if (word === 'BOOL' || word === 'BOOLEAN') params = [1];
  const isInt = dataType === 'tinyint' || dataType === 'smallint' || dataType === 'mediumint' || dataType === 'int' || dataType === 'bigint';
  const isChar = dataType === 'char' || dataType === 'varchar' || dataType.endsWith('text') || dataType === 'enum' || dataType === 'set';
  if (word === 'NCHAR' || word === 'NVARCHAR' || t.upper === 'NATIONAL') charset ??= 'utf8mb3';
  if (dataType === 'float' && params.length === 1 && params[0]! > 24) dataType = 'double';
  if (charset === 'binary' && (dataType === 'char' || dataType === 'varchar')) dataType = dataType === 'char' ? 'binary' : 'varbinary';
  if (dataType === 'json' || dataType === 'uuid' || dataType === 'inet6' || dataType === 'inet4') charset ??= dataType === 'json' ? 'utf8mb4' : 'latin1';
  let length: number | null = null;
  if (dataType === 'char' || dataType === 'binary') length = params[0] ?? 1;
  else if (dataType === 'varchar' || dataType === 'varbinary') length = params[0] ?? null;
  else if (dataType === 'bit') length = params[0] ?? 1;
  const temporal = dataType === 'time' || dataType === 'datetime' || dataType === 'timestamp';
  const column: MysqlColumn = {
    name,
    dataType,
    unsigned,
    nullable: primaryKey ? false : (nullable ?? true),
    displayWidth: isInt ? (params[0] ?? null) : null,
    length,
    precision: dataType === 'decimal' ? (params[0] ?? 10) : null,
    scale: dataType === 'decimal' ? (params[1] ?? 0) : null,
    fsp: temporal ? (params[0] ?? 0) : null,
    charset: isChar ? (charset ?? defaultCharset) : dataType === 'binary' || dataType === 'varbinary' || dataType.endsWith('blob') ? 'binary' : charset,
    enumValues: dataType === 'enum' ? values : null,
    setValues: dataType === 'set' ? values : null,
  };
  return { column, primaryKey, defaultValue };
}

function position(p: P): { first: boolean; after: string | null } {
  if (p.accept('FIRST')) return { first: true, after: null };
  if (p.accept('AFTER')) return { first: false, after: p.ident() };
  return { first: false, after: null };
}

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

/**
 * Parses one statement. `defaultCharset` is used for character columns that name no
 * character set (the table's default is not in the statement).
 */
export function parseMysqlDdl(sql: string, defaultCharset = 'utf8mb4'): DdlStatement {
  let toks: Tok[];
  try {
    toks = tokenize(sql);
  } catch {
    return { kind: 'other' };
  }
  const p = new P(toks);
  try {
    if (p.accept('ALTER')) {
      while (p.accept('ONLINE') || p.accept('OFFLINE') || p.accept('IGNORE')) {
        /* modifiers */
      }
      if (!p.accept('TABLE')) return { kind: 'other' };
      p.accept('IF') && p.accept('EXISTS');
      const table = p.tableRef();
      return { kind: 'alter-table', table, ops: alterOps(p, sql, defaultCharset) };
    }
    if (p.accept('CREATE')) {
      p.accept('OR') && p.accept('REPLACE');
      if (p.accept('TEMPORARY')) return { kind: 'other' };
      if (!p.accept('TABLE')) return { kind: 'other' };
      let ifNotExists = false;
      if (p.accept('IF')) {
        p.expect('NOT');
        p.expect('EXISTS');
        ifNotExists = true;
      }
      const table = p.tableRef();
      if (p.accept('LIKE')) return { kind: 'create-table', table, ifNotExists, schema: null, like: p.tableRef() };
      if (p.acceptOp('(')) {
        if (p.accept('LIKE')) {
          const like = p.tableRef();
          return { kind: 'create-table', table, ifNotExists, schema: null, like };
        }
        p.i--;
        const schema = createBody(p, defaultCharset);
        // CREATE TABLE t (...) SELECT ...: the listed columns are not all of them.
        for (let k = p.i; k < p.toks.length; k++) {
          const t = p.toks[k]!;
          if (t.kind === 'word' && (t.upper === 'SELECT' || t.upper === 'AS')) return { kind: 'create-table', table, ifNotExists, schema: null, like: null };
        }
        return { kind: 'create-table', table, ifNotExists, schema, like: null };
      }
      return { kind: 'create-table', table, ifNotExists, schema: null, like: null };
    }
    if (p.accept('DROP')) {
      if (p.accept('DATABASE') || p.accept('SCHEMA')) {
        p.accept('IF') && p.accept('EXISTS');
        return { kind: 'drop-database', database: p.ident() };
      }
      if (p.accept('TEMPORARY')) return { kind: 'other' };
      if (!p.accept('TABLE') && !p.accept('TABLES')) return { kind: 'other' };
      p.accept('IF') && p.accept('EXISTS');
      const tables = [p.tableRef()];
      while (p.acceptOp(',')) tables.push(p.tableRef());
      return { kind: 'drop-table', tables };
    }
    if (p.accept('RENAME')) {
      if (!p.accept('TABLE') && !p.accept('TABLES')) return { kind: 'other' };
      const pairs: { from: TableRef; to: TableRef }[] = [];
      do {
        const from = p.tableRef();
        p.expect('TO');
        pairs.push({ from, to: p.tableRef() });
      } while (p.acceptOp(','));
      return { kind: 'rename-table', pairs };
    }
    if (p.accept('TRUNCATE')) {
      p.accept('TABLE');
      return { kind: 'truncate-table', table: p.tableRef() };
    }
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
  }
  return { kind: 'other' };
}

function createBody(p: P, defaultCharset: string): TrackedSchema {
  p.expectOp('(');
  const columns: MysqlColumn[] = [];
  let primaryKey: string[] = [];
  for (;;) {
    if (p.accept('CONSTRAINT')) {
      if (!p.isWord('PRIMARY') && !p.isWord('UNIQUE') && !p.isWord('FOREIGN') && !p.isWord('CHECK')) p.ident();
    }
    if (p.isWord('PRIMARY') && p.isWord('KEY', 1)) {
      p.next();
      p.next();
      if (p.accept('USING')) p.next();
      primaryKey = p.nameList();
      p.skipClause();
    } else if (p.isWord('KEY') || p.isWord('INDEX') || p.isWord('UNIQUE') || p.isWord('FULLTEXT') || p.isWord('SPATIAL') || p.isWord('FOREIGN') || p.isWord('CHECK') || p.isWord('PERIOD')) {
      p.skipClause();
    } else {
      const name = p.ident();
      const { column, primaryKey: pk } = readColumnDef(p, name, defaultCharset);
      columns.push(column);
      if (pk) primaryKey = [name];
    }
    if (p.acceptOp(',')) continue;
    p.expectOp(')');
    break;
  }
  const pkSet = new Set(primaryKey.map((k) => k.toLowerCase()));
  return { columns: columns.map((c) => (pkSet.has(c.name.toLowerCase()) && c.nullable ? { ...c, nullable: false } : c)), primaryKey };
}

function alterOps(p: P, sql: string, defaultCharset: string): AlterOp[] {
  const ops: AlterOp[] = [];
  for (;;) {
    const start = p.i;
    try {
      ops.push(...alterOp(p, defaultCharset));
      if (!p.isOp(',') && p.peek().kind !== 'eof') throw new ParseFailure(`unexpected '${p.peek().text}'`);
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      p.i = start;
      p.skipClause();
      const text = p.toks.slice(start, p.i).map((t) => t.text).join(' ');
      ops.push({ op: 'unknown', text: text === '' ? sql : text });
    }
    if (p.acceptOp(',')) continue;
    if (p.peek().kind === 'eof') return ops;
    // Not at a clause boundary: give up on the rest.
    ops.push({ op: 'unknown', text: sql });
    return ops;
  }
}

function alterOp(p: P, defaultCharset: string): AlterOp[] {
  if (p.accept('ADD')) {
    if (p.accept('CONSTRAINT')) {
      if (!p.isWord('PRIMARY') && !p.isWord('UNIQUE') && !p.isWord('FOREIGN') && !p.isWord('CHECK')) p.ident();
    }
    if (p.isWord('PRIMARY') && p.isWord('KEY', 1)) {
      p.next();
      p.next();
      if (p.accept('USING')) p.next();
      const columns = p.nameList();
      p.skipClause();
      return [{ op: 'add-primary-key', columns }];
    }
    if (p.isWord('KEY') || p.isWord('INDEX') || p.isWord('UNIQUE') || p.isWord('FULLTEXT') || p.isWord('SPATIAL') || p.isWord('FOREIGN') || p.isWord('CHECK') || p.isWord('PARTITION')) {
      p.skipClause();
      return [];
    }
    p.accept('COLUMN');
    if (p.accept('IF')) {
      p.expect('NOT');
      p.expect('EXISTS');
    }
    if (p.acceptOp('(')) {
      const out: AlterOp[] = [];
      for (;;) {
        const name = p.ident();
        const { column, primaryKey, defaultValue } = readColumnDef(p, name, defaultCharset);
        out.push({ op: 'add-column', column, first: false, after: null, primaryKey, defaultValue });
        if (p.acceptOp(',')) continue;
        p.expectOp(')');
        return out;
      }
    }
    const name = p.ident();
    const { column, primaryKey, defaultValue } = readColumnDef(p, name, defaultCharset);
    const pos = position(p);
    return [{ op: 'add-column', column, ...pos, primaryKey, defaultValue }];
  }
  if (p.accept('DROP')) {
    if (p.isWord('PRIMARY') && p.isWord('KEY', 1)) {
      p.next();
      p.next();
      return [{ op: 'drop-primary-key' }];
    }
    if (p.isWord('KEY') || p.isWord('INDEX') || p.isWord('FOREIGN') || p.isWord('CONSTRAINT') || p.isWord('CHECK') || p.isWord('PARTITION')) {
      p.skipClause();
      return [];
    }
    p.accept('COLUMN');
    if (p.accept('IF')) p.expect('EXISTS');
    const name = p.ident();
    p.accept('RESTRICT') || p.accept('CASCADE');
    return [{ op: 'drop-column', name }];
  }
  if (p.accept('MODIFY')) {
    p.accept('COLUMN');
    if (p.accept('IF')) p.expect('EXISTS');
    const name = p.ident();
    const { column, primaryKey } = readColumnDef(p, name, defaultCharset);
    return [{ op: 'modify-column', name, column, ...position(p), primaryKey }];
  }
  if (p.accept('CHANGE')) {
    p.accept('COLUMN');
    if (p.accept('IF')) p.expect('EXISTS');
    const name = p.ident();
    const to = p.ident();
    const { column, primaryKey } = readColumnDef(p, to, defaultCharset);
    return [{ op: 'modify-column', name, column, ...position(p), primaryKey }];
  }
  if (p.accept('RENAME')) {
    if (p.accept('COLUMN')) {
      const from = p.ident();
      p.expect('TO');
      return [{ op: 'rename-column', from, to: p.ident() }];
    }
    if (p.isWord('INDEX') || p.isWord('KEY')) {
      p.skipClause();
      return [];
    }
    p.accept('TO') || p.accept('AS');
    return [{ op: 'rename-table', to: p.tableRef() }];
  }
  if (p.accept('ALTER')) {
    // ALTER [COLUMN] c SET DEFAULT / DROP DEFAULT / SET VISIBLE; ALTER INDEX ...: no schema change we track.
    p.skipClause();
    return [];
  }
  const t = p.peek();
  if (t.kind === 'word') {
    const w = t.upper;
    // Table options and algorithm clauses: no column change.
    const harmless = new Set([
      'ENGINE', 'ALGORITHM', 'LOCK', 'COMMENT', 'AUTO_INCREMENT', 'ROW_FORMAT', 'KEY_BLOCK_SIZE', 'FORCE', 'ORDER', 'STATS_PERSISTENT',
      'STATS_AUTO_RECALC', 'STATS_SAMPLE_PAGES', 'CHECKSUM', 'PACK_KEYS', 'DELAY_KEY_WRITE', 'MAX_ROWS', 'MIN_ROWS', 'ENABLE', 'DISABLE',
      'WAIT', 'NOWAIT', 'PAGE_CHECKSUM', 'TRANSACTIONAL', 'ANALYZE', 'OPTIMIZE', 'REBUILD', 'COALESCE', 'REORGANIZE',
    ]);
    if (harmless.has(w)) {
      p.skipClause();
      return [];
    }
    if ((w === 'DEFAULT' && (p.isWord('CHARSET', 1) || p.isWord('CHARACTER', 1) || p.isWord('COLLATE', 1))) || w === 'CHARSET' || w === 'COLLATE' || (w === 'CHARACTER' && p.isWord('SET', 1))) {
      // The table default: columns keep theirs.
      p.skipClause();
      return [];
    }
  }
  throw new ParseFailure(`unsupported ALTER TABLE clause at '${t.text}'`);
}

// ---------------------------------------------------------------------------
// Applying ALTER operations to a schema
// ---------------------------------------------------------------------------

const lower = (s: string): string => s.toLowerCase();

/**
 * The schema after `ops` (MySQL's semantics), or null when an operation is `unknown` or
 * names a column the schema does not have (the tracked schema is then no longer known).
 * `rename-table` operations do not change the columns.
 */
export function applyAlter(schema: TrackedSchema, ops: readonly AlterOp[]): TrackedSchema | null {
  let cols = [...schema.columns];
  let pk = [...schema.primaryKey];
  const idx = (name: string): number => cols.findIndex((c) => lower(c.name) === lower(name));
  const place = (col: MysqlColumn, first: boolean, after: string | null): boolean => {
    if (first) cols.unshift(col);
    else if (after !== null) {
      const i = idx(after);
      if (i < 0) return false;
      cols.splice(i + 1, 0, col);
    } else cols.push(col);
    return true;
  };
  for (const op of ops) {
    switch (op.op) {
      case 'unknown':
        return null;
      case 'add-column':
        if (idx(op.column.name) >= 0) return null;
        if (!place(op.column, op.first, op.after)) return null;
        if (op.primaryKey) pk = [op.column.name];
        break;
      case 'drop-column': {
        const i = idx(op.name);
        if (i < 0) return null;
        cols.splice(i, 1);
        pk = pk.filter((k) => lower(k) !== lower(op.name));
        break;
      }
      case 'modify-column': {
        const i = idx(op.name);
        if (i < 0) return null;
        const old = cols[i]!;
        const inPk = pk.some((k) => lower(k) === lower(op.name));
        const col = inPk && op.column.nullable ? { ...op.column, nullable: false } : op.column;
        if (op.first || op.after !== null) {
          cols.splice(i, 1);
          if (!place(col, op.first, op.after)) return null;
        } else cols[i] = col;
        if (lower(old.name) !== lower(col.name) || old.name !== col.name) pk = pk.map((k) => (lower(k) === lower(old.name) ? col.name : k));
        if (op.primaryKey) pk = [col.name];
        break;
      }
      case 'rename-column': {
        const i = idx(op.from);
        if (i < 0) return null;
        cols[i] = { ...cols[i]!, name: op.to };
        pk = pk.map((k) => (lower(k) === lower(op.from) ? op.to : k));
        break;
      }
      case 'add-primary-key': {
        for (const c of op.columns) if (idx(c) < 0) return null;
        pk = op.columns.map((c) => cols[idx(c)]!.name);
        const set = new Set(pk.map(lower));
        cols = cols.map((c) => (set.has(lower(c.name)) && c.nullable ? { ...c, nullable: false } : c));
        break;
      }
      case 'drop-primary-key':
        pk = [];
        break;
      case 'rename-table':
        break;
    }
  }
  return { columns: cols, primaryKey: pk };
}
