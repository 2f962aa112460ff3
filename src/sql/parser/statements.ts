/**
 * Statement dispatch and the non-DDL statements: INSERT, statement sets, USE, SET, RESET,
 * SHOW, DESCRIBE, EXPLAIN and queries.
 */

import type {
  Describe,
  Explain,
  Expr,
  Insert,
  QualifiedName,
  ResetStatement,
  SetStatement,
  Show,
  Statement,
  StatementSet,
  Use,
} from '../ast.js';
import type { Token } from '../lexer.js';
import type { Parser } from './cursor.js';
import { describeToken } from './cursor.js';
import { parseAlter, parseCreate, parseDrop } from './ddl.js';
import { parseDelete, parseKill, parseTransaction, parseTruncate, parseUpdate } from './dml.js';
import { parseExpr, variableParts } from './expressions.js';
import { STATEMENT_STARTS, closestWord } from './keywords.js';
import { isQueryStart, parseQuery } from './query.js';

const EXPECTED_STATEMENT =
  'SELECT, INSERT, CREATE, DROP, ALTER, USE, SET, RESET, SHOW, DESCRIBE, EXPLAIN, BEGIN STATEMENT SET or EXECUTE STATEMENT SET';

const EXPECTED_STATEMENT_STARROCKS =
  'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, CREATE, DROP, ALTER, USE, SET, SHOW, DESCRIBE, EXPLAIN, BEGIN, COMMIT, ROLLBACK or KILL';

/** Statement keywords of the starrocks dialect only (the warehouse's DML and session statements). */
const STARROCKS_STARTS: readonly string[] = ['UPDATE', 'DELETE', 'TRUNCATE', 'COMMIT', 'ROLLBACK', 'START', 'KILL'];

/** One statement at the cursor (without its terminating ';'). */
export function parseStatementAt(p: Parser): Statement {
  const t = p.peek();
  if (t.kind === 'op' && t.value === '(' && isQueryStart(p, true)) return queryStatement(p);
  const expected = p.dialect === 'starrocks' ? EXPECTED_STATEMENT_STARROCKS : EXPECTED_STATEMENT;
  if (t.kind !== 'word') {
    if (t.kind === 'hint') p.fail('a statement', t, 'Hints go after a table name: FROM t /*+ OPTIONS(...) */.');
    return p.fail(`a statement (${expected})`, t);
  }
  if (p.dialect === 'starrocks') {
    switch (t.upper) {
      case 'UPDATE':
        return parseUpdate(p);
      case 'DELETE':
        return parseDelete(p);
      case 'TRUNCATE':
        return parseTruncate(p);
      case 'COMMIT':
      case 'ROLLBACK':
        return parseTransaction(p);
      case 'START':
        if (p.isWord('TRANSACTION', 1)) return parseTransaction(p);
        break;
      case 'BEGIN':
        if (!p.isWord('STATEMENT', 1)) return parseTransaction(p);
        break;
      case 'KILL':
        return parseKill(p);
      default:
        break;
    }
  }
  switch (t.upper) {
    case 'SELECT':
    case 'WITH':
    case 'VALUES':
      return queryStatement(p);
    case 'INSERT':
      return parseInsert(p);
    case 'CREATE':
      return parseCreate(p);
    case 'DROP':
      return parseDrop(p);
    case 'ALTER':
      return parseAlter(p);
    case 'USE':
      return parseUse(p);
    case 'SET':
      return parseSet(p);
    case 'RESET':
      return parseReset(p);
    case 'SHOW':
      return parseShow(p);
    case 'DESCRIBE':
    case 'DESC':
      return parseDescribe(p);
    case 'EXPLAIN':
      return parseExplain(p);
    case 'BEGIN':
      return parseBeginStatementSet(p);
    case 'EXECUTE':
      return parseExecute(p);
    case 'END':
      throw p.error(t, 'END without BEGIN STATEMENT SET', 'A statement set starts with BEGIN STATEMENT SET;');
    default: {
      const starts = p.dialect === 'starrocks' ? [...STATEMENT_STARTS, ...STARROCKS_STARTS] : STATEMENT_STARTS;
      const guess = closestWord(t.upper, starts);
      throw p.error(t, `unknown statement '${t.value}'; expected ${expected}`, guess !== null ? `Did you mean ${guess}?` : undefined);
    }
  }
}

function queryStatement(p: Parser): Statement {
  const t = p.peek();
  return { kind: 'query', query: parseQuery(p), pos: p.pos(t) };
}

