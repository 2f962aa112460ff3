/**
 * Queries: `[WITH ...] SELECT ... | VALUES ... | (query)` combined with UNION / EXCEPT
 * (left-associative) and INTERSECT (binds tighter), then ORDER BY / LIMIT / OFFSET /
 * FETCH; and the FROM clause: tables, subqueries, joins, window TVFs, LATERAL TABLE.
 */

import type {
  CommonTableExpr,
  Expr,
  FromItem,
  OrderItem,
  Query,
  Select,
  SelectItem,
  SubqueryRef,
  TableFunctionArg,
  TableFunctionRef,
  TableRef,
} from '../ast.js';
import type { Token } from '../lexer.js';
import type { Parser } from './cursor.js';
import { parseExpr, parseExprList, parseOrderItems } from './expressions.js';

/**
 * Does a query start at the cursor (SELECT, WITH, VALUES)? With `nested`, also when
 * parentheses precede one (`((SELECT ...`), as in FROM and INSERT.
 */
export function isQueryStart(p: Parser, nested = false): boolean {
  let k = 0;
  if (nested) while (p.isOp('(', k)) k++;
  return p.isWord('SELECT', k) || p.isWord('WITH', k) || p.isWord('VALUES', k);
}

/** A complete query: `[WITH ...] body [ORDER BY ...] [LIMIT ...]`. */
export function parseQuery(p: Parser): Query {
  let ctes: CommonTableExpr[] = [];
  if (p.isWord('WITH')) ctes = parseWith(p);
  let q = parseSetExpression(p);
  q = parseTail(p, q);
  if (ctes.length > 0) q = attachWith(q, ctes);
  return q;
}

function parseWith(p: Parser): CommonTableExpr[] {
  p.next();
  if (p.isWord('RECURSIVE')) p.unsupported(p.peek(), 'WITH RECURSIVE is not supported');
  const out: CommonTableExpr[] = [];
  do {
    const t = p.peek();
    const name = p.identifier('a name for the WITH query');
    let columns: string[] | null = null;
    if (p.isOp('(')) columns = p.nameList('column name');
    p.expectWord('AS', `after WITH ${name}`);
    p.expectOp('(', `after WITH ${name} AS`);
    const query = parseQuery(p);
    p.expectOp(')', `to close WITH ${name} AS (...)`);
    out.push({ name, columns, query, pos: p.pos(t) });
  } while (p.acceptOp(','));
  if (!isQueryStart(p, true)) p.fail('SELECT after the WITH queries');
  return out;
}

/**
 * The common table expressions of a WITH in front of a set operation are visible to
 * every branch: they are attached to each SELECT leaf (after the leaf's own, outer first).
 */
function attachWith(q: Query, ctes: readonly CommonTableExpr[]): Query {
  switch (q.kind) {
    case 'select':
      return { ...q, with: [...ctes, ...q.with] };
    case 'set-operation':
      return { ...q, left: attachWith(q.left, ctes), right: attachWith(q.right, ctes) };
    case 'values':
      return q;
  }
}

function parseSetExpression(p: Parser): Query {
  let left = parseIntersect(p);
  for (;;) {
    const t = p.peek();
    const isMinus = p.dialect === 'starrocks' && p.isWord('MINUS');
    if (!p.isWord('UNION') && !p.isWord('EXCEPT') && !isMinus) return left;
    p.next();
    const op = t.upper === 'UNION' ? 'UNION' : 'EXCEPT';
    const all = setQuantifier(p);
    const right = parseIntersect(p);
    left = { kind: 'set-operation', op, all, left, right, orderBy: [], limit: null, offset: null, pos: left.pos };
  }
}

function parseIntersect(p: Parser): Query {
  let left = parseQueryPrimary(p);
  while (p.isWord('INTERSECT')) {
    p.next();
    const all = setQuantifier(p);
    const right = parseQueryPrimary(p);
    left = { kind: 'set-operation', op: 'INTERSECT', all, left, right, orderBy: [], limit: null, offset: null, pos: left.pos };
  }
  return left;
}

function setQuantifier(p: Parser): boolean {
  if (p.acceptWord('ALL')) return true;
  p.acceptWord('DISTINCT');
  return false;
}

