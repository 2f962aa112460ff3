import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, UPSERT } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import { UpsertMaterializeOperator } from './upsert-materialize.js';
import { decodeState, encodeState } from '../state/codec.js';
import type { StreamUpsertMaterialize } from '../../core/plan.js';

const node: StreamUpsertMaterialize = {
  kind: 'upsert-materialize',
  id: 1,
  input: 0,
  key: [0],
  schema: { fields: [{ name: 'k', type: T.int() }, { name: 'v', type: T.string() }] },
  mode: UPSERT,
  upsertKey: [0],
};

function run(op: UpsertMaterializeOperator, b: ChangeBatch): string {
  const out = new ChangeBatch();
  op.process(0, b, out);
  op.finishBatch(out);
  return out.toString();
}

test('keeps the latest present row per sink key', () => {
  const op = new UpsertMaterializeOperator(node);
  assert.equal(run(op, ChangeBatch.of([INSERT, [1, 'a']], [INSERT, [1, 'b']])), '+I[1, a]\n+U[1, b]');
  // Retracting the earlier row changes nothing visible.
  assert.equal(run(op, ChangeBatch.of([DELETE, [1, 'a']])), '');
  // Retracting the visible row with another still present shows the other... none left here: delete.
  assert.equal(run(op, ChangeBatch.of([UPDATE_BEFORE, [1, 'b']])), '-D[1, b]');
});

test('retracting the last row shows the previous one again', () => {
  const op = new UpsertMaterializeOperator(node);
  run(op, ChangeBatch.of([INSERT, [1, 'a']], [UPDATE_AFTER, [1, 'b']]));
  assert.equal(run(op, ChangeBatch.of([DELETE, [1, 'b']])), '+U[1, a]');
  assert.equal(run(op, ChangeBatch.of([DELETE, [1, 'zzz']])), '', 'a retraction of an absent row is ignored');
});

test('state survives a snapshot round trip', () => {
  const op = new UpsertMaterializeOperator(node);
  run(op, ChangeBatch.of([INSERT, [1, 'a']], [INSERT, [1, 'b']], [INSERT, [2, 'c']]));
  const restored = new UpsertMaterializeOperator(node);
  restored.restoreState(decodeState(encodeState(op.snapshotState())));
  assert.equal(restored.stateSize(), 3);
  assert.equal(run(restored, ChangeBatch.of([DELETE, [1, 'b']], [DELETE, [2, 'c']])), '+U[1, a]\n-D[2, c]');
});
