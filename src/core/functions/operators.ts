import { comparisonTypes } from '../coercion.js';
import { Decimal } from '../decimal.js';
import {
  isBinary,
  isCharacter,
  isIntegral,
  isNumeric,
  MAX_LENGTH,
  T,
  withNullability,
  type SqlType,
} from '../types.js';
import { keyOfValue, type Key, type Value } from '../values.js';
import { additionType, divisionType, moduloType, multiplicationType } from './decimal-types.js';
import {
  anyNullable,
  booleanArg,
  runtimeError,
  stringArg,
  unsupported,
  type CompileInput,
  type Evaluator,
  type FunctionDefinition,
  type Resolution,
} from './definition.js';
import { fitDecimal, wrapSmallint, wrapTinyint } from './numeric-text.js';
import { likeMatcher, similarMatcher } from './pattern.js';

/**
 * Operators: arithmetic (+ - * / % NEGATE), comparisons (= <> < <= > >=,
 * IS [NOT] DISTINCT FROM), three-valued logic (AND OR NOT, IS [NOT] TRUE/FALSE/NULL/UNKNOWN),
 * IN, LIKE, SIMILAR TO and ||.
 *
 * Arithmetic follows Flink: integer operands give the wider integer type and wrap around
 * on overflow like Java (INT: 2147483647 + 1 = -2147483648); integer `/` truncates toward
 * zero (7 / 2 = 3); integer or DECIMAL division or modulo by zero is a RUNTIME error;
 * FLOAT/DOUBLE follow IEEE 754 (1.0 / 0 = Infinity); DECIMAL results have Flink's derived
 * precision and scale and are NULL when they overflow it.
 */

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

type ArithOp = '+' | '-' | '*' | '/' | '%';

const INTEGRAL_RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };

/** NULL operands take the other operand's type. */
function fillNull(a: SqlType, b: SqlType): [SqlType, SqlType] {
  if (a.kind === 'NULL' && b.kind === 'NULL') return [T.int(), T.int()];
  if (a.kind === 'NULL') return [withNullability(b, true), b];
  if (b.kind === 'NULL') return [a, withNullability(a, true)];
  return [a, b];
}

function resolveArithmetic(op: ArithOp, types: readonly SqlType[]): Resolution | null {
  if (types.length !== 2) return null;
  const [a, b] = fillNull(types[0]!, types[1]!);
  if (!isNumeric(a) || !isNumeric(b)) return null;
  const nullable = a.nullable || b.nullable;
  if (isIntegral(a) && isIntegral(b)) {
    const r = withNullability(INTEGRAL_RANK[a.kind]! >= INTEGRAL_RANK[b.kind]! ? a : b, nullable);
    return { argTypes: [withNullability(r, a.nullable), withNullability(r, b.nullable)], resultType: r };
  }
  if (a.kind === 'FLOAT' || a.kind === 'DOUBLE' || b.kind === 'FLOAT' || b.kind === 'DOUBLE') {
    const dbl = a.kind === 'DOUBLE' || b.kind === 'DOUBLE' || a.kind === 'DECIMAL' || b.kind === 'DECIMAL';
    const r = dbl ? T.double(nullable) : T.float(nullable);
    return { argTypes: [withNullability(r, a.nullable), withNullability(r, b.nullable)], resultType: r };
  }
  // Exact with at least one DECIMAL: integers become DECIMAL(3|5|10|19, 0).
  const da = a.kind === 'DECIMAL' ? a : asDecimalType(a);
  const db = b.kind === 'DECIMAL' ? b : asDecimalType(b);
  let r: SqlType;
  switch (op) {
    case '+':
    case '-':
      r = additionType(da, db, nullable);
      break;
    case '*':
      r = multiplicationType(da, db, nullable);
      break;
    case '/':
      r = divisionType(da, db, nullable);
      break;
    case '%':
      r = moduloType(da, db, nullable);
      break;
  }
  return { argTypes: [da, db], resultType: r };
}

