import { commonType, comparisonTypes } from '../coercion.js';
import { Decimal } from '../decimal.js';
import { isCharacter, isNumeric, T, withNullability, type SqlType } from '../types.js';
import type { Value } from '../values.js';
import { booleanArg, type FunctionDefinition, type Resolution } from './definition.js';
import { parseDoubleText } from './numeric-text.js';
import { comparatorForType, sqlEquals } from './operators.js';

/**
 * Conditional functions: COALESCE, IF, IFNULL, NULLIF, GREATEST, LEAST, and the
 * IS_DECIMAL / IS_DIGIT / IS_ALPHA tests. Arguments are cast to their common type
 * (Flink's least restrictive type), so one evaluator shape serves every type.
 */

/** Every argument cast to the common type (each keeping its nullability). */
function unify(types: readonly SqlType[]): SqlType[] | null {
  const c = commonType(types);
  if (c === null) return null;
  const target = c.kind === 'NULL' ? T.string() : c;
  return types.map((t) => withNullability(target, t.nullable || t.kind === 'NULL'));
}

const COALESCE: FunctionDefinition = {
  name: 'COALESCE',
  signatures: ['COALESCE(T, T, ...)'],
  deterministic: true,
  resolve(types): Resolution | null {
    if (types.length < 1) return null;
    const args = unify(types);
    if (args === null) return null;
    const nullable = args.every((t) => t.nullable);
    return { argTypes: args, resultType: withNullability(args[0]!, nullable) };
  },
  compile(input) {
    const args = input.args;
    if (args.length === 1) return args[0]!;
    if (args.length === 2) {
      const fa = args[0]!;
      const fb = args[1]!;
      return (r) => {
        const a = fa(r);
        return a !== null ? a : fb(r);
      };
    }
    const n = args.length;
    return (r) => {
      for (let i = 0; i < n; i++) {
        const v = args[i]!(r);
        if (v !== null) return v;
      }
      return null;
    };
  },
};

const IF: FunctionDefinition = {
  name: 'IF',
  signatures: ['IF(BOOLEAN, T, T)'],
  deterministic: true,
  resolve(types) {
    if (types.length !== 3) return null;
    const cond = booleanArg(types[0]!);
    if (cond === null) return null;
    const branches = unify(types.slice(1));
    if (branches === null) return null;
    const nullable = branches[0]!.nullable || branches[1]!.nullable;
    return { argTypes: [cond, ...branches], resultType: withNullability(branches[0]!, nullable) };
  },
  compile(input) {
    const fc = input.args[0]!;
    const fa = input.args[1]!;
    const fb = input.args[2]!;
    return (r) => (fc(r) === true ? fa(r) : fb(r));
  },
};

const IFNULL: FunctionDefinition = {
  name: 'IFNULL',
  signatures: ['IFNULL(T, T)'],
  deterministic: true,
  resolve(types) {
    if (types.length !== 2) return null;
    const args = unify(types);
    if (args === null) return null;
    return { argTypes: args, resultType: withNullability(args[0]!, args[1]!.nullable) };
  },
  compile: COALESCE.compile,
};

const NULLIF: FunctionDefinition = {
  name: 'NULLIF',
  signatures: ['NULLIF(T, T)'],
  deterministic: true,
  resolve(types) {
    if (types.length !== 2) return null;
    const args = comparisonTypes(types);
    if (args === null) return null;
    const first = args[0]!.kind === 'NULL' ? T.string() : args[0]!;
    return { argTypes: args, resultType: withNullability(first, true) };
  },
  compile(input) {
    const fa = input.args[0]!;
    const fb = input.args[1]!;
    return (r) => {
      const a = fa(r);
      if (a === null) return null;
      const b = fb(r);
      return b !== null && sqlEquals(a, b) ? null : a;
    };
  },
};

function extreme(name: string, greatest: boolean): FunctionDefinition {
  return {
    name,
    signatures: [`${name}(T, T, ...)`],
    deterministic: true,
    resolve(types) {
      if (types.length < 1) return null;
      const args = unify(types);
      if (args === null) return null;
      const nullable = args.some((t) => t.nullable);
      return { argTypes: args, resultType: withNullability(args[0]!, nullable) };
    },
    compile(input) {
      const args = input.args;
      const n = args.length;
      const cmp = comparatorForType(input.resultType);
      return (r) => {
        let best: Value = args[0]!(r);
        if (best === null) return null;
        for (let i = 1; i < n; i++) {
          const v = args[i]!(r);
          if (v === null) return null;
          const c = cmp(v, best);
          if (greatest ? c > 0 : c < 0) best = v;
        }
        return best;
      };
    },
  };
}

function valueTest(name: string, test: (v: Value, t: SqlType) => boolean): FunctionDefinition {
  return {
    name,
    signatures: [`${name}(STRING)`, `${name}(NUMERIC)`],
    deterministic: true,
    resolve(types) {
      if (types.length !== 1) return null;
      const t = types[0]!;
      if (!isCharacter(t) && !isNumeric(t) && t.kind !== 'NULL') return null;
      return { argTypes: [t], resultType: T.boolean(false) };
    },
    compile(input) {
      const f = input.args[0]!;
      const t = input.argTypes[0]!;
      return (r) => {
        const v = f(r);
        return v === null ? false : test(v, t);
      };
    },
  };
}

const DIGITS = /^\d+$/u;
const LETTERS = /^\p{L}+$/u;

export const CONDITIONAL_FUNCTIONS: readonly FunctionDefinition[] = [
  COALESCE,
  IF,
  IFNULL,
  NULLIF,
  extreme('GREATEST', true),
  extreme('LEAST', false),
  valueTest('IS_DECIMAL', (v) => (typeof v === 'string' ? v !== '' && parseDoubleText(v) !== null && v.trim() === v : true)),
  valueTest('IS_DIGIT', (v, t) => (typeof v === 'string' ? DIGITS.test(v) : t.kind !== 'DECIMAL' && t.kind !== 'FLOAT' && t.kind !== 'DOUBLE' && !(v instanceof Decimal))),
  valueTest('IS_ALPHA', (v) => typeof v === 'string' && LETTERS.test(v)),
];
