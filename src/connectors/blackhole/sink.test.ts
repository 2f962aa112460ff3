import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import type { TableDescriptor } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { schemaOf } from '../../core/schema.js';
import { T } from '../../core/types.js';
import type { ConnectorContext } from '../../engine/connector.js';
import { BlackholeSink, blackholeCounts, resetBlackholeCounters } from './sink.js';

const ctx: ConnectorContext = { jobName: 'test', signal: new AbortController().signal, log: () => {} };
const table: TableDescriptor = {
  path: ['cat', 'db', 'sink'],
  schema: schemaOf([{ name: 'id', type: T.int() }]),
  primaryKey: null,
  options: { connector: 'blackhole' },
};

beforeEach(() => resetBlackholeCounters());

test('counts rows by kind, per writer and per table', async () => {
  const a = new BlackholeSink(table, ctx);
  const b = new BlackholeSink(table, ctx);
  await a.open();
  a.write(ChangeBatch.of([INSERT, [1]], [UPDATE_BEFORE, [1]], [UPDATE_AFTER, [2]], [DELETE, [2]], [INSERT, [3]]));
  b.write(ChangeBatch.of([INSERT, [4]]));
  assert.equal(a.counts.rows, 5);
  assert.deepEqual(a.counts.byKind, [2, 1, 1, 1]);
  assert.equal(a.counts.committedRows, 0);
  await a.commit();
  assert.equal(a.counts.committedRows, 5);
  const shared = blackholeCounts('cat.db.sink')!;
  assert.equal(shared.rows, 6);
  assert.deepEqual(shared.byKind, [3, 1, 1, 1]);
  assert.equal(shared.committedRows, 5);
  await b.commit();
  assert.equal(blackholeCounts('cat.db.sink')!.committedRows, 6);
  assert.equal(blackholeCounts('cat.db.other'), undefined);
});

test('has no options of its own', () => {
  assert.throws(() => new BlackholeSink({ ...table, options: { connector: 'blackhole', 'sink.x': '1' } }, ctx), /unknown option 'sink\.x' for connector 'blackhole'/);
});