function asDecimalType(t: SqlType): SqlType {
  const p = t.kind === 'TINYINT' ? 3 : t.kind === 'SMALLINT' ? 5 : t.kind === 'INT' ? 10 : 19;
  return T.decimal(p, 0, t.nullable);
}

function divisionByZero(text: string): Error {
  return runtimeError(`division by zero in ${text}`, 'Guard the divisor, e.g. NULLIF(divisor, 0).');
}

function compileArithmetic(op: ArithOp, input: CompileInput): Evaluator {
  const fa = input.args[0]!;
  const fb = input.args[1]!;
  const rt = input.resultType;
  const text = input.text;
  switch (rt.kind) {
    case 'INT':
      switch (op) {
        case '+':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return ((a as number) + (b as number)) | 0;
          };
        case '-':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return ((a as number) - (b as number)) | 0;
          };
        case '*':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return Math.imul(a as number, b as number);
          };
        case '/':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            if (b === 0) throw divisionByZero(text);
            return ((a as number) / (b as number)) | 0;
          };
        case '%':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            if (b === 0) throw divisionByZero(text);
            return ((a as number) % (b as number)) | 0;
          };
      }
      break;
    case 'TINYINT':
    case 'SMALLINT': {
      const wrap = rt.kind === 'TINYINT' ? wrapTinyint : wrapSmallint;
      return (r) => {
        const a = fa(r);
        if (a === null) return null;
        const b = fb(r);
        if (b === null) return null;
        const x = a as number;
        const y = b as number;
        switch (op) {
          case '+':
            return wrap(x + y);
          case '-':
            return wrap(x - y);
          case '*':
            return wrap(x * y);
          case '/':
            if (y === 0) throw divisionByZero(text);
            return wrap(Math.trunc(x / y));
          case '%':
            if (y === 0) throw divisionByZero(text);
            return wrap(x % y);
        }
      };
    }
    case 'BIGINT':
      switch (op) {
        case '+':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return BigInt.asIntN(64, (a as bigint) + (b as bigint));
          };
        case '-':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return BigInt.asIntN(64, (a as bigint) - (b as bigint));
          };
        case '*':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return BigInt.asIntN(64, (a as bigint) * (b as bigint));
          };
        case '/':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            if (b === 0n) throw divisionByZero(text);
            return BigInt.asIntN(64, (a as bigint) / (b as bigint));
          };
        case '%':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            if (b === 0n) throw divisionByZero(text);
            return (a as bigint) % (b as bigint);
          };
      }
      break;
    case 'DOUBLE':
      switch (op) {
        case '+':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return (a as number) + (b as number);
          };
        case '-':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return (a as number) - (b as number);
          };
        case '*':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return (a as number) * (b as number);
          };
        case '/':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return (a as number) / (b as number);
          };
        case '%':
          return (r) => {
            const a = fa(r);
            if (a === null) return null;
            const b = fb(r);
            if (b === null) return null;
            return (a as number) % (b as number);
          };
      }
      break;
    case 'FLOAT':
      return (r) => {
        const a = fa(r);
        if (a === null) return null;
        const b = fb(r);
        if (b === null) return null;
        const x = a as number;
        const y = b as number;
        switch (op) {
          case '+':
            return Math.fround(x + y);
          case '-':
            return Math.fround(x - y);
          case '*':
            return Math.fround(x * y);
          case '/':
            return Math.fround(x / y);
          case '%':
            return Math.fround(x % y);
        }
      };
    case 'DECIMAL': {
      const p = rt.precision ?? 10;
      const s = rt.scale ?? 0;
      return (r) => {
        const a = fa(r);
        if (a === null) return null;
        const b = fb(r);
        if (b === null) return null;
        const x = a as Decimal;
        const y = b as Decimal;
        let v: Decimal | null;
        switch (op) {
          case '+':
            v = x.add(y);
            break;
          case '-':
            v = x.sub(y);
            break;
          case '*':
            v = x.mul(y);
            break;
          case '/':
            v = x.div(y, s);
            if (v === null) throw divisionByZero(text);
            break;
          case '%':
            v = x.mod(y);
            if (v === null) throw divisionByZero(text);
            break;
        }
        return fitDecimal(v, p, s);
      };
    }
    default:
      break;
  }
  throw unsupported(op, input.argTypes);
}

