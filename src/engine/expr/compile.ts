import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import type { Expr } from '../../core/expr.js';
import { lookupFunction } from '../../core/functions/registry.js';
import type { RowKind } from '../../core/row-kind.js';
import { formatType, withNullability } from '../../core/types.js';
import { formatValue, type Row, type Value } from '../../core/values.js';
import { compileCast } from './cast.js';

/**
 * The expression compiler: turns a bound Expr into a closure over a row, once.
 *
 * - Input references compile to `(r) => r[i]`; literals to constants.
 * - Each call is compiled by its function definition (src/core/functions), which picks an
 *   implementation specialized for the argument types, so nothing switches on types per row.
 * - Deterministic subtrees whose inputs are all constants are evaluated once (constant
 *   folding). A subtree that fails while folding (1 / 0) is left to fail per row instead,
 *   so a filter that never sees a row never fails.
 * - Constant arguments are handed to functions so they can precompile (LIKE patterns,
 *   regular expressions, date formats, IN lists as hash sets).
 * - Evaluation errors are StrataErrors with code RUNTIME (division by zero, bad CAST).
 */

export interface EvalContext {
  /** IANA zone name or an offset such as '+08:00': the session's table.local-time-zone. */
  readonly timeZone: string;
}

export type Evaluator = (row: Row) => Value;

const DEFAULT_CONTEXT: EvalContext = { timeZone: 'UTC' };
const EMPTY_ROW: Row = [];

interface Compiled {
  readonly fn: Evaluator;
  readonly constant: boolean;
  readonly value: Value;
}

function constantOf(v: Value): Compiled {
  return { fn: () => v, constant: true, value: v };
}

function dynamic(fn: Evaluator): Compiled {
  return { fn, constant: false, value: null };
}

/** Evaluates a constant subtree now; keeps it dynamic if evaluation fails. */
function fold(fn: Evaluator): Compiled {
  try {
    return constantOf(fn(EMPTY_ROW));
  } catch {
    return dynamic(fn);
  }
}

function compileNode(e: Expr, ctx: EvalContext): Compiled {
  switch (e.kind) {
    case 'input': {
      const i = e.index;
      return dynamic((r) => r[i] as Value);
    }
    case 'literal':
      return constantOf(e.value);
    case 'cast': {
      const arg = compileNode(e.arg, ctx);
      const fn = compileCast(arg.fn, e.arg.type, e.type, e.tryCast, ctx);
      return arg.constant ? fold(fn) : dynamic(fn);
    }
    case 'call': {
      const def = lookupFunction(e.fn);
      if (def === undefined) throw new StrataError('SQL_VALIDATION', `unknown function '${e.fn}'`);
      const args = e.args.map((a) => compileNode(a, ctx));
      const fn = def.compile({
        name: def.name,
        args: args.map((a) => a.fn),
        argTypes: e.args.map((a) => a.type),
        resultType: e.type,
        constants: args.map((a) => (a.constant ? a.value : undefined)),
        ctx,
        text: exprText(e),
      });
      return def.deterministic && args.every((a) => a.constant) ? fold(fn) : dynamic(fn);
    }
    case 'case':
      return compileCase(e, ctx);
  }
}

function compileCase(e: Extract<Expr, { kind: 'case' }>, ctx: EvalContext): Compiled {
  const conds: Evaluator[] = [];
  const thens: Compiled[] = [];
  let otherwise: Compiled = e.otherwise === null ? constantOf(null) : compileNode(e.otherwise, ctx);
  for (const w of e.whens) {
    const c = compileNode(w.when, ctx);
    if (c.constant) {
      if (c.value !== true) continue; // never taken
      // Always taken: later branches are dead.
      otherwise = compileNode(w.then, ctx);
      break;
    }
    conds.push(c.fn);
    thens.push(compileNode(w.then, ctx));
  }
  const n = conds.length;
  if (n === 0) return otherwise;
  const other = otherwise.fn;
  const thenFns = thens.map((t) => t.fn);
  if (n === 1) {
    const c0 = conds[0]!;
    const t0 = thenFns[0]!;
    return dynamic((r) => (c0(r) === true ? t0(r) : other(r)));
  }
  if (n === 2) {
    const c0 = conds[0]!;
    const t0 = thenFns[0]!;
    const c1 = conds[1]!;
    const t1 = thenFns[1]!;
    return dynamic((r) => (c0(r) === true ? t0(r) : c1(r) === true ? t1(r) : other(r)));
  }
  return dynamic((r) => {
    for (let i = 0; i < n; i++) if (conds[i]!(r) === true) return thenFns[i]!(r);
    return other(r);
  });
}

/** Compiles an expression to a function of a row. */
export function compileExpr(e: Expr, ctx: EvalContext = DEFAULT_CONTEXT): Evaluator {
  return compileNode(e, ctx).fn;
}

/** A filter: true only when the expression is TRUE (NULL and FALSE reject). */
export function compilePredicate(e: Expr, ctx: EvalContext = DEFAULT_CONTEXT): (row: Row) => boolean {
  const c = compileNode(e, ctx);
  if (c.constant) {
    const keep = c.value === true;
    return () => keep;
  }
  const f = c.fn;
  return (r) => f(r) === true;
}

/**
 * Projection and filter in one step: the condition (over the input row) first, then one
 * output field per projection. Returns null when the row is filtered out. When the
 * projections are exactly the input fields in order, the input row itself is returned.
 */
