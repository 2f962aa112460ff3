import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { AggCall, AggFunction, StreamGroupAggregate } from '../../core/plan.js';
import { ALL_CHANGES } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import { formatChangelog, parseChangelog } from '../../testing/changelog.js';
import { decodeState, encodeState } from '../state/codec.js';
import { GroupAggregateOperator, type GroupAggregateOptions } from './group-aggregate.js';

// Input: k STRING, v INT, b BIGINT, d DECIMAL(10, 2), f BOOLEAN, x DOUBLE
const K = 0;
const V = 1;
const B = 2;
const D = 3;
const F = 4;
const X = 5;
const IN: SqlType[] = [T.string(), T.int(), T.bigint(), T.decimal(10, 2), T.boolean(), T.double()];

interface CallSpec {
  readonly fn: AggFunction;
  readonly args?: readonly number[];
  readonly distinct?: boolean;
  readonly filter?: number;
  readonly type: SqlType;
}

function agg(fn: AggFunction, args: readonly number[], type: SqlType, more: { distinct?: boolean; filter?: number } = {}): CallSpec {
  return { fn, args, type, ...more };
}

const COUNT_STAR = agg('COUNT', [], T.bigint(false));

function node(groupKeys: readonly number[], specs: readonly CallSpec[]): StreamGroupAggregate {
  const aggs: AggCall[] = specs.map((s, i) => ({
    fn: s.fn,
    args: s.args ?? [],
    distinct: s.distinct ?? false,
    filter: s.filter ?? null,
    type: s.type,
    name: `a${i}`,
  }));
  const fields = [
    ...groupKeys.map((k, i) => ({ name: `k${i}`, type: IN[k]! })),
    ...aggs.map((a) => ({ name: a.name, type: a.type })),
  ];
  return {
    kind: 'group-aggregate',
    id: 7,
    schema: { fields },
    mode: ALL_CHANGES,
    upsertKey: groupKeys.map((_, i) => i),
    input: 1,
    groupKeys,
    aggs,
  };
}

/** Drives the operator one step at a time in the changelog text notation. */
class Harness {
  op: GroupAggregateOperator;
  readonly node: StreamGroupAggregate;
  readonly outTypes: SqlType[];
  readonly options: GroupAggregateOptions;

  constructor(groupKeys: readonly number[], specs: readonly CallSpec[], options: GroupAggregateOptions = {}) {
    this.node = node(groupKeys, specs);
    this.options = options;
    this.op = new GroupAggregateOperator(this.node, IN, options);
    this.outTypes = this.node.schema.fields.map((f) => f.type);
  }

  /** One step: every text is one `process` call, then `finishBatch`. Returns the output. */
  step(...texts: string[]): string {
    const out = new ChangeBatch();
    for (const t of texts) this.op.process(0, parseChangelog(t, IN), out);
    this.op.finishBatch(out);
    return formatChangelog(out, this.outTypes);
  }

  /** Replaces the operator with one restored from an encoded snapshot. */
  restart(): void {
    const bytes = encodeState(this.op.snapshotState());
    this.op = new GroupAggregateOperator(this.node, IN, this.options);
    this.op.restoreState(decodeState(bytes));
  }
}

function lines(...ls: string[]): string {
  return ls.join('\n');
}

