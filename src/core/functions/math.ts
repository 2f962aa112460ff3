import { Decimal } from '../decimal.js';
import { isIntegral, T, withNullability, type SqlType } from '../types.js';
import { roundType } from './decimal-types.js';
import {
  anyNullable,
  bigintArg,
  doubleArg,
  intArg,
  mapArgs,
  numericArg,
  runtimeError,
  stringArg,
  strict1,
  strict2,
  unsupported,
  type CompileInput,
  type Evaluator,
  type FunctionDefinition,
} from './definition.js';
import { fitDecimal, pow10, wrapSmallint, wrapTinyint } from './numeric-text.js';
import { compileTemporalRounding, resolveTemporalRounding } from './temporal.js';

/**
 * Numeric functions. Approximate functions (SQRT, LN, SIN, POWER, ...) take and return
 * DOUBLE with Java's Math semantics (SQRT(-1) = NaN, LN(0) = -Infinity). ABS, SIGN, CEIL,
 * FLOOR, ROUND and TRUNCATE keep the argument's type; ROUND/TRUNCATE of a DECIMAL get
 * Flink's derived type when the digit count is a literal. Rounding is HALF_UP on the
 * decimal value (ROUND(-2.5) = -3, ROUND(2.675, 2) = 2.68 even for DOUBLE, as Flink does
 * through BigDecimal.valueOf).
 */

function doubleFn(name: string, fn: (x: number) => number, aliases: string[] = []): FunctionDefinition {
  return {
    name,
    aliases,
    signatures: [`${name}(NUMERIC)`],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, [doubleArg]);
      if (args === null) return null;
      return { argTypes: args, resultType: T.double(anyNullable(args)) };
    },
    compile: (input) => strict1(input.args[0]!, (x: number) => fn(x)),
  };
}

function double2Fn(name: string, fn: (x: number, y: number) => number, aliases: string[] = []): FunctionDefinition {
  return {
    name,
    aliases,
    signatures: [`${name}(NUMERIC, NUMERIC)`],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, [doubleArg, doubleArg]);
      if (args === null) return null;
      return { argTypes: args, resultType: T.double(anyNullable(args)) };
    },
    compile: (input) => strict2(input.args[0]!, input.args[1]!, (x: number, y: number) => fn(x, y)),
  };
}

const LOG: FunctionDefinition = {
  name: 'LOG',
  signatures: ['LOG(NUMERIC)', 'LOG(NUMERIC base, NUMERIC)'],
  deterministic: true,
  resolve(types) {
    const args = types.length === 1 ? mapArgs(types, [doubleArg]) : mapArgs(types, [doubleArg, doubleArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.double(anyNullable(args)) };
  },
  compile(input) {
    if (input.args.length === 1) return strict1(input.args[0]!, (x: number) => Math.log(x));
    return strict2(input.args[0]!, input.args[1]!, (b: number, x: number) => Math.log(x) / Math.log(b));
  },
};

/** Same-type numeric functions: ABS, SIGN. */
function sameTypeFn(name: string, impl: (input: CompileInput) => Evaluator): FunctionDefinition {
  return {
    name,
    signatures: [`${name}(NUMERIC)`],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, [numericArg]);
      if (args === null) return null;
      return { argTypes: args, resultType: args[0]! };
    },
    compile: impl,
  };
}

const ABS = sameTypeFn('ABS', (input) => {
  const f = input.args[0]!;
  switch (input.resultType.kind) {
    case 'INT':
      return strict1(f, (a: number) => (a < 0 ? -a | 0 : a));
    case 'SMALLINT':
      return strict1(f, (a: number) => wrapSmallint(Math.abs(a)));
    case 'TINYINT':
      return strict1(f, (a: number) => wrapTinyint(Math.abs(a)));
    case 'BIGINT':
      return strict1(f, (a: bigint) => (a < 0n ? BigInt.asIntN(64, -a) : a));
    case 'FLOAT':
    case 'DOUBLE':
      return strict1(f, (a: number) => Math.abs(a));
    case 'DECIMAL':
      return strict1(f, (a: Decimal) => a.abs());
    default:
      throw unsupported('ABS', input.argTypes);
  }
});

