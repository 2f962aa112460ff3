import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { ChangeBatch } from '../../src/core/batch.js';
import { INSERT } from '../../src/core/row-kind.js';
import { Decimal } from '../../src/core/decimal.js';
import { StrataServer } from '../../src/server/strata-server.js';

// Point-query round trip over :9030: a prepared `SELECT ... WHERE pk = ?` from mysql2
// against a 100 K-row primary-key table, sequentially, versus the same query straight on
// the warehouse (no protocol, no translation) as the floor.
// Usage: node dist/bench/store/point-query.js [--rows 100000] [--queries 3000]

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const rows = arg('rows', 100_000);
const queries = arg('queries', 3000);
const dir = mkdtempSync(join(tmpdir(), 'strata-pq-'));
const server = await StrataServer.start({ dataDir: dir, mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
try {
  await server.warehouseQuery(
    'CREATE DATABASE b; CREATE TABLE b.t (id BIGINT NOT NULL, name STRING, amount DECIMAL(18, 2), n INT) ENGINE=olap PRIMARY KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1',
  );
  for (let start = 0; start < rows; start += 50_000) {
    const batch = new ChangeBatch();
    for (let i = start; i < Math.min(rows, start + 50_000); i++) batch.push(INSERT, [BigInt(i), `name-${i}`, new Decimal(BigInt(i * 7), 2), i % 1000]);
    await server.warehouse.apply([{ database: 'b', table: 't', batch }], null);
  }
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: server.mysqlAddress.port, user: 'root' });
  const viaProtocol: number[] = [];
  const direct: number[] = [];
  const textProtocol: number[] = [];
  for (let i = 0; i < 200; i++) await conn.execute('SELECT * FROM b.t WHERE id = ?', [i]); // warm-up
  for (let i = 0; i < queries; i++) {
    const id = (i * 7919) % rows;
    let t0 = performance.now();
    await conn.execute('SELECT * FROM b.t WHERE id = ?', [id]);
    viaProtocol.push(performance.now() - t0);
    t0 = performance.now();
    await conn.query(`SELECT * FROM b.t WHERE id = ${id}`);
    textProtocol.push(performance.now() - t0);
    t0 = performance.now();
    await server.warehouse.query(`SELECT * FROM "b"."t" WHERE "id" = ${id}`);
    direct.push(performance.now() - t0);
  }
  await conn.end();
  const f = (x: number): string => `${x.toFixed(2)} ms`;
  console.log(`Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, Node ${process.version}. Date: ${new Date().toISOString()}.`);
  console.log(`Point queries on a ${rows.toLocaleString('en-US')}-row primary-key table, ${queries} sequential queries each.\n`);
  console.log('| path | p50 | p99 | max | queries/s (sequential) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, xs] of [
    ['mysql2 prepared over :9030', viaProtocol],
    ['mysql2 text query over :9030', textProtocol],
    ['warehouse.query() in-process (floor: DuckDB only)', direct],
  ] as const) {
    const total = xs.reduce((a, b) => a + b, 0);
    console.log(`| ${name} | ${f(pct(xs, 50))} | ${f(pct(xs, 99))} | ${f(Math.max(...xs))} | ${Math.round((xs.length / total) * 1000)} |`);
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
