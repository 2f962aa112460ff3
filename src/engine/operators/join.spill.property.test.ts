/**
 * The join with a tiny state budget (most groups spill to LMDB after every batch) must
 * behave exactly like the join without one: same output, change by change, after every
 * step; same stateSize(); a snapshot with the same content (both tiers); and a snapshot
 * taken while most state is on disk, encoded, decoded and restored into a fresh budgeted
 * join, continues exactly like the unbudgeted one.
 *
 * The unbudgeted join is checked against a recompute in join.property.test.ts.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChangeBatch } from '../../core/batch.js';
import type { JoinType, StreamJoin } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import { keyOf, type Row, type Value } from '../../core/values.js';
import { formatChangelog } from '../../testing/changelog.js';
import { decodeState, encodeState } from '../state/codec.js';
import { canonicalState } from '../state/spill-test-support.js';
import { SpillStore } from '../state/spill-store.js';
import { StateBudget } from '../state/state-budget.js';
import { JoinOperator } from './join.js';

// left(k, x, id, v) and right(k, id, w, x); join on k (or k and x).
const LEFT: SqlType[] = [T.int(), T.int(), T.int(), T.int()];
const RIGHT: SqlType[] = [T.int(), T.int(), T.int(), T.int()];
const OUT: SqlType[] = [...LEFT, ...RIGHT];

const store = new SpillStore();
after(() => store.close());

interface Command {
  readonly left: boolean;
  readonly op: number;
  readonly k: number | null;
  readonly x: number;
  readonly id: number;
  readonly v: number | null;
  readonly pick: number;
  /** The step ends after this command. */
  readonly cut: boolean;
}

const commandArb: fc.Arbitrary<Command> = fc.record({
  left: fc.boolean(),
  op: fc.nat(9),
  k: fc.option(fc.nat(11), { freq: 8 }),
  x: fc.nat(1),
  id: fc.nat(6),
  v: fc.option(fc.nat(4), { freq: 6 }),
  pick: fc.nat(),
  cut: fc.boolean(),
});

interface Config {
  readonly joinType: JoinType;
  readonly composite: boolean;
  readonly leftUnique: boolean;
  readonly rightUnique: boolean;
  readonly condition: boolean;
  readonly budget: number;
  readonly restoreAt: number | null;
}

const configArb: fc.Arbitrary<Config> = fc.record({
  joinType: fc.constantFrom<JoinType>('inner', 'left', 'right', 'full'),
  composite: fc.boolean(),
  leftUnique: fc.boolean(),
  rightUnique: fc.boolean(),
  condition: fc.boolean(),
  budget: fc.integer({ min: 1, max: 1500 }),
  restoreAt: fc.option(fc.nat(12), { freq: 2 }),
});

function nodeOf(c: Config): StreamJoin {
  return {
    kind: 'join',
    id: 7,
    schema: { fields: OUT.map((type, i) => ({ name: `f${i}`, type })) },
    mode: ALL_CHANGES,
    upsertKey: null,
    joinType: c.joinType,
    left: 0,
    right: 0,
    leftKeys: c.composite ? [0, 1] : [0],
    rightKeys: c.composite ? [0, 3] : [0],
    condition: null,
    leftUniqueKey: c.leftUnique ? [2] : null,
    rightUniqueKey: c.rightUnique ? [1] : null,
  };
}

const condition = (r: Row): boolean => {
  const a = r[3] ?? null;
  const b = r[6] ?? null;
  return a !== null && b !== null && (a as number) <= (b as number);
};

interface Step {
  readonly left: ChangeBatch;
  readonly right: ChangeBatch;
}

/** Valid change streams (only present rows retracted; at most one row per unique key), cut into steps. */
function toSteps(c: Config, commands: readonly Command[]): Step[] {
  const present: [Row[], Row[]] = [[], []];
  const unique: [readonly number[] | null, readonly number[] | null] = [c.leftUnique ? [2] : null, c.rightUnique ? [1] : null];
  const steps: Step[] = [];
  let left = new ChangeBatch();
  let right = new ChangeBatch();
  for (const cmd of commands) {
    const side = cmd.left ? 0 : 1;
    const rows = present[side];
    const uk = unique[side];
    const out = cmd.left ? left : right;
    const fresh: Row = cmd.left ? [cmd.k, cmd.x, cmd.id, cmd.v] : [cmd.k, cmd.id, cmd.v, cmd.x];
    const holder = (row: Row): number => (uk === null ? -1 : rows.findIndex((r) => keyOf(r, uk) === keyOf(row, uk)));
    if (rows.length === 0 || cmd.op < 5) {
      const row = uk === null && rows.length > 0 && cmd.op === 0 ? rows[cmd.pick % rows.length]! : fresh;
      const at = holder(row);
      if (at >= 0) {
        out.push(UPDATE_BEFORE, rows[at]!);
        out.push(UPDATE_AFTER, row);
        rows[at] = row;
      } else {
        out.push(cmd.op % 2 === 0 ? INSERT : UPDATE_AFTER, row);
        rows.push(row);
      }
    } else if (cmd.op < 8) {
      const at = cmd.pick % rows.length;
      out.push(cmd.op === 5 ? UPDATE_BEFORE : DELETE, rows[at]!);
      rows.splice(at, 1);
    } else {
      const at = cmd.pick % rows.length;
      const clash = holder(fresh);
      if (clash >= 0 && clash !== at) continue;
      out.push(UPDATE_BEFORE, rows[at]!);
      out.push(UPDATE_AFTER, fresh);
      rows[at] = fresh;
    }
    if (cmd.cut) {
      steps.push({ left, right });
      left = new ChangeBatch();
      right = new ChangeBatch();
    }
  }
  steps.push({ left, right });
  return steps;
}

