import type { Connection } from 'mysql2/promise';
import { StrataError } from '../../../src/core/errors.js';

/**
 * A steady, seeded random workload on the seed tutorial's source tables
 * (`flink_cdc.orders`, `flink_cdc.customers` on MariaDB): inserts, updates that move
 * join keys (`customer_id`) and group keys (`order_region`), revenue and customer
 * changes, deletes, and multi-statement transactions (some rolled back).
 *
 * Values are chosen so every aggregate is exact in FLOAT: revenues and ages are small
 * integers. Primary keys are never updated. Orders reference missing customers and the
 * filtered customer -1 now and then, so the DWD join and its filter both matter.
 *
 * The expected warehouse content is computed from MariaDB's final rows (see check.ts),
 * so the workload keeps no model of its own.
 */

/** mulberry32: a small seeded PRNG; `next()` is uniform in [0, 1). */
export class Prng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const REGIONS = ['beijing', 'shanghai', 'hangzhou', 'shenzhen', 'chengdu', 'wuhan'] as const;

/** The seed's step 1: the source tables on MariaDB. */
export const SOURCE_DDL: readonly string[] = [
  'CREATE TABLE flink_cdc.orders ( order_id INT NOT NULL, order_revenue FLOAT NOT NULL, order_region VARCHAR(40) NOT NULL, customer_id INT NOT NULL, PRIMARY KEY ( order_id ) )',
  'CREATE TABLE flink_cdc.customers ( customer_id INT NOT NULL, customer_age FLOAT NOT NULL, customer_name VARCHAR(40) NOT NULL, PRIMARY KEY ( customer_id ) )',
];

export interface PreloadOptions {
  readonly orders: number;
  readonly customers: number;
}

/** Drops and recreates `flink_cdc` on MariaDB and fills it with `orders` and `customers` rows. */
export async function prepareSource(conn: Connection, rng: Prng, preload: PreloadOptions): Promise<{ nextOrderId: number; customerMax: number }> {
  await conn.query('DROP DATABASE IF EXISTS flink_cdc');
  await conn.query('CREATE DATABASE flink_cdc');
  for (const s of SOURCE_DDL) await conn.query(s);
  // Customer -1 exists: the DWD filter (customer_id <> -1) drops its orders.
  await conn.query("INSERT INTO flink_cdc.customers VALUES (-1, 99, 'filtered')");
  for (let i = 1; i <= preload.customers; i += 1000) {
    const rows: string[] = [];
    for (let id = i; id < Math.min(i + 1000, preload.customers + 1); id++) rows.push(`(${id}, ${rng.int(18, 80)}, 'c${id}_0')`);
    await conn.query(`INSERT INTO flink_cdc.customers VALUES ${rows.join(',')}`);
  }
  const customerMax = Math.max(preload.customers, 1);
  for (let i = 1; i <= preload.orders; i += 1000) {
    const rows: string[] = [];
    for (let id = i; id < Math.min(i + 1000, preload.orders + 1); id++) rows.push(`(${id}, ${rng.int(1, 100)}, '${rng.pick(REGIONS)}', ${orderCustomer(rng, customerMax)})`);
    await conn.query(`INSERT INTO flink_cdc.orders VALUES ${rows.join(',')}`);
  }
  return { nextOrderId: preload.orders + 1, customerMax };
}

function orderCustomer(rng: Prng, customerMax: number): number {
  if (rng.chance(0.03)) return -1;
  return rng.int(1, customerMax + 5);
}

export interface WorkloadStats {
  statements: number;
  transactions: number;
  rolledBack: number;
}

export class Workload {
  readonly #conn: Connection;
  readonly #rng: Prng;
  #nextOrderId: number;
  #customerMax: number;
  #running = false;
  #loop: Promise<void> | null = null;
  #error: unknown = null;
  readonly stats: WorkloadStats = { statements: 0, transactions: 0, rolledBack: 0 };
  /** Pause between ticks, ms (pacing only). */
  readonly #pauseMs: readonly [number, number];

