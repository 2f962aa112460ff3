import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import type { Key } from '../../core/values.js';
import { Rng } from '../../testing/changelog.js';
import { decodeState, encodeState, StateWriter, type StateValue } from './codec.js';

function roundTrip(v: StateValue): StateValue {
  return decodeState(encodeState(v));
}

function isStateError(e: unknown): boolean {
  return e instanceof StrataError && e.code === 'STATE';
}

/** A value with every StateValue shape, nested. */
function richValue(): StateValue {
  const inner = new Map<Key, StateValue>([
    [1n, 'bigint key'],
    ['1', 'string key'],
    [1, 'number key'],
    [null, 'null key'],
    [true, [new Decimal(-5n, 3)]],
  ]);
  return {
    version: 1,
    groups: new Map<Key, StateValue>([
      ['a', [['a'], 2, ['a', 2n, new Decimal(12345n, 2)], [2, [0, 3, 0n], [[1, 2], [1, 1]]]]],
      [null, [[null], 1, null, inner]],
      [-(2n ** 70n), { nested: { deeper: [new Uint8Array([0, 255, 7]), new Map()] } }],
    ]),
    empty: {},
    list: [],
    text: '日本語 🚀 \u0000 end',
  };
}

describe('encodeState / decodeState', () => {
  test('scalars round-trip with their JS types', () => {
    const values: StateValue[] = [
      null,
      true,
      false,
      0,
      1.5,
      -123456789.125,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Infinity,
      -Infinity,
      0n,
      -1n,
      2n ** 200n,
      -(2n ** 63n),
      '',
      'plain',
      'ü日本🚀\u0000\n',
    ];
    for (const v of values) assert.equal(roundTrip(v), v);
    assert.ok(Object.is(roundTrip(-0), -0), '-0 stays -0');
    assert.ok(Number.isNaN(roundTrip(NaN)), 'NaN stays NaN');
    assert.equal(typeof roundTrip(5n), 'bigint');
    assert.equal(typeof roundTrip('5'), 'string');
  });

  test('Decimals keep unscaled value and scale, including negative and large scales', () => {
    const decimals = [
      new Decimal(0n, 0),
      new Decimal(-12345n, 2),
      new Decimal(1n, 30),
      new Decimal(-(10n ** 64n) + 1n, 30),
      new Decimal(7n, -5),
      new Decimal(123n, 1000),
      new Decimal(-1n, -1000),
    ];
    for (const d of decimals) {
      const r = roundTrip(d);
      assert.ok(r instanceof Decimal);
      assert.equal(r.unscaled, d.unscaled);
      assert.equal(r.scale, d.scale);
    }
  });

  test('bytes round-trip as a fresh Uint8Array', () => {
    const b = new Uint8Array([0, 1, 2, 254, 255]);
    const r = roundTrip(b);
    assert.ok(r instanceof Uint8Array);
    assert.deepEqual([...r], [...b]);
    const empty = roundTrip(new Uint8Array(0));
    assert.ok(empty instanceof Uint8Array && empty.length === 0);
    // A Uint8Array view into a larger buffer encodes only its own bytes.
    const view = new Uint8Array([9, 9, 1, 2, 9]).subarray(2, 4);
    assert.deepEqual([...(roundTrip(view) as Uint8Array)], [1, 2]);
  });

  test('maps keep key types, insertion order and nesting; records and arrays nest', () => {
    const v = richValue();
    const r = roundTrip(v);
    assert.deepEqual(r, v);
    const groups = (r as { groups: Map<Key, StateValue> }).groups;
    assert.ok(groups instanceof Map);
    assert.deepEqual([...groups.keys()], ['a', null, -(2n ** 70n)]);
    const inner = (groups.get(null) as StateValue[])[3] as Map<Key, StateValue>;
    assert.equal(inner.get(1n), 'bigint key');
    assert.equal(inner.get('1'), 'string key');
    assert.equal(inner.get(1), 'number key');
    assert.equal(inner.get(null), 'null key');
    assert.ok(((inner.get(true) as StateValue[])[0] as Decimal) instanceof Decimal);
  });

  test('a large state round-trips (the writer grows its buffer)', () => {
    const m = new Map<Key, StateValue>();
    for (let i = 0; i < 20000; i++) m.set(`key-${i}`, [i, BigInt(i) * 1000000007n, new Decimal(BigInt(i), 2)]);
    const bytes = encodeState(m);
    assert.ok(bytes.length > 1024 * 64);
    assert.deepEqual(decodeState(bytes), m);
  });

  test('encoding is deterministic', () => {
    assert.deepEqual(encodeState(richValue()), encodeState(richValue()));
  });
});

