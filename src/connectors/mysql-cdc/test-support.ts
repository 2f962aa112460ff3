import { StrataError } from '../../core/errors.js';
import { ChangeBatch } from '../../core/batch.js';
import type { TableDescriptor } from '../../core/plan.js';
import { schemaOf as schemaFields, type Field } from '../../core/schema.js';
import type { Row } from '../../core/values.js';
import { ROW_KIND_SHORT } from '../../core/row-kind.js';
import type { Job } from '../../engine/job.js';
import type { MariaDbServer } from '../../testing/mariadb.js';
import { show } from './binlog/test-harness.js';
import { MysqlCdcSource } from './source.js';

/** Test helpers of the mysql-cdc connector tests (real MariaDB). Not used by library code. */

let nextId = 7000;

/** The WITH options of a mysql-cdc table on `db` (only host, port, user and password are the server's). */
export function cdcOptions(db: MariaDbServer, database: string, table: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    connector: 'mysql-cdc',
    hostname: db.host,
    port: String(db.port),
    username: db.cdcUser,
    password: db.cdcPassword,
    'database-name': database,
    'table-name': table,
    'server-id': String(nextId++),
    ...extra,
  };
}

export function withClause(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([k, v]) => `'${k}' = '${v}'`)
    .join(', ');
}

export function descriptor(fields: Field[], primaryKey: number[] | null, options: Record<string, string>): TableDescriptor {
  return { path: ['default_catalog', 'default_database', 'src'], schema: schemaFields(fields), primaryKey, options };
}

export function newReader(table: TableDescriptor, stateDir?: string): MysqlCdcSource {
  return new MysqlCdcSource(table, { jobName: 'test', signal: new AbortController().signal, log: () => {}, ...(stateDir === undefined ? {} : { stateDir }) });
}

/** Each change of `b` as one line `+I 1 | 2n`, in order (for comparing sequences). */
export function changeLines(b: ChangeBatch): string[] {
  const out: string[] = [];
  for (let i = 0; i < b.length; i++) out.push(`${ROW_KIND_SHORT[b.kinds[i]!]} ${b.rows[i]!.map(show).join(' | ')}`);
  return out;
}

/** Rows as sorted printable lines (for comparing multisets). */
export function lines(rows: readonly Row[]): string[] {
  return rows.map((r) => r.map(show).join(' | ')).sort();
}

/** Waits (bounded) until `cond` holds while the job runs; fails with `what` otherwise. */
export async function waitForJob(job: Job, cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!cond()) {
    if (job.state !== 'RUNNING') throw new StrataError('RUNTIME', `job ${job.state} while waiting for ${what}: ${job.error?.message ?? ''}`);
    if (Date.now() > deadline) throw new StrataError('RUNTIME', `timed out waiting for ${what}`);
    await job.whenIdle();
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Polls `reader` into `into` until `cond` holds (bounded); returns the batches' sizes.
 * Throws the reader's error.
 */
export async function pollUntil(reader: MysqlCdcSource, into: ChangeBatch, cond: () => boolean, what: string, max = 1_000_000): Promise<number[]> {
  const sizes: number[] = [];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const b = reader.poll(max);
    if (b !== null && b.length > 0) {
      sizes.push(b.length);
      into.append(b);
    }
    if (cond()) return sizes;
    if (reader.finished) throw new StrataError('RUNTIME', `reader finished while waiting for ${what}`);
    if (Date.now() > deadline) throw new StrataError('RUNTIME', `timed out waiting for ${what}`);
    if (b === null) await Promise.race([reader.ready(), new Promise((r) => setTimeout(r, 50))]);
  }
}
