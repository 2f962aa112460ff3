import type { SqlType } from './types.js';
import type { Value } from './values.js';

/**
 * A bound, typed scalar expression: the contract between the SQL binder (which produces
 * it) and the engine (which compiles it to a function of a row). Every node carries its
 * result type; implicit casts are explicit `cast` nodes, so the engine never guesses.
 */
export type Expr = InputRef | Literal | Call | Cast | Case;

/** Field `index` of the input row. */
export interface InputRef {
  readonly kind: 'input';
  readonly index: number;
  readonly type: SqlType;
}

export interface Literal {
  readonly kind: 'literal';
  readonly value: Value;
  readonly type: SqlType;
}

/**
 * A built-in function by its registry name (upper case): operators are functions too
 * (`+`, `-`, `*`, `/`, `%`, `=`, `<>`, `<`, `<=`, `>`, `>=`, `AND`, `OR`, `NOT`,
 * `IS NULL`, `IS NOT NULL`, `IS TRUE`, `IS FALSE`, `LIKE`, `IN`, `NEGATE`, `||`),
 * and named functions (`UPPER`, `COALESCE`, `IF`, `DATE_FORMAT`, ...). Arguments have
 * already been cast to the types the function's signature asks for.
 */
export interface Call {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly type: SqlType;
}

/** CAST(arg AS type); `tryCast` gives NULL instead of failing (TRY_CAST). */
export interface Cast {
  readonly kind: 'cast';
  readonly arg: Expr;
  readonly type: SqlType;
  readonly tryCast: boolean;
}

/** Searched CASE: the first `when` that is TRUE picks its `then`; else `otherwise` (NULL when absent). */
export interface Case {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise: Expr | null;
  readonly type: SqlType;
}

export function inputRef(index: number, type: SqlType): InputRef {
  return { kind: 'input', index, type };
}

export function literal(value: Value, type: SqlType): Literal {
  return { kind: 'literal', value, type };
}

export function call(fn: string, args: readonly Expr[], type: SqlType): Call {
  return { kind: 'call', fn, args, type };
}

export function cast(arg: Expr, type: SqlType, tryCast = false): Cast {
  return { kind: 'cast', arg, type, tryCast };
}

/** Rewrites input references (used when the planner moves an expression over a new input). */
export function mapInputs(e: Expr, f: (index: number) => number): Expr {
  switch (e.kind) {
    case 'input':
      return { kind: 'input', index: f(e.index), type: e.type };
    case 'literal':
      return e;
    case 'call':
      return { kind: 'call', fn: e.fn, args: e.args.map((a) => mapInputs(a, f)), type: e.type };
    case 'cast':
      return { kind: 'cast', arg: mapInputs(e.arg, f), type: e.type, tryCast: e.tryCast };
    case 'case':
      return {
        kind: 'case',
        whens: e.whens.map((w) => ({ when: mapInputs(w.when, f), then: mapInputs(w.then, f) })),
        otherwise: e.otherwise === null ? null : mapInputs(e.otherwise, f),
        type: e.type,
      };
  }
}

/** Every input index the expression reads. */
export function collectInputs(e: Expr, into: Set<number> = new Set()): Set<number> {
  switch (e.kind) {
    case 'input':
      into.add(e.index);
      break;
    case 'literal':
      break;
    case 'call':
      for (const a of e.args) collectInputs(a, into);
      break;
    case 'cast':
      collectInputs(e.arg, into);
      break;
    case 'case':
      for (const w of e.whens) {
        collectInputs(w.when, into);
        collectInputs(w.then, into);
      }
      if (e.otherwise !== null) collectInputs(e.otherwise, into);
      break;
  }
  return into;
}
