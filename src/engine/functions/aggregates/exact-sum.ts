import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import { formatType, type SqlType } from '../../../core/types.js';
import type { Value } from '../../../core/values.js';
import type { StateValue } from '../../state/codec.js';
import { badState, stateArray, stateBigint, stateNumber } from './accumulator.js';
import {
  OUT_DECIMAL,
  OUT_DOUBLE,
  OUT_FLOAT,
  decomposeDouble,
  decomposed,
  divHalfUp,
  dyadicToBigint,
  dyadicToDecimal,
  dyadicToNumber,
  outFromBigint,
  outFromDecimal,
  outFromNumber,
  outFromSafeInteger,
  pow10,
  type NumericOut,
} from './numeric.js';

/**
 * Exact running sums with retraction: the shared core of SUM, SUM0 and AVG.
 *
 * One class per input representation. Each keeps the exact sum of the values it holds
 * and the number `n` of (non-NULL) values, so that `add(x)` followed by `retract(x)`
 * restores exactly the previous state, and the result is a function of the multiset of
 * values only:
 *
 * - IntSum (TINYINT, SMALLINT, INT: JS numbers): a safe-integer part plus a bigint
 *   overflow part; O(1) number arithmetic until |sum| passes 2^52.
 * - BigintSum (BIGINT): a bigint.
 * - DecimalSum (DECIMAL(p, s)): the unscaled bigint at scale s.
 * - DoubleSum (FLOAT, DOUBLE): the exact sum of the doubles as a dyadic rational
 *   m · 2^e (bigint m), plus counts of NaN, +∞ and -∞. The result is the exact sum
 *   rounded once to a double: never worse than Flink's running double sum, independent
 *   of arrival order, and exact under retraction (a running float sum, even a compensated
 *   one, drifts when values are removed). Cost: a bigint add per value, sized by the
 *   spread of the exponents held; the exponent only falls while the sum is non-zero, so
 *   a group that once held a tiny value keeps a longer mantissa until its sum returns to 0.
 */
export interface ExactSum {
  /** Number of values held. */
  n: number;
  add(v: Value): void;
  retract(v: Value): void;
  /** The sum as `out` (0 when empty). */
  sum(out: NumericOut): Value;
  /** The sum divided by `n` as `out` (integers truncate toward zero, decimals round HALF_UP); n > 0. */
  mean(out: NumericOut): Value;
  snapshot(): StateValue;
}

const SUM_INT = 0;
const SUM_BIGINT = 1;
const SUM_DECIMAL = 2;
const SUM_DOUBLE = 3;

/** Which exact sum an argument type needs; made once per aggregate call. */
export class ExactSumKind {
  readonly kind: number;
  readonly scale: number;

  constructor(argType: SqlType, what: string) {
    this.scale = 0;
    switch (argType.kind) {
      case 'TINYINT':
      case 'SMALLINT':
      case 'INT':
        this.kind = SUM_INT;
        break;
      case 'BIGINT':
        this.kind = SUM_BIGINT;
        break;
      case 'DECIMAL':
        this.kind = SUM_DECIMAL;
        this.scale = argType.scale ?? 0;
        break;
      case 'FLOAT':
      case 'DOUBLE':
        this.kind = SUM_DOUBLE;
        break;
      default:
        throw new StrataError('INTERNAL', `${what} needs a numeric argument, not ${formatType(argType)}`);
    }
  }

  create(): ExactSum {
    switch (this.kind) {
      case SUM_INT:
        return new IntSum();
      case SUM_BIGINT:
        return new BigintSum();
      case SUM_DECIMAL:
        return new DecimalSum(this.scale);
      default:
        return new DoubleSum();
    }
  }