function runStep(op: JoinOperator, s: Step): string {
  const out = new ChangeBatch();
  if (s.left.length > 0) op.process(0, s.left, out);
  if (s.right.length > 0) op.process(1, s.right, out);
  op.finishBatch(out);
  return formatChangelog(out, OUT);
}

let spilledCases = 0;
let restoredWhileSpilled = 0;

function runCase(c: Config, commands: readonly Command[]): void {
  const cond = c.condition ? condition : null;
  const plain = new JoinOperator(nodeOf(c), LEFT.length, RIGHT.length, cond);
  let budget = new StateBudget({ limitBytes: c.budget, store });
  let spilling = new JoinOperator(nodeOf(c), LEFT.length, RIGHT.length, cond, { budget });
  let spilled = false;
  const steps = toSteps(c, commands);
  for (let i = 0; i < steps.length; i++) {
    if (i === c.restoreAt) {
      const onDisk = budget.stats().spilledRows;
      const snap = spilling.snapshotState();
      assert.deepEqual(canonicalState(snap), canonicalState(plain.snapshotState()), `step ${i}: snapshots differ`);
      budget = new StateBudget({ limitBytes: c.budget, store });
      spilling = new JoinOperator(nodeOf(c), LEFT.length, RIGHT.length, cond, { budget });
      spilling.restoreState(decodeState(encodeState(snap)));
      assert.equal(spilling.stateSize(), plain.stateSize(), `step ${i}: stateSize after restore`);
      if (onDisk > 0) restoredWhileSpilled++;
    }
    const want = runStep(plain, steps[i]!);
    const got = runStep(spilling, steps[i]!);
    assert.equal(got, want, `step ${i}: the budgeted join emitted differently`);
    assert.equal(spilling.stateSize(), plain.stateSize(), `step ${i}: stateSize`);
    const st = budget.stats();
    assert.equal(st.hotRows + st.spilledRows, plain.stateSize(), `step ${i}: hot + spilled rows`);
    if (st.spilledRows > 0) spilled = true;
  }
  assert.deepEqual(canonicalState(spilling.snapshotState()), canonicalState(plain.snapshotState()), 'final snapshots differ');
  if (spilled) spilledCases++;
}

describe('JoinOperator with a state budget', () => {
  test('equals the unbudgeted join over random changelogs (tiny budgets: most groups on disk)', () => {
    const runs = 1000;
    fc.assert(
      fc.property(configArb, fc.array(commandArb, { minLength: 10, maxLength: 100 }), (c, commands) => runCase(c, commands)),
      { numRuns: runs, seed: 20261121 },
    );
    assert.ok(spilledCases > runs / 2, `only ${spilledCases} of ${runs} cases spilled anything`);
    assert.ok(restoredWhileSpilled > runs / 20, `only ${restoredWhileSpilled} cases restored a snapshot taken with state on disk`);
  });

  test('a retraction of a spilled row finds it on disk; hot and spilled counts move', () => {
    const c: Config = { joinType: 'left', composite: false, leftUnique: false, rightUnique: false, condition: false, budget: 1, restoreAt: null };
    const budget = new StateBudget({ limitBytes: 1, store });
    const j = new JoinOperator(nodeOf(c), 4, 4, null, { budget });
    const rows: Row[] = [];
    for (let k = 0; k < 50; k++) rows.push([k, 0, k, 1] as Value[]);
    const out = new ChangeBatch();
    j.process(0, new ChangeBatch(rows.map(() => INSERT), rows), out);
    assert.equal(out.length, 50, 'every left row padded');
    const st = budget.stats();
    assert.equal(st.hotRows + st.spilledRows, 50);
    assert.ok(st.spilledRows >= 49, `only ${st.spilledRows} rows spilled with a 1-byte budget`);
    assert.ok(st.evictions >= 1);
    const out2 = new ChangeBatch();
    j.process(1, new ChangeBatch([INSERT], [[17, 1, 5, 0]]), out2);
    assert.equal(formatChangelog(out2, OUT), formatChangelog(new ChangeBatch([DELETE, INSERT], [[17, 0, 17, 1, null, null, null, null], [17, 0, 17, 1, 17, 1, 5, 0]]), OUT));
    const out3 = new ChangeBatch();
    j.process(0, new ChangeBatch([DELETE], [[17, 0, 17, 1]]), out3);
    assert.equal(formatChangelog(out3, OUT), formatChangelog(new ChangeBatch([DELETE], [[17, 0, 17, 1, 17, 1, 5, 0]]), OUT));
    assert.equal(j.stateSize(), 50);
  });
});