describe('decodeState on damaged bytes', () => {
  test('every truncation throws STATE', () => {
    const bytes = encodeState(richValue());
    for (let n = 0; n < bytes.length; n++) {
      assert.throws(() => decodeState(bytes.subarray(0, n)), isStateError, `truncated to ${n} of ${bytes.length} bytes`);
    }
  });

  test('trailing bytes throw STATE', () => {
    const bytes = encodeState([1, 'two']);
    assert.throws(() => decodeState(Buffer.concat([bytes, Buffer.from([0])])), isStateError);
  });

  test('an unknown tag throws STATE', () => {
    assert.throws(() => decodeState(Buffer.from([42])), isStateError);
    const bytes = Buffer.from(encodeState([null, null]));
    bytes[bytes.length - 1] = 200;
    assert.throws(() => decodeState(bytes), isStateError);
  });

  test('a length that runs past the end throws STATE', () => {
    const bytes = Buffer.from(encodeState('hello'));
    bytes.writeUInt32LE(0xffffffff, 1);
    assert.throws(() => decodeState(bytes), isStateError);
    const arr = Buffer.from(encodeState([1, 2, 3]));
    arr.writeUInt32LE(1000000, 1);
    assert.throws(() => decodeState(arr), isStateError);
  });

  test('damaged bigint and decimal digits throw STATE', () => {
    // Beyond 64 bits, integers are stored as decimal text (within, as 8 bytes).
    const big = Buffer.from(encodeState(123456789012345678901234567890n));
    big[6] = 'x'.charCodeAt(0);
    assert.throws(() => decodeState(big), isStateError);
    const dec = Buffer.from(encodeState(new Decimal(123456789012345678901234567890n, 2)));
    dec[5] = '.'.charCodeAt(0);
    assert.throws(() => decodeState(dec), isStateError);
  });

  test('64-bit integers and decimals take 8 bytes and round-trip at the edges', () => {
    for (const v of [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n]) {
      assert.equal(decodeState(encodeState(v)), v);
      const d = decodeState(encodeState(new Decimal(v, 7))) as Decimal;
      assert.equal(d.unscaled, v);
      assert.equal(d.scale, 7);
    }
    assert.equal(encodeState(2n ** 63n - 1n).length, 9);
  });

  test('random corruption either decodes to some value or throws STATE, never another error', () => {
    const bytes = encodeState(richValue());
    const rng = new Rng(99);
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(bytes);
      const flips = rng.range(1, 3);
      for (let f = 0; f < flips; f++) b[rng.int(b.length)] = rng.int(256);
      try {
        decodeState(b);
      } catch (e) {
        assert.ok(isStateError(e), `corruption case ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
    }
  });
});

describe('StateWriter', () => {
  test('64-bit integers round-trip at every boundary of the fast path', () => {
    const edges = [0n, 1n, -1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (const v of edges) {
      const back = decodeState(encodeState([v, new Decimal(v, 3)])) as readonly StateValue[];
      assert.equal(back[0], v, `bigint ${v}`);
      assert.equal((back[1] as Decimal).unscaled, v, `decimal ${v}`);
    }
  });

  test('pieces written one by one give the bytes of the whole value', () => {
    const value: StateValue = { a: 1, m: new Map<Key, StateValue>([[1, [2n, 'x']], ['k', null]]), list: [true, 3.5] };
    const w = new StateWriter(16);
    w.record(3);
    w.field('a');
    w.number(1);
    w.field('m');
    const h = w.beginMap();
    w.value(1);
    w.raw(encodeState([2n, 'x']));
    w.value('k');
    w.value(null);
    w.endMap(h, 2);
    w.field('list');
    w.array(2);
    w.value(true);
    w.value(3.5);
    assert.ok(w.finish().equals(encodeState(value)));
    assert.deepEqual(decodeState(w.finish()), value);
  });

  test('a reused buffer is written from its start and grows when too small', () => {
    const reuse = Buffer.alloc(32, 0xff);
    const w = new StateWriter(16, reuse);
    w.value('a string longer than the thirty-two bytes of the buffer');
    assert.deepEqual(decodeState(w.finish()), 'a string longer than the thirty-two bytes of the buffer');
  });
});
