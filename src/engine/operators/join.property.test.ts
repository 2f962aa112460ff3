/**
 * Incremental equals recompute for JoinOperator: random change streams on both inputs,
 * split into random steps, must leave the operator's applied output equal to a
 * nested-loop evaluation of the same join over the inputs received so far — after every
 * step, for every join type, with and without unique-key state, NULL keys and a
 * non-equi condition, and across a snapshot/restore.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import type { JoinType, StreamJoin } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import { keyOf, valueEquals, type Row, type Value } from '../../core/values.js';
import {
  applyChangelog,
  describeMultisetDiff,
  formatChangelog,
  multisetOf,
  multisetSize,
  Rng,
  sortedRows,
  type Multiset,
} from '../../testing/changelog.js';
import { decodeState, encodeState } from '../state/codec.js';
import { JoinOperator } from './join.js';

// left(k1, k2, id, v) and right(k1, id, w, k2): the key fields sit at different places.
const LEFT: SqlType[] = [T.int(), T.int(), T.int(), T.int()];
const RIGHT: SqlType[] = [T.int(), T.int(), T.int(), T.int()];
const OUT: SqlType[] = [...LEFT, ...RIGHT];
const L_V = 3;
const R_W = 4 + 2;
const L_ID = 2;
const R_ID = 4 + 1;

const CASES_PER_JOIN_TYPE = 300;

interface Condition {
  readonly name: string;
  readonly fn: ((row: Row) => boolean) | null;
}

const CONDITIONS: readonly Condition[] = [
  { name: 'none', fn: null },
  {
    name: 'l.v <= r.w',
    fn: (r) => {
      const a = r[L_V] ?? null;
      const b = r[R_W] ?? null;
      return a !== null && b !== null && (a as number) <= (b as number);
    },
  },
  {
    name: '(l.v + r.w) % 2 = 0',
    fn: (r) => {
      const a = r[L_V] ?? null;
      const b = r[R_W] ?? null;
      return a !== null && b !== null && ((a as number) + (b as number)) % 2 === 0;
    },
  },
  { name: 'l.id <> r.id', fn: (r) => r[L_ID] !== r[R_ID] },
];

interface Config {
  readonly seed: number;
  readonly joinType: JoinType;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly leftUniqueKey: readonly number[] | null;
  readonly rightUniqueKey: readonly number[] | null;
  readonly condition: Condition;
}

function describeConfig(c: Config): string {
  return (
    `seed ${c.seed}: ${c.joinType} join on left${JSON.stringify(c.leftKeys)} = right${JSON.stringify(c.rightKeys)}, ` +
    `condition ${c.condition.name}, left unique key ${JSON.stringify(c.leftUniqueKey)}, ` +
    `right unique key ${JSON.stringify(c.rightUniqueKey)}`
  );
}

function nodeOf(c: Config): StreamJoin {
  return {
    kind: 'join',
    id: 1,
    schema: { fields: OUT.map((type, i) => ({ name: `f${i}`, type })) },
    mode: ALL_CHANGES,
    upsertKey: null,
    joinType: c.joinType,
    left: 0,
    right: 0,
    leftKeys: c.leftKeys,
    rightKeys: c.rightKeys,
    condition: null,
    leftUniqueKey: c.leftUniqueKey,
    rightUniqueKey: c.rightUniqueKey,
  };
}

/** A random row of a side; key fields from a tiny domain (with NULLs) so matches happen. */
function randomRow(rng: Rng, isLeft: boolean): Row {
  const k1: Value = rng.chance(0.12) ? null : rng.int(3);
  const k2: Value = rng.chance(0.08) ? null : rng.int(2);
  const id: Value = rng.int(5);
  const v: Value = rng.chance(0.1) ? null : rng.int(4);
  return isLeft ? [k1, k2, id, v] : [k1, id, v, k2];
}

/**
 * A valid change stream for one side, about `target` changes long: only present rows
 * are retracted, and with a unique key at most one present row has each key value.
 */
