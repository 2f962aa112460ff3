/**
 * Incremental equals recompute, for GroupAggregateOperator.
 *
 * Each case (seeded, ≥ 1,000 of them) generates a random valid change stream (only rows
 * that are present are retracted; updates move rows within and across groups, some are
 * no-ops), cuts it into random steps of one to three `process` calls, and after every
 * `finishBatch` applies the operator's output to a table keyed by the group key (+I/+U
 * set the row, -U/-D remove it; a retraction must match the row present, a -U must be
 * followed by its +U, and an update must change the row). That table must equal the
 * aggregates recomputed from scratch over the rows present at that point. Some cases
 * snapshot the operator, encode and decode the state, and continue on a fresh instance.
 *
 * All comparisons are exact except SUM over DOUBLE, which is compared with a tolerance
 * (the oracle sums doubles naively in arbitrary order; the operator rounds the exact sum
 * once), and only that column.
 *
 * On failure the message names the seed; rerun one case with
 * `GROUP_AGG_SEED=<seed> node --test dist/src/engine/operators/group-aggregate.property.test.js`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import type { AggCall, StreamGroupAggregate } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, ROW_KIND_SHORT, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import { compareValues, keyOf, keyOfValue, rowEquals, type Key, type Row, type Value } from '../../core/values.js';
import { formatRow, Rng } from '../../testing/changelog.js';
import { decodeState, encodeState } from '../state/codec.js';
import { GroupAggregateOperator } from './group-aggregate.js';

// Input: k INT (small domain, NULL), v INT, b BIGINT, d DECIMAL(10, 2), f BOOLEAN, x DOUBLE
const K = 0;
const V = 1;
const B = 2;
const D = 3;
const F = 4;
const X = 5;
const IN: SqlType[] = [T.int(), T.int(), T.bigint(), T.decimal(10, 2), T.boolean(), T.double()];

type Oracle = (rows: readonly Row[]) => Value;

interface Spec {
  readonly call: Omit<AggCall, 'name'>;
  readonly oracle: Oracle;
  /** Compared with a tolerance (DOUBLE sums only). */
  readonly approximate?: boolean;
}

function nonNull(rows: readonly Row[], i: number, filter = -1): Value[] {
  const out: Value[] = [];
  for (const r of rows) {
    if (filter >= 0 && r[filter] !== true) continue;
    const v = r[i] ?? null;
    if (v !== null) out.push(v);
  }
  return out;
}

function distinct(vs: readonly Value[]): Value[] {
  const seen = new Map<Key, Value>();
  for (const v of vs) seen.set(keyOfValue(v), v);
  return [...seen.values()];
}

function bigSum(vs: readonly Value[]): bigint {
  let s = 0n;
  for (const v of vs) s += typeof v === 'bigint' ? v : BigInt(v as number);
  return s;
}

function decSum(vs: readonly Value[]): Decimal {
  let s = new Decimal(0n, 2);
  for (const v of vs) s = s.add(v as Decimal);
  return s;
}

function extreme(vs: readonly Value[], max: boolean): Value {
  let best: Value = null;
  for (const v of vs) if (best === null || (max ? compareValues(v, best) > 0 : compareValues(v, best) < 0)) best = v;
  return best;
}

