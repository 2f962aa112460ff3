/**
 * DDL: CREATE CATALOG / DATABASE (with CDAS) / TABLE (Flink columns, computed and
 * metadata columns, PRIMARY KEY ... NOT ENFORCED, WATERMARK, WITH options, CTAS; and the
 * StarRocks clauses ENGINE, key model, PARTITION BY, DISTRIBUTED BY, PROPERTIES) / VIEW,
 * DROP, and ALTER TABLE.
 */

import type {
  AlterAction,
  AlterTable,
  ColumnDef,
  CreateCatalog,
  CreateDatabase,
  CreateDatabaseAs,
  CreateTable,
  CreateView,
  DropObject,
  Expr,
  KeyDesc,
  Property,
  QualifiedName,
  Query,
  Statement,
  TypeName,
  Watermark,
} from '../ast.js';
import type { Token } from '../lexer.js';
import type { Parser } from './cursor.js';
import { parseDataType, skipCharsetOrCollate } from './data-types.js';
import { parseExpr } from './expressions.js';
import { isQueryStart, parseQuery } from './query.js';

/** After CREATE: `[TEMPORARY] CATALOG | DATABASE | SCHEMA | TABLE | VIEW ...`. */
export function parseCreate(p: Parser): Statement {
  const t = p.next(); // CREATE
  const temporary = p.acceptWord('TEMPORARY');
  const what = p.peek();
  if (what.kind === 'word') {
    switch (what.upper) {
      case 'CATALOG':
        if (!temporary) return parseCreateCatalog(p, t);
        break;
      case 'DATABASE':
      case 'SCHEMA':
        if (!temporary) return parseCreateDatabase(p, t);
        break;
      case 'TABLE':
        return parseCreateTable(p, t, temporary);
      case 'VIEW':
        return parseCreateView(p, t, temporary);
      default:
        break;
    }
  }
  return p.fail(temporary ? `TABLE or VIEW after CREATE TEMPORARY` : 'CATALOG, DATABASE, TABLE or VIEW after CREATE', what);
}

function parseCreateCatalog(p: Parser, t: Token): CreateCatalog {
  p.next();
  const ifNotExists = p.ifNotExists();
  const name = p.identifier('a catalog name');
  let options: Property[] = [];
  if (p.acceptWord('WITH')) options = p.properties('WITH');
  return { kind: 'create-catalog', name, ifNotExists, options, pos: p.pos(t) };
}

function parseCreateDatabase(p: Parser, t: Token): CreateDatabase {
  p.next();
  const ifNotExists = p.ifNotExists();
  const name = p.qualifiedName('a database name', 2);
  let comment: string | null = null;
  let options: Property[] = [];
  let asDatabase: CreateDatabaseAs | null = null;
  for (;;) {
    if (p.isWord('COMMENT') && comment === null) {
      p.next();
      comment = p.string('a string after COMMENT');
    } else if ((p.isWord('WITH') || p.isWord('PROPERTIES')) && options.length === 0) {
      options = p.properties(p.next().upper);
    } else if (p.isWord('AS')) {
      asDatabase = parseCdasSource(p);
      break;
    } else {
      break;
    }
  }
  return { kind: 'create-database', name, ifNotExists, comment, options, asDatabase, pos: p.pos(t) };
}

/** `AS DATABASE src [hints] [INCLUDING ALL TABLES | INCLUDING TABLE 'a', 'b'] [EXCLUDING TABLE 'c'] [hints]` (also `AS TABLE src ...`). */
function parseCdasSource(p: Parser): CreateDatabaseAs {
  const as = p.next();
  if (!p.acceptWord('DATABASE') && !p.acceptWord('TABLE')) p.fail('DATABASE after CREATE DATABASE ... AS');
  const source = p.qualifiedName('a source database name');
  let hints = p.hints();
  let including: 'ALL' | string[] = 'ALL';
  let excluding: string[] = [];
  if (p.acceptWord('INCLUDING')) {
    if (p.acceptWord('ALL')) {
      p.expectWord('TABLES', 'after INCLUDING ALL');
    } else {
      p.expectWord('TABLE', "after INCLUDING (INCLUDING ALL TABLES or INCLUDING TABLE 'name', ...)");
      including = tableNameStrings(p);
    }
  }
  if (p.acceptWord('EXCLUDING')) {
    p.expectWord('TABLE', 'after EXCLUDING');
    excluding = tableNameStrings(p);
  }
  hints = hints.concat(p.hints());
  return { source, including, excluding, hints, pos: p.pos(as) };
}

