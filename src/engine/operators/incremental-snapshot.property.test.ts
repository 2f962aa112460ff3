/**
 * Incremental snapshots (Operator.snapshotDelta / restoreDelta), for every stateful
 * operator, with and without a tiny state budget (most keys spill to LMDB after every
 * step, so deltas read spilled keys and are applied on spilled state):
 *
 * - random changes interleaved with checkpoints, each full (`snapshotState`) or a delta;
 *   every checkpoint goes through the codec;
 * - at each checkpoint, a fresh operator restored from the last full snapshot plus the
 *   deltas after it, in order, has the content of a full snapshot of a twin operator fed
 *   the same input at the same point, and from then on emits exactly what the original
 *   emits;
 * - `writeState` writes the bytes of `encodeState(snapshotState())`.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import type { AggCall, JoinType, StreamChangelogNormalize, StreamGroupAggregate, StreamJoin, StreamUpsertMaterialize } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, UPSERT, type RowKind } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import { formatChangelog } from '../../testing/changelog.js';
import type { Operator } from '../operator.js';
import { decodeState, encodeState, StateWriter, type StateValue } from '../state/codec.js';
import { canonicalState } from '../state/spill-test-support.js';
import { SpillStore } from '../state/spill-store.js';
import { StateBudget } from '../state/state-budget.js';
import { ChangelogNormalizeOperator } from './changelog-normalize.js';
import { GroupAggregateOperator } from './group-aggregate.js';
import { JoinOperator } from './join.js';
import { UpsertMaterializeOperator } from './upsert-materialize.js';

const store = new SpillStore();
after(() => store.close());

// Every input: k INT, s STRING, v INT, b BIGINT, d DECIMAL(10, 2).
const IN: SqlType[] = [T.int(), T.string(), T.int(), T.bigint(), T.decimal(10, 2)];
const schemaOf = (types: readonly SqlType[]): { fields: { name: string; type: SqlType }[] } => ({
  fields: types.map((type, i) => ({ name: `f${i}`, type })),
});

interface Command {
  readonly port: number;
  readonly op: number;
  readonly k: number;
  readonly s: string;
  readonly v: number;
  readonly pick: number;
  /** The step ends after this command, and then: 0 no checkpoint, 1 a delta, 2 a full one. */
  readonly cut: number;
}

const commandArb: fc.Arbitrary<Command> = fc.record({
  port: fc.nat(1),
  op: fc.nat(9),
  k: fc.nat(12),
  s: fc.constantFrom('a', 'bb', 'beijing', ''),
  v: fc.nat(4),
  pick: fc.nat(),
  cut: fc.constantFrom(0, 0, 1, 1, 1, 2),
});

interface Step {
  readonly batches: ChangeBatch[];
  readonly checkpoint: number;
}

/** Valid change streams per port (only present rows are retracted), cut into steps. */
function toSteps(commands: readonly Command[], ports: number): Step[] {
  const present: Row[][] = [[], []];
  const steps: Step[] = [];
  let batches = [new ChangeBatch(), new ChangeBatch()];
  for (const c of commands) {
    const port = c.port % ports;
    const rows = present[port]!;
    const out = batches[port]!;
    const fresh: Row = [c.k, c.s, c.v, BigInt(c.v * 1000 + c.k), new Decimal(BigInt(c.v * 100 + c.k), 2)];
    if (rows.length === 0 || c.op < 5) {
      const row = rows.length > 0 && c.op === 0 ? rows[c.pick % rows.length]! : fresh;
      out.push(c.op % 2 === 0 ? INSERT : UPDATE_AFTER, row);
      rows.push(row);
    } else if (c.op < 8) {
      const at = c.pick % rows.length;
      out.push(c.op === 5 ? UPDATE_BEFORE : DELETE, rows[at]!);
      rows.splice(at, 1);
    } else {
      const at = c.pick % rows.length;
      out.push(UPDATE_BEFORE, rows[at]!);
      out.push(UPDATE_AFTER, fresh);
      rows[at] = fresh;
    }
    if (c.cut > 0 || c.op === 9) {
      steps.push({ batches, checkpoint: c.cut });
      batches = [new ChangeBatch(), new ChangeBatch()];
    }
  }
  steps.push({ batches, checkpoint: 1 });
  return steps;
}

function runStep(op: Operator, s: Step, types: readonly SqlType[]): string {
  const out = new ChangeBatch();
  for (let p = 0; p < s.batches.length; p++) if (s.batches[p]!.length > 0) op.process(p, s.batches[p]!, out);
  op.finishBatch(out);
  return formatChangelog(out, types);
}

const trip = (v: StateValue): StateValue => decodeState(encodeState(v));

interface Case {
  readonly make: (budget: StateBudget | undefined) => Operator;
  readonly ports: number;
  readonly out: readonly SqlType[];
}

const seen = { deltas: 0, spilledDeltas: 0, chains: 0 };