const SPECS: Spec[] = [
  { call: { fn: 'COUNT', args: [], distinct: false, filter: null, type: T.bigint(false) }, oracle: (rs) => BigInt(rs.length) },
  { call: { fn: 'COUNT', args: [V], distinct: false, filter: null, type: T.bigint(false) }, oracle: (rs) => BigInt(nonNull(rs, V).length) },
  {
    call: { fn: 'SUM', args: [V], distinct: false, filter: null, type: T.int() },
    oracle: (rs) => {
      const vs = nonNull(rs, V);
      return vs.length === 0 ? null : Number(BigInt.asIntN(32, bigSum(vs)));
    },
  },
  {
    call: { fn: 'SUM', args: [B], distinct: false, filter: null, type: T.bigint() },
    oracle: (rs) => {
      const vs = nonNull(rs, B);
      return vs.length === 0 ? null : BigInt.asIntN(64, bigSum(vs));
    },
  },
  {
    call: { fn: 'SUM', args: [D], distinct: false, filter: null, type: T.decimal(38, 2) },
    oracle: (rs) => {
      const vs = nonNull(rs, D);
      return vs.length === 0 ? null : decSum(vs);
    },
  },
  {
    call: { fn: 'AVG', args: [D], distinct: false, filter: null, type: T.decimal(38, 6) },
    oracle: (rs) => {
      const vs = nonNull(rs, D);
      return vs.length === 0 ? null : decSum(vs).div(new Decimal(BigInt(vs.length), 0), 6);
    },
  },
  { call: { fn: 'MIN', args: [V], distinct: false, filter: null, type: T.int() }, oracle: (rs) => extreme(nonNull(rs, V), false) },
  { call: { fn: 'MAX', args: [V], distinct: false, filter: null, type: T.int() }, oracle: (rs) => extreme(nonNull(rs, V), true) },
  {
    call: { fn: 'COUNT', args: [V], distinct: true, filter: null, type: T.bigint(false) },
    oracle: (rs) => BigInt(distinct(nonNull(rs, V)).length),
  },
  {
    call: { fn: 'SUM0', args: [V], distinct: false, filter: null, type: T.int(false) },
    oracle: (rs) => Number(BigInt.asIntN(32, bigSum(nonNull(rs, V)))),
  },
  {
    call: { fn: 'AVG', args: [V], distinct: false, filter: null, type: T.int() },
    oracle: (rs) => {
      const vs = nonNull(rs, V);
      return vs.length === 0 ? null : Number(bigSum(vs) / BigInt(vs.length));
    },
  },
  {
    call: { fn: 'COUNT', args: [], distinct: false, filter: F, type: T.bigint(false) },
    oracle: (rs) => BigInt(rs.filter((r) => r[F] === true).length),
  },
  {
    call: { fn: 'SUM', args: [D], distinct: false, filter: F, type: T.decimal(38, 2) },
    oracle: (rs) => {
      const vs = nonNull(rs, D, F);
      return vs.length === 0 ? null : decSum(vs);
    },
  },
  {
    call: { fn: 'SUM', args: [X], distinct: false, filter: null, type: T.double() },
    oracle: (rs) => {
      const vs = nonNull(rs, X);
      let s = 0;
      for (const v of vs) s += v as number;
      return vs.length === 0 ? null : s;
    },
    approximate: true,
  },
  { call: { fn: 'MAX', args: [D], distinct: false, filter: null, type: T.decimal(10, 2) }, oracle: (rs) => extreme(nonNull(rs, D), true) },
  {
    call: { fn: 'SUM', args: [B], distinct: true, filter: null, type: T.bigint() },
    oracle: (rs) => {
      const vs = distinct(nonNull(rs, B));
      return vs.length === 0 ? null : BigInt.asIntN(64, bigSum(vs));
    },
  },
];

function makeNode(groupKeys: readonly number[]): StreamGroupAggregate {
  const aggs: AggCall[] = SPECS.map((s, i) => ({ ...s.call, name: `a${i}` }));
  return {
    kind: 'group-aggregate',
    id: 1,
    schema: {
      fields: [...groupKeys.map((k, i) => ({ name: `k${i}`, type: IN[k]! })), ...aggs.map((a) => ({ name: a.name, type: a.type }))],
    },
    mode: ALL_CHANGES,
    upsertKey: groupKeys.map((_, i) => i),
    input: 0,
    groupKeys,
    aggs,
  };
}

function randomRow(rng: Rng): Row {
  const k = rng.chance(0.15) ? null : rng.int(4);
  const v = rng.chance(0.2) ? null : rng.chance(0.05) ? rng.pick([2147483000, -2147483000, 2147483647]) : rng.range(-3, 6);
  const b = rng.chance(0.2)
    ? null
    : rng.chance(0.1)
      ? rng.pick([9007199254740993n, 2n ** 62n + 1n, -(2n ** 62n), 9223372036854775807n])
      : BigInt(rng.range(-50, 50));
  const d = rng.chance(0.2) ? null : new Decimal(BigInt(rng.range(-99999, 99999)), 2);
  const f = rng.chance(0.2) ? null : rng.chance(0.5);
  const x = rng.chance(0.2) ? null : rng.chance(0.1) ? rng.pick([1e15, -1e15, 0.1, 1e-10]) : Math.round((rng.next() - 0.5) * 100000) / 100;
  return [k, v, b, d, f, x];
}

/** A variation of `r`: same group most of the time, one or two fields changed. */
function variant(rng: Rng, r: Row): Row {
  const n = randomRow(rng);
  const out = r.slice();
  const fields = rng.range(1, 2);
  for (let i = 0; i < fields; i++) {
    const c = rng.int(IN.length);
    out[c] = n[c] ?? null;
  }
  return out;
}

function recompute(live: readonly Row[], groupKeys: readonly number[]): Map<Key, Row> {
  const groups = new Map<Key, Row[]>();
  for (const r of live) {
    const k = keyOf(r, groupKeys);
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = []));
    g.push(r);
  }
  const out = new Map<Key, Row>();
  for (const [k, rows] of groups) {
    const row: Value[] = groupKeys.map((i) => rows[0]![i] ?? null);
    for (const s of SPECS) row.push(s.oracle(rows));
    out.set(k, row);
  }
  return out;
}

