/**
 * ChangelogNormalize and UpsertMaterialize with a tiny state budget (most keys spill to
 * LMDB after every batch) behave exactly like the same operators without one: same
 * output, same stateSize(), same snapshot content, and a snapshot taken with keys on
 * disk restores into a fresh budgeted operator that continues identically.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChangeBatch } from '../../core/batch.js';
import type { StreamChangelogNormalize, StreamUpsertMaterialize } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, UPSERT, type RowKind } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import { formatChangelog } from '../../testing/changelog.js';
import type { Operator } from '../operator.js';
import { decodeState, encodeState } from '../state/codec.js';
import { canonicalState } from '../state/spill-test-support.js';
import { SpillStore } from '../state/spill-store.js';
import { StateBudget } from '../state/state-budget.js';
import { ChangelogNormalizeOperator } from './changelog-normalize.js';
import { UpsertMaterializeOperator } from './upsert-materialize.js';

// (k INT, name STRING, v INT)
const TYPES: SqlType[] = [T.int(), T.string(), T.int()];
const KINDS: readonly RowKind[] = [INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE];

const store = new SpillStore();
after(() => store.close());

interface Change {
  readonly kind: number;
  readonly k: number;
  readonly name: string;
  readonly v: number;
  readonly cut: boolean;
}

const changeArb: fc.Arbitrary<Change> = fc.record({
  kind: fc.nat(3),
  k: fc.nat(20),
  name: fc.constantFrom('a', 'bb', 'beijing', ''),
  v: fc.nat(3),
  cut: fc.boolean(),
});

/** Any change sequence: both operators must cope with retractions of absent rows too. */
function toSteps(changes: readonly Change[]): ChangeBatch[] {
  const steps: ChangeBatch[] = [];
  let cur = new ChangeBatch();
  for (const c of changes) {
    cur.push(KINDS[c.kind]!, [c.k, c.name, c.v] as Row);
    if (c.cut) {
      steps.push(cur);
      cur = new ChangeBatch();
    }
  }
  steps.push(cur);
  return steps;
}

function step(op: Operator, b: ChangeBatch): string {
  const out = new ChangeBatch();
  if (b.length > 0) op.process(0, b, out);
  op.finishBatch(out);
  return formatChangelog(out, TYPES);
}

type Make = (budget: StateBudget | undefined) => Operator;

function equivalent(make: Make, limitBytes: number, restoreAt: number | null, changes: readonly Change[], seen: { spilled: number }): void {
  const plain = make(undefined);
  let budget = new StateBudget({ limitBytes, store });
  let spilling = make(budget);
  const steps = toSteps(changes);
  for (let i = 0; i < steps.length; i++) {
    if (i === restoreAt) {
      const snap = spilling.snapshotState();
      assert.deepEqual(canonicalState(snap), canonicalState(plain.snapshotState()), `step ${i}: snapshots differ`);
      budget = new StateBudget({ limitBytes, store });
      spilling = make(budget);
      spilling.restoreState(decodeState(encodeState(snap)));
    }
    assert.equal(step(spilling, steps[i]!), step(plain, steps[i]!), `step ${i}: output differs`);
    assert.equal(spilling.stateSize(), plain.stateSize(), `step ${i}: stateSize`);
    if (budget.stats().spilledRows > 0) seen.spilled++;
  }
  assert.deepEqual(canonicalState(spilling.snapshotState()), canonicalState(plain.snapshotState()), 'final snapshots differ');
}

const normalizeNode = (updateBefore: boolean): StreamChangelogNormalize => ({
  kind: 'changelog-normalize',
  id: 2,
  input: 0,
  key: [0],
  schema: { fields: TYPES.map((type, i) => ({ name: `f${i}`, type })) },
  mode: updateBefore ? ALL_CHANGES : UPSERT,
  upsertKey: [0],
});

const materializeNode: StreamUpsertMaterialize = {
  kind: 'upsert-materialize',
  id: 3,
  input: 0,
  key: [1],
  schema: { fields: TYPES.map((type, i) => ({ name: `f${i}`, type })) },
  mode: UPSERT,
  upsertKey: [1],
};

describe('keyed operators with a state budget', () => {
  test('ChangelogNormalize equals the unbudgeted operator', () => {
    const seen = { spilled: 0 };
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 1, max: 1500 }), fc.option(fc.nat(8)), fc.array(changeArb, { minLength: 5, maxLength: 80 }), (ub, limit, restoreAt, changes) =>
        equivalent((budget) => new ChangelogNormalizeOperator(normalizeNode(ub), { budget }), limit, restoreAt, changes, seen),
      ),
      { numRuns: 400, seed: 11 },
    );
    assert.ok(seen.spilled > 400, `state spilled in only ${seen.spilled} steps`);
  });

  test('UpsertMaterialize equals the unbudgeted operator', () => {
    const seen = { spilled: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1500 }), fc.option(fc.nat(8)), fc.array(changeArb, { minLength: 5, maxLength: 80 }), (limit, restoreAt, changes) =>
        equivalent((budget) => new UpsertMaterializeOperator(materializeNode, { budget }), limit, restoreAt, changes, seen),
      ),
      { numRuns: 400, seed: 12 },
    );
    assert.ok(seen.spilled > 400, `state spilled in only ${seen.spilled} steps`);
  });
});