describe('GroupAggregateOperator: emission', () => {
  test('a new group is +I, a changed result is -U/+U', () => {
    const h = new Harness([K], [COUNT_STAR, agg('SUM', [V], T.int())]);
    assert.equal(h.step('+I a 1 1 1.00 true 1.0'), '+I a 1 1');
    assert.equal(h.step('+I a 2 1 1.00 true 1.0'), lines('-U a 1 1', '+U a 2 3'));
    assert.equal(h.op.stateSize(), 1);
  });

  test('an update moving a row between existing groups updates both, in first-touched order', () => {
    const h = new Harness([K], [COUNT_STAR, agg('SUM', [V], T.int())]);
    h.step(lines('+I a 1 0 0 true 0', '+I a 2 0 0 true 0', '+I b 5 0 0 true 0'));
    assert.equal(
      h.step(lines('-U a 2 0 0 true 0', '+U b 2 0 0 true 0')),
      lines('-U a 2 3', '+U a 1 1', '-U b 1 5', '+U b 2 7'),
    );
  });

  test('an update moving the only row of a group to a new group is -D and +I', () => {
    const h = new Harness([K], [COUNT_STAR, agg('SUM', [V], T.int())]);
    h.step('+I a 1 0 0 true 0');
    assert.equal(h.step(lines('-U a 1 0 0 true 0', '+U c 1 0 0 true 0')), lines('-D a 1 1', '+I c 1 1'));
    assert.equal(h.op.stateSize(), 1);
  });

  test('deleting every row of a group deletes the group', () => {
    const h = new Harness([K], [COUNT_STAR, agg('MAX', [V], T.int())]);
    h.step(lines('+I a 1 0 0 true 0', '+I a 4 0 0 true 0'));
    assert.equal(h.step('-D a 4 0 0 true 0'), lines('-U a 2 4', '+U a 1 1'));
    assert.equal(h.step('-D a 1 0 0 true 0'), '-D a 1 1');
    assert.equal(h.op.stateSize(), 0);
    // The key can come back as a new group.
    assert.equal(h.step('+I a 9 0 0 true 0'), '+I a 1 9');
  });

  test('a group inserted and deleted within one step produces nothing', () => {
    const h = new Harness([K], [COUNT_STAR]);
    assert.equal(h.step(lines('+I a 1 0 0 true 0', '+I b 1 0 0 true 0', '-D a 1 0 0 true 0')), '+I b 1');
    assert.equal(h.op.stateSize(), 1);
    // Also across two process calls of one step.
    assert.equal(h.step('+I z 1 0 0 true 0', '-D z 1 0 0 true 0'), '');
    assert.equal(h.op.stateSize(), 1);
  });

  test('a group emptied and refilled within one step is one -U/+U (or nothing when equal)', () => {
    const h = new Harness([K], [COUNT_STAR, agg('SUM', [V], T.int())]);
    h.step('+I a 1 0 0 true 0');
    assert.equal(h.step(lines('-D a 1 0 0 true 0', '+I a 5 0 0 true 0')), lines('-U a 1 1', '+U a 1 5'));
    assert.equal(h.step(lines('-D a 5 0 0 true 0', '+I a 5 0 0 true 0')), '');
  });

  test('updates that do not change the result emit nothing', () => {
    const h = new Harness([K], [COUNT_STAR, agg('SUM', [V], T.int())]);
    h.step('+I a 1 0 0 true 0');
    assert.equal(h.step(lines('-U a 1 0 0 true 0', '+U a 1 0 0 true 0')), '');
    // A change of a column that no aggregate reads.
    assert.equal(h.step(lines('-U a 1 0 0 true 0', '+U a 1 99 0 false 0')), '');
    // Two changes that cancel out in one step.
    assert.equal(h.step(lines('+I a 3 0 0 true 0', '+I a -3 0 0 true 0')), lines('-U a 1 1', '+U a 3 1'));
  });

  test('a retraction of a group that does not exist is dropped', () => {
    const h = new Harness([K], [COUNT_STAR]);
    assert.equal(h.step('-D a 1 0 0 true 0'), '');
    assert.equal(h.step(lines('+I a 1 0 0 true 0', '-D a 1 0 0 true 0', '-D a 1 0 0 true 0', '+I a 2 0 0 true 0')), '+I a 1');
    assert.equal(h.op.stateSize(), 1);
  });

  test('NULL is a group key like any other; several keys', () => {
    const h = new Harness([K, V], [COUNT_STAR]);
    assert.equal(
      h.step(lines('+I null 1 0 0 true 0', '+I null null 0 0 true 0', '+I null 1 0 0 true 0', '+I a null 0 0 true 0')),
      lines('+I null 1 2', '+I null null 1', '+I a null 1'),
    );
  });
});

