import { StrataError } from '../errors.js';
import { formatType, type SqlType } from '../types.js';
import { valueEquals, type Value } from '../values.js';
import type { FunctionContext } from './definition.js';
import { lookupFunction, resolveFunction } from './registry.js';

/**
 * Test support for the function families: evaluates one call on literal arguments, through
 * the registry exactly as the binder and the expression compiler use it. Every call is
 * compiled twice, once with its arguments known as constants (the precompiled path: LIKE
 * patterns, regexes, formats) and once with them unknown (the per-row path), and both
 * results must agree.
 */

export const UTC: FunctionContext = { timeZone: 'UTC' };

function compatible(given: SqlType, wanted: SqlType): boolean {
  if (given.kind === 'NULL') return true;
  if (given.kind === wanted.kind) return given.kind !== 'DECIMAL' || (given.scale === wanted.scale && given.precision === wanted.precision);
  const chars = (k: string): boolean => k === 'CHAR' || k === 'VARCHAR';
  return chars(given.kind) && chars(wanted.kind);
}

/** Evaluates `name(args...)`; each argument is a value with its type (already the type the function takes). */
export function call(name: string, args: readonly (readonly [Value, SqlType])[], ctx: FunctionContext = UTC): Value {
  const types = args.map((a) => a[1]);
  const values = args.map((a) => a[0]);
  const resolved = resolveFunction(name, types, values);
  resolved.argTypes.forEach((t, i) => {
    if (!compatible(types[i]!, t)) {
      throw new StrataError('INTERNAL', `test passes ${formatType(types[i]!)} to ${name} argument ${i}, which takes ${formatType(t)}`);
    }
  });
  const def = lookupFunction(name)!;
  const compile = (constants: readonly (Value | undefined)[]): Value =>
    def.compile({
      name: def.name,
      args: values.map((v) => () => v),
      argTypes: resolved.argTypes,
      resultType: resolved.resultType,
      constants,
      ctx,
      text: `${name}(...)`,
    })([]);
  const withConstants = compile(values);
  if (!resolved.deterministic) return withConstants;
  const perRow = compile(values.map(() => undefined));
  if (!(withConstants === perRow || (withConstants !== null && perRow !== null && valueEquals(withConstants, perRow)))) {
    throw new StrataError('INTERNAL', `${name}: constant path gave ${String(withConstants)}, per-row path gave ${String(perRow)}`);
  }
  return withConstants;
}

/** The result type of `name` on `types` (literal values optional). */
export function resultType(name: string, types: readonly SqlType[], literals: readonly (Value | undefined)[] = []): SqlType {
  return resolveFunction(name, types, literals).resultType;
}
