/**
 * Expressions, by precedence from loosest to tightest:
 *
 *   OR (starrocks: also `||`)  <  AND (starrocks: also `&&`)  <  NOT  <
 *   comparison (= <> != < <= > >= <=>, IS, [NOT] BETWEEN / IN / LIKE / SIMILAR TO)  <
 *   `||` concatenation (flink)  <  + -  <  * / % (starrocks: DIV, MOD)  <
 *   unary - + (starrocks: !)  <  primary
 *
 * Special syntax is normalized to function calls as ast.ts describes (EXTRACT, POSITION,
 * TRIM, SUBSTRING, OVERLAY, CURRENT_TIMESTAMP, ...).
 */

import type {
  BinaryOp,
  CaseExpr,
  Expr,
  FunctionCall,
  IntervalLiteral,
  OrderItem,
  Pos,
  StringLiteral,
  WindowSpec,
} from '../ast.js';
import type { Token } from '../lexer.js';
import type { Parser } from './cursor.js';
import { parseDataType } from './data-types.js';
import { RESERVED_FUNCTION_NAMES, isReserved } from './keywords.js';
import { isQueryStart, parseQuery } from './query.js';

export function parseExpr(p: Parser): Expr {
  return parseOr(p);
}

/** A comma-separated list of expressions (at least one). */
export function parseExprList(p: Parser): Expr[] {
  const out = [parseExpr(p)];
  while (p.acceptOp(',')) out.push(parseExpr(p));
  return out;
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  return { kind: 'binary', op, left, right, pos: left.pos };
}

function call(name: string, args: Expr[], pos: Pos): FunctionCall {
  return { kind: 'call', name: [name], args, distinct: false, star: false, filter: null, over: null, pos };
}

function parseOr(p: Parser): Expr {
  let left = parseAnd(p);
  for (;;) {
    if (p.isWord('OR') || (p.dialect === 'starrocks' && p.isOp('||'))) {
      p.next();
      left = binary('OR', left, parseAnd(p));
    } else {
      return left;
    }
  }
}

function parseAnd(p: Parser): Expr {
  let left = parseNot(p);
  for (;;) {
    if (p.isWord('AND') || (p.dialect === 'starrocks' && p.isOp('&&'))) {
      p.next();
      left = binary('AND', left, parseNot(p));
    } else {
      return left;
    }
  }
}

function parseNot(p: Parser): Expr {
  if (!p.isWord('NOT')) return parseComparison(p);
  const existsFollows = p.isWord('EXISTS', 1);
  const t = p.next();
  const operand = parseNot(p);
  // NOT EXISTS (...) is an ExistsExpr with not = true.
  if (existsFollows && operand.kind === 'exists' && !operand.not) return { ...operand, not: true, pos: p.pos(t) };
  return { kind: 'unary', op: 'NOT', operand, pos: p.pos(t) };
}

const COMPARISON_OPS: Record<string, BinaryOp> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '<=>': '<=>',
};

