import { StrataError } from '../errors.js';
import { formatType, MAX_LENGTH, T, withNullability, type SqlType } from '../types.js';
import type { Row, Value } from '../values.js';

/**
 * What every built-in scalar function is made of: a type rule (used by the binder through
 * registry.ts) and a compiler that turns already-compiled argument evaluators into one
 * evaluator specialized for the argument types (used by engine/expr/compile.ts).
 *
 * Both halves live side by side so that a function's types and its behaviour cannot drift.
 */

/** A compiled expression: the value of the expression for one input row. */
export type Evaluator = (row: Row) => Value;

/** Session settings a function may depend on. */
export interface FunctionContext {
  /** IANA zone name or a fixed offset such as '+08:00' (the session's table.local-time-zone). */
  readonly timeZone: string;
}

/** What a function's compiler receives. Argument evaluators already produce values of `argTypes`. */
export interface CompileInput {
  /** Registry name (upper case). */
  readonly name: string;
  readonly args: readonly Evaluator[];
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
  /** The value of each argument when it is a compile-time constant; `undefined` otherwise. */
  readonly constants: readonly (Value | undefined)[];
  readonly ctx: FunctionContext;
  /** Printable form of the call (for runtime error messages). */
  readonly text: string;
}

/** The outcome of a successful type check: argument types to cast to, and the result type. */
export interface Resolution {
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
}

export interface FunctionDefinition {
  /** Registry name, upper case. */
  readonly name: string;
  /** Other names that resolve to this definition (upper case). */
  readonly aliases?: readonly string[];
  /** Human-readable accepted signatures, for error messages: `UPPER(STRING)`. */
  readonly signatures: readonly string[];
  /** False for functions whose value may change between calls with equal arguments (RAND, NOW, UUID). */
  readonly deterministic: boolean;
  /**
   * Type check. `literals[i]` is the value of argument i when it is a literal, else undefined
   * (lets ROUND(x, 2) or TIMESTAMPADD('HOUR', ...) pick a precise result type).
   * Returns null when the arguments do not fit any signature, or a string saying why not.
   */
  resolve(argTypes: readonly SqlType[], literals: readonly (Value | undefined)[]): Resolution | string | null;
  compile(input: CompileInput): Evaluator;
}

// ---------------------------------------------------------------------------
// Type helpers for resolve()
// ---------------------------------------------------------------------------

export function anyNullable(types: readonly SqlType[]): boolean {
  for (const t of types) if (t.nullable) return true;
  return false;
}

/** `type` with the nullability of `like` (NULL-typed arguments count as nullable). */
export function as(type: SqlType, like: SqlType): SqlType {
  return withNullability(type, like.nullable || like.kind === 'NULL');
}

/** Character argument: CHAR/VARCHAR stay as they are; NULL becomes STRING. */
export function stringArg(t: SqlType): SqlType | null {
  if (t.kind === 'CHAR' || t.kind === 'VARCHAR') return t;
  if (t.kind === 'NULL') return T.string();
  return null;
}

/** Binary argument: BINARY/VARBINARY as they are; NULL becomes BYTES. */
export function binaryArg(t: SqlType): SqlType | null {
  if (t.kind === 'BINARY' || t.kind === 'VARBINARY') return t;
  if (t.kind === 'NULL') return T.bytes();
  return null;
}

/** Integer argument (Flink's INTEGER family) passed as INT: TINYINT/SMALLINT/INT/BIGINT/NULL. */
export function intArg(t: SqlType): SqlType | null {
  switch (t.kind) {
    case 'INT':
      return t;
    case 'TINYINT':
    case 'SMALLINT':
    case 'BIGINT':
    case 'NULL':
      return as(T.int(), t);
    default:
      return null;
  }
}

/** Integer argument passed as BIGINT. */
export function bigintArg(t: SqlType): SqlType | null {
  switch (t.kind) {
    case 'BIGINT':
      return t;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'NULL':
      return as(T.bigint(), t);
    default:
      return null;
  }
}