function parseQueryPrimary(p: Parser): Query {
  const t = p.peek();
  if (p.isWord('SELECT')) return parseSelect(p);
  if (p.isWord('VALUES')) return parseValues(p);
  if (p.isOp('(')) {
    p.next();
    const q = parseQuery(p);
    p.expectOp(')', 'to close the parenthesized query');
    return q;
  }
  if (p.isWord('WITH')) p.fail('SELECT, VALUES or a parenthesized query (put WITH at the start of the query)', t);
  return p.fail('SELECT, VALUES or a parenthesized query', t);
}

function parseValues(p: Parser): Query {
  const t = p.next();
  const rows: Expr[][] = [];
  do {
    p.expectOp('(', 'before a VALUES row');
    rows.push(parseExprList(p));
    p.expectOp(')', "or ',' in the VALUES row");
  } while (p.acceptOp(','));
  return { kind: 'values', rows, pos: p.pos(t) };
}

/** ORDER BY / LIMIT / OFFSET / FETCH after a query body, attached to it. */
function parseTail(p: Parser, q: Query): Query {
  const start = p.peek();
  let orderBy: OrderItem[] = [];
  let limit: Expr | null = null;
  let offset: Expr | null = null;
  if (p.isWord('ORDER')) {
    p.next();
    p.expectWord('BY', 'after ORDER');
    orderBy = parseOrderItems(p);
  }
  if (p.isWord('LIMIT')) {
    p.next();
    if (p.acceptWord('ALL')) {
      limit = null;
    } else {
      limit = parseExpr(p);
      if (p.isOp(',')) {
        if (p.dialect !== 'starrocks') {
          p.fail('OFFSET or the end of the query', p.peek(), 'LIMIT m, n is MySQL syntax; in Flink SQL write LIMIT n OFFSET m.');
        }
        p.next();
        offset = limit;
        limit = parseExpr(p);
      }
    }
  }
  if (p.isWord('OFFSET') && offset === null) {
    p.next();
    offset = parseExpr(p);
    if (!p.acceptWord('ROWS')) p.acceptWord('ROW');
  }
  if (p.isWord('FETCH') && limit === null) {
    p.next();
    if (!p.acceptWord('FIRST') && !p.acceptWord('NEXT')) p.fail('FIRST or NEXT after FETCH');
    limit = parseExpr(p);
    if (!p.acceptWord('ROWS') && !p.acceptWord('ROW')) p.fail('ROWS after FETCH FIRST n');
    p.expectWord('ONLY', 'after FETCH FIRST n ROWS');
  }
  if (orderBy.length === 0 && limit === null && offset === null) return q;
  switch (q.kind) {
    case 'values':
      return p.unsupported(start, 'ORDER BY, LIMIT and OFFSET are not supported directly on VALUES', 'Wrap it: SELECT * FROM (VALUES ...) AS t(a, b) ORDER BY ...');
    case 'select':
    case 'set-operation':
      if (q.orderBy.length > 0 || q.limit !== null || q.offset !== null) {
        return p.unsupported(start, 'a second ORDER BY / LIMIT on a parenthesized query is not supported', 'Move it into a subquery in FROM.');
      }
      return { ...q, orderBy, limit, offset };
  }
}

function parseSelect(p: Parser): Select {
  const t = p.next();
  p.hints(); // query hints (join hints, STATE_TTL, ...) are accepted and ignored
  let distinct = false;
  if (p.acceptWord('DISTINCT')) distinct = true;
  else p.acceptWord('ALL');
  const items: SelectItem[] = [];
  do items.push(parseSelectItem(p));
  while (p.acceptOp(','));
  let from: FromItem | null = null;
  if (p.acceptWord('FROM')) from = parseFrom(p);
  let where: Expr | null = null;
  if (p.acceptWord('WHERE')) where = parseExpr(p);
  let groupBy: Expr[] = [];
  if (p.isWord('GROUP')) {
    p.next();
    p.expectWord('BY', 'after GROUP');
    groupBy = parseExprList(p);
  }
  let having: Expr | null = null;
  if (p.acceptWord('HAVING')) having = parseExpr(p);
  if (p.isWord('WINDOW')) p.unsupported(p.peek(), 'named windows (WINDOW w AS ...) are not supported', 'Write the window inline in OVER (...).');
  return { kind: 'select', with: [], distinct, items, from, where, groupBy, having, orderBy: [], limit: null, offset: null, pos: p.pos(t) };
}