const SIGN = sameTypeFn('SIGN', (input) => {
  const f = input.args[0]!;
  const t = input.resultType;
  switch (t.kind) {
    case 'INT':
    case 'SMALLINT':
    case 'TINYINT':
    case 'FLOAT':
    case 'DOUBLE':
      return strict1(f, (a: number) => Math.sign(a));
    case 'BIGINT':
      return strict1(f, (a: bigint) => (a < 0n ? -1n : a > 0n ? 1n : 0n));
    case 'DECIMAL': {
      const s = t.scale ?? 0;
      return strict1(f, (a: Decimal) => new Decimal(BigInt(a.sign()), 0).rescale(s));
    }
    default:
      throw unsupported('SIGN', input.argTypes);
  }
});

// ---------------------------------------------------------------------------
// CEIL, FLOOR
// ---------------------------------------------------------------------------

function floorDecimal(d: Decimal, ceil: boolean): Decimal {
  if (d.scale <= 0) return d.rescale(0);
  const div = pow10(d.scale);
  let q = d.unscaled / div;
  const rem = d.unscaled % div;
  if (rem !== 0n) {
    if (ceil && d.unscaled > 0n) q += 1n;
    if (!ceil && d.unscaled < 0n) q -= 1n;
  }
  return new Decimal(q, 0);
}

function ceilFloor(name: string, ceil: boolean, aliases: string[] = []): FunctionDefinition {
  return {
    name,
    aliases,
    signatures: [`${name}(NUMERIC)`, `${name}(DATE|TIMESTAMP TO unit)`],
    deterministic: true,
    resolve(types, literals) {
      if (types.length === 2) return resolveTemporalRounding(name, types, literals);
      const args = mapArgs(types, [numericArg]);
      if (args === null) return null;
      const t = args[0]!;
      const rt = t.kind === 'DECIMAL' ? T.decimal(t.precision ?? 10, 0, t.nullable) : t;
      return { argTypes: args, resultType: rt };
    },
    compile(input) {
      if (input.args.length === 2) return compileTemporalRounding(input, ceil);
      const f = input.args[0]!;
      const rt = input.resultType;
      if (isIntegral(rt)) return f;
      if (rt.kind === 'FLOAT' || rt.kind === 'DOUBLE') return strict1(f, ceil ? (a: number) => Math.ceil(a) : (a: number) => Math.floor(a));
      if (rt.kind === 'DECIMAL') {
        const p = rt.precision ?? 10;
        return strict1(f, (a: Decimal) => fitDecimal(floorDecimal(a, ceil), p, 0));
      }
      throw unsupported(name, input.argTypes);
    },
  };
}

// ---------------------------------------------------------------------------
// ROUND, TRUNCATE
// ---------------------------------------------------------------------------

function roundBigint(v: bigint, digits: number, truncate: boolean): bigint {
  if (digits >= 0) return v;
  const unit = pow10(-digits);
  const q = v / unit;
  const rem = v % unit;
  if (truncate || rem === 0n) return q * unit;
  const twice = (rem < 0n ? -rem : rem) * 2n;
  return (twice >= unit ? (v < 0n ? q - 1n : q + 1n) : q) * unit;
}

function roundDecimal(d: Decimal, digits: number, truncate: boolean): Decimal {
  return truncate ? d.truncate(digits) : d.rescale(digits);
}

function roundDouble(x: number, digits: number, truncate: boolean): number {
  if (!Number.isFinite(x)) return x;
  const d = Decimal.fromNumber(x)!;
  return roundDecimal(d, digits, truncate).toNumber();
}