/** Numeric argument passed as DOUBLE. */
export function doubleArg(t: SqlType): SqlType | null {
  switch (t.kind) {
    case 'DOUBLE':
      return t;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DECIMAL':
    case 'NULL':
      return as(T.double(), t);
    default:
      return null;
  }
}

/** Numeric argument kept as it is (NULL becomes INT). */
export function numericArg(t: SqlType): SqlType | null {
  switch (t.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return t;
    case 'NULL':
      return T.int();
    default:
      return null;
  }
}

export function booleanArg(t: SqlType): SqlType | null {
  if (t.kind === 'BOOLEAN') return t;
  if (t.kind === 'NULL') return T.boolean();
  return null;
}

/** Maps each argument with `f`; null when any does not fit. */
export function mapArgs(types: readonly SqlType[], f: readonly ((t: SqlType) => SqlType | null)[]): SqlType[] | null {
  if (types.length !== f.length) return null;
  const out: SqlType[] = [];
  for (let i = 0; i < types.length; i++) {
    const r = f[i]!(types[i]!);
    if (r === null) return null;
    out.push(r);
  }
  return out;
}

/** VARCHAR of the length of a character type (STRING when unknown). */
export function varcharLike(t: SqlType, nullable: boolean): SqlType {
  if (t.kind === 'CHAR' || t.kind === 'VARCHAR') return T.varchar(t.precision ?? MAX_LENGTH, nullable);
  return T.string(nullable);
}

/** Upper-case string value of a literal, or undefined when it is not a string literal. */
export function literalText(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v.trim().toUpperCase() : undefined;
}

export function typeList(types: readonly SqlType[]): string {
  const parts = types.map((t) => formatType(withNullability(t, true)));
  return parts.length === 1 ? parts[0]! : `(${parts.join(', ')})`;
}

// ---------------------------------------------------------------------------
// Evaluator builders for compile(): null-propagating closures
// ---------------------------------------------------------------------------

/** f(a), NULL when a is NULL. */
export function strict1(f0: Evaluator, fn: (a: never) => Value): Evaluator {
  const g = fn as (a: Value) => Value;
  return (r) => {
    const a = f0(r);
    return a === null ? null : g(a);
  };
}

/** f(a, b), NULL when either is NULL. */
export function strict2(f0: Evaluator, f1: Evaluator, fn: (a: never, b: never) => Value): Evaluator {
  const g = fn as (a: Value, b: Value) => Value;
  return (r) => {
    const a = f0(r);
    if (a === null) return null;
    const b = f1(r);
    if (b === null) return null;
    return g(a, b);
  };
}

/** f(a, b, c), NULL when any is NULL. */
export function strict3(f0: Evaluator, f1: Evaluator, f2: Evaluator, fn: (a: never, b: never, c: never) => Value): Evaluator {
  const g = fn as (a: Value, b: Value, c: Value) => Value;
  return (r) => {
    const a = f0(r);
    if (a === null) return null;
    const b = f1(r);
    if (b === null) return null;
    const c = f2(r);
    if (c === null) return null;
    return g(a, b, c);
  };
}

/** f(a, b, c, d), NULL when any is NULL. */
export function strict4(
  f0: Evaluator,
  f1: Evaluator,
  f2: Evaluator,
  f3: Evaluator,
  fn: (a: never, b: never, c: never, d: never) => Value,
): Evaluator {
  const g = fn as (a: Value, b: Value, c: Value, d: Value) => Value;
  return (r) => {
    const a = f0(r);
    if (a === null) return null;
    const b = f1(r);
    if (b === null) return null;
    const c = f2(r);
    if (c === null) return null;
    const d = f3(r);
    if (d === null) return null;
    return g(a, b, c, d);
  };
}

/** A RUNTIME error raised while evaluating `text`. */
export function runtimeError(message: string, hint?: string): StrataError {
  return new StrataError('RUNTIME', message, hint === undefined ? {} : { hint });
}

/** Bad internal state (a type the resolver never produces). */
export function unsupported(name: string, types: readonly SqlType[]): StrataError {
  return new StrataError('INTERNAL', `no implementation of ${name} for ${typeList(types)}`);
}
