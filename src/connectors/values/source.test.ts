import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { TableDescriptor } from '../../core/plan.js';
import { DELETE, formatChangelogMode, INSERT, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../../core/row-kind.js';
import { schemaOf } from '../../core/schema.js';
import { T } from '../../core/types.js';
import type { ConnectorContext } from '../../engine/connector.js';
import { decodeState, encodeState } from '../../engine/state/codec.js';
import { defaultRegistry } from '../registry.js';
import { ValuesSource } from './source.js';
import { appendValuesData, endValuesData, registerValuesData, resetValuesConnector } from './store.js';

function ctx(signal: AbortSignal = new AbortController().signal): ConnectorContext {
  return { jobName: 'test', signal, log: () => {} };
}

function table(options: Record<string, string>, primaryKey: number[] | null = null): TableDescriptor {
  return {
    path: ['cat', 'db', 'src'],
    schema: schemaOf([
      { name: 'id', type: T.int() },
      { name: 'name', type: T.string() },
    ]),
    primaryKey,
    options: { connector: 'values', ...options },
  };
}

function text(b: ChangeBatch | null): string | null {
  return b === null ? null : b.toString();
}

beforeEach(() => resetValuesConnector());

describe('values source', () => {
  test('returns each registered batch with one poll, then finishes', async () => {
    registerValuesData('d1', [ChangeBatch.of([INSERT, [1, 'a']], [INSERT, [2, 'b']]), new ChangeBatch(), ChangeBatch.of([INSERT, [3, 'c']])]);
    const src = new ValuesSource(table({ 'data-id': 'd1' }), ctx());
    await src.open();
    assert.equal(src.finished, false);
    await src.ready();
    assert.equal(text(src.poll(100)), '+I[1, a]\n+I[2, b]');
    assert.equal(text(src.poll(100)), '+I[3, c]');
    assert.equal(src.finished, true);
    assert.equal(src.poll(100), null);
    await src.ready();
  });

  test('a single registered batch is split only when larger than max', async () => {
    registerValuesData('d1', ChangeBatch.of([INSERT, [1, 'a']], [INSERT, [2, 'b']], [INSERT, [3, 'c']]));
    const src = new ValuesSource(table({ 'data-id': 'd1' }), ctx());
    await src.open();
    assert.equal(text(src.poll(2)), '+I[1, a]\n+I[2, b]');
    assert.equal(text(src.poll(2)), '+I[3, c]');
    assert.equal(src.finished, true);
  });

  test('changelog-mode declares the kinds, and the data is checked against it', async () => {
    const changes = ChangeBatch.of([INSERT, [1, 'a']], [UPDATE_BEFORE, [1, 'a']], [UPDATE_AFTER, [1, 'b']], [DELETE, [1, 'b']]);
    registerValuesData('cdc', changes);
    const all = new ValuesSource(table({ 'data-id': 'cdc', 'changelog-mode': 'I,UB,UA,D' }), ctx());
    assert.equal(formatChangelogMode(all.mode), 'I,UB,UA,D');
    await all.open();
    assert.equal(all.poll(10)!.length, 4);

    const insertOnly = new ValuesSource(table({ 'data-id': 'cdc' }), ctx());
    await insertOnly.open();
    assert.throws(() => insertOnly.poll(10), (err: unknown) => err instanceof StrataError && err.code === 'CONNECTOR_DATA');
    assert.throws(() => insertOnly.poll(10), /batch 1 change 2: -U is not in the table's 'changelog-mode' 'I'/);

    const upsert = new ValuesSource(table({ 'data-id': 'cdc', 'changelog-mode': 'I,UA,D' }, [0]), ctx());
    await upsert.open();
    assert.throws(() => upsert.poll(10), /-U is not in the table's 'changelog-mode' 'I,UA,D'/);
  });

  test('the registry reports changelog-mode as the source mode', () => {
    const r = defaultRegistry();
    assert.equal(formatChangelogMode(r.sourceMode(table({ 'data-id': 'x' }))), 'I');
    assert.equal(formatChangelogMode(r.sourceMode(table({ 'data-id': 'x', 'changelog-mode': 'I,UA,D' }, [0]))), 'I,UA,D');
    assert.equal(formatChangelogMode(r.sourceMode(table({ 'data-id': 'x', 'changelog-mode': 'i, ub, ua, d' }))), 'I,UB,UA,D');
    assert.throws(() => r.sourceMode(table({ 'data-id': 'x', 'changelog-mode': 'I,X' })), /'I,X' is not a changelog mode/);
    assert.throws(() => r.validate(table({}), 'source'), /missing required option 'data-id' for connector 'values' .*\(the table is read as a source\)/);
  });

  test('rows must match the table width', async () => {
    registerValuesData('bad', ChangeBatch.of([INSERT, [1]]));
    const src = new ValuesSource(table({ 'data-id': 'bad' }), ctx());
    await src.open();
    assert.throws(() => src.poll(10), /the row has 1 values but the table has 2 columns/);
  });

  test('the first wrong change of a polled range is reported, wherever it is', async () => {
    const rows: [RowKind, (number | string)[]][] = [];
    for (let i = 0; i < 10; i++) rows.push([INSERT, [i, 'x']]);
    rows[6] = [INSERT, [6, 'x', 'extra']];
    rows[8] = [DELETE, [8, 'x']];
    registerValuesData('mid', ChangeBatch.of(...rows));
    const src = new ValuesSource(table({ 'data-id': 'mid' }), ctx());
    await src.open();
    assert.equal(src.poll(4)!.length, 4, 'changes 1-4 are fine');
    assert.throws(() => src.poll(4), /batch 1 change 7: the row has 3 values but the table has 2 columns/);
    // A kind and a width error in one range: the earlier one is reported.
    registerValuesData('mid2', ChangeBatch.of([INSERT, [1, 'a']], [UPDATE_AFTER, [2, 'b']], [INSERT, [3]]));
    const both = new ValuesSource(table({ 'data-id': 'mid2' }), ctx());
    await both.open();
    assert.throws(() => both.poll(10), /batch 1 change 2: \+U is not in the table's 'changelog-mode' 'I'/);
  });

  test('a bounded source without registered data fails on open', async () => {
    const src = new ValuesSource(table({ 'data-id': 'missing' }), ctx());
    await assert.rejects(async () => src.open(), /no values data is registered under data-id 'missing'/);
  });

  test('unbounded: waits for appended batches until the data is ended', async () => {
    const src = new ValuesSource(table({ 'data-id': 'live', bounded: 'false' }), ctx());
    await src.open();
    assert.equal(src.poll(10), null);
    assert.equal(src.finished, false);
    let woke = false;
    const waiting = src.ready().then(() => {
      woke = true;
    });
    await Promise.resolve();
    assert.equal(woke, false);
    appendValuesData('live', ChangeBatch.of([INSERT, [1, 'a']]));
    await waiting;
    assert.equal(text(src.poll(10)), '+I[1, a]');
    appendValuesData('live', ChangeBatch.of([INSERT, [2, 'b']]));
    appendValuesData('live', ChangeBatch.of([INSERT, [3, 'c']]));
    assert.equal(text(src.poll(10)), '+I[2, b]');
    assert.equal(text(src.poll(10)), '+I[3, c]');
    assert.equal(src.finished, false);
    const last = src.ready();
    endValuesData('live');
    await last;
    assert.equal(src.finished, true);
  });

  test('close and the job signal wake a waiting reader', async () => {
    const src = new ValuesSource(table({ 'data-id': 'live', bounded: 'false' }), ctx());
    await src.open();
    const waiting = src.ready();
    await src.close();
    await waiting;
    const ac = new AbortController();
    const src2 = new ValuesSource(table({ 'data-id': 'live', bounded: 'false' }), ctx(ac.signal));
    const waiting2 = src2.ready();
    ac.abort();
    await waiting2;
    assert.equal(src2.poll(1), null);
  });

  test('offsets name the next change; a restored reader continues there', async () => {
    registerValuesData('d', [ChangeBatch.of([INSERT, [1, 'a']], [INSERT, [2, 'b']]), ChangeBatch.of([INSERT, [3, 'c']])]);
    const a = new ValuesSource(table({ 'data-id': 'd' }), ctx());
    await a.open();
    a.poll(1);
    const offsets = decodeState(encodeState(a.snapshotOffsets()));
    const b = new ValuesSource(table({ 'data-id': 'd' }), ctx());
    b.restoreOffsets(offsets);
    await b.open();
    assert.equal(text(b.poll(10)), '+I[2, b]');
    assert.equal(text(b.poll(10)), '+I[3, c]');
    assert.equal(b.finished, true);
    assert.throws(() => b.restoreOffsets(null), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
  });
});
