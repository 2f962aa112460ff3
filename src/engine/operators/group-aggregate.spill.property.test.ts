/**
 * The group aggregate with a tiny state budget (most groups spill to LMDB after every
 * step, accumulators included: MIN/MAX multisets, DISTINCT counts, exact sums) must
 * behave exactly like the aggregate without one: same output after every step, same
 * stateSize(), a snapshot with the same content (both tiers), and a snapshot taken with
 * most groups on disk restores into a fresh budgeted aggregate that continues exactly
 * like the unbudgeted one.
 *
 * The unbudgeted aggregate is checked against a recompute in
 * group-aggregate.property.test.ts.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import type { AggCall, StreamGroupAggregate } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import { formatChangelog } from '../../testing/changelog.js';
import { decodeState, encodeState } from '../state/codec.js';
import { canonicalState } from '../state/spill-test-support.js';
import { SpillStore } from '../state/spill-store.js';
import { StateBudget } from '../state/state-budget.js';
import { GroupAggregateOperator } from './group-aggregate.js';

// Input: k INT, s STRING, v INT, b BIGINT, d DECIMAL(10, 2)
const IN: SqlType[] = [T.int(), T.string(), T.int(), T.bigint(), T.decimal(10, 2)];

const CALLS: Omit<AggCall, 'name'>[] = [
  { fn: 'COUNT', args: [], distinct: false, filter: null, type: T.bigint(false) },
  { fn: 'SUM', args: [2], distinct: false, filter: null, type: T.int() },
  { fn: 'MIN', args: [2], distinct: false, filter: null, type: T.int() },
  { fn: 'MAX', args: [4], distinct: false, filter: null, type: T.decimal(10, 2) },
  { fn: 'COUNT', args: [2], distinct: true, filter: null, type: T.bigint(false) },
  { fn: 'AVG', args: [4], distinct: false, filter: null, type: T.decimal(38, 6) },
  { fn: 'SUM', args: [3], distinct: true, filter: null, type: T.bigint() },
  { fn: 'MAX', args: [1], distinct: false, filter: null, type: T.string() },
];

const store = new SpillStore();
after(() => store.close());

function nodeOf(groupKeys: readonly number[]): StreamGroupAggregate {
  const aggs: AggCall[] = CALLS.map((c, i) => ({ ...c, name: `a${i}` }));
  return {
    kind: 'group-aggregate',
    id: 3,
    schema: { fields: [...groupKeys.map((k, i) => ({ name: `k${i}`, type: IN[k]! })), ...aggs.map((a) => ({ name: a.name, type: a.type }))] },
    mode: ALL_CHANGES,
    upsertKey: groupKeys.map((_, i) => i),
    input: 0,
    groupKeys,
    aggs,
  };
}

function outTypes(groupKeys: readonly number[]): SqlType[] {
  return [...groupKeys.map((k) => IN[k]!), ...CALLS.map((c) => c.type)];
}

interface Command {
  readonly op: number;
  readonly k: number | null;
  readonly s: string;
  readonly v: number | null;
  readonly b: number;
  readonly d: number | null;
  readonly pick: number;
  readonly cut: boolean;
}

const commandArb: fc.Arbitrary<Command> = fc.record({
  op: fc.nat(9),
  k: fc.option(fc.nat(15), { freq: 10 }),
  s: fc.constantFrom('a', 'b', 'cc', 'beijing', ''),
  v: fc.option(fc.integer({ min: -5, max: 8 }), { freq: 6 }),
  b: fc.integer({ min: -3, max: 3 }),
  d: fc.option(fc.integer({ min: -9999, max: 9999 }), { freq: 6 }),
  pick: fc.nat(),
  cut: fc.boolean(),
});

interface Config {
  readonly groupKeys: readonly number[];
  readonly budget: number;
  readonly restoreAt: number | null;
}

const configArb: fc.Arbitrary<Config> = fc.record({
  groupKeys: fc.constantFrom<readonly number[]>([0], [0, 1], [1], []),
  budget: fc.integer({ min: 1, max: 2500 }),
  restoreAt: fc.option(fc.nat(10), { freq: 2 }),
});

/** A valid changelog (only present rows retracted), cut into steps. */
function toSteps(commands: readonly Command[]): ChangeBatch[] {
  const present: Row[] = [];
  const steps: ChangeBatch[] = [];
  let cur = new ChangeBatch();
  for (const c of commands) {
    const row: Row = [c.k, c.s, c.v, BigInt(c.b), c.d === null ? null : new Decimal(BigInt(c.d), 2)];
    if (present.length === 0 || c.op < 5) {
      cur.push(c.op % 2 === 0 ? INSERT : UPDATE_AFTER, row);
      present.push(row);
    } else if (c.op < 8) {
      const at = c.pick % present.length;
      cur.push(c.op === 5 ? UPDATE_BEFORE : DELETE, present[at]!);
      present.splice(at, 1);
    } else {
      const at = c.pick % present.length;
      cur.push(UPDATE_BEFORE, present[at]!);
      cur.push(UPDATE_AFTER, row);
      present[at] = row;
    }
    if (c.cut) {
      steps.push(cur);
      cur = new ChangeBatch();
    }
  }
  steps.push(cur);
  return steps;
}