/** `INSERT INTO | OVERWRITE [TABLE] t [hints] [(cols)] query`. */
function parseInsert(p: Parser): Insert {
  const t = p.next();
  let overwrite = false;
  if (p.acceptWord('OVERWRITE')) overwrite = true;
  else p.expectWord('INTO', 'or OVERWRITE after INSERT');
  p.acceptWord('TABLE');
  const table = p.qualifiedName('a table name');
  const hints = p.hints();
  if (p.isWord('PARTITION')) {
    p.unsupported(p.peek(), 'INSERT ... PARTITION (...) is not supported', 'Write the partition columns as ordinary columns of the query.');
  }
  let columns: string[] | null = null;
  if (p.isOp('(') && !isQueryStart(p, true)) columns = p.nameList('column name');
  if (!isQueryStart(p, true)) p.fail(`a query (SELECT ... or VALUES ...) after INSERT INTO ${table.parts.join('.')}`);
  const query = parseQuery(p);
  return { kind: 'insert', table, hints, columns, query, overwrite, pos: p.pos(t) };
}

/** `BEGIN STATEMENT SET; INSERT ...; ... END`. */
function parseBeginStatementSet(p: Parser): StatementSet {
  const t = p.next();
  p.expectWord('STATEMENT', 'after BEGIN (Strata supports BEGIN STATEMENT SET)');
  p.expectWord('SET', 'after BEGIN STATEMENT');
  p.expectOp(';', 'after BEGIN STATEMENT SET');
  return { kind: 'statement-set', inserts: statementSetBody(p, t, 'BEGIN STATEMENT SET'), pos: p.pos(t) };
}

/** `EXECUTE STATEMENT SET BEGIN ... END` or `EXECUTE INSERT ...`. */
function parseExecute(p: Parser): Statement {
  const t = p.next();
  if (p.isWord('INSERT')) return parseInsert(p);
  return parseStatementSetBlock(p, 'EXECUTE', t);
}

/** `STATEMENT SET BEGIN INSERT ...; ... END` after `introducer` (EXECUTE or EXPLAIN); the node starts at `at`. */
function parseStatementSetBlock(p: Parser, introducer: string, at: Token): StatementSet {
  p.expectWord('STATEMENT', `after ${introducer}`);
  p.expectWord('SET', `after ${introducer} STATEMENT`);
  const begin = p.expectWord('BEGIN', `after ${introducer} STATEMENT SET`);
  return { kind: 'statement-set', inserts: statementSetBody(p, begin, 'STATEMENT SET BEGIN'), pos: p.pos(at) };
}

/** INSERT statements separated by ';' up to END (consumed). */
function statementSetBody(p: Parser, begin: Token, opener: string): Insert[] {
  const inserts: Insert[] = [];
  for (;;) {
    while (p.acceptOp(';'));
    const t = p.peek();
    if (t.kind === 'eof') {
      throw p.error(begin, `missing END for ${opener}: the script ended before END`, 'Close the statement set with END;');
    }
    if (p.acceptWord('END')) return inserts;
    if (!p.isWord('INSERT')) {
      throw p.error(t, `only INSERT statements are allowed inside a statement set, found ${describeToken(t)}`, 'Close the statement set with END; before other statements.');
    }
    inserts.push(parseInsert(p));
    if (!p.isOp(';') && !p.isWord('END')) p.fail("';' after the INSERT statement in the statement set");
  }
}

/** `USE [CATALOG] name`. */
function parseUse(p: Parser): Use {
  const t = p.next();
  if (p.isWord('CATALOG') && p.isIdentifier(1)) {
    p.next();
    return { kind: 'use', catalog: true, name: p.qualifiedName('a catalog name', 1), pos: p.pos(t) };
  }
  return { kind: 'use', catalog: false, name: p.qualifiedName('a database name after USE', 2), pos: p.pos(t) };
}

type Assignment = SetStatement['assignments'][number];

/** The source text of the tokens up to (not including) the first `stop` operator, ';' or the end. */
function rawUntil(p: Parser, stop: string | null, what: string): string {
  const first = p.peek();
  while (!p.isEnd() && !(stop !== null && p.isOp(stop))) p.next();
  if (p.peek() === first) p.fail(what);
  return p.slice(first, p.prev());
}

/**
 * Flink: `SET` (list), `SET 'key' = 'value'` (and the legacy unquoted `SET key = value`).
 * StarRocks/MySQL: `SET [SESSION|GLOBAL] x = e, @@session.y = e, @v = e`, `SET NAMES cs`.
 */
