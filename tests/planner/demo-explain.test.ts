import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRegistry } from '../../src/connectors/registry.js';
import { Session } from '../../src/runtime/session.js';

// The seed tutorial's demo.sql (../shared/seeds/000_*.txt, step 4) explains without
// error, and its plan is the golden file beside it.
const dir = join(fileURLToPath(new URL('../../../', import.meta.url)), 'tests', 'planner');

test('EXPLAIN of the seed demo.sql matches the golden plan', () => {
  const sql = readFileSync(join(dir, 'seed-demo.sql'), 'utf8');
  const plan = new Session({ registry: defaultRegistry() }).explain(sql, 'seed-demo.sql');
  const golden = readFileSync(join(dir, 'seed-demo.explain.txt'), 'utf8');
  assert.equal(plan, golden);
});

test('the seed plan: ODS copies, the DWD join, and the DWS aggregate reading the DWD topic as an upsert source', () => {
  const sql = readFileSync(join(dir, 'seed-demo.sql'), 'utf8');
  const plan = new Session({ registry: defaultRegistry() }).explain(sql, 'seed-demo.sql');
  // Four sinks, one per layer topic.
  for (const t of ['ods_order_table', 'ods_customers_table', 'dwd_order_customer_valid', 'dws_agg_by_region']) {
    assert.match(plan, new RegExp(`Sink\\(table=\\[default_catalog\\.flink_cdc\\.${t}\\]`));
  }
  // The DWD join, keyed on customer_id, over the two CDC sources (reused by the ODS copies).
  assert.match(plan, /Join\(joinType=\[InnerJoin\], where=\[=\(customer_id, customer_id0\)\]/);
  // The DWS aggregate reads the DWD topic through ChangelogNormalize (an upsert source).
  assert.match(
    plan,
    /GroupAggregate\(groupBy=\[order_region\][^\n]*\n\s*\+- Calc\([^\n]*\n\s*\+- ChangelogNormalize\(key=\[order_id\], changelogMode=\[I,UB,UA,D\]\)\n\s*\+- TableSourceScan\(table=\[\[default_catalog, flink_cdc, dwd_order_customer_valid\]\][^\n]*changelogMode=\[I,UA,D\]\)/,
  );
  // No secret in a plan.
  assert.doesNotMatch(plan, /Yz12/);
});