function tableNameStrings(p: Parser): string[] {
  const out = [p.string("a quoted table name or pattern like 'orders' or 'web.*'")];
  while (p.acceptOp(',')) out.push(p.string("a quoted table name or pattern like 'orders'"));
  return out;
}

/** One element of a CREATE TABLE column list. */
type TableElement =
  | { kind: 'column'; column: ColumnDef; inlinePrimaryKey: { enforced: boolean; tok: Token } | null }
  | { kind: 'primary-key'; columns: string[]; enforced: boolean; tok: Token }
  | { kind: 'watermark'; watermark: Watermark };

function parseCreateTable(p: Parser, t: Token, temporary: boolean): CreateTable {
  p.next(); // TABLE
  const ifNotExists = p.ifNotExists();
  const name = p.qualifiedName('a table name');
  const columns: ColumnDef[] = [];
  let primaryKey: CreateTable['primaryKey'] = null;
  let watermark: Watermark | null = null;

  const setPrimaryKey = (columnsOfKey: string[], enforced: boolean, tok: Token): void => {
    if (primaryKey !== null) throw p.error(tok, 'a table can have only one PRIMARY KEY');
    primaryKey = { columns: columnsOfKey, enforced, pos: p.pos(tok) };
  };

  if (p.isOp('(')) {
    p.next();
    if (p.isOp(')')) p.fail('a column definition');
    for (;;) {
      const el = parseTableElement(p);
      let after: string;
      switch (el.kind) {
        case 'column':
          columns.push(el.column);
          if (el.inlinePrimaryKey !== null) setPrimaryKey([el.column.name], el.inlinePrimaryKey.enforced, el.inlinePrimaryKey.tok);
          after = 'column definition';
          break;
        case 'primary-key':
          setPrimaryKey(el.columns, el.enforced, el.tok);
          after = 'PRIMARY KEY';
          break;
        case 'watermark':
          if (watermark !== null) throw p.error(p.prev(), 'a table can have only one WATERMARK');
          watermark = el.watermark;
          after = 'WATERMARK';
          break;
      }
      if (p.acceptOp(',')) {
        if (p.isOp(')')) p.fail("a column definition after ','", p.peek(), "Remove the trailing comma before ')'.");
        continue;
      }
      if (p.acceptOp(')')) break;
      p.fail(`',' or ')' after ${after}`);
    }
  }

  let comment: string | null = null;
  let partitionedBy: string[] = [];
  let options: Property[] = [];
  let engine: string | null = null;
  let keyDesc: KeyDesc | null = null;
  let distribution: CreateTable['distribution'] = null;
  let partitionText: string | null = null;
  let properties: Property[] = [];
  let asTable: QualifiedName | null = null;
  let asTableHints: Property[] = [];
  let asQuery: Query | null = null;
  const seen = new Set<string>();
  const once = (tok: Token, clause: string): void => {
    if (seen.has(clause)) throw p.error(tok, `duplicate ${clause} clause in CREATE TABLE`);
    seen.add(clause);
  };

  for (;;) {
    const c = p.peek();
    if (c.kind !== 'word') break;
    const w = c.upper;
    if (w === 'COMMENT') {
      once(c, 'COMMENT');
      p.next();
      comment = p.string('a string after COMMENT');
    } else if (w === 'PARTITIONED') {
      once(c, 'PARTITIONED BY');
      p.next();
      p.expectWord('BY', 'after PARTITIONED');
      partitionedBy = p.nameList('partition column');
    } else if (w === 'WITH') {
      once(c, 'WITH');
      p.next();
      options = p.properties('WITH');
    } else if (w === 'ENGINE') {
      once(c, 'ENGINE');
      p.next();
      p.acceptOp('=');
      engine = p.identifier('an engine name after ENGINE =');
    } else if ((w === 'PRIMARY' || w === 'DUPLICATE' || w === 'UNIQUE' || w === 'AGGREGATE') && p.isWord('KEY', 1)) {
      once(c, 'key');
      p.next();
      p.next();
      keyDesc = { type: w, columns: p.nameList('key column'), pos: p.pos(c) };
    } else if (w === 'PARTITION' && p.isWord('BY', 1)) {
      once(c, 'PARTITION BY');
      partitionText = parsePartitionText(p);
    } else if (w === 'DISTRIBUTED') {
      once(c, 'DISTRIBUTED BY');
      p.next();
      p.expectWord('BY', 'after DISTRIBUTED');
      let random = false;
      let cols: string[] = [];
      if (p.acceptWord('RANDOM')) random = true;
      else if (p.acceptWord('HASH')) cols = p.nameList('distribution column');
      else p.fail('HASH(...) or RANDOM after DISTRIBUTED BY');
      let buckets: number | null = null;
      if (p.acceptWord('BUCKETS')) buckets = p.integer('a bucket count after BUCKETS');
      distribution = { columns: cols, buckets, random, pos: p.pos(c) };
    } else if (w === 'ORDER' && p.isWord('BY', 1)) {
      // StarRocks sort key: accepted and not kept (one machine, no sort key).
      once(c, 'ORDER BY');
      p.next();
      p.next();
      p.nameList('sort column');
    } else if (w === 'PROPERTIES') {
      once(c, 'PROPERTIES');
      p.next();
      properties = p.properties('PROPERTIES');
    } else if (w === 'LIKE') {
      p.unsupported(c, 'CREATE TABLE ... LIKE is not supported', 'List the columns and options of the new table.');
    } else if (w === 'AS') {
      p.next();
      if (p.isWord('TABLE')) {
        p.next();
        asTable = p.qualifiedName('a source table name after AS TABLE');
        asTableHints = p.hints();
      } else if (isQueryStart(p, true)) {
        asQuery = parseQuery(p);
      } else {
        p.fail('TABLE or SELECT after AS');
      }
      break;
    } else {
      break;
    }
  }
  if (columns.length === 0 && asTable === null && asQuery === null) {
    p.fail("'(' and the column definitions, or AS TABLE / AS SELECT", p.peek());
  }
  return {
    kind: 'create-table',
    name,
    ifNotExists,
    temporary,
    columns,
    primaryKey,
    watermark,
    comment,
    partitionedBy,
    options,
    engine,
    keyDesc,
    distribution,
    partitionText,
    properties,
    asTable,
    asTableHints,
    asQuery,
    pos: p.pos(t),
  };
}