function arithmetic(op: ArithOp, name: string, aliases: string[] = []): FunctionDefinition {
  return {
    name,
    aliases,
    signatures: [`NUMERIC ${op} NUMERIC`],
    deterministic: true,
    resolve: (types) => resolveArithmetic(op, types),
    compile: (input) => compileArithmetic(op, input),
  };
}

const NEGATE: FunctionDefinition = {
  name: 'NEGATE',
  signatures: ['-NUMERIC'],
  deterministic: true,
  resolve(types) {
    if (types.length !== 1) return null;
    const t = types[0]!.kind === 'NULL' ? T.int() : types[0]!;
    if (!isNumeric(t)) return null;
    return { argTypes: [t], resultType: t };
  },
  compile(input) {
    const f = input.args[0]!;
    switch (input.resultType.kind) {
      case 'INT':
        return (r) => {
          const a = f(r);
          return a === null ? null : -(a as number) | 0;
        };
      case 'SMALLINT':
        return (r) => {
          const a = f(r);
          return a === null ? null : wrapSmallint(-(a as number));
        };
      case 'TINYINT':
        return (r) => {
          const a = f(r);
          return a === null ? null : wrapTinyint(-(a as number));
        };
      case 'BIGINT':
        return (r) => {
          const a = f(r);
          return a === null ? null : BigInt.asIntN(64, -(a as bigint));
        };
      case 'FLOAT':
      case 'DOUBLE':
        return (r) => {
          const a = f(r);
          return a === null ? null : -(a as number);
        };
      case 'DECIMAL':
        return (r) => {
          const a = f(r);
          return a === null ? null : (a as Decimal).negate();
        };
      default:
        throw unsupported('NEGATE', input.argTypes);
    }
  },
};

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** How two operand types compare at run time. */
type CmpClass = 'prim' | 'mixed' | 'decimal' | 'dec-num' | 'num-dec' | 'bytes';

function repOf(t: SqlType): 'number' | 'bigint' | 'string' | 'boolean' | 'decimal' | 'bytes' | 'null' {
  switch (t.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
    case 'TIME':
      return 'number';
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return 'bigint';
    case 'CHAR':
    case 'VARCHAR':
      return 'string';
    case 'BOOLEAN':
      return 'boolean';
    case 'DECIMAL':
      return 'decimal';
    case 'BINARY':
    case 'VARBINARY':
      return 'bytes';
    case 'NULL':
      return 'null';
  }
}

function cmpClass(a: SqlType, b: SqlType): CmpClass {
  const ra = repOf(a);
  const rb = repOf(b);
  if (ra === 'decimal' && rb === 'decimal') return 'decimal';
  if (ra === 'decimal') return 'dec-num';
  if (rb === 'decimal') return 'num-dec';
  if (ra === 'bytes' || rb === 'bytes') return 'bytes';
  if (ra !== rb && ra !== 'null' && rb !== 'null') return 'mixed';
  return 'prim';
}