describe('GroupAggregateOperator: functions', () => {
  test('MIN/MAX after the current extreme is retracted, with ties', () => {
    const h = new Harness([K], [agg('MIN', [V], T.int()), agg('MAX', [V], T.int())]);
    assert.equal(h.step(lines('+I a 3 0 0 true 0', '+I a 1 0 0 true 0', '+I a 1 0 0 true 0', '+I a 7 0 0 true 0')), '+I a 1 7');
    assert.equal(h.step('-D a 1 0 0 true 0'), '', 'one of two equal minima retracted: nothing changes');
    assert.equal(h.step('-D a 1 0 0 true 0'), lines('-U a 1 7', '+U a 3 7'));
    assert.equal(h.step('-D a 7 0 0 true 0'), lines('-U a 3 7', '+U a 3 3'));
    assert.equal(h.step('+I a null 0 0 true 0'), '', 'NULL does not change MIN/MAX');
    assert.equal(h.step('-D a 3 0 0 true 0'), lines('-U a 3 3', '+U a null null'));
  });

  test('COUNT(DISTINCT) drops a value only with its last occurrence', () => {
    const h = new Harness([K], [agg('COUNT', [V], T.bigint(false), { distinct: true }), COUNT_STAR]);
    assert.equal(h.step(lines('+I a 1 0 0 true 0', '+I a 1 0 0 true 0', '+I a 2 0 0 true 0')), '+I a 2 3');
    assert.equal(h.step('-D a 1 0 0 true 0'), lines('-U a 2 3', '+U a 2 2'));
    assert.equal(h.step('-D a 1 0 0 true 0'), lines('-U a 2 2', '+U a 1 1'));
    assert.equal(h.step('+I a null 0 0 true 0'), lines('-U a 1 1', '+U a 1 2'));
  });

  test('SUM(DISTINCT) and AVG(DISTINCT)', () => {
    const h = new Harness([K], [agg('SUM', [V], T.int(), { distinct: true }), agg('AVG', [V], T.int(), { distinct: true })]);
    assert.equal(h.step(lines('+I a 4 0 0 true 0', '+I a 4 0 0 true 0', '+I a 2 0 0 true 0')), '+I a 6 3');
    assert.equal(h.step('-D a 4 0 0 true 0'), '');
    assert.equal(h.step('-D a 4 0 0 true 0'), lines('-U a 6 3', '+U a 2 2'));
  });

  test('COUNT of several arguments counts rows where all are non-NULL, DISTINCT over the tuple', () => {
    const h = new Harness([K], [agg('COUNT', [V, B], T.bigint(false)), agg('COUNT', [V, B], T.bigint(false), { distinct: true })]);
    assert.equal(
      h.step(lines('+I a 1 1 0 true 0', '+I a 1 1 0 true 0', '+I a 1 2 0 true 0', '+I a null 2 0 true 0', '+I a 1 null 0 true 0')),
      '+I a 3 2',
    );
  });

  test('AVG on DECIMAL is exact (DECIMAL(38, 6), HALF_UP)', () => {
    const h = new Harness([K], [agg('AVG', [D], T.decimal(38, 6)), agg('SUM', [D], T.decimal(38, 2))]);
    assert.equal(h.step(lines('+I a 0 0 0.10 true 0', '+I a 0 0 0.20 true 0', '+I a 0 0 0.10 true 0')), '+I a 0.133333 0.40');
    assert.equal(h.step('+I a 0 0 0.00 true 0'), lines('-U a 0.133333 0.40', '+U a 0.100000 0.40'));
    assert.equal(h.step('-D a 0 0 0.10 true 0'), lines('-U a 0.100000 0.40', '+U a 0.100000 0.30'));
  });

  test('SUM over BIGINT is exact past 2^53', () => {
    const h = new Harness([K], [agg('SUM', [B], T.bigint())]);
    assert.equal(h.step(lines('+I a 0 9007199254740993 0 true 0', '+I a 0 2 0 true 0')), '+I a 9007199254740995');
    assert.equal(h.step('-D a 0 2 0 true 0'), lines('-U a 9007199254740995', '+U a 9007199254740993'));
  });

  test('SUM over INT overflows like a Java int, and retraction undoes it', () => {
    const h = new Harness([K], [agg('SUM', [V], T.int()), agg('AVG', [V], T.int())]);
    assert.equal(h.step(lines('+I a 2147483647 0 0 true 0', '+I a 1 0 0 true 0')), '+I a -2147483648 1073741824');
    assert.equal(h.step('-D a 1 0 0 true 0'), lines('-U a -2147483648 1073741824', '+U a 2147483647 2147483647'));
  });

  test('SUM over DOUBLE returns to the exact previous value after a retraction', () => {
    const h = new Harness([K], [agg('SUM', [X], T.double())]);
    assert.equal(h.step(lines('+I a 0 0 0 true 0.1', '+I a 0 0 0 true 0.2')), '+I a 0.30000000000000004');
    assert.equal(h.step('-D a 0 0 0 true 0.2'), lines('-U a 0.30000000000000004', '+U a 0.1'));
  });

  test('NULL handling of every function', () => {
    const h = new Harness(
      [K],
      [
        COUNT_STAR,
        agg('COUNT', [V], T.bigint(false)),
        agg('SUM', [V], T.int()),
        agg('SUM0', [V], T.int(false)),
        agg('AVG', [V], T.int()),
        agg('MIN', [V], T.int()),
        agg('MAX', [V], T.int()),
        agg('COUNT', [V], T.bigint(false), { distinct: true }),
        agg('SUM', [D], T.decimal(38, 2)),
        agg('AVG', [D], T.decimal(38, 6)),
        agg('SUM', [X], T.double()),
      ],
    );
    assert.equal(h.step('+I a null 0 null true null'), '+I a 1 0 null 0 null null null 0 null null null');
    assert.equal(
      h.step('+I a 4 0 1.50 true 2.5'),
      lines('-U a 1 0 null 0 null null null 0 null null null', '+U a 2 1 4 4 4 4 4 1 1.50 1.500000 2.5'),
    );
    assert.equal(
      h.step('-D a 4 0 1.50 true 2.5'),
      lines('-U a 2 1 4 4 4 4 4 1 1.50 1.500000 2.5', '+U a 1 0 null 0 null null null 0 null null null'),
    );
  });

  test('FILTER: only rows where the filter is TRUE count; the group counts every row', () => {
    const h = new Harness([K], [COUNT_STAR, agg('COUNT', [], T.bigint(false), { filter: F }), agg('SUM', [V], T.int(), { filter: F })]);
    assert.equal(h.step(lines('+I a 1 0 0 false 0', '+I a 2 0 0 null 0')), '+I a 2 0 null');
    assert.equal(h.step('+I a 3 0 0 true 0'), lines('-U a 2 0 null', '+U a 3 1 3'));
    assert.equal(h.step('-D a 3 0 0 true 0'), lines('-U a 3 1 3', '+U a 2 0 null'));
    assert.equal(h.step(lines('-D a 1 0 0 false 0', '-D a 2 0 0 null 0')), '-D a 2 0 null');
  });

  test('global aggregation: one row once there is input, deleted when every row is retracted', () => {
    const h = new Harness([], [COUNT_STAR, agg('SUM', [V], T.int())]);
    assert.equal(h.step(''), '');
    assert.equal(h.step(lines('+I a 1 0 0 true 0', '+I b 2 0 0 true 0')), '+I 2 3');
    assert.equal(h.step('-D a 1 0 0 true 0'), lines('-U 2 3', '+U 1 2'));
    assert.equal(h.step('-D b 2 0 0 true 0'), '-D 1 2');
    assert.equal(h.step('+I c 5 0 0 true 0'), '+I 1 5');
  });
});