/** `PARTITION BY ...` as written, up to the next clause at parenthesis depth 0. */
function parsePartitionText(p: Parser): string {
  const first = p.next();
  p.next(); // BY
  let depth = 0;
  let count = 0;
  for (;;) {
    const t = p.peek();
    if (t.kind === 'eof' || (depth === 0 && t.kind === 'op' && t.value === ';')) {
      if (depth > 0) p.fail("')' to close the PARTITION BY clause");
      break;
    }
    if (depth === 0 && t.kind === 'word' && ['DISTRIBUTED', 'PROPERTIES', 'ORDER', 'AS', 'ROLLUP', 'BROKER'].includes(t.upper)) break;
    if (t.kind === 'op' && t.value === '(') depth++;
    else if (t.kind === 'op' && t.value === ')') {
      if (depth === 0) p.fail('the rest of the PARTITION BY clause (this parenthesis is not open)');
      depth--;
    }
    p.next();
    count++;
  }
  if (count === 0) p.fail('a partition expression after PARTITION BY');
  return p.slice(first, p.prev());
}

function parseTableElement(p: Parser): TableElement {
  const t = p.peek();
  if ((p.isWord('PRIMARY') && p.isWord('KEY', 1)) || (p.isWord('CONSTRAINT') && p.isIdentifier(1))) {
    if (p.acceptWord('CONSTRAINT')) p.identifier('a constraint name');
    const pk = p.expectWord('PRIMARY', 'after CONSTRAINT name');
    p.expectWord('KEY', 'after PRIMARY');
    const columns = p.nameList('primary key column');
    return { kind: 'primary-key', columns, enforced: notEnforced(p), tok: t.upper === 'CONSTRAINT' ? t : pk };
  }
  if (p.isWord('WATERMARK') && p.isIdentifier(1) && p.isWord('AS', 2)) {
    p.next();
    p.fail('FOR after WATERMARK (WATERMARK FOR column AS expression)');
  }
  if (p.isWord('WATERMARK') && p.isWord('FOR', 1)) {
    p.next();
    p.next();
    const column = p.identifier('a column name after WATERMARK FOR');
    p.expectWord('AS', `after WATERMARK FOR ${column}`);
    const expr = parseExpr(p);
    return { kind: 'watermark', watermark: { column, expr, pos: p.pos(t) } };
  }
  return parseColumnDef(p, true);
}

/** `[NOT] ENFORCED` after a primary key: returns `enforced`. */
function notEnforced(p: Parser): boolean {
  if (p.isWord('NOT') && !p.isWord('NULL', 1)) {
    p.next();
    p.expectWord('ENFORCED', 'after NOT');
    return false;
  }
  p.acceptWord('ENFORCED');
  return true;
}