function runStep(op: GroupAggregateOperator, batch: ChangeBatch, types: readonly SqlType[]): string {
  const out = new ChangeBatch();
  // Two process calls per step when the batch is long enough: the mini-batch spans both.
  const half = batch.length >> 1;
  if (half > 0) {
    op.process(0, new ChangeBatch(batch.kinds.slice(0, half), batch.rows.slice(0, half)), out);
    op.process(0, new ChangeBatch(batch.kinds.slice(half), batch.rows.slice(half)), out);
  } else if (batch.length > 0) {
    op.process(0, batch, out);
  }
  op.finishBatch(out);
  return formatChangelog(out, types);
}

let spilledCases = 0;
let restoredWhileSpilled = 0;

function runCase(c: Config, commands: readonly Command[]): void {
  const types = outTypes(c.groupKeys);
  const plain = new GroupAggregateOperator(nodeOf(c.groupKeys), IN);
  let budget = new StateBudget({ limitBytes: c.budget, store });
  let spilling = new GroupAggregateOperator(nodeOf(c.groupKeys), IN, { budget });
  let spilled = false;
  const steps = toSteps(commands);
  for (let i = 0; i < steps.length; i++) {
    if (i === c.restoreAt) {
      const onDisk = budget.stats().spilledRows;
      const snap = spilling.snapshotState();
      assert.deepEqual(canonicalState(snap), canonicalState(plain.snapshotState()), `step ${i}: snapshots differ`);
      budget = new StateBudget({ limitBytes: c.budget, store });
      spilling = new GroupAggregateOperator(nodeOf(c.groupKeys), IN, { budget });
      spilling.restoreState(decodeState(encodeState(snap)));
      assert.equal(spilling.stateSize(), plain.stateSize(), `step ${i}: stateSize after restore`);
      if (onDisk > 0) restoredWhileSpilled++;
    }
    const want = runStep(plain, steps[i]!, types);
    const got = runStep(spilling, steps[i]!, types);
    assert.equal(got, want, `step ${i}: the budgeted aggregate emitted differently`);
    assert.equal(spilling.stateSize(), plain.stateSize(), `step ${i}: stateSize`);
    const st = budget.stats();
    assert.equal(st.hotRows + st.spilledRows, plain.stateSize(), `step ${i}: hot + spilled groups`);
    if (st.spilledRows > 0) spilled = true;
  }
  assert.deepEqual(canonicalState(spilling.snapshotState()), canonicalState(plain.snapshotState()), 'final snapshots differ');
  if (spilled) spilledCases++;
}

describe('GroupAggregateOperator with a state budget', () => {
  test('equals the unbudgeted aggregate over random changelogs (tiny budgets: most groups on disk)', () => {
    const runs = 1000;
    fc.assert(
      fc.property(configArb, fc.array(commandArb, { minLength: 10, maxLength: 100 }), (c, commands) => runCase(c, commands)),
      { numRuns: runs, seed: 20261122 },
    );
    assert.ok(spilledCases > runs / 2, `only ${spilledCases} of ${runs} cases spilled anything`);
    assert.ok(restoredWhileSpilled > runs / 20, `only ${restoredWhileSpilled} cases restored a snapshot taken with state on disk`);
  });
});