  restore(state: StateValue): ExactSum {
    switch (this.kind) {
      case SUM_INT: {
        const a = stateArray(state, 3, 'an INT sum');
        const r = new IntSum();
        r.n = stateNumber(a[0], 'the count');
        r.small = stateNumber(a[1], 'the sum');
        r.big = stateBigint(a[2], 'the sum');
        return r;
      }
      case SUM_BIGINT: {
        const a = stateArray(state, 2, 'a BIGINT sum');
        const r = new BigintSum();
        r.n = stateNumber(a[0], 'the count');
        r.total = stateBigint(a[1], 'the sum');
        return r;
      }
      case SUM_DECIMAL: {
        const a = stateArray(state, 2, 'a DECIMAL sum');
        const r = new DecimalSum(this.scale);
        r.n = stateNumber(a[0], 'the count');
        r.unscaled = stateBigint(a[1], 'the sum');
        return r;
      }
      default: {
        const a = stateArray(state, 6, 'a DOUBLE sum');
        const r = new DoubleSum();
        r.n = stateNumber(a[0], 'the count');
        r.m = stateBigint(a[1], 'the sum');
        r.e = stateNumber(a[2], 'the exponent');
        r.nan = stateNumber(a[3], 'the NaN count');
        r.posInf = stateNumber(a[4], 'the +Infinity count');
        r.negInf = stateNumber(a[5], 'the -Infinity count');
        if (!Number.isInteger(r.e)) throw badState('the exponent of a DOUBLE sum is not an integer');
        return r;
      }
    }
  }
}

const LIMIT = 4503599627370496; // 2^52

/** q = trunc(s / n) for safe integers, exactly (the float quotient is corrected by the remainder). */
function truncDiv(s: number, n: number): number {
  let q = Math.trunc(s / n);
  let r = s - q * n;
  if (s >= 0) {
    while (r < 0) {
      q--;
      r += n;
    }
    while (r >= n) {
      q++;
      r -= n;
    }
  } else {
    while (r > 0) {
      q++;
      r -= n;
    }
    while (r <= -n) {
      q--;
      r += n;
    }
  }
  return q;
}

export class IntSum implements ExactSum {
  n = 0;
  /** Safe-integer part, |small| ≤ 2^52 + 2^31. */
  small = 0;
  /** Overflow part. */
  big = 0n;

  add(v: Value): void {
    this.n++;
    const s = this.small + (v as number);
    if (s > LIMIT || s < -LIMIT) {
      this.big += BigInt(s);
      this.small = 0;
    } else {
      this.small = s;
    }
  }

  retract(v: Value): void {
    this.n--;
    const s = this.small - (v as number);
    if (s > LIMIT || s < -LIMIT) {
      this.big += BigInt(s);
      this.small = 0;
    } else {
      this.small = s;
    }
  }

  total(): bigint {
    return this.big + BigInt(this.small);
  }

  sum(out: NumericOut): Value {
    return this.big === 0n ? outFromSafeInteger(this.small, out) : outFromBigint(this.total(), out);
  }

  mean(out: NumericOut): Value {
    switch (out.kind) {
      case OUT_DECIMAL: {
        const q = new Decimal(this.total(), 0).div(new Decimal(BigInt(this.n), 0), out.scale);
        return q === null ? null : outFromDecimal(q, out);
      }
      case OUT_DOUBLE:
      case OUT_FLOAT:
        return outFromNumber((this.big === 0n ? this.small : Number(this.total())) / this.n, out);
      default:
        return this.big === 0n
          ? outFromSafeInteger(truncDiv(this.small, this.n), out)
          : outFromBigint(this.total() / BigInt(this.n), out);
    }
  }

  snapshot(): StateValue {
    return [this.n, this.small, this.big];
  }
}

export class BigintSum implements ExactSum {
  n = 0;
  total = 0n;

  add(v: Value): void {
    this.n++;
    this.total += v as bigint;
  }

  retract(v: Value): void {
    this.n--;
    this.total -= v as bigint;
  }

  sum(out: NumericOut): Value {
    return outFromBigint(this.total, out);
  }

  mean(out: NumericOut): Value {
    switch (out.kind) {
      case OUT_DECIMAL: {
        const q = new Decimal(this.total, 0).div(new Decimal(BigInt(this.n), 0), out.scale);
        return q === null ? null : outFromDecimal(q, out);
      }
      case OUT_DOUBLE:
      case OUT_FLOAT:
        return outFromNumber(Number(this.total) / this.n, out);
      default:
        return outFromBigint(this.total / BigInt(this.n), out);
    }
  }

  snapshot(): StateValue {
    return [this.n, this.total];
  }
}

export class DecimalSum implements ExactSum {
  n = 0;
  unscaled = 0n;
  readonly scale: number;

  constructor(scale: number) {
    this.scale = scale;
  }

  add(v: Value): void {
    this.n++;
    const d = v as Decimal;
    this.unscaled += d.scale === this.scale ? d.unscaled : d.rescale(this.scale).unscaled;
  }

