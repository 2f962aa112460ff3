/**
 * Runs a Nexmark query through Strata's SQL path: a Session with the default connector
 * registry, the three Nexmark tables as `values` sources over pre-generated batches,
 * and one INSERT into a `blackhole` sink (timing) or a `values` sink (checking).
 *
 * Measured: process CPU time (user + system, `process.cpuUsage`) and wall time from
 * `session.execute` of the script (DDL + INSERT: parse, plan, start) to `job.done()`.
 */
import { BlackholeSink } from '../../src/connectors/blackhole/sink.js';
import { defaultRegistry } from '../../src/connectors/registry.js';
import { clearValuesSink, getValuesSinkRows, registerValuesData } from '../../src/connectors/values/store.js';
import { Decimal } from '../../src/core/decimal.js';
import { StrataError } from '../../src/core/errors.js';
import type { Row } from '../../src/core/values.js';
import { Session } from '../../src/runtime/session.js';
import type { NexmarkData } from './generator.js';
import { queryScript, sourceDdl, type NexmarkQuery, type TableName } from './queries.js';

export interface RunMeasurement {
  /** Nexmark events in the stream (all three kinds, read or not). */
  readonly events: number;
  /** Rows the query's sources read. */
  readonly rowsIn: number;
  /** Changes that reached the sink (+I, -U, +U, -D). */
  readonly changesOut: number;
  readonly cpuMs: number;
  readonly wallMs: number;
}

export function dataId(table: TableName): string {
  return `nexmark-${table}`;
}

/** Registers the generated batches as `values` data (`nexmark-person`, `nexmark-auction`, `nexmark-bid`). */
export function registerNexmarkData(data: NexmarkData): void {
  registerValuesData(dataId('person'), data.person);
  registerValuesData(dataId('auction'), data.auction);
  registerValuesData(dataId('bid'), data.bid);
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/**
 * Runs `q` once over the registered data. `sink` 'blackhole' times it; 'values' keeps
 * every change under the sink id `nexmark-<query>` for `strataResultRows`.
 * Throws the job's StrataError when planning or running fails.
 */
export async function runStrataQuery(q: NexmarkQuery, data: NexmarkData, sink: 'blackhole' | 'values'): Promise<RunMeasurement> {
  const withClause =
    sink === 'blackhole' ? "'connector' = 'blackhole'" : `'connector' = 'values', 'sink-id' = 'nexmark-${q.name}'`;
  if (sink === 'values') clearValuesSink(`nexmark-${q.name}`);
  const script = [...q.tables.map((t) => sourceDdl(t, dataId(t))), queryScript(q, withClause)].join('\n\n');
  const session = new Session({ registry: defaultRegistry() });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const results = await session.execute(script, `nexmark-${q.name}.sql`);
  const last = results[results.length - 1];
  if (last === undefined || last.kind !== 'job') throw new StrataError('INTERNAL', `nexmark ${q.name}: the script did not start a job`);
  const job = last.job;
  await job.done();
  const wallMs = performance.now() - wall0;
  const cpuMs = cpuMsSince(cpu0);
  if (job.state !== 'FINISHED') {
    if (job.error !== null) throw job.error;
    throw new StrataError('INTERNAL', `nexmark ${q.name}: the job ended in state ${job.state}`);
  }
  let rowsIn = 0;
  for (const s of job.graph.sources) rowsIn += job.graph.metrics[s.node.id]!.rowsOut;
  let changesOut = 0;
  for (const s of job.graph.sinks) {
    if (s.writer instanceof BlackholeSink) changesOut += s.writer.counts.rows;
    else changesOut += job.graph.metrics[s.node.id]!.rowsIn;
  }
  return { events: data.events, rowsIn, changesOut, cpuMs, wallMs };
}

/** A value as comparison text: integers and timestamps as decimal digits, DECIMAL as its unscaled value at scale 3. */
export function canonicalValue(v: Row[number]): string {
  if (v instanceof Decimal) return String(v.rescale(3).unscaled);
  if (v === null) return 'null';
  return String(v);
}

/** The final rows of the `values` sink of `q` after a run with sink 'values', as `a|b|c` texts. */
export function strataResultRows(q: NexmarkQuery): string[] {
  return getValuesSinkRows(`nexmark-${q.name}`).map((r) => r.map(canonicalValue).join('|'));
}