function roundFn(name: string, truncate: boolean): FunctionDefinition {
  return {
    name,
    signatures: [`${name}(NUMERIC)`, `${name}(NUMERIC, INT)`],
    deterministic: true,
    resolve(types, literals) {
      if (types.length !== 1 && types.length !== 2) return null;
      const x = numericArg(types[0]!);
      if (x === null) return null;
      const n = types.length === 2 ? intArg(types[1]!) : null;
      if (types.length === 2 && n === null) return null;
      const args = n === null ? [x] : [x, n];
      const nullable = anyNullable(args);
      let rt: SqlType = withNullability(x, nullable);
      if (x.kind === 'DECIMAL') {
        const lit = types.length === 1 ? 0 : literals[1];
        const p = x.precision ?? 10;
        const s = x.scale ?? 0;
        if (typeof lit === 'number') rt = roundType(p, s, lit, nullable);
        else if (typeof lit === 'bigint') rt = roundType(p, s, Number(lit), nullable);
        else rt = T.decimal(p, s, nullable);
      }
      return { argTypes: args, resultType: rt };
    },
    compile(input) {
      const fx = input.args[0]!;
      const fn: Evaluator = input.args[1] ?? (() => 0);
      const rt = input.resultType;
      switch (rt.kind) {
        case 'INT':
        case 'SMALLINT':
        case 'TINYINT': {
          const bits = rt.kind === 'INT' ? 32 : rt.kind === 'SMALLINT' ? 16 : 8;
          return strict2(fx, fn, (x: number, n: number) => Number(BigInt.asIntN(bits, roundBigint(BigInt(x), n, truncate))));
        }
        case 'BIGINT':
          return strict2(fx, fn, (x: bigint, n: number) => BigInt.asIntN(64, roundBigint(x, n, truncate)));
        case 'DOUBLE':
          return strict2(fx, fn, (x: number, n: number) => roundDouble(x, n, truncate));
        case 'FLOAT':
          return strict2(fx, fn, (x: number, n: number) => Math.fround(roundDouble(x, n, truncate)));
        case 'DECIMAL': {
          const p = rt.precision ?? 10;
          const s = rt.scale ?? 0;
          return strict2(fx, fn, (x: Decimal, n: number) => fitDecimal(roundDecimal(x, n, truncate), p, s));
        }
        default:
          throw unsupported(name, input.argTypes);
      }
    },
  };
}

// ---------------------------------------------------------------------------
// RAND, RAND_INTEGER
// ---------------------------------------------------------------------------

const MULT = 0x5deece66dn;
const MASK48 = (1n << 48n) - 1n;