const AGGREGATIONS = new Set(['SUM', 'MAX', 'MIN', 'REPLACE', 'REPLACE_IF_NOT_NULL', 'HLL_UNION', 'BITMAP_UNION', 'PERCENTILE_UNION']);

/** The type of a computed column, which the binder derives from its expression. */
function derivedType(p: Parser, t: Token): TypeName {
  return { name: '', params: [], unsigned: false, elements: [], pos: p.pos(t) };
}

/**
 * `name TYPE [NOT NULL | NULL] [DEFAULT e] [COMMENT 's'] [METADATA [FROM 'k'] [VIRTUAL]]
 * [PRIMARY KEY [NOT ENFORCED]]`, or a computed column `name AS expr [COMMENT 's']`;
 * starrocks adds an aggregation (`v BIGINT SUM`) and AUTO_INCREMENT.
 */
function parseColumnDef(p: Parser, inTable: boolean): TableElement & { kind: 'column' } {
  const t = p.peek();
  const name = p.identifier(inTable ? 'a column definition' : 'a column name');
  let type: TypeName;
  let computed: Expr | null = null;
  if (inTable && p.isWord('AS')) {
    const as = p.next();
    computed = parseExpr(p);
    type = derivedType(p, as);
  } else {
    type = parseDataType(p, `for column '${name}'`);
  }
  let nullable: boolean | null = null;
  let defaultValue: Expr | null = null;
  let comment: string | null = null;
  let metadata: ColumnDef['metadata'] = null;
  let aggregation: string | null = null;
  let inlinePrimaryKey: { enforced: boolean; tok: Token } | null = null;
  for (;;) {
    const c = p.peek();
    if (c.kind !== 'word') break;
    if (c.upper === 'NOT' && p.isWord('NULL', 1) && computed === null) {
      p.next();
      p.next();
      nullable = false;
    } else if (c.upper === 'NULL' && computed === null) {
      p.next();
      nullable = true;
    } else if (c.upper === 'COMMENT') {
      p.next();
      comment = p.string('a string after COMMENT');
    } else if (c.upper === 'DEFAULT' && computed === null) {
      p.next();
      defaultValue = parseExpr(p);
    } else if (c.upper === 'METADATA' && computed === null) {
      p.next();
      let key: string | null = null;
      if (p.acceptWord('FROM')) key = p.string("a quoted metadata key after METADATA FROM (like 'timestamp')");
      const virtual = p.acceptWord('VIRTUAL');
      metadata = { key, virtual };
    } else if (c.upper === 'PRIMARY' && p.isWord('KEY', 1) && inTable) {
      p.next();
      p.next();
      inlinePrimaryKey = { enforced: notEnforced(p), tok: c };
    } else if (p.dialect === 'starrocks' && AGGREGATIONS.has(c.upper) && !p.isOp('(', 1) && aggregation === null && computed === null) {
      p.next();
      aggregation = c.upper;
    } else if (p.dialect === 'starrocks' && c.upper === 'AUTO_INCREMENT') {
      p.next();
    } else if (p.dialect === 'starrocks' && c.upper === 'KEY') {
      p.next();
    } else if (!skipCharsetOrCollate(p)) {
      break;
    }
  }
  return {
    kind: 'column',
    column: { name, type, nullable, defaultValue, comment, computed, metadata, aggregation, pos: p.pos(t) },
    inlinePrimaryKey,
  };
}

function parseCreateView(p: Parser, t: Token, temporary: boolean): CreateView {
  p.next();
  const ifNotExists = p.ifNotExists();
  const name = p.qualifiedName('a view name');
  let columns: string[] | null = null;
  if (p.isOp('(')) columns = p.nameList('column name');
  if (p.acceptWord('COMMENT')) p.string('a string after COMMENT');
  p.expectWord('AS', 'before the query of the view');
  if (!isQueryStart(p, true)) p.fail('a query (SELECT ...) after AS');
  const first = p.peek();
  const query = parseQuery(p);
  return { kind: 'create-view', name, ifNotExists, temporary, columns, query, queryText: p.slice(first, p.prev()), pos: p.pos(t) };
}