function parseSet(p: Parser): SetStatement {
  const t = p.next();
  const assignments: Assignment[] = [];
  if (p.isEnd()) return { kind: 'set', assignments, pos: p.pos(t) };
  if (p.dialect === 'flink') {
    const keyTok = p.peek();
    const key = keyTok.kind === 'string' ? p.next().value : rawUntil(p, '=', "a quoted key after SET, like 'parallelism.default'");
    p.expectOp('=', `after SET '${key}'`);
    const v = p.peek();
    const value = v.kind === 'string' ? p.next().value : rawUntil(p, null, `a quoted value after SET '${key}' =`);
    assignments.push({ key, value, scope: null });
    return { kind: 'set', assignments, pos: p.pos(t) };
  }
  do assignments.push(mysqlAssignment(p));
  while (p.acceptOp(','));
  return { kind: 'set', assignments, pos: p.pos(t) };
}

function mysqlAssignment(p: Parser): Assignment {
  let scope: 'SESSION' | 'GLOBAL' | null = null;
  if (p.isWord('SESSION') || p.isWord('LOCAL') || p.isWord('GLOBAL')) {
    const w = p.peek(1);
    if (w.kind === 'word' || w.kind === 'quoted') scope = p.next().upper === 'GLOBAL' ? 'GLOBAL' : 'SESSION';
  }
  if (p.isWord('NAMES')) {
    p.next();
    const cs = p.peek();
    if (cs.kind !== 'word' && cs.kind !== 'string' && cs.kind !== 'quoted') p.fail('a character set name after SET NAMES');
    p.next();
    if (p.acceptWord('COLLATE')) {
      const c = p.peek();
      if (c.kind !== 'word' && c.kind !== 'string' && c.kind !== 'quoted') p.fail('a collation name after COLLATE');
      p.next();
    }
    return { key: 'NAMES', value: cs.kind === 'word' && cs.upper === 'DEFAULT' ? 'DEFAULT' : cs.value, scope };
  }
  if ((p.isWord('CHARACTER') && p.isWord('SET', 1)) || p.isWord('CHARSET')) {
    if (p.next().upper === 'CHARACTER') p.next();
    const cs = p.peek();
    if (cs.kind !== 'word' && cs.kind !== 'string' && cs.kind !== 'quoted') p.fail('a character set name');
    p.next();
    return { key: 'CHARACTER SET', value: cs.value, scope };
  }
  if (p.isWord('TRANSACTION')) {
    p.next();
    return { key: 'TRANSACTION', value: rawUntil(p, ',', 'the transaction characteristics after SET TRANSACTION'), scope };
  }
  let key: string;
  const k = p.peek();
  if (k.kind === 'variable') {
    p.next();
    const parts = variableParts(k.value);
    const head = parts[0] ?? '@';
    const name = parts[1] ?? '';
    if (head === '@') key = `@${name}`;
    else {
      key = name;
      if (head === '@@global') scope = 'GLOBAL';
      else if (head === '@@session' || head === '@@local') scope = 'SESSION';
    }
  } else {
    key = p.qualifiedName('a variable name after SET', 8).parts.join('.');
  }
  if (!p.acceptOp('=')) {
    if (p.isOp(':') && p.isOp('=', 1)) {
      p.next();
      p.next();
    } else {
      p.fail(`'=' after SET ${key}`);
    }
  }
  const v = p.peek();
  let value: Expr | string;
  if (v.kind === 'word' && (v.upper === 'ON' || v.upper === 'OFF' || v.upper === 'DEFAULT')) {
    p.next();
    value = v.upper;
  } else {
    value = parseExpr(p);
  }
  return { key, value, scope };
}

/** `RESET` (all) or `RESET 'key'`. */
function parseReset(p: Parser): ResetStatement {
  const t = p.next();
  if (p.isEnd()) return { kind: 'reset', key: null, pos: p.pos(t) };
  const k = p.peek();
  const key = k.kind === 'string' ? p.next().value : rawUntil(p, null, "a quoted key after RESET, like 'parallelism.default'");
  return { kind: 'reset', key, pos: p.pos(t) };
}

/** SHOW targets that need `FROM table`. */
const TAKES_TABLE = new Set(['COLUMNS', 'FIELDS', 'INDEX', 'INDEXES', 'KEYS']);

