import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../core/batch.js';
import { INSERT } from '../core/row-kind.js';
import { defaultRegistry } from '../connectors/registry.js';
import { getValuesSinkChanges, registerValuesData, resetValuesConnector } from '../connectors/values/store.js';
import { Session } from '../runtime/session.js';

test('a non-deterministic projection is evaluated once per row, even when a filter reads it', async () => {
  resetValuesConnector();
  const batch = new ChangeBatch();
  for (let i = 0; i < 2000; i++) batch.push(INSERT, [i]);
  registerValuesData('nums', batch);
  const s = new Session({ registry: defaultRegistry() });
  await s.execute(`
    CREATE TABLE nums (i INT) WITH ('connector' = 'values', 'data-id' = 'nums');
    CREATE TABLE out1 (i INT, r DOUBLE, r2 DOUBLE) WITH ('connector' = 'values', 'sink-id' = 'out1');
    INSERT INTO out1 SELECT i, r, r FROM (SELECT i, RAND() AS r FROM nums) WHERE r < 0.5;
  `);
  for (const j of s.jobs) await j.done();
  const out = getValuesSinkChanges('out1');
  assert.ok(out.length > 500 && out.length < 1500, `about half the rows pass, got ${out.length}`);
  for (const row of out.rows) {
    assert.ok((row[1] as number) < 0.5, 'the filtered value is the projected value');
    assert.equal(row[1], row[2], 'both references see the same value');
  }
});