/** `DROP [TEMPORARY] CATALOG | DATABASE | SCHEMA | TABLE | VIEW [IF EXISTS] name [CASCADE | RESTRICT] [FORCE]`. */
export function parseDrop(p: Parser): DropObject {
  const t = p.next();
  const temporary = p.acceptWord('TEMPORARY');
  const w = p.peek();
  let object: DropObject['object'];
  switch (w.kind === 'word' ? w.upper : '') {
    case 'CATALOG':
      object = 'CATALOG';
      break;
    case 'DATABASE':
    case 'SCHEMA':
      object = 'DATABASE';
      break;
    case 'TABLE':
      object = 'TABLE';
      break;
    case 'VIEW':
      object = 'VIEW';
      break;
    default:
      return p.fail('CATALOG, DATABASE, TABLE or VIEW after DROP', w);
  }
  p.next();
  const ifExists = p.ifExists();
  const name = object === 'CATALOG' ? p.qualifiedName('a catalog name', 1) : p.qualifiedName(`a ${object.toLowerCase()} name`);
  let cascade = false;
  if (p.acceptWord('CASCADE')) cascade = true;
  else p.acceptWord('RESTRICT');
  if (p.dialect === 'starrocks' && p.acceptWord('FORCE')) {
    return { kind: 'drop', object, name, ifExists, cascade, temporary, force: true, pos: p.pos(t) };
  }
  return { kind: 'drop', object, name, ifExists, cascade, temporary, pos: p.pos(t) };
}

/** `ALTER TABLE name action [, action]*`. */
export function parseAlter(p: Parser): AlterTable {
  const t = p.next();
  p.expectWord('TABLE', 'after ALTER');
  const name = p.qualifiedName('a table name');
  const actions: AlterAction[] = [];
  do parseAlterAction(p, actions);
  while (p.acceptOp(','));
  return { kind: 'alter-table', name, actions, pos: p.pos(t) };
}

const ALTER_ACTIONS = 'ADD, DROP, RENAME, MODIFY or SET after ALTER TABLE name';

function parseAlterAction(p: Parser, out: AlterAction[]): void {
  const t = p.peek();
  if (t.kind !== 'word') p.fail(ALTER_ACTIONS);
  switch (t.upper) {
    case 'ADD': {
      p.next();
      if (p.isWord('PRIMARY') || p.isWord('WATERMARK') || p.isWord('CONSTRAINT')) {
        p.unsupported(p.peek(), `ALTER TABLE ... ADD ${p.peek().upper} is not supported`);
      }
      if (p.isOp('(')) {
        p.next();
        do out.push(addColumn(p));
        while (p.acceptOp(','));
        p.expectOp(')', "or ',' in ADD (...)");
      } else {
        p.acceptWord('COLUMN');
        out.push(addColumn(p));
      }
      return;
    }
    case 'DROP': {
      p.next();
      if (p.isWord('PRIMARY') || p.isWord('WATERMARK') || p.isWord('CONSTRAINT')) {
        p.unsupported(p.peek(), `ALTER TABLE ... DROP ${p.peek().upper} is not supported`);
      }
      if (p.isOp('(')) {
        for (const column of p.nameList('column name')) out.push({ kind: 'drop-column', column });
      } else {
        p.acceptWord('COLUMN');
        out.push({ kind: 'drop-column', column: p.identifier('a column name after DROP') });
      }
      return;
    }
    case 'RENAME': {
      p.next();
      if (p.isWord('TO') && !(p.isWord('TO', 1) && p.isIdentifier(2))) {
        p.next();
        out.push({ kind: 'rename-table', to: p.qualifiedName('a new table name after RENAME TO') });
        return;
      }
      p.acceptWord('COLUMN');
      const from = p.identifier('a column name after RENAME');
      p.expectWord('TO', `after RENAME ${from}`);
      out.push({ kind: 'rename-column', from, to: p.identifier('a new column name after TO') });
      return;
    }
    case 'MODIFY': {
      p.next();
      if (p.isOp('(')) {
        p.next();
        do out.push(modifyColumn(p));
        while (p.acceptOp(','));
        p.expectOp(')', "or ',' in MODIFY (...)");
      } else {
        p.acceptWord('COLUMN');
        out.push(modifyColumn(p));
      }
      return;
    }
    case 'SET':
      p.next();
      out.push({ kind: 'set-options', options: p.properties('SET') });
      return;
    default:
      p.fail(ALTER_ACTIONS);
  }
}

function addColumn(p: Parser): AlterAction {
  const { column } = parseColumnDef(p, false);
  let first = false;
  let after: string | null = null;
  if (p.acceptWord('FIRST')) first = true;
  else if (p.acceptWord('AFTER')) after = p.identifier('a column name after AFTER');
  return { kind: 'add-column', column, after, first };
}

function modifyColumn(p: Parser): AlterAction {
  const { column } = parseColumnDef(p, false);
  if (p.isWord('FIRST') || p.isWord('AFTER')) {
    p.unsupported(p.peek(), 'moving a column with MODIFY ... FIRST/AFTER is not supported', 'Modify the type without a position.');
  }
  return { kind: 'modify-column', column };
}