function randomStream(rng: Rng, isLeft: boolean, target: number, uniqueKey: readonly number[] | null): ChangeBatch {
  const out = new ChangeBatch();
  const present: Row[] = [];
  const holder = (row: Row): number => {
    if (uniqueKey === null) return -1;
    const k = keyOf(row, uniqueKey);
    for (let i = 0; i < present.length; i++) if (keyOf(present[i]!, uniqueKey) === k) return i;
    return -1;
  };
  let guard = 0;
  while (out.length < target && guard++ < Math.max(200, 3 * target)) {
    const op = rng.int(10);
    if (present.length === 0 || op < 5) {
      const row = uniqueKey === null && present.length > 0 && rng.chance(0.25) ? rng.pick(present) : randomRow(rng, isLeft);
      const at = holder(row);
      if (at >= 0) {
        if (out.length + 2 > target) break;
        out.push(UPDATE_BEFORE, present[at]!);
        out.push(UPDATE_AFTER, row);
        present[at] = row;
      } else {
        out.push(rng.chance(0.8) ? INSERT : UPDATE_AFTER, row);
        present.push(row);
      }
    } else if (op < 8) {
      const at = rng.int(present.length);
      out.push(rng.chance(0.7) ? DELETE : UPDATE_BEFORE, present[at]!);
      present.splice(at, 1);
    } else {
      if (out.length + 2 > target) break;
      const at = rng.int(present.length);
      const old = present[at]!;
      const next = randomRow(rng, isLeft);
      // Keep the unique key when there is one (an update of the same entity), most of the time.
      let row: Row = next;
      if (uniqueKey !== null && rng.chance(0.8)) {
        const copy = next.slice();
        for (const i of uniqueKey) copy[i] = old[i] ?? null;
        row = copy;
      }
      const clash = holder(row);
      if (clash >= 0 && clash !== at) continue;
      out.push(UPDATE_BEFORE, old);
      out.push(UPDATE_AFTER, row);
      present[at] = row;
    }
  }
  return out;
}

function keysMatch(l: Row, r: Row, lk: readonly number[], rk: readonly number[]): boolean {
  for (let i = 0; i < lk.length; i++) {
    const a = l[lk[i]!] ?? null;
    const b = r[rk[i]!] ?? null;
    if (a === null || b === null || !valueEquals(a, b)) return false;
  }
  return true;
}

/** The join evaluated from scratch over the present rows of both sides. */
function referenceJoin(c: Config, left: Multiset, right: Multiset): Multiset {
  const L = sortedRows(left);
  const R = sortedRows(right);
  const nulls = (n: number): Value[] => new Array<Value>(n).fill(null);
  const out: Row[] = [];
  const rightMatched = new Array<boolean>(R.length).fill(false);
  for (const l of L) {
    let matched = false;
    for (let j = 0; j < R.length; j++) {
      const r = R[j]!;
      if (!keysMatch(l, r, c.leftKeys, c.rightKeys)) continue;
      const joined = [...l, ...r];
      if (c.condition.fn !== null && !c.condition.fn(joined)) continue;
      out.push(joined);
      matched = true;
      rightMatched[j] = true;
    }
    if (!matched && (c.joinType === 'left' || c.joinType === 'full')) out.push([...l, ...nulls(RIGHT.length)]);
  }
  if (c.joinType === 'right' || c.joinType === 'full') {
    for (let j = 0; j < R.length; j++) if (!rightMatched[j]) out.push([...nulls(LEFT.length), ...R[j]!]);
  }
  return multisetOf(out);
}

/** Rows the operator must hold: all present rows, minus NULL-key rows of an inner side. */
function expectedStateSize(c: Config, left: Multiset, right: Multiset): number {
  const count = (m: Multiset, keys: readonly number[], outer: boolean): number => {
    let n = 0;
    for (const e of m.values()) {
      let nullKey = false;
      for (const k of keys) if ((e.row[k] ?? null) === null) nullKey = true;
      if (!nullKey || outer) n += e.count;
    }
    return n;
  };
  const lo = c.joinType === 'left' || c.joinType === 'full';
  const ro = c.joinType === 'right' || c.joinType === 'full';
  return count(left, c.leftKeys, lo) + count(right, c.rightKeys, ro);
}

function randomConfig(seed: number, joinType: JoinType, rng: Rng): Config {
  const composite = rng.chance(0.4);
  const leftKeys = composite ? [0, 1] : [0];
  const rightKeys = composite ? [0, 3] : [0];
  const leftUniqueKey = rng.pick<readonly number[] | null>([null, null, [2], leftKeys, [2, 0]]);
  const rightUniqueKey = rng.pick<readonly number[] | null>([null, null, [1], rightKeys, [1, 0]]);
  return { seed, joinType, leftKeys, rightKeys, leftUniqueKey, rightUniqueKey, condition: rng.pick(CONDITIONS) };
}

function slice(b: ChangeBatch, from: number, to: number): ChangeBatch {
  return new ChangeBatch(b.kinds.slice(from, to) as RowKind[], b.rows.slice(from, to));
}

/**
 * Runs one case; returns normally or throws an assertion error that names the seed.
 * `long`: streams of a few hundred changes, so that join-key groups grow long enough for
 * the state's fingerprints and hash indexes.
 */