/** Decimal against a double, as Flink does it (the double's shortest decimal form); NaN when unordered. */
export function compareDecimalNumber(d: Decimal, n: number): number {
  if (Number.isNaN(n)) return NaN;
  if (n === Infinity) return -1;
  if (n === -Infinity) return 1;
  return d.compare(Decimal.fromNumber(n)!);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A three-way comparator of two non-null values of the given class (NaN when unordered). */
function comparatorOf(cls: CmpClass): (a: Value, b: Value) => number {
  switch (cls) {
    case 'decimal':
      return (a, b) => (a as Decimal).compare(b as Decimal);
    case 'dec-num':
      return (a, b) => compareDecimalNumber(a as Decimal, b as number);
    case 'num-dec':
      return (a, b) => -compareDecimalNumber(b as Decimal, a as number);
    case 'bytes':
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    default:
      return (a, b) => {
        const x = a as number;
        const y = b as number;
        // eslint-disable-next-line eqeqeq
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : NaN;
      };
  }
}

/** SQL equality of two non-null values of any representations (used by IN, NULLIF...). */
export function sqlEquals(a: Value, b: Value): boolean {
  if (typeof a !== 'object' && typeof b !== 'object') {
    // eslint-disable-next-line eqeqeq
    return typeof a === typeof b ? a === b : a == b;
  }
  if (a instanceof Decimal) {
    if (b instanceof Decimal) return a.equals(b);
    if (typeof b === 'number') return compareDecimalNumber(a, b) === 0;
    if (typeof b === 'bigint') return a.equals(Decimal.fromBigint(b));
    return false;
  }
  if (b instanceof Decimal) return sqlEquals(b, a);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b) === 0;
  return false;
}

function compileComparison(op: CmpOp, input: CompileInput): Evaluator {
  const fa = input.args[0]!;
  const fb = input.args[1]!;
  const cls = cmpClass(input.argTypes[0]!, input.argTypes[1]!);
  const kb = input.constants[1];
  if (kb === null) return () => null;
  if (cls === 'prim' && kb !== undefined) {
    const k = kb as number;
    switch (op) {
      case '=':
        return (r) => {
          const a = fa(r);
          return a === null ? null : a === k;
        };
      case '<>':
        return (r) => {
          const a = fa(r);
          return a === null ? null : a !== k;
        };
      case '<':
        return (r) => {
          const a = fa(r);
          return a === null ? null : (a as number) < k;
        };
      case '<=':
        return (r) => {
          const a = fa(r);
          return a === null ? null : (a as number) <= k;
        };
      case '>':
        return (r) => {
          const a = fa(r);
          return a === null ? null : (a as number) > k;
        };
      case '>=':
        return (r) => {
          const a = fa(r);
          return a === null ? null : (a as number) >= k;
        };
    }
  }
  if (cls === 'prim' || cls === 'mixed') {
    switch (op) {
      case '=':
        return cls === 'prim'
          ? (r) => {
              const a = fa(r);
              if (a === null) return null;
              const b = fb(r);
              if (b === null) return null;
              return a === b;
            }
          : (r) => {
              const a = fa(r);
              if (a === null) return null;
              const b = fb(r);
              if (b === null) return null;
              // eslint-disable-next-line eqeqeq
              return (a as number) == (b as number);
            };
      case '<>':
        return cls === 'prim'
          ? (r) => {
              const a = fa(r);
              if (a === null) return null;
              const b = fb(r);
              if (b === null) return null;
              return a !== b;
            }
          : (r) => {
              const a = fa(r);
              if (a === null) return null;
              const b = fb(r);
              if (b === null) return null;
              // eslint-disable-next-line eqeqeq
              return (a as number) != (b as number);
            };
      case '<':
        return (r) => {
          const a = fa(r);
          if (a === null) return null;
          const b = fb(r);
          if (b === null) return null;
          return (a as number) < (b as number);
        };
      case '<=':
        return (r) => {
          const a = fa(r);
          if (a === null) return null;
          const b = fb(r);
          if (b === null) return null;
          return (a as number) <= (b as number);
        };
      case '>':
        return (r) => {
          const a = fa(r);
          if (a === null) return null;
          const b = fb(r);
          if (b === null) return null;
          return (a as number) > (b as number);
        };
      case '>=':
        return (r) => {
          const a = fa(r);
          if (a === null) return null;
          const b = fb(r);
          if (b === null) return null;
          return (a as number) >= (b as number);
        };
    }
  }
  const cmp = comparatorOf(cls);
  const test: (c: number) => boolean =
    op === '='
      ? (c) => c === 0
      : op === '<>'
        ? (c) => c !== 0
        : op === '<'
          ? (c) => c < 0
          : op === '<='
            ? (c) => c <= 0
            : op === '>'
              ? (c) => c > 0
              : (c) => c >= 0;
  return (r) => {
    const a = fa(r);
    if (a === null) return null;
    const b = fb(r);
    if (b === null) return null;
    return test(cmp(a, b));
  };
}

