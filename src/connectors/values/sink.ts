import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { tableLocation, validateOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { INSERT, ROW_KIND_SHORT, UPDATE_BEFORE } from '../../core/row-kind.js';
import type { ConnectorContext, SinkWriter } from '../../engine/connector.js';
import { VALUES_SPEC, valuesSinkAccepts, type SinkAccepts } from './options.js';
import { appendValuesSinkChanges } from './store.js';

/**
 * The values sink: buffers written changes and, at each commit, appends them in order to
 * the process-wide store under `sink-id` (read with `getValuesSinkChanges`,
 * `getValuesSinkRows`). A change the sink does not accept (per `sink-changelog-mode`)
 * means the planner broke its promise: INTERNAL error.
 */
export class ValuesSink implements SinkWriter {
  readonly sinkId: string;
  readonly accepts: SinkAccepts;
  readonly #primaryKey: readonly number[] | null;
  readonly #where: string;
  #pending = new ChangeBatch();

  constructor(table: TableDescriptor, _ctx: ConnectorContext) {
    this.#where = tableLocation(table.path);
    const opts = validateOptions(VALUES_SPEC, table.options, this.#where);
    this.sinkId = opts.string('sink-id') ?? table.path.join('.');
    this.accepts = valuesSinkAccepts(opts);
    this.#primaryKey = table.primaryKey;
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  write(batch: ChangeBatch): void {
    if (this.accepts !== 'all') {
      const kinds = batch.kinds;
      for (let i = 0; i < kinds.length; i++) {
        const k = kinds[i]!;
        if (k === INSERT || (this.accepts === 'upsert' && k !== UPDATE_BEFORE)) continue;
        throw new StrataError(
          'INTERNAL',
          `values sink '${this.sinkId}' (${this.#where}) accepts ${this.accepts} changes but received ${ROW_KIND_SHORT[k]}`,
        );
      }
    }
    this.#pending.append(batch);
  }

  commit(): Promise<void> {
    if (this.#pending.length > 0) {
      appendValuesSinkChanges(this.sinkId, this.#pending, this.#primaryKey);
      this.#pending = new ChangeBatch();
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
