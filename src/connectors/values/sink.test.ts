import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { TableDescriptor } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { schemaOf } from '../../core/schema.js';
import { T } from '../../core/types.js';
import type { ConnectorContext } from '../../engine/connector.js';
import { defaultRegistry } from '../registry.js';
import { ValuesSink } from './sink.js';
import { clearValuesSink, getValuesSinkChanges, getValuesSinkRows, resetValuesConnector, valuesSinkIds } from './store.js';

const ctx: ConnectorContext = { jobName: 'test', signal: new AbortController().signal, log: () => {} };

function table(options: Record<string, string>, primaryKey: number[] | null = null): TableDescriptor {
  return {
    path: ['cat', 'db', 'out'],
    schema: schemaOf([
      { name: 'id', type: T.int() },
      { name: 'cnt', type: T.bigint() },
    ]),
    primaryKey,
    options: { connector: 'values', ...options },
  };
}

beforeEach(() => resetValuesConnector());

describe('values sink', () => {
  test('collects committed changes in order under the table path by default', async () => {
    const sink = new ValuesSink(table({}), ctx);
    await sink.open();
    sink.write(ChangeBatch.of([INSERT, [1, 1n]], [INSERT, [2, 1n]]));
    assert.equal(getValuesSinkChanges('cat.db.out').length, 0, 'nothing is visible before commit');
    await sink.commit();
    sink.write(ChangeBatch.of([UPDATE_BEFORE, [1, 1n]], [UPDATE_AFTER, [1, 2n]], [DELETE, [2, 1n]]));
    await sink.commit();
    await sink.close();
    assert.equal(getValuesSinkChanges('cat.db.out').toString(), '+I[1, 1]\n+I[2, 1]\n-U[1, 1]\n+U[1, 2]\n-D[2, 1]');
    assert.deepEqual(getValuesSinkRows('cat.db.out'), [[1, 2n]]);
    assert.deepEqual(valuesSinkIds(), ['cat.db.out']);
    clearValuesSink('cat.db.out');
    assert.equal(getValuesSinkChanges('cat.db.out').length, 0);
    assert.deepEqual(getValuesSinkRows('cat.db.out'), []);
  });

  test('sink-id names the store; getValuesSinkChanges returns a copy', async () => {
    const sink = new ValuesSink(table({ 'sink-id': 'results' }), ctx);
    sink.write(ChangeBatch.of([INSERT, [1, 1n]]));
    await sink.commit();
    const copy = getValuesSinkChanges('results');
    copy.push(INSERT, [9, 9n]);
    assert.equal(getValuesSinkChanges('results').length, 1);
  });

  test('materializes by primary key when the table has one', async () => {
    const sink = new ValuesSink(table({ 'sink-changelog-mode': 'upsert' }, [0]), ctx);
    sink.write(ChangeBatch.of([INSERT, [1, 1n]], [INSERT, [2, 1n]], [UPDATE_AFTER, [1, 5n]], [DELETE, [2, 1n]], [DELETE, [7, 0n]]));
    await sink.commit();
    assert.deepEqual(getValuesSinkRows('cat.db.out'), [[1, 5n]]);
  });

  test('a retraction of a missing row is reported when materializing without a key', async () => {
    const sink = new ValuesSink(table({}), ctx);
    sink.write(ChangeBatch.of([DELETE, [1, 1n]]));
    await sink.commit();
    assert.throws(() => getValuesSinkRows('cat.db.out'), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_DATA' && /retracts a row that is not in the sink/.test(e.message));
  });

  test('sink-changelog-mode limits the accepted kinds', async () => {
    const insertOnly = new ValuesSink(table({ 'sink-changelog-mode': 'I' }), ctx);
    assert.equal(insertOnly.accepts, 'insert-only');
    assert.throws(() => insertOnly.write(ChangeBatch.of([INSERT, [1, 1n]], [DELETE, [1, 1n]])), /accepts insert-only changes but received -D/);
    const upsert = new ValuesSink(table({ 'sink-changelog-mode': 'I,UA,D' }, [0]), ctx);
    assert.equal(upsert.accepts, 'upsert');
    upsert.write(ChangeBatch.of([INSERT, [1, 1n]], [UPDATE_AFTER, [1, 2n]], [DELETE, [1, 2n]]));
    assert.throws(() => upsert.write(ChangeBatch.of([UPDATE_BEFORE, [1, 1n]])), /accepts upsert changes but received -U/);
    assert.equal(new ValuesSink(table({ 'sink-changelog-mode': 'I,UB,UA,D' }), ctx).accepts, 'all');
    assert.throws(() => new ValuesSink(table({ 'sink-changelog-mode': 'UB' }), ctx), /'UB' is not a sink changelog mode/);
  });

  test('the registry reports sink-changelog-mode', () => {
    const r = defaultRegistry();
    assert.equal(r.sinkAccepts(table({})), 'all');
    assert.equal(r.sinkAccepts(table({ 'sink-changelog-mode': 'upsert' }, [0])), 'upsert');
    assert.equal(r.sinkAccepts(table({ 'sink-changelog-mode': 'INSERT-ONLY' })), 'insert-only');
  });
});