  constructor(conn: Connection, rng: Prng, start: { nextOrderId: number; customerMax: number }, pauseMs: readonly [number, number] = [1, 6]) {
    this.#conn = conn;
    this.#rng = rng;
    this.#nextOrderId = start.nextOrderId;
    this.#customerMax = start.customerMax;
    this.#pauseMs = pauseMs;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops after the current tick; fails if the workload failed. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    this.#loop = null;
    if (this.#error !== null) {
      throw new StrataError('RUNTIME', `the MariaDB workload failed: ${this.#error instanceof Error ? this.#error.message : String(this.#error)}`);
    }
  }

  /** Closes the workload's MariaDB connection (after stop()). */
  async close(): Promise<void> {
    this.#running = false;
    await this.#loop?.catch(() => {});
    await this.#conn.end().catch(() => this.#conn.destroy());
  }

  get running(): boolean {
    return this.#running;
  }

  async #run(): Promise<void> {
    const rng = this.#rng;
    try {
      while (this.#running) {
        if (rng.chance(0.2)) {
          const n = rng.int(2, 5);
          await this.#conn.query('BEGIN');
          for (let i = 0; i < n; i++) await this.#op();
          if (rng.chance(0.1)) {
            await this.#conn.query('ROLLBACK');
            this.stats.rolledBack++;
          } else {
            await this.#conn.query('COMMIT');
          }
          this.stats.transactions++;
        } else {
          await this.#op();
        }
        const [lo, hi] = this.#pauseMs;
        if (hi > 0) await new Promise((r) => setTimeout(r, rng.int(lo, hi)));
      }
    } catch (e) {
      this.#error = e;
      this.#running = false;
    }
  }

  /** Any existing-or-recently-deleted order id. */
  #someOrder(): number {
    return this.#rng.int(1, Math.max(1, this.#nextOrderId - 1));
  }

  async #op(): Promise<void> {
    const rng = this.#rng;
    const r = rng.next();
    let sql: string;
    if (r < 0.28) {
      const id = this.#nextOrderId++;
      sql = `INSERT INTO flink_cdc.orders VALUES (${id}, ${rng.int(1, 100)}, '${rng.pick(REGIONS)}', ${orderCustomer(rng, this.#customerMax)})`;
    } else if (r < 0.43) {
      sql = `UPDATE flink_cdc.orders SET order_region = '${rng.pick(REGIONS)}' WHERE order_id = ${this.#someOrder()}`;
    } else if (r < 0.58) {
      sql = `UPDATE flink_cdc.orders SET customer_id = ${orderCustomer(rng, this.#customerMax)} WHERE order_id = ${this.#someOrder()}`;
    } else if (r < 0.63) {
      sql = `UPDATE flink_cdc.orders SET order_revenue = ${rng.int(1, 100)}, order_region = '${rng.pick(REGIONS)}' WHERE order_id = ${this.#someOrder()}`;
    } else if (r < 0.73) {
      sql = `DELETE FROM flink_cdc.orders WHERE order_id = ${this.#someOrder()}`;
    } else if (r < 0.81) {
      // A new customer, or one that was deleted comes back (or an existing one changes).
      if (rng.chance(0.5)) this.#customerMax++;
      const id = rng.int(1, this.#customerMax);
      const age = rng.int(18, 80);
      const name = `c${id}_${rng.int(1, 1_000_000)}`;
      sql = `INSERT INTO flink_cdc.customers VALUES (${id}, ${age}, '${name}') ON DUPLICATE KEY UPDATE customer_age = ${age}, customer_name = '${name}'`;
    } else if (r < 0.93) {
      const id = rng.int(1, this.#customerMax);
      sql = rng.chance(0.5)
        ? `UPDATE flink_cdc.customers SET customer_name = 'c${id}_${rng.int(1, 1_000_000)}' WHERE customer_id = ${id}`
        : `UPDATE flink_cdc.customers SET customer_age = ${rng.int(18, 80)} WHERE customer_id = ${id}`;
    } else if (r < 0.97) {
      sql = `DELETE FROM flink_cdc.customers WHERE customer_id = ${rng.int(1, this.#customerMax)}`;
    } else {
      // Several orders move region at once: one event with many rows.
      const lo = this.#someOrder();
      sql = `UPDATE flink_cdc.orders SET order_region = '${rng.pick(REGIONS)}' WHERE order_id BETWEEN ${lo} AND ${lo + rng.int(1, 20)}`;
    }
    await this.#conn.query(sql);
    this.stats.statements++;
  }
}
