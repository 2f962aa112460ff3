/**
 * A join whose state is far larger than its budget keeps the JS heap bounded: 500,000
 * rows on one side (about 100 MB of heap in memory) with a 16 MB budget. The bound
 * asserted: after a full GC, the heap grew by less than twice the budget (estimates are
 * approximate: sampled row sizes, fixed overheads) and by less than a third of what the
 * same state takes without a budget. The spilled state stays correct: probes of keys on
 * disk find their rows.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ChangeBatch } from '../../core/batch.js';
import type { StreamJoin } from '../../core/plan.js';
import { ALL_CHANGES, INSERT, type RowKind } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import { SpillStore } from '../state/spill-store.js';
import { StateBudget } from '../state/state-budget.js';
import { JoinOperator } from './join.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const ROWS = 500_000;
const BATCH = 1000;
const BUDGET = 16 * 1024 * 1024;

const store = new SpillStore();
after(() => store.close());

const node: StreamJoin = {
  kind: 'join',
  id: 1,
  schema: { fields: Array.from({ length: 7 }, (_, i) => ({ name: `f${i}`, type: T.int() })) },
  mode: ALL_CHANGES,
  upsertKey: null,
  joinType: 'inner',
  left: 0,
  right: 0,
  leftKeys: [0],
  rightKeys: [0],
  condition: null,
  leftUniqueKey: [0],
  rightUniqueKey: null,
};

/** Left rows: (id, name, city, score), as an orders-customers join would hold. */
function leftRow(i: number): Row {
  return [i, `customer-${i}`, `city number ${i % 1000} of the province`, i * 0.5 + 0.25];
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Fills the left side with ROWS rows; returns the join and the heap growth it caused. */
function fill(budget: StateBudget | undefined): { join: JoinOperator; growth: number } {
  const before = heapUsed();
  const join = new JoinOperator(node, 4, 3, null, { budget });
  for (let i = 0; i < ROWS; i += BATCH) {
    const kinds: RowKind[] = [];
    const rows: Row[] = [];
    for (let j = i; j < i + BATCH; j++) {
      kinds.push(INSERT);
      rows.push(leftRow(j));
    }
    join.process(0, new ChangeBatch(kinds, rows), new ChangeBatch());
    join.finishBatch(new ChangeBatch());
  }
  return { join, growth: heapUsed() - before };
}

test('a join with 500 K rows of state and a 16 MB budget keeps the heap bounded', () => {
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
  let plainGrowth: number;
  {
    const { join, growth } = fill(undefined);
    assert.equal(join.stateSize(), ROWS);
    plainGrowth = growth;
  }
  const budget = new StateBudget({ limitBytes: BUDGET, store });
  const { join, growth } = fill(budget);
  const st = budget.stats();
  const report = `heap growth: ${mb(growth)} with a ${mb(BUDGET)} budget, ${mb(plainGrowth)} without; ${st.hotRows} rows in memory, ${st.spilledRows} on disk`;
  assert.equal(join.stateSize(), ROWS, report);
  assert.equal(st.hotRows + st.spilledRows, ROWS, report);
  assert.ok(st.spilledRows > ROWS / 2, `most rows should be on disk; ${report}`);
  assert.ok(st.hotBytes <= BUDGET, `estimated hot bytes ${mb(st.hotBytes)} over the budget; ${report}`);
  assert.ok(growth < 2 * BUDGET, `heap grew past twice the budget; ${report}`);
  assert.ok(growth < plainGrowth / 3, `heap growth not well below the in-memory join's; ${report}`);

  // Rows on disk still join: the first ones were evicted long ago.
  const probe = new ChangeBatch([INSERT, INSERT, INSERT], [[0, 'r0', 1], [123_456, 'r1', 2], [ROWS - 1, 'r2', 3]]);
  const out = new ChangeBatch();
  join.process(1, probe, out);
  assert.equal(out.length, 3, report);
  assert.deepEqual(out.rows[0], [...leftRow(0), 0, 'r0', 1]);
  assert.deepEqual(out.rows[1], [...leftRow(123_456), 123_456, 'r1', 2]);
  assert.deepEqual(out.rows[2], [...leftRow(ROWS - 1), ROWS - 1, 'r2', 3]);
});