/** Words after which SHOW CREATE expects an object name. */
const SHOW_CREATE_OBJECTS = new Set(['TABLE', 'VIEW', 'DATABASE', 'SCHEMA', 'CATALOG', 'MATERIALIZED', 'ROUTINE']);

/**
 * `SHOW [FULL] words [FROM|IN name] [LIKE 'p']` and `SHOW CREATE TABLE|VIEW|DATABASE name`.
 * `what` is the words in upper case joined by a space (FULL is the `full` flag).
 */
function parseShow(p: Parser): Show {
  const t = p.next();
  const full = p.acceptWord('FULL');
  const words: string[] = [];
  let name: QualifiedName | null = null;
  let like: string | null = null;
  if (p.isWord('CREATE')) {
    words.push(p.next().upper);
    const o = p.peek();
    if (o.kind !== 'word' || !SHOW_CREATE_OBJECTS.has(o.upper)) p.fail('TABLE, VIEW or DATABASE after SHOW CREATE');
    words.push(p.next().upper);
    if (o.upper === 'MATERIALIZED' || o.upper === 'ROUTINE') words.push(p.expectWord(o.upper === 'MATERIALIZED' ? 'VIEW' : 'LOAD').upper);
    name = p.qualifiedName(`a ${words.slice(1).join(' ').toLowerCase()} name`);
    return { kind: 'show', what: words.join(' '), name, like, full, pos: p.pos(t) };
  }
  while (p.peek().kind === 'word' && !['FROM', 'IN', 'LIKE', 'WHERE', 'FOR'].includes(p.peek().upper)) {
    const w = p.next().upper;
    words.push(w);
    if (TAKES_TABLE.has(w)) break;
  }
  if (words.length === 0) p.fail('what to show (TABLES, DATABASES, CATALOGS, VIEWS, FUNCTIONS, JOBS, COLUMNS FROM t, CREATE TABLE t, ...)');
  const what = words.join(' ');
  if (p.isWord('FROM') || p.isWord('IN') || p.isWord('FOR')) {
    p.next();
    name = p.qualifiedName('a name after FROM');
    // MySQL: SHOW COLUMNS FROM t FROM db
    if (p.isWord('FROM') || p.isWord('IN')) {
      p.next();
      const db = p.qualifiedName('a database name after FROM');
      name = { parts: [...db.parts, ...name.parts], pos: name.pos };
    }
  } else if (TAKES_TABLE.has(what)) {
    p.fail(`FROM and a table name after SHOW ${what}`);
  }
  if (p.acceptWord('LIKE')) like = p.string('a quoted pattern after LIKE');
  else if (p.isWord('WHERE')) {
    if (p.dialect === 'starrocks') {
      p.next();
      return { kind: 'show', what, name, like, full, where: parseExpr(p), pos: p.pos(t) };
    }
    p.unsupported(p.peek(), `SHOW ${what} ... WHERE is not supported`, "Use LIKE 'pattern'.");
  }
  return { kind: 'show', what, name, like, full, pos: p.pos(t) };
}

function parseDescribe(p: Parser): Describe {
  const t = p.next();
  p.acceptWord('EXTENDED');
  return { kind: 'describe', name: p.qualifiedName('a table name after DESCRIBE'), pos: p.pos(t) };
}

/** Words that start the statement after EXPLAIN's details. */
const EXPLAINABLE = new Set(['SELECT', 'WITH', 'VALUES', 'INSERT', 'STATEMENT', 'EXECUTE', 'CREATE', 'BEGIN']);

/** `EXPLAIN [detail, ...] statement` / `EXPLAIN PLAN FOR statement`. */
function parseExplain(p: Parser): Explain {
  const t = p.next();
  const details: string[] = [];
  if (p.isWord('PLAN') && p.isWord('FOR', 1)) {
    p.next();
    p.next();
  } else {
    while (p.peek().kind === 'word' && !EXPLAINABLE.has(p.peek().upper)) {
      details.push(p.next().upper);
      p.acceptOp(',');
    }
  }
  let statement: Statement;
  if (p.isWord('STATEMENT')) statement = parseStatementSetBlock(p, 'EXPLAIN', p.peek());
  else if (p.isWord('INSERT') || isQueryStart(p, true) || p.isWord('EXECUTE') || p.isWord('BEGIN') || p.isWord('CREATE')) statement = parseStatementAt(p);
  else statement = p.fail('a query or INSERT statement to explain');
  return { kind: 'explain', details, statement, pos: p.pos(t) };
}