function parseSelectItem(p: Parser): SelectItem {
  const t = p.peek();
  // `*` and `t.*` / `db.t.*`.
  if (p.isOp('*')) {
    p.next();
    return { expr: { kind: 'star', qualifier: null, pos: p.pos(t) }, alias: null, pos: p.pos(t) };
  }
  let k = 0;
  while ((p.peek(k).kind === 'word' || p.peek(k).kind === 'quoted') && p.isOp('.', k + 1)) {
    if (p.isOp('*', k + 2)) {
      const qualifier: string[] = [];
      for (let i = 0; i <= k; i += 2) qualifier.push(p.peek(i).value);
      for (let i = 0; i < k + 3; i++) p.next();
      return { expr: { kind: 'star', qualifier, pos: p.pos(t) }, alias: null, pos: p.pos(t) };
    }
    k += 2;
  }
  const expr = parseExpr(p);
  return { expr, alias: parseAlias(p, true), pos: p.pos(t) };
}

/** `[AS] alias`; in the starrocks dialect a select item's alias may be a string (`AS 'x'`). */
function parseAlias(p: Parser, allowString: boolean): string | null {
  const stringOk = allowString && p.dialect === 'starrocks';
  if (p.acceptWord('AS')) {
    if (stringOk && p.peek().kind === 'string') return p.next().value;
    return p.identifier('an alias after AS');
  }
  if (p.isIdentifier()) return p.next().value;
  if (stringOk && p.peek().kind === 'string') return p.next().value;
  return null;
}

/** `[AS] alias [(c1, c2)]` after a subquery or table function. */
function parseAliasWithColumns(p: Parser): { alias: string | null; columnAliases: string[] | null } {
  const alias = parseAlias(p, false);
  let columnAliases: string[] | null = null;
  if (alias !== null && p.isOp('(')) columnAliases = p.nameList('column alias');
  return { alias, columnAliases };
}

/** FROM items separated by commas (cross joins), each with its chain of JOINs. */
export function parseFrom(p: Parser): FromItem {
  let left = parseJoinChain(p);
  while (p.acceptOp(',')) {
    const right = parseJoinChain(p);
    left = { kind: 'join', joinType: 'cross', left, right, on: null, using: null, pos: left.pos };
  }
  return left;
}

type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross';

/** The join keyword(s) at the cursor, consumed; null if none. */
function joinKeyword(p: Parser): JoinType | null {
  const t = p.peek();
  if (t.kind !== 'word') return null;
  let type: JoinType;
  switch (t.upper) {
    case 'JOIN':
      p.next();
      return 'inner';
    case 'INNER':
      type = 'inner';
      break;
    case 'LEFT':
      type = 'left';
      break;
    case 'RIGHT':
      type = 'right';
      break;
    case 'FULL':
      type = 'full';
      break;
    case 'CROSS':
      type = 'cross';
      break;
    case 'NATURAL':
      return p.unsupported(t, 'NATURAL JOIN is not supported', 'Write the join condition with ON or USING.');
    default:
      return null;
  }
  p.next();
  const outer = (type === 'left' || type === 'right' || type === 'full') && p.acceptWord('OUTER');
  p.expectWord('JOIN', `after ${t.upper}${outer ? ' OUTER' : ''}`);
  return type;
}

function parseJoinChain(p: Parser): FromItem {
  let left = parseTablePrimary(p);
  for (;;) {
    const joinType = joinKeyword(p);
    if (joinType === null) return left;
    const right = parseTablePrimary(p);
    let on: Expr | null = null;
    let using: string[] | null = null;
    if (joinType === 'cross') {
      if (p.isWord('ON') || p.isWord('USING')) p.fail('the next join or clause (CROSS JOIN takes no ON or USING)');
    } else if (p.acceptWord('ON')) {
      on = parseExpr(p);
    } else if (p.isWord('USING')) {
      p.next();
      using = p.nameList('column name');
    } else {
      p.fail('ON or USING after the joined table');
    }
    left = { kind: 'join', joinType, left, right, on, using, pos: left.pos };
  }
}