function runCase(c: Case, limit: number | null, commands: readonly Command[]): void {
  const budgetOf = (): StateBudget | undefined => (limit === null ? undefined : new StateBudget({ limitBytes: limit, store }));
  const budget = budgetOf();
  const op = c.make(budget);
  const twin = c.make(undefined);
  let full = trip(op.snapshotState());
  let deltas: StateValue[] = [];
  let restored: Operator | null = null;
  const steps = toSteps(commands, c.ports);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const want = runStep(op, s, c.out);
    assert.equal(runStep(twin, s, c.out), want, `step ${i}: twin`);
    if (restored !== null) assert.equal(runStep(restored, s, c.out), want, `step ${i}: the operator restored from full + deltas emitted differently`);
    if (s.checkpoint === 0) continue;
    if (s.checkpoint === 2) {
      full = trip(op.snapshotState());
      deltas = [];
    } else {
      deltas.push(trip(op.snapshotDelta!()));
      seen.deltas++;
      if ((budget?.stats().spilledRows ?? 0) > 0) seen.spilledDeltas++;
    }
    // The reference: a full snapshot of the twin at this point (byte-equal to its streamed form).
    const ref = twin.snapshotState();
    const w = new StateWriter(16);
    twin.writeState!(w);
    assert.ok(w.finish().equals(encodeState(ref)), `step ${i}: writeState differs from encodeState(snapshotState())`);
    restored = c.make(budgetOf());
    restored.restoreState(full);
    for (const d of deltas) restored.restoreDelta!(d);
    if (deltas.length > 1) seen.chains++;
    assert.equal(restored.stateSize(), twin.stateSize(), `step ${i}: stateSize after full + ${deltas.length} deltas`);
    assert.deepEqual(canonicalState(restored.snapshotState()), canonicalState(ref), `step ${i}: full + ${deltas.length} deltas differ from a full snapshot`);
  }
}

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

function aggregateCase(groupKeys: readonly number[]): Case {
  const aggs: AggCall[] = CALLS.map((a, i) => ({ ...a, name: `a${i}` }));
  const out = [...groupKeys.map((k) => IN[k]!), ...CALLS.map((a) => a.type)];
  const node: StreamGroupAggregate = {
    kind: 'group-aggregate',
    id: 3,
    schema: schemaOf(out),
    mode: ALL_CHANGES,
    upsertKey: groupKeys.map((_, i) => i),
    input: 0,
    groupKeys,
    aggs,
  };
  return { make: (budget) => new GroupAggregateOperator(node, IN, { budget }), ports: 1, out };
}

function joinCase(joinType: JoinType): Case {
  const out = [...IN, ...IN];
  const node: StreamJoin = {
    kind: 'join',
    id: 7,
    schema: schemaOf(out),
    mode: ALL_CHANGES,
    upsertKey: null,
    joinType,
    left: 0,
    right: 1,
    leftKeys: [0],
    rightKeys: [0],
    condition: null,
    // Multiset sides: the generator may hold equal rows (unique-key sides share the same group code).
    leftUniqueKey: null,
    rightUniqueKey: null,
  };
  return { make: (budget) => new JoinOperator(node, IN.length, IN.length, null, { budget }), ports: 2, out };
}

const normalizeCase = (updateBefore: boolean): Case => {
  const node: StreamChangelogNormalize = {
    kind: 'changelog-normalize',
    id: 2,
    input: 0,
    key: [0],
    schema: schemaOf(IN),
    mode: updateBefore ? ALL_CHANGES : UPSERT,
    upsertKey: [0],
  };
  return { make: (budget) => new ChangelogNormalizeOperator(node, { budget }), ports: 1, out: IN };
};

const materializeCase = (): Case => {
  const node: StreamUpsertMaterialize = {
    kind: 'upsert-materialize',
    id: 3,
    input: 0,
    key: [1],
    schema: schemaOf(IN),
    mode: UPSERT,
    upsertKey: [1],
  };
  return { make: (budget) => new UpsertMaterializeOperator(node, { budget }), ports: 1, out: IN };
};

/** No budget, or a tiny one (most state on disk after every step). */
const limitArb = fc.option(fc.integer({ min: 1, max: 1500 }), { freq: 2 });
const commandsArb = fc.array(commandArb, { minLength: 5, maxLength: 90 });

describe('incremental snapshots: full + deltas equals a full snapshot at the same point', () => {
  test('GroupAggregate (one key, two keys, global)', () => {
    fc.assert(
      fc.property(fc.constantFrom<readonly number[]>([0], [1, 0], []), limitArb, commandsArb, (keys, limit, commands) =>
        runCase(aggregateCase(keys), limit, commands),
      ),
      { numRuns: 300, seed: 61 },
    );
  });

  test('Join (inner, left, right, full)', () => {
    fc.assert(
      fc.property(fc.constantFrom<JoinType>('inner', 'left', 'right', 'full'), limitArb, commandsArb, (jt, limit, commands) =>
        runCase(joinCase(jt), limit, commands),
      ),
      { numRuns: 300, seed: 62 },
    );
  });

  test('ChangelogNormalize', () => {
    fc.assert(
      fc.property(fc.boolean(), limitArb, commandsArb, (ub, limit, commands) => runCase(normalizeCase(ub), limit, commands)),
      { numRuns: 300, seed: 63 },
    );
  });

  test('UpsertMaterialize', () => {
    fc.assert(
      fc.property(limitArb, commandsArb, (limit, commands) => runCase(materializeCase(), limit, commands)),
      { numRuns: 300, seed: 64 },
    );
  });

  test('the cases took chains of several deltas, and deltas of spilled state', () => {
    assert.ok(seen.deltas > 1000, `only ${seen.deltas} deltas taken`);
    assert.ok(seen.chains > 500, `only ${seen.chains} restores from chains of 2+ deltas`);
    assert.ok(seen.spilledDeltas > 200, `only ${seen.spilledDeltas} deltas taken while state was on disk`);
  });
});