/** java.util.Random, so RAND(seed) gives Flink's sequence for the same seed. */
export class JavaRandom {
  #seed: bigint;
  constructor(seed: bigint) {
    this.#seed = (seed ^ MULT) & MASK48;
  }
  #next(bits: number): number {
    this.#seed = (this.#seed * MULT + 0xbn) & MASK48;
    return Number(BigInt.asIntN(32, this.#seed >> BigInt(48 - bits)));
  }
  nextDouble(): number {
    return (this.#next(26) * 134217728 + this.#next(27)) * 2 ** -53;
  }
  nextInt(bound: number): number {
    let r = this.#next(31);
    const m = bound - 1;
    if ((bound & m) === 0) return Number((BigInt(bound) * BigInt(r)) >> 31n);
    for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; u = this.#next(31));
    return r;
  }
}

function checkBound(bound: number): void {
  if (bound <= 0) throw runtimeError(`RAND_INTEGER bound must be positive, got ${bound}`);
}

const RAND: FunctionDefinition = {
  name: 'RAND',
  signatures: ['RAND()', 'RAND(INT seed)'],
  deterministic: false,
  resolve(types) {
    if (types.length === 0) return { argTypes: [], resultType: T.double(false) };
    const args = mapArgs(types, [bigintArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.double(anyNullable(args)) };
  },
  compile(input) {
    if (input.args.length === 0) return () => Math.random();
    const seed = input.constants[0];
    if (typeof seed === 'bigint') {
      const rnd = new JavaRandom(seed);
      return () => rnd.nextDouble();
    }
    const f = input.args[0]!;
    let rnd: JavaRandom | null = null;
    let last: bigint | null = null;
    return strict1(f, (s: bigint) => {
      if (rnd === null || s !== last) {
        rnd = new JavaRandom(s);
        last = s;
      }
      return rnd.nextDouble();
    });
  },
};

const RAND_INTEGER: FunctionDefinition = {
  name: 'RAND_INTEGER',
  signatures: ['RAND_INTEGER(INT bound)', 'RAND_INTEGER(INT seed, INT bound)'],
  deterministic: false,
  resolve(types) {
    const args = types.length === 1 ? mapArgs(types, [intArg]) : mapArgs(types, [bigintArg, intArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.int(anyNullable(args)) };
  },
  compile(input) {
    if (input.args.length === 1) {
      return strict1(input.args[0]!, (bound: number) => {
        checkBound(bound);
        return Math.floor(Math.random() * bound);
      });
    }
    let rnd: JavaRandom | null = null;
    let last: bigint | null = null;
    return strict2(input.args[0]!, input.args[1]!, (s: bigint, bound: number) => {
      checkBound(bound);
      if (rnd === null || s !== last) {
        rnd = new JavaRandom(s);
        last = s;
      }
      return rnd.nextInt(bound);
    });
  },
};

function constantFn(name: string, value: number): FunctionDefinition {
  return {
    name,
    signatures: [`${name}()`],
    deterministic: true,
    resolve: (types) => (types.length === 0 ? { argTypes: [], resultType: T.double(false) } : null),
    compile: () => () => value,
  };
}

// ---------------------------------------------------------------------------
// HEX, BIN
// ---------------------------------------------------------------------------

const HEX: FunctionDefinition = {
  name: 'HEX',
  signatures: ['HEX(BIGINT)', 'HEX(STRING)'],
  deterministic: true,
  resolve(types) {
    if (types.length !== 1) return null;
    const t = types[0]!;
    const a = isIntegral(t) || t.kind === 'NULL' ? bigintArg(t) : stringArg(t);
    if (a === null) return null;
    return { argTypes: [a], resultType: T.string(a.nullable) };
  },
  compile(input) {
    const f = input.args[0]!;
    if (input.argTypes[0]!.kind === 'BIGINT') {
      return strict1(f, (v: bigint) => BigInt.asUintN(64, v).toString(16).toUpperCase());
    }
    return strict1(f, (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase());
  },
};

const BIN: FunctionDefinition = {
  name: 'BIN',
  signatures: ['BIN(BIGINT)'],
  deterministic: true,
  resolve(types) {
    const args = mapArgs(types, [bigintArg]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.string(args[0]!.nullable) };
  },
  compile: (input) => strict1(input.args[0]!, (v: bigint) => BigInt.asUintN(64, v).toString(2)),
};

const toDegrees = (x: number): number => (x * 180) / Math.PI;
const toRadians = (x: number): number => (x / 180) * Math.PI;

export const MATH_FUNCTIONS: readonly FunctionDefinition[] = [
  ABS,
  SIGN,
  doubleFn('SQRT', Math.sqrt),
  doubleFn('EXP', Math.exp),
  doubleFn('LN', Math.log),
  doubleFn('LOG10', Math.log10),
  doubleFn('LOG2', (x) => Math.log(x) / Math.LN2),
  LOG,
  double2Fn('POWER', (x, y) => Math.pow(x, y), ['POW']),
  doubleFn('SIN', Math.sin),
  doubleFn('COS', Math.cos),
  doubleFn('TAN', Math.tan),
  doubleFn('COT', (x) => 1 / Math.tan(x)),
  doubleFn('ASIN', Math.asin),
  doubleFn('ACOS', Math.acos),
  doubleFn('ATAN', Math.atan),
  double2Fn('ATAN2', Math.atan2),
  doubleFn('SINH', Math.sinh),
  doubleFn('COSH', Math.cosh),
  doubleFn('TANH', Math.tanh),
  doubleFn('DEGREES', toDegrees),
  doubleFn('RADIANS', toRadians),
  ceilFloor('CEIL', true, ['CEILING']),
  ceilFloor('FLOOR', false),
  roundFn('ROUND', false),
  roundFn('TRUNCATE', true),
  RAND,
  RAND_INTEGER,
  constantFn('PI', Math.PI),
  constantFn('E', Math.E),
  HEX,
  BIN,
];
