import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import { T } from '../../../core/types.js';
import { Rng } from '../../../testing/changelog.js';
import { decodeState, encodeState } from '../../state/codec.js';
import { DoubleSum, ExactSumKind, IntSum } from './exact-sum.js';
import { numericOutOf } from './numeric.js';

const OUT_DOUBLE = numericOutOf(T.double(), 't');
const OUT_INT = numericOutOf(T.int(), 't');
const OUT_BIGINT = numericOutOf(T.bigint(), 't');

describe('DoubleSum', () => {
  test('retracting a value restores the previous sum exactly', () => {
    const s = new DoubleSum();
    s.add(0.1);
    s.add(0.2);
    assert.equal(s.value(), 0.30000000000000004);
    s.retract(0.2);
    assert.equal(s.value(), 0.1);
    s.add(1e300);
    s.add(1e-300);
    s.retract(1e300);
    assert.equal(s.value(), 0.1 + 1e-300);
    s.retract(0.1);
    assert.equal(s.value(), 1e-300);
    s.retract(1e-300);
    assert.equal(s.value(), 0);
    assert.equal(s.n, 0);
  });

  test('the result is the exact sum rounded once, whatever the order', () => {
    const rng = new Rng(11);
    const xs: number[] = [];
    for (let i = 0; i < 300; i++) xs.push((rng.next() - 0.5) * 10 ** rng.range(-5, 8));
    const a = new DoubleSum();
    for (const x of xs) a.add(x);
    const b = new DoubleSum();
    for (let i = xs.length - 1; i >= 0; i--) b.add(xs[i]!);
    assert.equal(a.value(), b.value());
    // Exact check through decimals (every double is an exact decimal).
    let exact = new Decimal(0n, 0);
    for (const x of xs) exact = exact.add(exactDecimal(x));
    assert.equal(a.value(), Number(exact.toString()));
    // Add and retract random values in between: still the same.
    for (let i = 0; i < 100; i++) {
      const x = (rng.next() - 0.5) * 10 ** rng.range(-300, 300);
      a.add(x);
      a.retract(x);
    }
    assert.equal(a.value(), b.value());
  });

  test('NaN and infinities are counted, so they can be retracted', () => {
    const s = new DoubleSum();
    s.add(1.5);
    s.add(Infinity);
    assert.equal(s.value(), Infinity);
    s.add(-Infinity);
    assert.ok(Number.isNaN(s.value()));
    s.retract(Infinity);
    assert.equal(s.value(), -Infinity);
    s.retract(-Infinity);
    s.add(NaN);
    assert.ok(Number.isNaN(s.value()));
    s.retract(NaN);
    assert.equal(s.value(), 1.5);
  });

  test('mean and sum into DECIMAL are exact', () => {
    const s = new DoubleSum();
    s.add(0.5);
    s.add(0.25);
    assert.deepEqual(s.sum(numericOutOf(T.decimal(10, 3), 't')), new Decimal(750n, 3));
    assert.deepEqual(s.mean(numericOutOf(T.decimal(10, 3), 't')), new Decimal(375n, 3));
    assert.equal(s.mean(OUT_DOUBLE), 0.375);
  });
});

describe('IntSum', () => {
  test('stays exact past 2^53 and wraps only on output', () => {
    const s = new IntSum();
    const big = 2147483647;
    let exact = 0n;
    for (let i = 0; i < 5_000_000; i += 1000) {
      s.add(big);
      exact += BigInt(big);
    }
    for (let i = 0; i < 3; i++) {
      s.add(2 ** 52);
      exact += 2n ** 52n;
    }
    assert.equal(s.total(), exact);
    assert.equal(s.sum(OUT_INT), Number(BigInt.asIntN(32, exact)));
    assert.equal(s.sum(OUT_BIGINT), exact);
    for (let i = 0; i < 3; i++) s.retract(2 ** 52);
    assert.equal(s.total(), exact - 3n * 2n ** 52n);
  });

  test('integer mean truncates toward zero (Java division)', () => {
    const s = new IntSum();
    s.add(-7);
    s.add(0);
    assert.equal(s.mean(OUT_INT), -3);
    s.add(14);
    assert.equal(s.mean(OUT_INT), 2);
    const big = new IntSum();
    big.add(2 ** 52);
    big.add(2 ** 52);
    big.add(1);
    assert.equal(big.mean(OUT_BIGINT), (2n ** 53n + 1n) / 3n);
  });
});

describe('ExactSumKind', () => {
  test('each kind round-trips through snapshot and the codec', () => {
    const cases: [ReturnType<typeof T.int>, unknown[]][] = [
      [T.int(), [5, -3, 2 ** 31 - 1]],
      [T.bigint(), [9007199254740993n, 2n]],
      [T.decimal(10, 2), [new Decimal(1234n, 2), new Decimal(-5n, 2)]],
      [T.double(), [0.1, 1e-300, Infinity]],
    ];
    for (const [type, values] of cases) {
      const kind = new ExactSumKind(type, 'SUM');
      const a = kind.create();
      for (const v of values) a.add(v as never);
      const b = kind.restore(decodeState(encodeState(a.snapshot())));
      const out = numericOutOf(type.kind === 'INT' ? T.bigint() : type, 't');
      assert.deepEqual(b.sum(out), a.sum(out), type.kind);
      assert.equal(b.n, a.n);
      b.retract(values[0] as never);
      a.retract(values[0] as never);
      assert.deepEqual(b.sum(out), a.sum(out), type.kind);
    }
  });

  test('refuses non-numeric arguments and malformed state', () => {
    assert.throws(() => new ExactSumKind(T.string(), 'SUM'), (e: unknown) => e instanceof StrataError && e.code === 'INTERNAL');
    const kind = new ExactSumKind(T.bigint(), 'SUM');
    assert.throws(() => kind.restore([1, 'x']), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
    assert.throws(() => kind.restore(null), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
  });
});

/** The exact decimal value of a double. */
function exactDecimal(x: number): Decimal {
  // x = m · 2^e; use the binary expansion via toString(2) is awkward: go through bigint scaling.
  let e = 0;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  const mb = BigInt(m);
  return e === 0 ? new Decimal(mb, 0) : new Decimal(mb * 5n ** BigInt(-e), -e);
}
