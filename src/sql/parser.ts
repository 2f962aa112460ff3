/**
 * The SQL parser's public entry points: a hand-written recursive-descent parser over the
 * lexer in lexer.ts, producing the AST of ast.ts. The grammar lives in parser/*.ts.
 *
 * Every syntax error is a StrataError('SQL_SYNTAX') whose location (file, line, column)
 * points at the offending token; valid SQL that Strata does not accept is
 * SQL_UNSUPPORTED, located the same way.
 *
 * Positions: `line`/`column` are those of the whole text given to the call (so a script's
 * errors point into the file). `offset` is relative to the statement's text: for
 * parseStatements, to `ParsedStatement.text` (whose own `pos.offset` is its start in the
 * script); for the other calls, to the text given.
 */

import type { Expr, ParsedStatement, Query, Statement } from './ast.js';
import { Parser, describeToken } from './parser/cursor.js';
import { parseExpr } from './parser/expressions.js';
import { parseQuery as parseQueryAt } from './parser/query.js';
import { parseStatementAt } from './parser/statements.js';

export type Dialect = 'flink' | 'starrocks';

export interface ParseOptions {
  readonly dialect: Dialect;
  /** The file the text came from, for error locations. */
  readonly file?: string;
}

/** Throws unless the cursor is at the end of a statement (`;` or end of input). */
function expectStatementEnd(p: Parser, what: string): void {
  if (p.isEnd()) return;
  const t = p.peek();
  throw p.error(t, `unexpected ${describeToken(t)} after the end of the ${what}; expected ';' or the end of the ${what}`, p.operatorHint(t));
}

/**
 * Splits a script into statements and parses each. Empty statements (stray `;`) and
 * comments between statements are skipped. A statement set (`BEGIN STATEMENT SET; ...
 * END;` or `EXECUTE STATEMENT SET BEGIN ... END;`) is one statement.
 */
export function parseStatements(text: string, options: ParseOptions): ParsedStatement[] {
  const p = new Parser(text, options);
  const out: ParsedStatement[] = [];
  for (;;) {
    while (p.acceptOp(';'));
    const first = p.peek();
    if (first.kind === 'eof') return out;
    p.base = first.start;
    p.paramCount = 0;
    const statement = parseStatementAt(p);
    const last = p.prev();
    expectStatementEnd(p, 'statement');
    out.push({ statement, text: p.slice(first, last), pos: { line: first.line, column: first.column, offset: first.start } });
  }
}

/** Parses exactly one statement; a trailing `;` is allowed. */
export function parseStatement(text: string, options: ParseOptions): Statement {
  const p = new Parser(text, options);
  while (p.acceptOp(';'));
  if (p.peek().kind === 'eof') p.fail('a statement');
  const statement = parseStatementAt(p);
  expectStatementEnd(p, 'statement');
  while (p.acceptOp(';'));
  const t = p.peek();
  if (t.kind !== 'eof') {
    throw p.error(t, `only one statement is allowed here, found another statement starting with ${describeToken(t)}`);
  }
  return statement;
}

/** Parses one expression (the whole text). */
export function parseExpression(text: string, options: ParseOptions): Expr {
  const p = new Parser(text, options);
  const e = parseExpr(p);
  const t = p.peek();
  if (t.kind !== 'eof') throw p.error(t, `unexpected ${describeToken(t)} after the end of the expression`, p.operatorHint(t));
  return e;
}

/** Parses one query (SELECT, VALUES, set operations, WITH); a trailing `;` is allowed. */
export function parseQuery(text: string, options: ParseOptions): Query {
  const p = new Parser(text, options);
  const q = parseQueryAt(p);
  expectStatementEnd(p, 'query');
  p.acceptOp(';');
  const t = p.peek();
  if (t.kind !== 'eof') throw p.error(t, `unexpected ${describeToken(t)} after the end of the query`);
  return q;
}
