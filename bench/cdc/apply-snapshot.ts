/**
 * The warehouse half of the snapshot benchmark, alone: 1 M rows of bench/cdc/snapshot.ts's
 * ten columns applied to a file-backed PRIMARY KEY warehouse table in 8,096-row +I batches
 * with ascending keys (what a mysql-cdc snapshot hands the starrocks sink), one warehouse
 * transaction each, as the sink does.
 *
 *   node dist/bench/cdc/apply-snapshot.js [--rows N] [--batch N]
 *
 * Prints wall and process CPU time (DuckDB's threads included) and rows per CPU second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ChangeBatch } from '../../src/core/batch.js';
import { Decimal } from '../../src/core/decimal.js';
import { INSERT } from '../../src/core/row-kind.js';
import { T } from '../../src/core/types.js';
import type { Row } from '../../src/core/values.js';
import { DuckDbWarehouse } from '../../src/store/duckdb/warehouse.js';
import { column, tableDef } from '../../src/store/duckdb/test-support.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

async function main(): Promise<void> {
  const rows = arg('--rows', 1_000_000);
  const batchSize = arg('--batch', 8096);
  const dir = mkdtempSync(join(os.tmpdir(), 'strata-apply-snapshot-'));
  const w = await DuckDbWarehouse.open(join(dir, 'wh.duckdb'));
  try {
    await w.createDatabase('bench', false);
    const cols = [
      column('id', T.bigint(false)),
      column('qty', T.int()),
      column('price', T.decimal(12, 2)),
      column('name', T.varchar(32)),
      column('ts', T.timestamp(6)),
      column('day', T.date()),
      column('score', T.double()),
      column('flag', T.tinyint()),
      column('note', T.varchar(256)),
      column('big', T.decimal(20, 0)),
    ];
    await w.createTable(tableDef('bench', 'items', cols, 'PRIMARY', ['id']), false);
    const batches: ChangeBatch[] = [];
    for (let lo = 1; lo <= rows; lo += batchSize) {
      const b = new ChangeBatch();
      for (let i = lo; i < Math.min(lo + batchSize, rows + 1); i++) {
        const row: Row = [
          BigInt(i),
          i % 100000,
          new Decimal(BigInt(i % 1000000), 2),
          `name-${i}`,
          1_704_067_200_000_000n + BigInt(i) * 1_000_003n,
          10957 + (i % 10000),
          i / 7,
          (i % 128) - 64,
          i % 3 === 0 ? null : `note ü ${i}`,
          new Decimal(18446744073709551615n - BigInt(i), 0),
        ];
        b.push(INSERT, row);
      }
      batches.push(b);
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    for (const b of batches) await w.apply([{ database: 'bench', table: 'items', batch: b }], { writer: 'bench', position: String(++n) });
    const wall = performance.now() - t0;
    const u = process.cpuUsage(c0);
    const cpu = (u.user + u.system) / 1000;
    const count = (await w.query('SELECT count(*) FROM bench.items')).rows[0]![0];
    process.stdout.write(`${rows} rows in ${batches.length} batches: ${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU, ${Math.round(rows / (cpu / 1000))} rows/CPU s; table has ${String(count)} rows\n`);
  } finally {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
