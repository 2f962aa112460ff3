import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { startMariaDb, type MariaDbServer } from '../../../src/testing/mariadb.js';
import { crashSeed, CrashHarness } from './harness.js';
import { killAllStrataChildren } from './strata-process.js';

// Issue #6, layer-consistent reads: the double-writing pipeline as ONE job (a statement
// set writing ODS, DWD and DWS tables) commits all layers of a micro-batch in one store
// transaction, so one SELECT over ODS, DWD and DWS never sees them disagree: not while the
// workload runs, not across SIGKILLs and restarts. STRATA_CRASH_SEED=<n> reproduces a run.

const seed = crashSeed();
process.stderr.write(`crash layer-consistency test: seed ${seed} (reproduce with STRATA_CRASH_SEED=${seed})\n`);

let db: MariaDbServer | undefined;

before(async () => {
  db = await startMariaDb({ extraArgs: ['--innodb-flush-log-at-trx-commit=0', '--sync-binlog=0'] });
});

after(async () => {
  killAllStrataChildren();
  await db?.stop();
});

/**
 * One statement, so one read of the store: per region, the DWS aggregate recomputed from
 * the ODS tables (join + filter + group), the same from the DWD table, and the DWS row.
 */
const LAYERS_SQL = `
SELECT 'ods' AS layer, o.order_region AS region, COUNT(*) AS cnt, SUM(o.order_revenue) AS total
  FROM flink_cdc.orders o JOIN flink_cdc.customers c ON c.customer_id = o.customer_id
  WHERE c.customer_id <> -1 GROUP BY o.order_region
UNION ALL
SELECT 'dwd' AS layer, order_region AS region, COUNT(*) AS cnt, SUM(order_revenue) AS total
  FROM flink_cdc.dwd_order_customer_valid GROUP BY order_region
UNION ALL
SELECT 'dws' AS layer, order_region AS region, order_cnt AS cnt, order_total_revenue AS total
  FROM flink_cdc.dws_agg_by_region`;

/** The disagreements in one read: '' when ODS, DWD and DWS agree region by region. */
function disagreement(rows: unknown[][]): string {
  const by = new Map<string, Map<string, string>>([
    ['ods', new Map()],
    ['dwd', new Map()],
    ['dws', new Map()],
  ]);
  for (const [layer, region, cnt, total] of rows) by.get(String(layer))!.set(String(region), `${Number(cnt)}/${Number(total)}`);
  const out: string[] = [];
  const regions = new Set([...by.values()].flatMap((m) => [...m.keys()]));
  for (const r of regions) {
    const [o, d, s] = ['ods', 'dwd', 'dws'].map((l) => by.get(l)!.get(r) ?? 'none');
    if (o !== s || d !== s) out.push(`${r}: ods ${o}, dwd ${d}, dws ${s} (count/total)`);
  }
  return out.join('; ');
}

test(`one SELECT over ODS, DWD and DWS never sees the layers disagree, across SIGKILLs (double-writing, one job, seed ${seed})`, async () => {
  assert.ok(db !== undefined, 'MariaDB is running');
  const h = await CrashHarness.open({ mode: 'double-writing', seed, db, checkpointInterval: '500ms', preload: { orders: 3000, customers: 300 } });
  await h.run(async () => {
    const rng = h.rng;
    const first = await h.setup();
    await h.waitRunning(first);
    assert.equal(h.jobNames.length, 1, `the statement set is one job: ${h.jobNames.join(', ')}`);

    // The reader: polls the one statement as fast as it can; reconnects while the server is down.
    let reading = true;
    let reads = 0;
    let nonEmpty = 0;
    const seen: string[] = [];
    const reader = (async () => {
      let conn: Connection | null = null;
      while (reading) {
        try {
          conn ??= await mysql.createConnection({ host: '127.0.0.1', port: h.ports.mysql, user: 'root', password: '' });
          const [rows] = await conn.query({ sql: LAYERS_SQL, rowsAsArray: true });
          reads++;
          if ((rows as unknown[][]).length > 0) nonEmpty++;
          const d = disagreement(rows as unknown[][]);
          if (d !== '' && seen.length < 10) seen.push(`read #${reads}: ${d}`);
        } catch (e) {
          // The server is being killed or restarting; anything else shows up as no reads.
          conn?.destroy();
          conn = null;
          if (h.current === null) await new Promise((r) => setTimeout(r, 50));
          else if (!/ECONNREFUSED|ECONNRESET|closed|PROTOCOL_CONNECTION_LOST|EPIPE/i.test((e as Error).message)) {
            if (seen.length < 10) seen.push(`read failed: ${(e as Error).message}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }
      conn?.destroy();
    })();

    try {
      for (let k = 0; k < 2; k++) {
        await new Promise((r) => setTimeout(r, rng.int(2000, 4000)));
        await h.kill();
        await new Promise((r) => setTimeout(r, rng.int(0, 300)));
        await h.restart();
      }
      await new Promise((r) => setTimeout(r, rng.int(2000, 4000)));
    } finally {
      reading = false;
      await reader;
    }
    h.note(`reader: ${reads} reads, ${nonEmpty} with rows, ${seen.length} disagreements`);
    if (seen.length > 0) h.fail(`a single SELECT saw the layers disagree:\n${seen.join('\n')}`);
    assert.ok(nonEmpty >= 20, `the reader compared the layers at least 20 times (it did ${nonEmpty} of ${reads} reads)`);

    await h.finalCheck();

    // Each table exposes the position it reflects; the tables of one job reflect one position.
    const conn = await h.strata();
    const [rows, fields] = await conn.query('SELECT * FROM information_schema.strata_position');
    const cols = (fields ?? []).map((f) => f.name);
    const posCol = cols.find((c) => /^position$/i.test(c)) ?? cols.find((c) => /position/i.test(c));
    const tableCol = cols.find((c) => /^table_name$/i.test(c)) ?? cols.find((c) => /table/i.test(c));
    assert.ok(posCol !== undefined && tableCol !== undefined, `information_schema.strata_position has a table and a position column: ${cols.join(', ')}`);
    const positions = new Map<string, string>();
    for (const r of rows as Record<string, unknown>[]) {
      const t = String(r[tableCol]).split('.').at(-1)!;
      positions.set(t, String(r[posCol]));
    }
    for (const t of ['orders', 'customers', 'dwd_order_customer_valid', 'dws_agg_by_region']) {
      assert.ok(positions.has(t), `information_schema.strata_position has a row for ${t}: ${JSON.stringify([...positions])}`);
    }
    const distinct = new Set(['orders', 'customers', 'dwd_order_customer_valid', 'dws_agg_by_region'].map((t) => positions.get(t)));
    assert.equal(distinct.size, 1, `the four tables of the one job reflect one source position: ${JSON.stringify([...positions])}`);
  });
});