function resolveComparison(types: readonly SqlType[], nullableResult: boolean): Resolution | null {
  if (types.length !== 2) return null;
  const target = comparisonTypes(types);
  if (target === null) return null;
  const nullable = nullableResult && types.some((t) => t.nullable || t.kind === 'NULL');
  return { argTypes: target, resultType: T.boolean(nullable) };
}

function comparison(op: CmpOp, aliases: string[] = []): FunctionDefinition {
  return {
    name: op,
    aliases,
    signatures: [`COMPARABLE ${op} COMPARABLE`],
    deterministic: true,
    resolve: (types) => resolveComparison(types, true),
    compile: (input) => compileComparison(op, input),
  };
}

function distinctFrom(name: string, negate: boolean, aliases: string[] = []): FunctionDefinition {
  return {
    name,
    aliases,
    signatures: [`COMPARABLE ${name} COMPARABLE`],
    deterministic: true,
    resolve: (types) => resolveComparison(types, false),
    compile(input) {
      const fa = input.args[0]!;
      const fb = input.args[1]!;
      const cls = cmpClass(input.argTypes[0]!, input.argTypes[1]!);
      const eq: (a: Value, b: Value) => boolean = cls === 'prim' ? (a, b) => a === b : sqlEquals;
      return (r) => {
        const a = fa(r);
        const b = fb(r);
        let same: boolean;
        if (a === null || b === null) same = a === b;
        else same = eq(a, b);
        return negate ? !same : same;
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Logic
// ---------------------------------------------------------------------------

function resolveBooleans(types: readonly SqlType[], min: number, max: number): Resolution | null {
  if (types.length < min || types.length > max) return null;
  const args: SqlType[] = [];
  for (const t of types) {
    const a = booleanArg(t);
    if (a === null) return null;
    args.push(t.kind === 'NULL' ? T.boolean() : a);
  }
  return { argTypes: args, resultType: T.boolean(anyNullable(args)) };
}

/**
 * AND and OR in three-valued logic, short-circuiting: `dominant` decides the result on
 * its own (FALSE for AND, TRUE for OR); otherwise any NULL makes the result NULL.
 */
function shortCircuit(name: 'AND' | 'OR', dominant: boolean): FunctionDefinition {
  const other = !dominant;
  return {
    name,
    signatures: [`BOOLEAN ${name} BOOLEAN`],
    deterministic: true,
    resolve: (types) => resolveBooleans(types, 2, Infinity),
    compile(input) {
      const args = input.args;
      if (args.length === 2) {
        const fa = args[0]!;
        const fb = args[1]!;
        return (r) => {
          const a = fa(r);
          if (a === dominant) return dominant;
          const b = fb(r);
          if (b === dominant) return dominant;
          return a === null || b === null ? null : other;
        };
      }
      const n = args.length;
      return (r) => {
        let unknown = false;
        for (let i = 0; i < n; i++) {
          const v = args[i]!(r);
          if (v === dominant) return dominant;
          if (v === null) unknown = true;
        }
        return unknown ? null : other;
      };
    },
  };
}

const AND = shortCircuit('AND', false);
const OR = shortCircuit('OR', true);

const NOT: FunctionDefinition = {
  name: 'NOT',
  signatures: ['NOT BOOLEAN'],
  deterministic: true,
  resolve: (types) => resolveBooleans(types, 1, 1),
  compile(input) {
    const f = input.args[0]!;
    return (r) => {
      const a = f(r);
      return a === null ? null : !a;
    };
  },
};

function isTest(name: string, test: (v: Value) => boolean, booleanOnly: boolean): FunctionDefinition {
  return {
    name,
    signatures: [booleanOnly ? `BOOLEAN ${name}` : `ANY ${name}`],
    deterministic: true,
    resolve(types) {
      if (types.length !== 1) return null;
      const t = types[0]!;
      if (booleanOnly) {
        const a = booleanArg(t);
        if (a === null) return null;
        return { argTypes: [a], resultType: T.boolean(false) };
      }
      return { argTypes: [t], resultType: T.boolean(false) };
    },
    compile(input) {
      const f = input.args[0]!;
      return (r) => test(f(r));
    },
  };
}

// ---------------------------------------------------------------------------
// IN
// ---------------------------------------------------------------------------

const IN: FunctionDefinition = {
  name: 'IN',
  signatures: ['value IN (value, ...)'],
  deterministic: true,
  resolve(types) {
    if (types.length < 2) return null;
    const target = comparisonTypes(types);
    if (target === null) return null;
    return { argTypes: target, resultType: T.boolean(types.some((t) => t.nullable || t.kind === 'NULL')) };
  },
  compile(input) {
    const f0 = input.args[0]!;
    const items = input.args.slice(1);
    const consts = input.constants.slice(1);
    const allConst = consts.every((c) => c !== undefined);
    const sameRep = input.argTypes.every((t) => repOf(t) === repOf(input.argTypes[0]!));
    if (allConst && sameRep) {
      const keys = new Set<Key>();
      let hasNull = false;
      for (const c of consts) {
        if (c === null || c === undefined) hasNull = true;
        else if (!(typeof c === 'number' && Number.isNaN(c))) keys.add(keyOfValue(c));
      }
      const prim = repOf(input.argTypes[0]!) !== 'decimal' && repOf(input.argTypes[0]!) !== 'bytes';
      if (prim) {
        return (r) => {
          const a = f0(r);
          if (a === null) return null;
          if (keys.has(a as Key)) return true;
          return hasNull ? null : false;
        };
      }
      return (r) => {
        const a = f0(r);
        if (a === null) return null;
        if (keys.has(keyOfValue(a))) return true;
        return hasNull ? null : false;
      };
    }
    const n = items.length;
    return (r) => {
      const a = f0(r);
      if (a === null) return null;
      let hasNull = false;
      for (let i = 0; i < n; i++) {
        const b = items[i]!(r);
        if (b === null) hasNull = true;
        else if (sqlEquals(a, b)) return true;
      }
      return hasNull ? null : false;
    };
  },
};

// ---------------------------------------------------------------------------
// LIKE, SIMILAR TO
// ---------------------------------------------------------------------------

function patternOperator(name: string, make: (p: string, esc: string | null) => (s: string) => boolean): FunctionDefinition {
  return {
    name,
    signatures: [`STRING ${name} STRING [ESCAPE STRING]`],
    deterministic: true,
    resolve(types) {
      if (types.length !== 2 && types.length !== 3) return null;
      const args: SqlType[] = [];
      for (const t of types) {
        const a = stringArg(t);
        if (a === null) return null;
        args.push(a);
      }
      return { argTypes: args, resultType: T.boolean(anyNullable(types) || types.some((t) => t.kind === 'NULL')) };
    },
    compile(input) {
      const [fs, fp, fe] = input.args as [Evaluator, Evaluator, Evaluator | undefined];
      const pc = input.constants[1];
      const ec = input.args.length === 3 ? input.constants[2] : null;
      if (pc === null || (ec === null && input.args.length === 3)) return () => null;
      if (pc !== undefined && ec !== undefined) {
        const m = make(pc as string, (ec as string | null) ?? null);
        return (r) => {
          const s = fs(r);
          return s === null ? null : m(s as string);
        };
      }
      let lastP: string | null = null;
      let lastE: string | null = null;
      let lastM: ((s: string) => boolean) | null = null;
      return (r) => {
        const s = fs(r);
        if (s === null) return null;
        const p = fp(r);
        if (p === null) return null;
        let e: string | null = null;
        if (fe !== undefined) {
          const ev = fe(r);
          if (ev === null) return null;
          e = ev as string;
        }
        if (lastM === null || p !== lastP || e !== lastE) {
          lastM = make(p as string, e);
          lastP = p as string;
          lastE = e;
        }
        return lastM(s as string);
      };
    },
  };
}

// ---------------------------------------------------------------------------
// || (concatenation)
// ---------------------------------------------------------------------------

const CONCAT_OP: FunctionDefinition = {
  name: '||',
  signatures: ['STRING || STRING', 'BYTES || BYTES'],
  deterministic: true,
  resolve(types) {
    if (types.length !== 2) return null;
    const [a, b] = fillNull(types[0]!, types[1]!);
    const nullable = a.nullable || b.nullable;
    const len = Math.min(MAX_LENGTH, (a.precision ?? 1) + (b.precision ?? 1));
    if (isCharacter(a) && isCharacter(b)) {
      const rt = a.kind === 'CHAR' && b.kind === 'CHAR' ? T.char(len, nullable) : T.varchar(len, nullable);
      return { argTypes: [a, b], resultType: rt };
    }
    if (isBinary(a) && isBinary(b)) {
      const rt = a.kind === 'BINARY' && b.kind === 'BINARY' ? T.binary(len, nullable) : T.varbinary(len, nullable);
      return { argTypes: [a, b], resultType: rt };
    }
    return null;
  },
  compile(input) {
    const fa = input.args[0]!;
    const fb = input.args[1]!;
    if (isBinary(input.resultType)) {
      return (r) => {
        const a = fa(r);
        if (a === null) return null;
        const b = fb(r);
        if (b === null) return null;
        const x = a as Uint8Array;
        const y = b as Uint8Array;
        const out = new Uint8Array(x.length + y.length);
        out.set(x, 0);
        out.set(y, x.length);
        return out;
      };
    }
    return (r) => {
      const a = fa(r);
      if (a === null) return null;
      const b = fb(r);
      if (b === null) return null;
      return (a as string) + (b as string);
    };
  },
};

export const OPERATORS: readonly FunctionDefinition[] = [
  arithmetic('+', '+'),
  arithmetic('-', '-'),
  arithmetic('*', '*'),
  arithmetic('/', '/'),
  arithmetic('%', '%', ['MOD']),
  NEGATE,
  comparison('='),
  comparison('<>', ['!=']),
  comparison('<'),
  comparison('<='),
  comparison('>'),
  comparison('>='),
  distinctFrom('IS NOT DISTINCT FROM', false, ['<=>']),
  distinctFrom('IS DISTINCT FROM', true),
  AND,
  OR,
  NOT,
  isTest('IS NULL', (v) => v === null, false),
  isTest('IS NOT NULL', (v) => v !== null, false),
  isTest('IS TRUE', (v) => v === true, true),
  isTest('IS NOT TRUE', (v) => v !== true, true),
  isTest('IS FALSE', (v) => v === false, true),
  isTest('IS NOT FALSE', (v) => v !== false, true),
  isTest('IS UNKNOWN', (v) => v === null, true),
  isTest('IS NOT UNKNOWN', (v) => v !== null, true),
  IN,
  patternOperator('LIKE', likeMatcher),
  patternOperator('SIMILAR TO', similarMatcher),
  CONCAT_OP,
];

/** Three-way comparator for two non-null values of type `t` (NaN when unordered). */
export function comparatorForType(t: SqlType): (a: Value, b: Value) => number {
  return comparatorOf(cmpClass(t, t));
}
