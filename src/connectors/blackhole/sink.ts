import type { ChangeBatch } from '../../core/batch.js';
import { tableLocation, validateOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import type { ConnectorContext, SinkWriter } from '../../engine/connector.js';
import type { ConnectorDefinition } from '../registry.js';
import { BLACKHOLE_SPEC } from './options.js';

/** Rows a blackhole sink has received, by kind (index = RowKind: +I, -U, +U, -D). */
export interface BlackholeCounts {
  rows: number;
  readonly byKind: [number, number, number, number];
  /** Rows received before the last commit. */
  committedRows: number;
}

const counters = new Map<string, BlackholeCounts>();

function tableKey(path: readonly string[]): string {
  return path.join('.');
}

/** The counts of every blackhole sink writing to the table `cat.db.t` in this process (summed), if any. */
export function blackholeCounts(table: string): Readonly<BlackholeCounts> | undefined {
  return counters.get(table);
}

/** Forgets all blackhole counters (tests). */
export function resetBlackholeCounters(): void {
  counters.clear();
}

/**
 * The blackhole sink: discards changes and counts them, per instance (`counts`) and per
 * table in a process-wide registry (`blackholeCounts('cat.db.t')`) for metrics and
 * benchmarks.
 */
export class BlackholeSink implements SinkWriter {
  /** This writer's counts. */
  readonly counts: BlackholeCounts = { rows: 0, byKind: [0, 0, 0, 0], committedRows: 0 };
  readonly #shared: BlackholeCounts;

  constructor(table: TableDescriptor, _ctx: ConnectorContext) {
    validateOptions(BLACKHOLE_SPEC, table.options, tableLocation(table.path));
    const key = tableKey(table.path);
    let shared = counters.get(key);
    if (shared === undefined) {
      shared = { rows: 0, byKind: [0, 0, 0, 0], committedRows: 0 };
      counters.set(key, shared);
    }
    this.#shared = shared;
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  write(batch: ChangeBatch): void {
    const kinds = batch.kinds;
    // Counted in locals, added to both records once per batch.
    let ins = 0;
    let ub = 0;
    let ua = 0;
    let del = 0;
    for (let i = 0; i < kinds.length; i++) {
      switch (kinds[i]) {
        case INSERT:
          ins++;
          break;
        case UPDATE_BEFORE:
          ub++;
          break;
        case UPDATE_AFTER:
          ua++;
          break;
        default:
          del++;
      }
    }
    add(this.counts, ins, ub, ua, del);
    add(this.#shared, ins, ub, ua, del);
  }

  commit(): Promise<void> {
    this.#shared.committedRows += this.counts.rows - this.counts.committedRows;
    this.counts.committedRows = this.counts.rows;
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function add(c: BlackholeCounts, ins: number, ub: number, ua: number, del: number): void {
  const by = c.byKind;
  by[INSERT] += ins;
  by[UPDATE_BEFORE] += ub;
  by[UPDATE_AFTER] += ua;
  by[DELETE] += del;
  c.rows += ins + ub + ua + del;
}

/** The `blackhole` connector for the registry. */
export const BLACKHOLE_CONNECTOR: ConnectorDefinition = {
  spec: BLACKHOLE_SPEC,
  runtime: {
    createSink: (table, ctx) => new BlackholeSink(table, ctx),
  },
  sinkAccepts: () => 'all',
};
