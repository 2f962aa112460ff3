import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import type { StrataError } from '../../core/errors.js';
import { validateOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import { keyOf, rowEquals, type Key, type Row } from '../../core/values.js';
import type { ConnectorContext } from '../../engine/connector.js';
import { decodeState, encodeState } from '../../engine/state/codec.js';
import { applyBatch, sortedRows } from '../../testing/changelog.js';
import { DATAGEN_SPEC } from './options.js';
import { DATAGEN_CONNECTOR, DatagenSource } from './source.js';

// The changelog extension: updates and deletes of rows emitted before, as a CDC table would.

const ctx: ConnectorContext = { jobName: 't', signal: new AbortController().signal, log: () => {} };
/** A clock that moves one second per reading, so the rate limit never holds rows back. */
function movingClock(): { now: () => number; sleep: () => Promise<void> } {
  let t = 1_700_000_000_000;
  return { now: () => (t += 1000), sleep: () => Promise.resolve() };
}

function table(options: Record<string, string>, pk: number[] | null = [0]): TableDescriptor {
  return {
    path: ['c', 'd', 'orders'],
    schema: { fields: [{ name: 'id', type: T.int(false) }, { name: 'region', type: T.string() }, { name: 'amount', type: T.bigint() }] },
    primaryKey: pk,
    options: { connector: 'datagen', 'rows-per-second': '1000000000', seed: '11', 'fields.id.min': '1', 'fields.id.max': '40', 'fields.region.length': '2', ...options },
  };
}

function drain(src: DatagenSource): ChangeBatch {
  const all = new ChangeBatch();
  for (let i = 0; i < 10_000 && !src.finished; i++) {
    const b = src.poll(37);
    if (b !== null) all.append(b);
  }
  return all;
}

test('a full changelog: every retraction removes a row that is there, keys stay unique', async () => {
  const src = new DatagenSource(table({ 'number-of-rows': '300', 'changelog.update-ratio': '0.3', 'changelog.delete-ratio': '0.2' }), ctx, { clock: movingClock() });
  await src.open();
  const out = drain(src);
  assert.ok(src.finished);
  const kinds = new Set<number>(out.kinds);
  for (const k of [INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE]) assert.ok(kinds.has(k), `kind ${k} appears`);
  // applyBatch throws on a retraction of an absent row.
  const rows = sortedRows(applyBatch(out));
  const keys = new Set<Key>(rows.map((r) => keyOf(r, [0])));
  assert.equal(keys.size, rows.length, 'one live row per key');
  // Each -U is followed by its +U with the same key.
  for (let i = 0; i < out.length; i++) {
    if (out.kinds[i] === UPDATE_BEFORE) {
      assert.equal(out.kinds[i + 1], UPDATE_AFTER);
      assert.equal(out.rows[i]![0], out.rows[i + 1]![0]);
    }
  }
  const opts = validateOptions(DATAGEN_SPEC, table({ 'changelog.update-ratio': '0.3' }).options, 'x');
  assert.deepEqual(DATAGEN_CONNECTOR.sourceMode!(table({ 'changelog.update-ratio': '0.3' }), opts), ALL_CHANGES);
});

test('a restored source continues with the same live rows and values', async () => {
  const opts = { 'number-of-rows': '200', 'changelog.update-ratio': '0.4', 'changelog.delete-ratio': '0.1' };
  const a = new DatagenSource(table(opts), ctx, { clock: movingClock() });
  await a.open();
  const first = a.poll(50)!;
  const offsets = decodeState(encodeState(a.snapshotOffsets()));
  const restA = drain(a);
  const b = new DatagenSource(table(opts), ctx, { clock: movingClock() });
  b.restoreOffsets(offsets);
  await b.open();
  const restB = drain(b);
  assert.equal(restB.length, restA.length);
  for (let i = 0; i < restA.length; i++) {
    assert.equal(restB.kinds[i], restA.kinds[i]);
    assert.ok(rowEquals(restB.rows[i] as Row, restA.rows[i] as Row));
  }
  assert.ok(first.length > 0);
});

test('updates and deletes need a primary key', () => {
  const t = table({ 'changelog.delete-ratio': '0.5' }, null);
  const opts = validateOptions(DATAGEN_SPEC, t.options, 'x');
  assert.throws(
    () => DATAGEN_CONNECTOR.validate!(t, 'source', opts),
    (e: StrataError) => e.code === 'CONNECTOR_OPTION' && /PRIMARY KEY/.test(e.message) && /changelog\.delete-ratio/.test(e.message),
  );
});
