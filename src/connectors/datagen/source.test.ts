import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import type { TableDescriptor } from '../../core/plan.js';
import { INSERT } from '../../core/row-kind.js';
import { schemaOf, type Field } from '../../core/schema.js';
import { T } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import type { ConnectorContext } from '../../engine/connector.js';
import { decodeState, encodeState } from '../../engine/state/codec.js';
import { DatagenSource } from './source.js';
import type { SourceClock } from './rate-limiter.js';

/** A clock that moves only when told; sleeps resolve when it passes their deadline. */
class FakeClock implements SourceClock {
  t = 1_700_000_000_123;
  readonly sleeps: { until: number; ms: number; resolve: () => void }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      this.sleeps.push({ until: this.t + ms, ms, resolve });
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  advance(ms: number): void {
    this.t += ms;
    for (const s of this.sleeps.splice(0)) {
      if (s.until <= this.t) s.resolve();
      else this.sleeps.push(s);
    }
  }
}

function ctx(signal: AbortSignal = new AbortController().signal): ConnectorContext {
  return { jobName: 'test', signal, log: () => {} };
}

function table(fields: Field[], options: Record<string, string>): TableDescriptor {
  return { path: ['cat', 'db', 'gen'], schema: schemaOf(fields), primaryKey: null, options: { connector: 'datagen', ...options } };
}

async function openSource(fields: Field[], options: Record<string, string>, clock = new FakeClock()): Promise<{ src: DatagenSource; clock: FakeClock }> {
  const src = new DatagenSource(table(fields, options), ctx(), { clock });
  await src.open();
  return { src, clock };
}

/** Every row the source gives with plenty of time, up to `limit`. */
function drain(src: DatagenSource, clock: FakeClock, limit = 100_000): Row[] {
  const rows: Row[] = [];
  while (!src.finished && rows.length < limit) {
    clock.advance(1000);
    const b = src.poll(limit - rows.length);
    if (b !== null) rows.push(...b.rows);
  }
  return rows;
}

