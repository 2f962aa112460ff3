import type { ChangeBatch } from '../../core/batch.js';
import { tableLocation, validateOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { ROW_KIND_SHORT, type RowKind } from '../../core/row-kind.js';
import type { SqlType } from '../../core/types.js';
import { formatValue, type Row } from '../../core/values.js';
import type { ConnectorContext, SinkWriter } from '../../engine/connector.js';
import type { ConnectorDefinition } from '../registry.js';
import { PRINT_SPEC } from './options.js';

/** Where printed lines go: anything with a `write(text)` (process.stdout by default). */
export interface PrintTarget {
  write(text: string): unknown;
}

export interface PrintSinkDeps {
  /** Overrides the stream chosen by `standard-error` (for tests). */
  readonly out?: PrintTarget;
}

/** One change as Flink's print connector writes it: `+I[1, beijing, 10.0]` (NULL as `null`). */
export function formatChange(kind: RowKind, row: Row, types: readonly SqlType[]): string {
  let s = ROW_KIND_SHORT[kind] + '[';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) s += ', ';
    const type = types[i];
    const v = row[i] ?? null;
    s += v === null ? 'null' : type === undefined ? String(v) : (formatValue(v, type) ?? 'null');
  }
  return s + ']';
}

/**
 * The print sink: each batch becomes lines written at once to the target as it arrives
 * (`write`), so output appears without waiting for a commit; `commit` has nothing left to
 * do. A replay after a restore prints the replayed changes again (as in Flink).
 */
export class PrintSink implements SinkWriter {
  readonly #out: PrintTarget;
  readonly #prefix: string;
  readonly #types: readonly SqlType[];

  constructor(table: TableDescriptor, _ctx: ConnectorContext, deps: PrintSinkDeps = {}) {
    const opts = validateOptions(PRINT_SPEC, table.options, tableLocation(table.path));
    const id = opts.string('print-identifier');
    this.#prefix = id === undefined ? '' : `${id}> `;
    this.#out = deps.out ?? (opts.boolean('standard-error') === true ? process.stderr : process.stdout);
    this.#types = table.schema.fields.map((f) => f.type);
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  write(batch: ChangeBatch): void {
    if (batch.length === 0) return;
    let text = '';
    for (let i = 0; i < batch.length; i++) text += this.#prefix + formatChange(batch.kinds[i]!, batch.rows[i]!, this.#types) + '\n';
    this.#out.write(text);
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The `print` connector for the registry. */
export const PRINT_CONNECTOR: ConnectorDefinition = {
  spec: PRINT_SPEC,
  runtime: {
    createSink: (table, ctx) => new PrintSink(table, ctx),
  },
  sinkAccepts: () => 'all',
};