export function compileCalc(
  projections: readonly Expr[],
  condition: Expr | null,
  ctx: EvalContext = DEFAULT_CONTEXT,
): (row: Row) => Row | null {
  const pred = condition === null ? null : compilePredicate(condition, ctx);
  const n = projections.length;
  const allInputs = projections.every((p) => p.kind === 'input');
  if (allInputs) {
    const idx = projections.map((p) => (p as Extract<Expr, { kind: 'input' }>).index);
    const identity = idx.every((v, i) => v === i);
    if (identity) {
      if (pred === null) return (row) => (row.length === n ? row : row.slice(0, n));
      return (row) => (pred(row) ? (row.length === n ? row : row.slice(0, n)) : null);
    }
    return (row) => {
      if (pred !== null && !pred(row)) return null;
      const out = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = row[idx[i]!] as Value;
      return out;
    };
  }
  const fns = projections.map((p) => compileExpr(p, ctx));
  return (row) => {
    if (pred !== null && !pred(row)) return null;
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = fns[i]!(row);
    return out;
  };
}

/**
 * A whole Calc over a batch: appends to `outKinds`/`outRows` the kind and projected row
 * of every change whose row passes the condition, in order.
 */
export type CalcBatch = (kinds: readonly RowKind[], rows: readonly Row[], outKinds: RowKind[], outRows: Row[]) => void;

/**
 * `compileCalc` as one generated loop over a batch (same rows, same order, same
 * evaluation order, same errors): input fields are read straight from the row, constants
 * are bound once, and every other expression calls its compiled closure. The generated
 * source holds only field indices and slot names, never a value from the query.
 */
export function compileCalcBatch(
  projections: readonly Expr[],
  condition: Expr | null,
  ctx: EvalContext = DEFAULT_CONTEXT,
): CalcBatch {
  const names: string[] = [];
  const slots: unknown[] = [];
  const bind = (prefix: string, v: unknown): string => {
    const name = `${prefix}${slots.length}`;
    names.push(name);
    slots.push(v);
    return name;
  };
  let test = '';
  if (condition !== null) {
    const c = compileNode(condition, ctx);
    if (c.constant) {
      // Constant: every row passes or none does (nothing is evaluated for a row).
      if (c.value !== true) return () => {};
    } else {
      test = `if (${bind('p', c.fn)}(r) !== true) continue;`;
    }
  }
  const n = projections.length;
  let project: string;
  if (projections.every((p, i) => p.kind === 'input' && p.index === i)) {
    project = `r.length === ${n} ? r : r.slice(0, ${n})`;
  } else {
    const fields = projections.map((p) => {
      if (p.kind === 'input' && Number.isSafeInteger(p.index) && p.index >= 0) return `r[${p.index}]`;
      const c = compileNode(p, ctx);
      return c.constant ? bind('k', c.value) : `${bind('f', c.fn)}(r)`;
    });
    project = `[${fields.join(', ')}]`;
  }
  const body =
    `'use strict';\n` +
    `return function calcBatch(kinds, rows, outKinds, outRows) {\n` +
    `  for (let i = 0; i < rows.length; i++) {\n` +
    `    const r = rows[i];\n` +
    (test === '' ? '' : `    ${test}\n`) +
    `    outKinds.push(kinds[i]);\n` +
    `    outRows.push(${project});\n` +
    `  }\n` +
    `};`;
  const make = new Function(...names, body) as (...slots: unknown[]) => CalcBatch;
  return make(...slots);
}

// ---------------------------------------------------------------------------
// Printing, for error messages
// ---------------------------------------------------------------------------

const INFIX = new Set(['+', '-', '*', '/', '%', '=', '<>', '<', '<=', '>', '>=', 'AND', 'OR', '||', 'LIKE', 'SIMILAR TO', 'IS NOT DISTINCT FROM', 'IS DISTINCT FROM']);
const POSTFIX = new Set(['IS NULL', 'IS NOT NULL', 'IS TRUE', 'IS NOT TRUE', 'IS FALSE', 'IS NOT FALSE', 'IS UNKNOWN', 'IS NOT UNKNOWN']);
const MAX_TEXT = 200;

function literalText(v: Value, e: Extract<Expr, { kind: 'literal' }>): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (v instanceof Decimal) return v.toString();
  return formatValue(v, e.type) ?? 'NULL';
}

/** SQL-like text of an expression; input fields print as $0, $1, ... */
export function exprText(e: Expr): string {
  const s = textOf(e);
  return s.length > MAX_TEXT ? s.slice(0, MAX_TEXT - 3) + '...' : s;
}

function textOf(e: Expr): string {
  switch (e.kind) {
    case 'input':
      return `$${e.index}`;
    case 'literal':
      return literalText(e.value, e);
    case 'cast':
      return `${e.tryCast ? 'TRY_CAST' : 'CAST'}(${textOf(e.arg)} AS ${formatType(withNullability(e.type, true))})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${textOf(w.when)} THEN ${textOf(w.then)}`).join(' ')}${e.otherwise === null ? '' : ` ELSE ${textOf(e.otherwise)}`} END`;
    case 'call': {
      const a = e.args.map(textOf);
      if (INFIX.has(e.fn) && a.length === 2) return `${a[0]} ${e.fn} ${a[1]}`;
      if (POSTFIX.has(e.fn) && a.length === 1) return `${a[0]} ${e.fn}`;
      if (e.fn === 'NEGATE' && a.length === 1) return `-${a[0]}`;
      if (e.fn === 'NOT' && a.length === 1) return `NOT ${a[0]}`;
      if (e.fn === 'IN' && a.length >= 1) return `${a[0]} IN (${a.slice(1).join(', ')})`;
      return `${e.fn}(${a.join(', ')})`;
    }
  }
}