function errorOf(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StrataError, `expected a StrataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

const FAST = { 'rows-per-second': '1000000', seed: '42' };

describe('datagen random values', () => {
  test('every column type gets values of the right representation and range', async () => {
    const fields: Field[] = [
      { name: 'b', type: T.boolean() },
      { name: 'ti', type: T.tinyint() },
      { name: 'si', type: T.smallint() },
      { name: 'i', type: T.int() },
      { name: 'bi', type: T.bigint() },
      { name: 'f', type: T.float() },
      { name: 'd', type: T.double() },
      { name: 'dec', type: T.decimal(10, 2) },
      { name: 'c', type: T.char(3) },
      { name: 'vc', type: T.varchar(5) },
      { name: 's', type: T.string() },
      { name: 'bin', type: T.binary(4) },
      { name: 'bytes', type: T.bytes() },
      { name: 'dt', type: T.date() },
      { name: 'tm', type: T.time(0) },
      { name: 'ts', type: T.timestamp(3) },
      { name: 'ltz', type: T.timestampLtz(6) },
      { name: 'n', type: T.null() },
    ];
    const { src, clock } = await openSource(fields, { ...FAST, 'number-of-rows': '300', 'fields.ts.max-past': '1h', 'fields.ltz.max-past': '10 s' });
    clock.advance(1);
    const batch = src.poll(1000)!;
    assert.equal(batch.length, 300);
    assert.ok(batch.kinds.every((k) => k === INSERT));
    const now = clock.t;
    const offsetMs = -new Date(now).getTimezoneOffset() * 60_000;
    const localMicros = BigInt(now + offsetMs) * 1000n;
    const utcMicros = BigInt(now) * 1000n;
    const seenBools = new Set<boolean>();
    for (const r of batch.rows) {
      assert.equal(r.length, fields.length);
      assert.equal(typeof r[0], 'boolean');
      seenBools.add(r[0] as boolean);
      for (const [idx, lo, hi] of [
        [1, -128, 127],
        [2, -32768, 32767],
        [3, -2147483648, 2147483647],
      ] as const) {
        const v = r[idx] as number;
        assert.ok(Number.isInteger(v) && v >= lo && v <= hi, `${fields[idx]!.name}: ${v}`);
      }
      assert.equal(typeof r[4], 'bigint');
      assert.equal(r[5], Math.fround(r[5] as number));
      assert.ok((r[5] as number) > 0);
      assert.equal(typeof r[6], 'number');
      const dec = r[7] as Decimal;
      assert.ok(dec instanceof Decimal && dec.scale === 2 && dec.fits(10, 2), String(dec));
      assert.match(r[8] as string, /^[A-Za-z0-9]{3}$/);
      assert.match(r[9] as string, /^[A-Za-z0-9]{5}$/);
      assert.match(r[10] as string, /^[A-Za-z0-9]{100}$/);
      assert.ok(r[11] instanceof Uint8Array && r[11].length === 4);
      assert.ok(r[12] instanceof Uint8Array && r[12].length === 100);
      assert.equal(r[13], Math.floor((now + offsetMs) / 86_400_000));
      const tm = r[14] as number;
      assert.equal(tm, Number(localMicros % 86_400_000_000n) - (Number(localMicros % 86_400_000_000n) % 1_000_000));
      const ts = r[15] as bigint;
      assert.ok(ts <= localMicros && ts >= localMicros - 3_600_000_000n - 1000n && ts % 1000n === 0n, String(ts));
      const ltz = r[16] as bigint;
      assert.ok(ltz <= utcMicros && ltz >= utcMicros - 10_000_000n, String(ltz));
      assert.equal(r[17], null);
    }
    assert.equal(seenBools.size, 2);
    // Random values differ from row to row.
    assert.ok(new Set(batch.rows.map((r) => r[3])).size > 250);
  });

  test('min and max bound random numbers of every numeric type', async () => {
    const fields: Field[] = [
      { name: 'i', type: T.int() },
      { name: 'bi', type: T.bigint() },
      { name: 'd', type: T.double() },
      { name: 'dec', type: T.decimal(6, 2) },
    ];
    const { src, clock } = await openSource(fields, {
      ...FAST,
      'number-of-rows': '500',
      'fields.i.min': '10',
      'fields.i.max': '12',
      'fields.bi.min': '9223372036854775800',
      'fields.bi.max': '9223372036854775807',
      'fields.d.min': '-1.5',
      'fields.d.max': '1.5',
      'fields.dec.min': '-0.05',
      'fields.dec.max': '0.05',
    });
    const rows = drain(src, clock);
    assert.equal(rows.length, 500);
    assert.deepEqual(new Set(rows.map((r) => r[0])), new Set([10, 11, 12]));
    for (const r of rows) {
      const bi = r[1] as bigint;
      assert.ok(bi >= 9223372036854775800n && bi <= 9223372036854775807n);
      const d = r[2] as number;
      assert.ok(d >= -1.5 && d <= 1.5);
      const dec = r[3] as Decimal;
      assert.equal(dec.scale, 2);
      assert.ok(dec.unscaled >= -5n && dec.unscaled <= 5n, String(dec));
    }
  });

  test('length and var-len shape strings and bytes', async () => {
    const fields: Field[] = [
      { name: 's', type: T.string() },
      { name: 'v', type: T.string() },
      { name: 'b', type: T.bytes() },
    ];
    const { src, clock } = await openSource(fields, { ...FAST, 'number-of-rows': '200', 'fields.s.length': '7', 'fields.v.length': '4', 'fields.v.var-len': 'true', 'fields.b.length': '2' });
    const rows = drain(src, clock);
    const lengths = new Set<number>();
    for (const r of rows) {
      assert.equal((r[0] as string).length, 7);
      const v = (r[1] as string).length;
      assert.ok(v >= 1 && v <= 4);
      lengths.add(v);
      assert.equal((r[2] as Uint8Array).length, 2);
    }
    assert.equal(lengths.size, 4);
  });

  test('null-rate produces NULLs in nullable columns only', async () => {
    const { src, clock } = await openSource([{ name: 'x', type: T.int() }], { ...FAST, 'number-of-rows': '400', 'fields.x.null-rate': '0.5' });
    const rows = drain(src, clock);
    const nulls = rows.filter((r) => r[0] === null).length;
    assert.ok(nulls > 100 && nulls < 300, String(nulls));
    const e = errorOf(() => new DatagenSource(table([{ name: 'x', type: T.int(false) }], { 'fields.x.null-rate': '0.1' }), ctx()));
    assert.match(e.message, /invalid option 'fields\.x\.null-rate' .*field `x` is NOT NULL/);
  });

  test('the same seed gives the same rows; another seed other rows', async () => {
    const fields: Field[] = [
      { name: 'i', type: T.int() },
      { name: 's', type: T.string() },
      { name: 'dec', type: T.decimal(20, 4) },
    ];
    const rowsOf = async (seed: string): Promise<Row[]> => {
      const { src, clock } = await openSource(fields, { 'rows-per-second': '1000000', seed, 'number-of-rows': '50' });
      return drain(src, clock);
    };
    const a = await rowsOf('7');
    const b = await rowsOf('7');
    const c = await rowsOf('8');
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
});

describe('datagen sequences and boundedness', () => {
  test('a sequence counts from start to end and then the source is finished', async () => {
    const { src, clock } = await openSource(
      [
        { name: 'id', type: T.int() },
        { name: 'name', type: T.string() },
      ],
      { ...FAST, 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '5' },
    );
    clock.advance(1000);
    assert.deepEqual(src.poll(2)!.rows.map((r) => r[0]), [1, 2]);
    assert.equal(src.finished, false);
    assert.deepEqual(src.poll(100)!.rows.map((r) => r[0]), [3, 4, 5]);
    assert.equal(src.finished, true);
    assert.equal(src.poll(100), null);
    await src.ready(); // resolves at once when finished
  });

  test('sequences of BIGINT, STRING, DOUBLE and DECIMAL; the shortest bound wins', async () => {
    const { src, clock } = await openSource(
      [
        { name: 'b', type: T.bigint() },
        { name: 's', type: T.string() },
        { name: 'd', type: T.double() },
        { name: 'dec', type: T.decimal(5, 1) },
      ],
      {
        ...FAST,
        'fields.b.kind': 'sequence',
        'fields.b.start': '9223372036854775806',
        'fields.b.end': '9223372036854775807',
        'fields.s.kind': 'sequence',
        'fields.s.start': '10',
        'fields.s.end': '20',
        'fields.d.kind': 'sequence',
        'fields.d.start': '0.5',
        'fields.d.end': '100',
        'fields.dec.kind': 'sequence',
        'fields.dec.start': '1.5',
        'fields.dec.end': '9',
      },
    );
    const rows = drain(src, clock);
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], String(r[3])]),
      [
        [9223372036854775806n, '10', 0.5, '1.5'],
        [9223372036854775807n, '11', 1.5, '2.5'],
      ],
    );
  });

  test('number-of-rows bounds the source, also below a sequence end', async () => {
    const { src, clock } = await openSource([{ name: 'id', type: T.int() }], {
      ...FAST,
      'number-of-rows': '3',
      'fields.id.kind': 'sequence',
      'fields.id.start': '1',
      'fields.id.end': '100',
    });
    assert.deepEqual(drain(src, clock).map((r) => r[0]), [1, 2, 3]);
    assert.equal(src.finished, true);
    const zero = await openSource([{ name: 'id', type: T.int() }], { 'number-of-rows': '0' });
    assert.equal(zero.src.finished, true);
  });

  test('restored offsets continue the sequence and, with a seed, the random values', async () => {
    const fields: Field[] = [
      { name: 'id', type: T.bigint() },
      { name: 'v', type: T.int() },
    ];
    const options = { ...FAST, 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '10' };
    const a = await openSource(fields, options);
    a.clock.advance(1000);
    a.src.poll(4);
    const offsets = decodeState(encodeState(a.src.snapshotOffsets()));
    const rest = a.src.poll(100)!.rows;
    assert.deepEqual(rest.map((r) => r[0]), [5n, 6n, 7n, 8n, 9n, 10n]);

    const clock = new FakeClock();
    const b = new DatagenSource(table(fields, options), ctx(), { clock });
    b.restoreOffsets(offsets);
    await b.open();
    assert.equal(b.emitted, 4);
    clock.advance(1000);
    assert.deepEqual(b.poll(100)!.rows, rest);
    assert.equal(b.finished, true);
    assert.throws(() => b.restoreOffsets('garbage'), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
  });
});

describe('datagen rate limiting', () => {
  test('poll returns only what the rate allows and ready() waits for the next row', async () => {
    const { src, clock } = await openSource([{ name: 'i', type: T.int() }], { 'rows-per-second': '10', seed: '1' });
    assert.equal(src.poll(100), null);
    let woke = false;
    const waiting = src.ready().then(() => {
      woke = true;
    });
    assert.equal(clock.sleeps.length, 1);
    assert.equal(clock.sleeps[0]!.ms, 100);
    clock.advance(99);
    await Promise.resolve();
    assert.equal(woke, false);
    clock.advance(1);
    await waiting;
    assert.equal(woke, true);
    assert.equal(src.poll(100)!.length, 1);
    assert.equal(src.poll(100), null);
    clock.advance(1000);
    assert.equal(src.poll(100)!.length, 10);
    // max caps a poll; the rest stays due.
    clock.advance(500);
    assert.equal(src.poll(2)!.length, 2);
    assert.equal(src.poll(100)!.length, 3);
    await src.close();
  });

  test('a long pause releases at most one second of backlog', async () => {
    const { src, clock } = await openSource([{ name: 'i', type: T.int() }], { 'rows-per-second': '10', seed: '1' });
    clock.advance(60_000);
    assert.equal(src.poll(10_000)!.length, 10);
    assert.equal(src.poll(10_000), null);
    clock.advance(100);
    assert.equal(src.poll(10_000)!.length, 1);
  });

  test('close wakes a waiting ready()', async () => {
    const { src } = await openSource([{ name: 'i', type: T.int() }], { 'rows-per-second': '1', seed: '1' });
    const waiting = src.ready();
    await src.close();
    await waiting;
    assert.equal(src.poll(10), null);
  });
});

describe('datagen option checks', () => {
  const fields: Field[] = [
    { name: 'id', type: T.int() },
    { name: 'name', type: T.string() },
    { name: 'flag', type: T.boolean() },
  ];
  const make = (options: Record<string, string>): void => {
    new DatagenSource(table(fields, options), ctx());
  };

  test('options must name a column', () => {
    const e = errorOf(() => make({ 'fields.nmae.length': '5' }));
    assert.equal(e.code, 'CONNECTOR_OPTION');
    assert.match(e.message, /invalid option 'fields\.nmae\.length' for connector 'datagen' in table `cat`\.`db`\.`gen`: there is no column `nmae` Did you mean `name`\?/);
  });

  test('options must apply to the column type and kind', () => {
    assert.match(errorOf(() => make({ 'fields.name.min': '1' })).message, /does not apply to field `name` of type STRING with kind 'random'.*fields\.name\.length/);
    assert.match(errorOf(() => make({ 'fields.id.length': '1' })).message, /does not apply to field `id` of type INT/);
    assert.match(errorOf(() => make({ 'fields.id.start': '1' })).message, /does not apply to field `id` of type INT with kind 'random'/);
    assert.match(errorOf(() => make({ 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '2', 'fields.id.min': '0' })).message, /kind 'sequence'/);
  });

  test('sequence needs start and end, in order, for a supported type', () => {
    assert.match(errorOf(() => make({ 'fields.id.kind': 'sequence', 'fields.id.end': '5' })).message, /missing required option 'fields\.id\.start'/);
    assert.match(errorOf(() => make({ 'fields.id.kind': 'sequence', 'fields.id.start': '5' })).message, /missing required option 'fields\.id\.end'/);
    assert.match(errorOf(() => make({ 'fields.id.kind': 'sequence', 'fields.id.start': '5', 'fields.id.end': '1' })).message, /start 5 is greater than end 1/);
    assert.match(errorOf(() => make({ 'fields.flag.kind': 'sequence' })).message, /a sequence cannot generate type BOOLEAN/);
  });

  test('min and max must be values of the column type, in range and in order', () => {
    assert.match(errorOf(() => make({ 'fields.id.min': 'abc' })).message, /'abc' is not a value of type INT/);
    assert.match(errorOf(() => make({ 'fields.id.max': '3000000000' })).message, /out of the range of INT/);
    assert.match(errorOf(() => make({ 'fields.id.min': '5', 'fields.id.max': '1' })).message, /min 5 is greater than max 1/);
    assert.match(errorOf(() => make({ 'fields.id.kind': 'sequential' })).message, /expected one of 'random', 'sequence'/);
    assert.match(errorOf(() => make({ 'rows-per-second': '0' })).message, /must be at least 1/);
  });

  test('length may not exceed a declared VARCHAR length', () => {
    const e = errorOf(() => new DatagenSource(table([{ name: 'v', type: T.varchar(3) }], { 'fields.v.length': '4' }), ctx()));
    assert.match(e.message, /length 4 is longer than the 3 declared by VARCHAR\(3\)/);
  });
});