function parseComparison(p: Parser): Expr {
  let left = parseConcat(p);
  for (;;) {
    const t = p.peek();
    if (t.kind === 'op') {
      const op = COMPARISON_OPS[t.value];
      if (op === undefined) return left;
      p.next();
      left = binary(op, left, parseConcat(p));
      continue;
    }
    if (t.kind !== 'word') return left;
    let not = false;
    let k = 0;
    if (t.upper === 'NOT') {
      const n = p.peek(1);
      if (n.kind !== 'word' || !['BETWEEN', 'IN', 'LIKE', 'SIMILAR', 'REGEXP', 'RLIKE'].includes(n.upper)) return left;
      not = true;
      k = 1;
    }
    const w = p.peek(k).upper;
    switch (w) {
      case 'IS': {
        if (not) return left;
        p.next();
        const isNot = p.acceptWord('NOT');
        if (p.isWord('DISTINCT')) {
          // a IS NOT DISTINCT FROM b → a <=> b; a IS DISTINCT FROM b → NOT (a <=> b)
          p.next();
          p.expectWord('FROM', 'after IS DISTINCT');
          const same = binary('<=>', left, parseConcat(p));
          left = isNot ? same : { kind: 'unary', op: 'NOT', operand: same, pos: left.pos };
          continue;
        }
        const test = p.peek();
        if (test.kind !== 'word' || !['NULL', 'TRUE', 'FALSE', 'UNKNOWN'].includes(test.upper)) {
          p.fail(`NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS${isNot ? ' NOT' : ''}`);
        }
        p.next();
        left = { kind: 'is', operand: left, test: test.upper as 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN', not: isNot, pos: left.pos };
        continue;
      }
      case 'BETWEEN': {
        if (not) p.next();
        p.next();
        let symmetric = false;
        if (p.acceptWord('SYMMETRIC')) symmetric = true;
        else p.acceptWord('ASYMMETRIC');
        const low = parseConcat(p);
        p.expectWord('AND', 'between the bounds of BETWEEN');
        const high = parseConcat(p);
        left = { kind: 'between', operand: left, low, high, not, symmetric, pos: left.pos };
        continue;
      }
      case 'IN': {
        if (not) p.next();
        p.next();
        p.expectOp('(', 'after IN');
        if (isQueryStart(p)) {
          const subquery = parseQuery(p);
          p.expectOp(')', 'to close the IN subquery');
          left = { kind: 'in', operand: left, list: null, subquery, not, pos: left.pos };
        } else {
          const list = parseExprList(p);
          p.expectOp(')', "or ',' in the IN list");
          left = { kind: 'in', operand: left, list, subquery: null, not, pos: left.pos };
        }
        continue;
      }
      case 'LIKE':
      case 'SIMILAR': {
        if (not) p.next();
        p.next();
        const similar = w === 'SIMILAR';
        if (similar) p.expectWord('TO', 'after SIMILAR');
        const pattern = parseConcat(p);
        let escape: Expr | null = null;
        if (p.acceptWord('ESCAPE')) escape = parseConcat(p);
        left = { kind: 'like', operand: left, pattern, escape, not, similar, pos: left.pos };
        continue;
      }
      case 'REGEXP':
      case 'RLIKE': {
        if (p.dialect !== 'starrocks') return left;
        const first = p.peek();
        if (not) p.next();
        p.next();
        const r = call('REGEXP', [left, parseConcat(p)], left.pos);
        left = not ? { kind: 'unary', op: 'NOT', operand: r, pos: p.pos(first) } : r;
        continue;
      }
      default:
        return left;
    }
  }
}

function parseConcat(p: Parser): Expr {
  let left = parseAdditive(p);
  while (p.dialect === 'flink' && p.isOp('||')) {
    p.next();
    left = binary('||', left, parseAdditive(p));
  }
  return left;
}

function parseAdditive(p: Parser): Expr {
  let left = parseMultiplicative(p);
  for (;;) {
    if (p.isOp('+') || p.isOp('-')) {
      const op = p.next().value as '+' | '-';
      left = binary(op, left, parseMultiplicative(p));
    } else {
      return left;
    }
  }
}

function parseMultiplicative(p: Parser): Expr {
  let left = parseUnary(p);
  for (;;) {
    if (p.isOp('*') || p.isOp('/') || p.isOp('%')) {
      const op = p.next().value as '*' | '/' | '%';
      left = binary(op, left, parseUnary(p));
    } else if (p.dialect === 'starrocks' && (p.isWord('DIV') || p.isWord('MOD'))) {
      const name = p.next().upper;
      left = call(name, [left, parseUnary(p)], left.pos);
    } else {
      return left;
    }
  }
}

function parseUnary(p: Parser): Expr {
  if (p.isOp('-') || p.isOp('+')) {
    const t = p.next();
    return { kind: 'unary', op: t.value as '-' | '+', operand: parseUnary(p), pos: p.pos(t) };
  }
  if (p.dialect === 'starrocks' && p.isOp('!')) {
    const t = p.next();
    return { kind: 'unary', op: 'NOT', operand: parseUnary(p), pos: p.pos(t) };
  }
  let e = parsePrimary(p);
  // arr[i], map['k'] → ITEM(arr, i)
  while (p.isOp('[')) {
    p.next();
    const index = parseExpr(p);
    p.expectOp(']', 'to close the [index]');
    e = call('ITEM', [e, index], e.pos);
  }
  return e;
}

/** Functions written without parentheses: `CURRENT_TIMESTAMP` → CURRENT_TIMESTAMP(). */
const NILADIC = new Set(['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIMESTAMP', 'LOCALTIME', 'CURRENT_USER']);

function parsePrimary(p: Parser): Expr {
  const t = p.peek();
  switch (t.kind) {
    case 'number':
      p.next();
      return { kind: 'number', text: t.value, pos: p.pos(t) };
    case 'string':
      p.next();
      return { kind: 'string', value: t.value, pos: p.pos(t) };
    case 'binary':
      p.next();
      return { kind: 'typed-literal', type: 'BINARY', value: t.value, pos: p.pos(t) };
    case 'variable':
      p.next();
      return { kind: 'identifier', parts: variableParts(t.value), pos: p.pos(t) };
    case 'quoted':
      return parseNameOrCall(p);
    case 'op':
      if (t.value === '?') {
        p.next();
        return { kind: 'parameter', index: p.paramCount++, pos: p.pos(t) };
      }
      if (t.value === '(') return parseParenthesized(p);
      if (t.value === '*') {
        p.fail('an expression', t, "'*' is only allowed as a select item or in COUNT(*).");
      }
      return p.fail('an expression');
    case 'word':
      return parseWordPrimary(p, t);
    default:
      return p.fail('an expression');
  }
}

/** `@@version_comment` → ['@@', 'version_comment']; `@@session.x` → ['@@session', 'x']; `@v` → ['@', 'v']. */
export function variableParts(text: string): string[] {
  const system = text.startsWith('@@');
  const prefix = system ? '@@' : '@';
  const rest = text.slice(prefix.length);
  if (system) {
    const dot = rest.indexOf('.');
    if (dot > 0) {
      const scope = rest.slice(0, dot).toLowerCase();
      if (scope === 'session' || scope === 'global' || scope === 'local') return [`@@${scope}`, rest.slice(dot + 1)];
    }
  }
  return [prefix, rest];
}

function parseParenthesized(p: Parser): Expr {
  const open = p.next();
  if (isQueryStart(p)) {
    const query = parseQuery(p);
    p.expectOp(')', 'to close the subquery');
    return { kind: 'subquery', query, pos: p.pos(open) };
  }
  const e = parseExpr(p);
  if (p.isOp(',')) {
    p.unsupported(open, 'row constructors like (a, b) are not supported', 'Compare the fields one by one: a = x AND b = y.');
  }
  p.expectOp(')', 'to close the parenthesis');
  return e;
}

function parseWordPrimary(p: Parser, t: Token): Expr {
  const up = t.upper;
  const next = p.peek(1);
  const callFollows = next.kind === 'op' && next.value === '(';
  switch (up) {
    case 'TRUE':
    case 'FALSE':
      p.next();
      return { kind: 'boolean', value: up === 'TRUE', pos: p.pos(t) };
    case 'NULL':
      p.next();
      return { kind: 'null', pos: p.pos(t) };
    case 'CASE':
      return parseCase(p);
    case 'EXISTS':
      if (callFollows) {
        p.next();
        p.next();
        if (!isQueryStart(p, true)) p.fail('a query (SELECT ...) after EXISTS (');
        const query = parseQuery(p);
        p.expectOp(')', 'to close EXISTS (...)');
        return { kind: 'exists', query, not: false, pos: p.pos(t) };
      }
      break;
    case 'CAST':
    case 'TRY_CAST':
      if (callFollows) return parseCast(p, t);
      break;
    case 'INTERVAL':
      if (next.kind === 'string' || next.kind === 'number' || (next.kind === 'op' && (next.value === '-' || next.value === '+'))) {
        return parseInterval(p, t);
      }
      break;
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      if (next.kind === 'string') {
        p.next();
        p.next();
        return { kind: 'typed-literal', type: up, value: next.value, pos: p.pos(t) };
      }
      break;
    case 'EXTRACT':
      if (callFollows) return parseExtract(p, t);
      break;
    case 'POSITION':
      if (callFollows && !isSimpleCall(p)) return parsePosition(p, t);
      break;
    case 'TRIM':
      if (callFollows) return parseTrim(p, t);
      break;
    case 'SUBSTRING':
    case 'SUBSTR':
    case 'OVERLAY':
      if (callFollows && !isSimpleCall(p)) return parseSubstringLike(p, t);
      break;
    default:
      if (NILADIC.has(up) && !callFollows) {
        p.next();
        return call(up, [], p.pos(t));
      }
  }
  if (isReserved(up, p.dialect) && !(callFollows && (RESERVED_FUNCTION_NAMES.has(up) || NILADIC.has(up)))) {
    p.fail('an expression');
  }
  return parseNameOrCall(p);
}

/**
 * True when the call at the cursor (`NAME (`) is an ordinary comma-separated call, i.e.
 * its first argument is followed by ',' or ')' at depth 0; false for the special forms
 * (`POSITION(a IN b)`, `SUBSTRING(s FROM 2)`).
 */
function isSimpleCall(p: Parser): boolean {
  let depth = 0;
  for (let k = 1; ; k++) {
    const t = p.peek(k);
    if (t.kind === 'eof') return true;
    if (t.kind === 'op') {
      if (t.value === '(') depth++;
      else if (t.value === ')') {
        depth--;
        if (depth === 0) return true;
      } else if (t.value === ',' && depth === 1) return true;
    } else if (t.kind === 'word' && depth === 1 && (t.upper === 'FROM' || t.upper === 'IN' || t.upper === 'PLACING' || t.upper === 'FOR')) {
      return false;
    }
  }
}

/** A column reference `a.b.c` or a function call `f(...)` / `db.f(...)`. */
function parseNameOrCall(p: Parser): Expr {
  const first = p.next();
  const parts = [first.value];
  while (p.isOp('.')) {
    const n = p.peek(1);
    if (n.kind === 'op' && n.value === '*') {
      p.next();
      p.fail('a name', n, "'t.*' is only allowed as a select item.");
    }
    if (n.kind !== 'word' && n.kind !== 'quoted') {
      p.next();
      p.fail("a name after '.'");
    }
    p.next();
    parts.push(p.next().value);
  }
  if (p.isOp('(')) return parseCallRest(p, parts, first);
  return { kind: 'identifier', parts, pos: p.pos(first) };
}

/** After `name`: `( [DISTINCT|ALL] args | * ) [FILTER (WHERE ...)] [OVER (...)]`. */
function parseCallRest(p: Parser, name: string[], first: Token): FunctionCall {
  p.expectOp('(');
  let distinct = false;
  if (p.acceptWord('DISTINCT')) distinct = true;
  else p.acceptWord('ALL');
  let star = false;
  let args: Expr[] = [];
  if (distinct && p.isOp(')')) p.fail('an expression after DISTINCT');
  if (p.isOp('*') && !distinct) {
    p.next();
    star = true;
  } else if (!p.isOp(')')) {
    args = parseExprList(p);
    // MySQL: GROUP_CONCAT(x SEPARATOR 's') → GROUP_CONCAT(x, 's').
    if (p.dialect === 'starrocks' && name.length === 1 && name[0]!.toUpperCase() === 'GROUP_CONCAT' && p.isWord('SEPARATOR')) {
      p.next();
      const sep = p.peek();
      args.push({ kind: 'string', value: p.string('a quoted separator after SEPARATOR'), pos: p.pos(sep) });
    }
  }
  p.expectOp(')', `or ',' in the arguments of ${name.join('.')}`);
  let filter: Expr | null = null;
  if (p.isWord('FILTER') && p.isOp('(', 1)) {
    p.next();
    p.next();
    p.expectWord('WHERE', 'after FILTER (');
    filter = parseExpr(p);
    p.expectOp(')', 'to close FILTER (WHERE ...)');
  }
  let over: WindowSpec | null = null;
  if (p.isWord('OVER')) {
    p.next();
    over = parseWindowSpec(p);
  }
  return { kind: 'call', name, args, distinct, star, filter, over, pos: p.pos(first) };
}

/** `( [PARTITION BY e, ...] [ORDER BY o, ...] )`; frames (ROWS/RANGE ...) are not supported. */
function parseWindowSpec(p: Parser): WindowSpec {
  const open = p.peek();
  if (!p.isOp('(')) {
    if (p.isIdentifier() && !p.isWord('PARTITION') && !p.isWord('ORDER')) p.unsupported(open, 'named windows (OVER w) are not supported', 'Write the window inline: OVER (PARTITION BY ... ORDER BY ...).');
    p.fail("'(' after OVER");
  }
  p.next();
  let partitionBy: Expr[] = [];
  let orderBy: OrderItem[] = [];
  if (p.isWord('PARTITION')) {
    p.next();
    p.expectWord('BY', 'after PARTITION');
    partitionBy = parseExprList(p);
  }
  if (p.isWord('ORDER')) {
    p.next();
    p.expectWord('BY', 'after ORDER');
    orderBy = parseOrderItems(p);
  }
  if (p.isWord('ROWS') || p.isWord('RANGE')) {
    p.unsupported(p.peek(), 'window frames (ROWS/RANGE ...) in OVER are not supported', 'Strata supports OVER (PARTITION BY ... ORDER BY ...) for ROW_NUMBER/RANK.');
  }
  p.expectOp(')', 'to close OVER (...)');
  return { partitionBy, orderBy, pos: p.pos(open) };
}

/** `e [ASC|DESC] [NULLS FIRST|LAST]` separated by commas. */
export function parseOrderItems(p: Parser): OrderItem[] {
  const out: OrderItem[] = [];
  do {
    const t = p.peek();
    const expr = parseExpr(p);
    let desc = false;
    if (p.acceptWord('DESC')) desc = true;
    else p.acceptWord('ASC');
    let nullsFirst: boolean | null = null;
    if (p.isWord('NULLS')) {
      p.next();
      if (p.acceptWord('FIRST')) nullsFirst = true;
      else if (p.acceptWord('LAST')) nullsFirst = false;
      else p.fail('FIRST or LAST after NULLS');
    }
    out.push({ expr, desc, nullsFirst, pos: p.pos(t) });
  } while (p.acceptOp(','));
  return out;
}

function parseCase(p: Parser): CaseExpr {
  const t = p.next();
  let operand: Expr | null = null;
  if (!p.isWord('WHEN')) operand = parseExpr(p);
  const whens: { when: Expr; then: Expr }[] = [];
  if (!p.isWord('WHEN')) p.fail('WHEN in CASE');
  while (p.acceptWord('WHEN')) {
    const when = parseExpr(p);
    p.expectWord('THEN', 'after the WHEN condition');
    whens.push({ when, then: parseExpr(p) });
  }
  let otherwise: Expr | null = null;
  if (p.acceptWord('ELSE')) otherwise = parseExpr(p);
  if (!p.isWord('END')) p.fail(whens.length > 0 && otherwise === null ? 'WHEN, ELSE or END in CASE' : 'END to close CASE');
  p.next();
  return { kind: 'case', operand, whens, otherwise, pos: p.pos(t) };
}

function parseCast(p: Parser, t: Token): Expr {
  p.next();
  p.next();
  const operand = parseExpr(p);
  p.expectWord('AS', `in ${t.upper}(value AS type)`);
  const type = parseDataType(p, `in ${t.upper}`);
  p.expectOp(')', `to close ${t.upper}(...)`);
  return { kind: 'cast', operand, type, tryCast: t.upper === 'TRY_CAST', pos: p.pos(t) };
}

type IntervalUnit = IntervalLiteral['unit'];

const INTERVAL_UNITS: Record<string, IntervalUnit> = {
  YEAR: 'YEAR',
  YEARS: 'YEAR',
  QUARTER: 'QUARTER',
  QUARTERS: 'QUARTER',
  MONTH: 'MONTH',
  MONTHS: 'MONTH',
  WEEK: 'WEEK',
  WEEKS: 'WEEK',
  DAY: 'DAY',
  DAYS: 'DAY',
  HOUR: 'HOUR',
  HOURS: 'HOUR',
  MINUTE: 'MINUTE',
  MINUTES: 'MINUTE',
  SECOND: 'SECOND',
  SECONDS: 'SECOND',
  MILLISECOND: 'MILLISECOND',
  MILLISECONDS: 'MILLISECOND',
  MICROSECOND: 'MICROSECOND',
  MICROSECONDS: 'MICROSECOND',
};

/** `INTERVAL [-]'5' SECOND`, `INTERVAL '10' MINUTES`; starrocks also `INTERVAL 1 DAY`. */
function parseInterval(p: Parser, t: Token): IntervalLiteral {
  p.next();
  let negative = false;
  if (p.isOp('-') || p.isOp('+')) negative = p.next().value === '-';
  const v = p.peek();
  if (v.kind !== 'string' && !(v.kind === 'number' && p.dialect === 'starrocks')) {
    p.fail(
      p.dialect === 'flink' ? "a quoted interval value like '5'" : 'an interval value',
      v,
      v.kind === 'number' ? `Flink writes the value in quotes: INTERVAL '${v.value}' ...` : undefined,
    );
  }
  p.next();
  const u = p.peek();
  const unit = u.kind === 'word' ? INTERVAL_UNITS[u.upper] : undefined;
  if (unit === undefined) p.fail('an interval unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR, ...)', u);
  p.next();
  if (p.isWord('TO')) {
    p.unsupported(
      p.peek(),
      `interval ranges like ${unit} TO ... are not supported`,
      `Write a single unit, e.g. INTERVAL '90' MINUTE or INTERVAL '1' ${unit}.`,
    );
  }
  return { kind: 'interval', value: v.value, unit, negative, pos: p.pos(t) };
}

/** `EXTRACT(unit FROM x)` → EXTRACT('UNIT', x). */
function parseExtract(p: Parser, t: Token): Expr {
  p.next();
  p.next();
  const u = p.peek();
  if (u.kind !== 'word') p.fail('a time unit (YEAR, MONTH, DAY, HOUR, ...) in EXTRACT');
  p.next();
  const unit: StringLiteral = { kind: 'string', value: INTERVAL_UNITS[u.upper] ?? u.upper, pos: p.pos(u) };
  p.expectWord('FROM', 'in EXTRACT(unit FROM value)');
  const x = parseExpr(p);
  p.expectOp(')', 'to close EXTRACT(...)');
  return call('EXTRACT', [unit, x], p.pos(t));
}

/** `POSITION(a IN b)` → POSITION(a, b). */
function parsePosition(p: Parser, t: Token): Expr {
  p.next();
  p.next();
  const needle = parseConcat(p);
  p.expectWord('IN', 'in POSITION(substring IN string)');
  const hay = parseExpr(p);
  p.expectOp(')', 'to close POSITION(...)');
  return call('POSITION', [needle, hay], p.pos(t));
}

/**
 * `TRIM([BOTH|LEADING|TRAILING] [chars] FROM s)` → TRIM('BOTH', chars, s) (chars default
 * ' '); plain `TRIM(s)` and `TRIM(s, chars)` stay ordinary calls.
 */
function parseTrim(p: Parser, t: Token): Expr {
  p.next();
  p.next();
  let mode = 'BOTH';
  let modeTok: Token | null = null;
  const m = p.peek();
  if (m.kind === 'word' && (m.upper === 'BOTH' || m.upper === 'LEADING' || m.upper === 'TRAILING')) {
    mode = m.upper;
    modeTok = p.next();
  }
  let chars: Expr | null = null;
  if (!p.isWord('FROM')) chars = parseExpr(p);
  if (p.acceptWord('FROM')) {
    const s = parseExpr(p);
    p.expectOp(')', 'to close TRIM(...)');
    const modePos = p.pos(modeTok ?? t);
    return call('TRIM', [{ kind: 'string', value: mode, pos: modePos }, chars ?? { kind: 'string', value: ' ', pos: modePos }, s], p.pos(t));
  }
  if (modeTok !== null || chars === null) p.fail('FROM in TRIM([BOTH|LEADING|TRAILING] [characters] FROM string)');
  const args: Expr[] = [chars];
  while (p.acceptOp(',')) args.push(parseExpr(p));
  p.expectOp(')', "or ',' in the arguments of TRIM");
  return call(t.value, args, p.pos(t));
}

/** `SUBSTRING(s FROM i [FOR n])` → SUBSTRING(s, i, n); `OVERLAY(s PLACING r FROM i [FOR n])` → OVERLAY(s, r, i, n). */
function parseSubstringLike(p: Parser, t: Token): Expr {
  p.next();
  p.next();
  const args: Expr[] = [parseExpr(p)];
  if (t.upper === 'OVERLAY') {
    p.expectWord('PLACING', 'in OVERLAY(string PLACING replacement FROM position)');
    args.push(parseExpr(p));
  }
  p.expectWord('FROM', `in ${t.upper}(string FROM position)`);
  args.push(parseExpr(p));
  if (p.acceptWord('FOR')) args.push(parseExpr(p));
  p.expectOp(')', `to close ${t.upper}(...)`);
  return call(t.upper === 'SUBSTR' ? 'SUBSTRING' : t.upper, args, p.pos(t));
}