function parseTablePrimary(p: Parser): FromItem {
  const t = p.peek();
  if (p.isOp('(')) {
    if (isQueryStart(p, true)) return parseSubqueryRef(p, false, t);
    p.next();
    const inner = parseFrom(p);
    p.expectOp(')', 'to close the parenthesized join');
    return inner;
  }
  if (p.isWord('LATERAL')) {
    p.next();
    if (p.isWord('TABLE')) return parseTableFunction(p, true, t);
    if (p.isOp('(')) return parseSubqueryRef(p, true, t);
    return p.fail('TABLE(...) or (subquery) after LATERAL');
  }
  if (p.isWord('TABLE') && p.isOp('(', 1)) return parseTableFunction(p, false, t);
  if (!p.isIdentifier()) return p.fail('a table name, (subquery) or TABLE(...) in FROM');
  return parseTableRef(p);
}

function parseSubqueryRef(p: Parser, lateral: boolean, t: Token): SubqueryRef {
  p.expectOp('(');
  const query = parseQuery(p);
  p.expectOp(')', 'to close the subquery');
  const { alias, columnAliases } = parseAliasWithColumns(p);
  return { kind: 'subquery', query, alias, columnAliases, lateral, pos: p.pos(t) };
}

function parseTableRef(p: Parser): TableRef {
  const name = p.qualifiedName('a table name');
  const hints = p.hints();
  let forSystemTimeAsOf: Expr | null = null;
  if (p.isWord('FOR')) {
    p.next();
    p.expectWord('SYSTEM_TIME', 'after FOR');
    p.expectWord('AS', 'after FOR SYSTEM_TIME');
    p.expectWord('OF', 'after FOR SYSTEM_TIME AS');
    forSystemTimeAsOf = parseExpr(p);
  }
  const alias = parseAlias(p, false);
  if (alias !== null && p.isOp('(')) {
    p.unsupported(p.peek(), 'column aliases on a table (t AS x(a, b)) are not supported', 'Alias the columns in a subquery instead.');
  }
  return { kind: 'table', name, alias, hints, forSystemTimeAsOf, pos: name.pos };
}

/** `TABLE(f(args))` / `LATERAL TABLE(f(args))` `[AS] alias [(cols)]`. */
function parseTableFunction(p: Parser, lateral: boolean, t: Token): TableFunctionRef {
  p.expectWord('TABLE');
  p.expectOp('(', 'after TABLE');
  const name = p.qualifiedName('a table function name');
  p.expectOp('(', `after ${name.parts.join('.')}`);
  const args: TableFunctionArg[] = [];
  if (!p.isOp(')')) {
    do args.push(parseTableFunctionArg(p));
    while (p.acceptOp(','));
  }
  p.expectOp(')', `or ',' in the arguments of ${name.parts.join('.')}`);
  p.expectOp(')', 'to close TABLE(...)');
  const { alias, columnAliases } = parseAliasWithColumns(p);
  return { kind: 'table-function', name, args, alias, columnAliases, lateral, pos: p.pos(t) };
}

/**
 * `TABLE t` (table-arg), `DESCRIPTOR(c, ...)` (descriptor-arg) or an expression, each
 * optionally named (`DATA => TABLE t`). Only expression arguments keep their name: the
 * kind of a table or descriptor argument already says which parameter it is.
 */
function parseTableFunctionArg(p: Parser): TableFunctionArg {
  const t = p.peek();
  let argName: string | null = null;
  if ((t.kind === 'word' || t.kind === 'quoted') && p.isOp('=>', 1)) {
    argName = t.kind === 'word' ? t.upper : t.value;
    p.next();
    p.next();
  }
  const v = p.peek();
  if (p.isWord('TABLE')) {
    p.next();
    return { kind: 'table-arg', name: p.qualifiedName('a table name after TABLE'), pos: p.pos(v) };
  }
  if (p.isWord('DESCRIPTOR')) {
    p.next();
    return { kind: 'descriptor-arg', columns: p.nameList('column name'), pos: p.pos(v) };
  }
  return { kind: 'expr-arg', expr: parseExpr(p), name: argName, pos: p.pos(t) };
}