  retract(v: Value): void {
    this.n--;
    const d = v as Decimal;
    this.unscaled -= d.scale === this.scale ? d.unscaled : d.rescale(this.scale).unscaled;
  }

  sum(out: NumericOut): Value {
    return outFromDecimal(new Decimal(this.unscaled, this.scale), out);
  }

  mean(out: NumericOut): Value {
    const total = new Decimal(this.unscaled, this.scale);
    switch (out.kind) {
      case OUT_DECIMAL: {
        // HALF_UP like Decimal.div, without building the divisor.
        const n = BigInt(this.n);
        const q =
          out.scale >= this.scale
            ? divHalfUp(this.unscaled * pow10(out.scale - this.scale), n)
            : divHalfUp(this.unscaled, n * pow10(this.scale - out.scale));
        return outFromDecimal(new Decimal(q, out.scale), out);
      }
      case OUT_DOUBLE:
      case OUT_FLOAT:
        return outFromNumber(total.toNumber() / this.n, out);
      default:
        return outFromBigint(this.unscaled / (BigInt(this.n) * pow10(this.scale)), out);
    }
  }

  snapshot(): StateValue {
    return [this.n, this.unscaled];
  }
}

export class DoubleSum implements ExactSum {
  n = 0;
  /** The finite values' exact sum is m · 2^e (e is meaningless while m is 0). */
  m = 0n;
  e = 0;
  nan = 0;
  posInf = 0;
  negInf = 0;

  add(v: Value): void {
    this.n++;
    const x = v as number;
    if (x === 0) return;
    if (x - x !== 0) {
      this.#special(x, 1);
      return;
    }
    decomposeDouble(x);
    this.#accumulate(decomposed.mantissa, decomposed.exponent);
  }

  retract(v: Value): void {
    this.n--;
    const x = v as number;
    if (x === 0) return;
    if (x - x !== 0) {
      this.#special(x, -1);
      return;
    }
    decomposeDouble(x);
    this.#accumulate(-decomposed.mantissa, decomposed.exponent);
  }

  #special(x: number, d: number): void {
    if (x === Infinity) this.posInf += d;
    else if (x === -Infinity) this.negInf += d;
    else this.nan += d;
  }

  #accumulate(mant: number, exp: number): void {
    const mb = BigInt(mant);
    if (this.m === 0n) {
      this.m = mb;
      this.e = exp;
    } else if (exp >= this.e) {
      this.m += mb << BigInt(exp - this.e);
    } else {
      this.m = (this.m << BigInt(this.e - exp)) + mb;
      this.e = exp;
    }
  }

  /** NaN or ±∞ when a special value is held, else null. */
  #specialResult(): number | null {
    if (this.nan > 0 || (this.posInf > 0 && this.negInf > 0)) return NaN;
    if (this.posInf > 0) return Infinity;
    if (this.negInf > 0) return -Infinity;
    return null;
  }

  /** The exact sum rounded to the nearest double. */
  value(): number {
    return this.#specialResult() ?? dyadicToNumber(this.m, this.e);
  }

  sum(out: NumericOut): Value {
    const special = this.#specialResult();
    if (special !== null) return outFromNumber(special, out);
    switch (out.kind) {
      case OUT_DOUBLE:
      case OUT_FLOAT:
        return outFromNumber(dyadicToNumber(this.m, this.e), out);
      case OUT_DECIMAL:
        return outFromDecimal(dyadicToDecimal(this.m, this.e), out);
      default:
        return outFromBigint(dyadicToBigint(this.m, this.e), out);
    }
  }

  mean(out: NumericOut): Value {
    const special = this.#specialResult();
    if (special !== null) return outFromNumber(special, out);
    switch (out.kind) {
      case OUT_DOUBLE:
      case OUT_FLOAT:
        return outFromNumber(dyadicToNumber(this.m, this.e) / this.n, out);
      case OUT_DECIMAL: {
        const q = dyadicToDecimal(this.m, this.e).div(new Decimal(BigInt(this.n), 0), out.scale);
        return q === null ? null : outFromDecimal(q, out);
      }
      default:
        return outFromBigint(dyadicToBigint(this.m, this.e) / BigInt(this.n), out);
    }
  }

  snapshot(): StateValue {
    return [this.n, this.m, this.m === 0n ? 0 : this.e, this.nan, this.posInf, this.negInf];
  }
}