describe('GroupAggregateOperator: state', () => {
  const specs = [
    COUNT_STAR,
    agg('SUM', [V], T.int()),
    agg('MIN', [V], T.int()),
    agg('COUNT', [V], T.bigint(false), { distinct: true }),
    agg('AVG', [D], T.decimal(38, 6)),
    agg('SUM', [X], T.double()),
  ];
  const input = [
    lines('+I a 1 0 1.00 true 0.1', '+I a 1 0 2.00 true 0.2', '+I b 5 0 3.00 true 1e300', '+I null 2 0 null true null'),
    lines('-U a 1 0 1.00 true 0.1', '+U a 3 0 1.00 true 0.1', '+I b -5 0 1.00 true -1e300'),
    lines('-D a 1 0 2.00 true 0.2', '-D b 5 0 3.00 true 1e300', '+I c 9 0 9.99 true 9'),
    lines('-D null 2 0 null true null', '-U a 3 0 1.00 true 0.1', '+U a 4 0 1.00 true 0.1'),
  ];

  test('a restored operator continues exactly like the original', () => {
    for (let cut = 0; cut <= input.length; cut++) {
      const straight = new Harness([K], specs);
      const restarted = new Harness([K], specs);
      for (let i = 0; i < input.length; i++) {
        if (i === cut) restarted.restart();
        assert.equal(restarted.step(input[i]!), straight.step(input[i]!), `cut ${cut}, step ${i}`);
      }
      assert.equal(restarted.op.stateSize(), straight.op.stateSize());
    }
  });

  test('the snapshot shares nothing mutable with the operator', () => {
    const h = new Harness([K], specs);
    h.step(input[0]!);
    const snap = h.op.snapshotState();
    const before = encodeState(snap);
    h.step(input[1]!);
    h.step(input[2]!);
    assert.deepEqual(encodeState(snap), before);
  });

  test('state of a different query is refused with STATE', () => {
    const h = new Harness([K], specs);
    h.step(input[0]!);
    const other = new GroupAggregateOperator(node([K], [COUNT_STAR]), IN);
    assert.throws(() => other.restoreState(h.op.snapshotState()), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
    assert.throws(() => other.restoreState(null), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
    assert.throws(() => other.restoreState([1, 2]), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
  });

  test('a snapshot in the middle of a step is refused', () => {
    const h = new Harness([K], specs);
    h.op.process(0, parseChangelog('+I a 1 0 1.00 true 0.1', IN), new ChangeBatch());
    assert.throws(() => h.op.snapshotState(), (e: unknown) => e instanceof StrataError && e.code === 'INTERNAL');
  });
});

describe('GroupAggregateOperator: insert-only input', () => {
  test('MIN/MAX keep one value; a retraction fails', () => {
    const h = new Harness([K], [agg('MIN', [V], T.int()), agg('MAX', [V], T.int())], { insertOnlyInput: true });
    assert.equal(h.step(lines('+I a 3 0 0 true 0', '+I a 1 0 0 true 0')), '+I a 1 3');
    h.restart();
    assert.equal(h.step('+I a 0 0 0 true 0'), lines('-U a 1 3', '+U a 0 3'));
    assert.throws(() => h.step('-D a 0 0 0 true 0'), (e: unknown) => e instanceof StrataError && e.code === 'INTERNAL');
  });
});

describe('GroupAggregateOperator: plan checks', () => {
  test('a group key outside the input fails with INTERNAL', () => {
    assert.throws(() => new GroupAggregateOperator(node([9], [COUNT_STAR]), IN), (e: unknown) => e instanceof StrataError && e.code === 'INTERNAL');
  });
});
