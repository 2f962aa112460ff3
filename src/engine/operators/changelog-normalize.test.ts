import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { StreamChangelogNormalize } from '../../core/plan.js';
import { ALL_CHANGES, UPSERT, type ChangelogMode } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import { formatChangelog, parseChangelog } from '../../testing/changelog.js';
import { decodeState, encodeState } from '../state/codec.js';
import { ChangelogNormalizeOperator } from './changelog-normalize.js';

// users(id INT, name STRING, score DECIMAL(5, 1)) keyed by id
const TYPES: SqlType[] = [T.int(false), T.string(), T.decimal(5, 1)];

function normalizeNode(mode: ChangelogMode = ALL_CHANGES, key: readonly number[] = [0]): StreamChangelogNormalize {
  return {
    kind: 'changelog-normalize',
    id: 2,
    schema: { fields: TYPES.map((type, i) => ({ name: ['id', 'name', 'score'][i]!, type })) },
    mode,
    upsertKey: key,
    input: 1,
    key,
  };
}

function run(op: ChangelogNormalizeOperator, text: string): string {
  const out = new ChangeBatch();
  op.process(0, parseChangelog(text, TYPES), out);
  op.finishBatch(out);
  return formatChangelog(out, TYPES);
}

describe('ChangelogNormalizeOperator', () => {
  test('first row is +I, a changed row is -U old / +U new', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode());
    assert.equal(run(op, '+I 1 alice 1.5'), '+I 1 alice 1.5');
    assert.equal(run(op, '+U 1 alice 2'), '-U 1 alice 1.5\n+U 1 alice 2.0');
    assert.equal(run(op, '+I 1 ally 2.0'), '-U 1 alice 2.0\n+U 1 ally 2.0', 'an +I for a known key is an update');
    assert.equal(run(op, '+U 2 bob null'), '+I 2 bob null', 'a +U for an unknown key is an insert');
    assert.equal(op.stateSize(), 2);
  });

  test('a no-op update is dropped', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode());
    run(op, '+I 1 alice 1.5');
    assert.equal(run(op, '+U 1 alice 1.50'), '', 'equal as SQL values (1.5 = 1.50)');
    assert.equal(run(op, '+U 1 alice 1.5\n+U 1 alice 1.5'), '');
  });

  test('a delete emits the stored row, even from a key-only tombstone', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode());
    run(op, "+I 1 'alice smith' 1.5");
    assert.equal(run(op, '-D 1 null null'), "-D 1 'alice smith' 1.5");
    assert.equal(op.stateSize(), 0);
  });

  test('a delete of an unknown key emits nothing', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode());
    assert.equal(run(op, '-D 7 x 1.0'), '');
    run(op, '+I 1 a 1.0\n-D 1 a 1.0');
    assert.equal(run(op, '-D 1 a 1.0'), '', 'a second delete of the same key');
  });

  test('-U is a delete (Flink): a retract stream that moves a row to another key', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode());
    run(op, '+I 1 alice 1.0');
    assert.equal(run(op, '-U 1 alice 1.0\n+U 2 alice 1.0'), '-D 1 alice 1.0\n+I 2 alice 1.0');
    assert.equal(run(op, '-U 5 nobody 1.0'), '', 'a -U of an unknown key emits nothing');
    assert.equal(op.stateSize(), 1);
  });

  test('a batch with several changes of one key collapses correctly', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode());
    assert.equal(
      run(op, '+I 1 a 1.0\n+U 1 b 1.0\n-D 1 null null\n+I 1 c 1.0'),
      '+I 1 a 1.0\n-U 1 a 1.0\n+U 1 b 1.0\n-D 1 b 1.0\n+I 1 c 1.0',
    );
  });

  test('without UPDATE_BEFORE in the output mode, updates are +U only', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode(UPSERT));
    run(op, '+I 1 a 1.0');
    assert.equal(run(op, '+U 1 b 1.0'), '+U 1 b 1.0');
    assert.equal(run(op, '-D 1 null null'), '-D 1 b 1.0');
  });

  test('a composite key', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode(ALL_CHANGES, [0, 1]));
    run(op, '+I 1 a 1.0\n+I 1 b 1.0');
    assert.equal(run(op, '+U 1 a 2.0'), '-U 1 a 1.0\n+U 1 a 2.0');
    assert.equal(run(op, '-D 1 b null'), '-D 1 b 1.0');
    assert.equal(op.stateSize(), 1);
  });

  test('snapshot and restore', () => {
    const op = new ChangelogNormalizeOperator(normalizeNode());
    run(op, '+I 1 a 1.0\n+I 2 b 2.0\n+I 3 c 3.0\n-D 3 null null');
    const snap = op.snapshotState();
    const bytes = encodeState(snap);
    run(op, '+U 1 z 9.0');
    assert.deepEqual(encodeState(snap), bytes, 'the snapshot is a copy');
    const restored = new ChangelogNormalizeOperator(normalizeNode());
    restored.restoreState(decodeState(bytes));
    assert.equal(restored.stateSize(), 2);
    assert.equal(run(restored, '+U 1 z 9.0\n-D 2 null null\n-D 3 null null'), '-U 1 a 1.0\n+U 1 z 9.0\n-D 2 b 2.0');
    assert.throws(() => restored.restoreState([]), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
    assert.throws(
      () => restored.restoreState(new Map([[1, 'x']])),
      (e: unknown) => e instanceof StrataError && e.code === 'STATE',
    );
  });
});
