import { closestMatch } from '../suggest.js';
import { StrataError } from '../errors.js';
import type { SqlType } from '../types.js';
import type { Value } from '../values.js';
import { CONDITIONAL_FUNCTIONS } from './conditional.js';
import { typeList, type FunctionDefinition } from './definition.js';
import { JSON_FUNCTIONS } from './json.js';
import { MATH_FUNCTIONS } from './math.js';
import { OPERATORS } from './operators.js';
import { STRING_FUNCTIONS } from './string.js';
import { TEMPORAL_FUNCTIONS } from './temporal.js';

/**
 * The registry of built-in scalar functions and operators: the binder resolves calls here
 * (types), and the engine's expression compiler looks up the same definitions (behaviour).
 * Names are case-insensitive; the registry name is upper case.
 */

export interface ResolvedFunction {
  /** The types the arguments must be cast to (the binder inserts casts where they differ). */
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
  /** False for RAND, UUID, NOW, ...: never constant-folded, may differ between calls. */
  readonly deterministic: boolean;
}

const byName = new Map<string, FunctionDefinition>();
const names: string[] = [];

function register(defs: readonly FunctionDefinition[]): void {
  for (const def of defs) {
    for (const n of [def.name, ...(def.aliases ?? [])]) {
      if (byName.has(n)) throw new StrataError('INTERNAL', `function ${n} registered twice`);
      byName.set(n, def);
      names.push(n);
    }
  }
}

register(OPERATORS);
register(CONDITIONAL_FUNCTIONS);
register(MATH_FUNCTIONS);
register(STRING_FUNCTIONS);
register(TEMPORAL_FUNCTIONS);
register(JSON_FUNCTIONS);

/** The definition of `name` (any case, aliases included), or undefined. */
export function lookupFunction(name: string): FunctionDefinition | undefined {
  return byName.get(name.toUpperCase()) ?? byName.get(name.trim().toUpperCase().replace(/\s+/g, ' '));
}

export function isScalarFunction(name: string): boolean {
  return lookupFunction(name) !== undefined;
}

/** All registered names (aliases included), sorted, for SHOW FUNCTIONS. */
export function listFunctions(): string[] {
  return [...names].sort();
}

/** The closest registered named function, when it is close enough to be a likely typo. */
function suggest(name: string): string | null {
  const named = [...names].filter((n) => /^[A-Z]/.test(n));
  return closestMatch(name, named, { limit: (w) => (w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3) }) ?? null;
}

/**
 * Resolves a scalar function or operator call by name and argument types. `literals[i]` is
 * the value of argument i when it is a literal (optional; lets ROUND(x, 2), EXTRACT('DAY', x)
 * and TIMESTAMPADD('HOUR', ...) pick exact result types and check their units early).
 * Throws StrataError('SQL_VALIDATION') without location when the name is unknown or the
 * arguments do not fit.
 */
export function resolveFunction(
  name: string,
  argTypes: readonly SqlType[],
  literals: readonly (Value | undefined)[] = [],
): ResolvedFunction {
  const upper = name.trim().toUpperCase();
  const def = lookupFunction(upper);
  if (def === undefined) {
    const s = suggest(upper);
    throw new StrataError('SQL_VALIDATION', `unknown function '${upper}'${s === null ? '' : `; did you mean '${s}'?`}`);
  }
  const lits = argTypes.map((_, i) => literals[i]);
  const r = def.resolve(argTypes, lits);
  if (r === null) {
    throw new StrataError(
      'SQL_VALIDATION',
      `cannot apply ${upper} to ${argTypes.length === 0 ? '()' : typeList(argTypes)}; expected ${def.signatures.join(' or ')}`,
    );
  }
  if (typeof r === 'string') throw new StrataError('SQL_VALIDATION', r);
  return { argTypes: r.argTypes, resultType: r.resultType, deterministic: def.deterministic };
}