/** Applies the output of one step to the keyed view, checking that it is a valid, minimal changelog. */
function applyOutput(view: Map<Key, Row>, out: ChangeBatch, keyIdx: readonly number[], types: readonly SqlType[]): void {
  const show = (kind: RowKind, row: Row): string => `${ROW_KIND_SHORT[kind]} ${formatRow(row, types)}`;
  for (let i = 0; i < out.length; i++) {
    const kind = out.kinds[i]!;
    const row = out.rows[i]!;
    const key = keyOf(row, keyIdx);
    const present = view.get(key);
    if (kind === INSERT || kind === UPDATE_AFTER) {
      assert.equal(present, undefined, `${show(kind, row)}: the key already has a row`);
      if (kind === UPDATE_AFTER) {
        assert.equal(out.kinds[i - 1], UPDATE_BEFORE, `${show(kind, row)} does not follow a -U`);
      }
      view.set(key, row);
    } else {
      assert.ok(present !== undefined && rowEquals(present, row), `${show(kind, row)} retracts a row that is not present`);
      if (kind === UPDATE_BEFORE) {
        const next = out.rows[i + 1];
        assert.ok(out.kinds[i + 1] === UPDATE_AFTER && next !== undefined, `${show(kind, row)} is not followed by a +U`);
        assert.equal(keyOf(next, keyIdx), key, `${show(kind, row)} is followed by a +U of another group`);
        assert.ok(!rowEquals(row, next), `${show(kind, row)}: a no-op update was emitted`);
      } else {
        assert.equal(kind, DELETE);
      }
      view.delete(key);
    }
  }
}

function approxEqual(a: Value, b: Value, scale: number): boolean {
  if (a === null || b === null) return a === b;
  const x = a as number;
  const y = b as number;
  return Math.abs(x - y) <= 1e-12 * scale + 1e-300;
}

function compareViews(
  view: Map<Key, Row>,
  expected: Map<Key, Row>,
  live: readonly Row[],
  nKeys: number,
  types: readonly SqlType[],
): void {
  const show = (r: Row | undefined): string => (r === undefined ? '(none)' : formatRow(r, types));
  for (const [k, want] of expected) {
    const got = view.get(k);
    assert.ok(got !== undefined, `missing group row ${show(want)}`);
    for (let c = 0; c < want.length; c++) {
      const spec = c >= nKeys ? SPECS[c - nKeys] : undefined;
      if (spec?.approximate === true) {
        // Tolerance relative to the sum of |x| over all rows present (an upper bound of the group's).
        let scale = 0;
        for (const r of live) if (typeof r[X] === 'number') scale += Math.abs(r[X]);
        assert.ok(approxEqual(got[c] ?? null, want[c] ?? null, scale), `column ${c}: got ${show(got)}, want ${show(want)}`);
      } else {
        assert.ok(
          rowEquals([got[c] ?? null], [want[c] ?? null]) && typeof got[c] === typeof want[c],
          `column ${c}: got ${show(got)}, want ${show(want)}`,
        );
      }
    }
  }
  for (const [k, got] of view) assert.ok(expected.has(k), `unexpected group row ${show(got)}`);
}

function runCase(seed: number): void {
  const rng = new Rng(seed);
  const groupKeys = rng.pick([[K], [K], [K], [], [K, F]] as const);
  const node = makeNode(groupKeys);
  const types = node.schema.fields.map((f) => f.type);
  const keyIdx = groupKeys.map((_, i) => i);
  let op = new GroupAggregateOperator(node, IN);
  const view = new Map<Key, Row>();
  const live: Row[] = [];
  const steps = rng.range(1, 12);
  const restoreAt = rng.chance(0.3) ? rng.int(steps) : -1;
  for (let s = 0; s < steps; s++) {
    if (s === restoreAt) {
      const bytes = encodeState(op.snapshotState());
      op = new GroupAggregateOperator(node, IN);
      op.restoreState(decodeState(bytes));
    }
    const out = new ChangeBatch();
    const calls = rng.range(1, 3);
    for (let c = 0; c < calls; c++) {
      const batch = new ChangeBatch();
      const n = rng.range(0, 10);
      for (let i = 0; i < n; i++) {
        const roll = rng.next();
        if (live.length === 0 || roll < 0.45) {
          const r = randomRow(rng);
          live.push(r);
          batch.push(INSERT, r);
        } else if (roll < 0.7) {
          const j = rng.int(live.length);
          const r = live[j]!;
          live.splice(j, 1);
          batch.push(rng.chance(0.8) ? DELETE : UPDATE_BEFORE, r);
        } else {
          const j = rng.int(live.length);
          const r = live[j]!;
          const next = rng.chance(0.1) ? r : rng.chance(0.7) ? variant(rng, r) : randomRow(rng);
          live[j] = next;
          batch.push(UPDATE_BEFORE, r);
          batch.push(UPDATE_AFTER, next);
        }
      }
      op.process(0, batch, out);
    }
    op.finishBatch(out);
    applyOutput(view, out, keyIdx, types);
    compareViews(view, recompute(live, groupKeys), live, groupKeys.length, types);
  }
  assert.equal(op.stateSize(), view.size, 'every group in state has a visible row');
}

test('group aggregate: incremental equals recompute (1,000+ seeded cases)', () => {
  const only = process.env['GROUP_AGG_SEED'];
  const seeds: number[] = [];
  if (only !== undefined && only !== '') seeds.push(Number(only));
  else for (let i = 0; i < 1200; i++) seeds.push(20240601 + i);
  for (const seed of seeds) {
    try {
      runCase(seed);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      assert.fail(`seed ${seed} failed (rerun with GROUP_AGG_SEED=${seed}): ${msg}`);
    }
  }
});