function runCase(seed: number, joinType: JoinType, long = false): { steps: number; restored: boolean } {
  const rng = new Rng(seed);
  const c = randomConfig(seed, joinType, rng);
  const total = long ? 200 + rng.int(200) : rng.int(31);
  const nLeft = rng.int(total + 1);
  const leftStream = randomStream(rng, true, nLeft, c.leftUniqueKey);
  const rightStream = randomStream(rng, false, total - nLeft, c.rightUniqueKey);
  const make = (): JoinOperator => new JoinOperator(nodeOf(c), LEFT.length, RIGHT.length, c.condition.fn);

  let op = make();
  // After a restore, the original keeps running beside the restored one: both must emit the same.
  let shadow: JoinOperator | null = null;
  const restoreAt = rng.chance(0.35) ? rng.int(8) : -1;
  const leftIn: Multiset = new Map();
  const rightIn: Multiset = new Map();
  const output: Multiset = new Map();
  const log: string[] = [];
  let li = 0;
  let ri = 0;
  let step = 0;
  let restored = false;

  const fail = (what: string): never => {
    assert.fail(`${describeConfig(c)}\n${what}\nsteps so far:\n${log.join('\n')}`);
  };

  while (li < leftStream.length || ri < rightStream.length) {
    if (step === restoreAt) {
      shadow = op;
      op = make();
      op.restoreState(decodeState(encodeState(shadow.snapshotState())));
      log.push('-- snapshot / restore --');
      restored = true;
    }
    const a = Math.min(rng.int(long ? 24 : 6), leftStream.length - li);
    const b = Math.min(rng.int(long ? 24 : 6), rightStream.length - ri);
    const lb = slice(leftStream, li, li + a);
    const rb = slice(rightStream, ri, ri + b);
    li += a;
    ri += b;
    const out = new ChangeBatch();
    if (lb.length > 0) op.process(0, lb, out);
    if (rb.length > 0) op.process(1, rb, out);
    op.finishBatch(out);
    log.push(`step ${step}:`);
    if (lb.length > 0) log.push(`  left:\n    ${formatChangelog(lb, LEFT).replaceAll('\n', '\n    ')}`);
    if (rb.length > 0) log.push(`  right:\n    ${formatChangelog(rb, RIGHT).replaceAll('\n', '\n    ')}`);
    if (out.length > 0) log.push(`  output:\n    ${formatChangelog(out, OUT).replaceAll('\n', '\n    ')}`);

    if (shadow !== null) {
      const sout = new ChangeBatch();
      if (lb.length > 0) shadow.process(0, lb, sout);
      if (rb.length > 0) shadow.process(1, rb, sout);
      shadow.finishBatch(sout);
      if (formatChangelog(sout, OUT) !== formatChangelog(out, OUT)) {
        fail(`after restore, step ${step} emitted differently; the original emitted:\n${formatChangelog(sout, OUT)}`);
      }
    }

    applyChangelog(lb.kinds, lb.rows, leftIn);
    applyChangelog(rb.kinds, rb.rows, rightIn);
    try {
      applyChangelog(out.kinds, out.rows, output);
    } catch (e) {
      fail(`step ${step}: the output is not a valid changelog: ${(e as Error).message}`);
    }
    const expected = referenceJoin(c, leftIn, rightIn);
    const diff = describeMultisetDiff(expected, output, OUT);
    if (diff !== '') fail(`step ${step}: incremental result differs from recompute:\n${diff}`);
    const size = expectedStateSize(c, leftIn, rightIn);
    if (op.stateSize() !== size) fail(`step ${step}: stateSize() is ${op.stateSize()}, expected ${size}`);
    step++;
  }
  return { steps: step, restored };
}

describe('JoinOperator: incremental equals recompute', () => {
  for (const joinType of ['inner', 'left', 'right', 'full'] as const) {
    test(`${joinType} join, ${CASES_PER_JOIN_TYPE} seeded cases`, () => {
      let steps = 0;
      let restores = 0;
      for (let i = 0; i < CASES_PER_JOIN_TYPE; i++) {
        const seed = 10_000 * (1 + ['inner', 'left', 'right', 'full'].indexOf(joinType)) + i;
        const r = runCase(seed, joinType);
        steps += r.steps;
        if (r.restored) restores++;
      }
      // The generator must exercise the operator, not produce empty cases.
      assert.ok(steps > CASES_PER_JOIN_TYPE * 2, `only ${steps} steps ran`);
      assert.ok(restores > CASES_PER_JOIN_TYPE / 10, `only ${restores} cases restored a snapshot`);
    });
  }

  test('long streams (long join-key groups), 40 seeded cases per join type', () => {
    let steps = 0;
    for (const joinType of ['inner', 'left', 'right', 'full'] as const) {
      for (let i = 0; i < 40; i++) steps += runCase(50_000 + 1_000 * ['inner', 'left', 'right', 'full'].indexOf(joinType) + i, joinType, true).steps;
    }
    assert.ok(steps > 4 * 40 * 10, `only ${steps} steps ran`);
  });

  test('the reference join itself: 2 × 3 duplicates, NULL keys and padding', () => {
    const c: Config = {
      seed: 0,
      joinType: 'full',
      leftKeys: [0],
      rightKeys: [0],
      leftUniqueKey: null,
      rightUniqueKey: null,
      condition: CONDITIONS[0]!,
    };
    const left = multisetOf([
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [null, 0, 1, 0],
    ]);
    const right = multisetOf([
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [2, 0, 0, 0],
    ]);
    const m = referenceJoin(c, left, right);
    assert.equal(multisetSize(m), 6 + 1 + 1);
  });
});
