import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { tableLocation, validateOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { formatChangelogMode, ROW_KIND_SHORT, type ChangelogMode } from '../../core/row-kind.js';
import type { ConnectorContext, SourceReader } from '../../engine/connector.js';
import type { StateValue } from '../../engine/state/codec.js';
import { VALUES_SPEC, valuesSourceMode } from './options.js';
import { hasValuesData, valuesDataBatches, valuesDataEnded, waitForValuesData } from './store.js';

/**
 * The values source: returns the batches registered under `data-id`, one registered
 * batch per poll (split only when it is larger than `max`), checking each change
 * against `changelog-mode` and the table's width. Bounded (default): finished after the
 * last batch. Unbounded: waits for `appendValuesData` until `endValuesData`.
 *
 * Offsets: `{ batch, row }`, the position of the next change to return.
 */
export class ValuesSource implements SourceReader {
  readonly dataId: string;
  readonly mode: ChangelogMode;
  readonly bounded: boolean;
  readonly #allowed: readonly boolean[];
  readonly #width: number;
  readonly #where: string;
  readonly #ctx: ConnectorContext;
  readonly #abort = new AbortController();
  #batch = 0;
  #row = 0;

  constructor(table: TableDescriptor, ctx: ConnectorContext) {
    this.#where = tableLocation(table.path);
    const opts = validateOptions(VALUES_SPEC, table.options, this.#where);
    this.dataId = opts.requireString('data-id', 'the table is read as a source');
    this.mode = valuesSourceMode(opts);
    this.bounded = opts.boolean('bounded')!;
    this.#allowed = [this.mode.insert, this.mode.updateBefore, this.mode.updateAfter, this.mode.delete];
    this.#width = table.schema.fields.length;
    this.#ctx = ctx;
  }

  get finished(): boolean {
    if (!this.bounded && !valuesDataEnded(this.dataId)) return false;
    this.#skipEmpty();
    return this.#batch >= (valuesDataBatches(this.dataId)?.length ?? 0);
  }

  open(): Promise<void> {
    if (this.bounded && !hasValuesData(this.dataId)) {
      throw new StrataError(
        'CONNECTOR_OPTION',
        `no values data is registered under data-id '${this.dataId}' (${this.#where})`,
        { hint: `Call registerValuesData('${this.dataId}', ...) before running the job, or set 'bounded' = 'false' to wait for appendValuesData.` },
      );
    }
    return Promise.resolve();
  }

  poll(max: number): ChangeBatch | null {
    this.#skipEmpty();
    const batches = valuesDataBatches(this.dataId);
    if (batches === undefined || this.#batch >= batches.length || max <= 0) return null;
    const b = batches[this.#batch]!;
    const from = this.#row;
    const to = Math.min(b.length, from + max);
    this.#check(b, from, to);
    let out: ChangeBatch;
    if (from === 0 && to === b.length) out = b;
    else out = new ChangeBatch(b.kinds.slice(from, to), b.rows.slice(from, to));
    if (to === b.length) {
      this.#batch++;
      this.#row = 0;
    } else this.#row = to;
    return out;
  }

  ready(): Promise<void> {
    if (this.#abort.signal.aborted || this.#ctx.signal.aborted || this.finished || this.#hasData()) return Promise.resolve();
    return waitForValuesData(this.dataId, AbortSignal.any([this.#abort.signal, this.#ctx.signal]));
  }

  snapshotOffsets(): StateValue {
    return { batch: this.#batch, row: this.#row };
  }

  restoreOffsets(offsets: StateValue): void {
    const o = offsets as { readonly batch?: StateValue; readonly row?: StateValue } | null;
    if (o === null || typeof o !== 'object' || typeof o.batch !== 'number' || typeof o.row !== 'number') {
      throw new StrataError('STATE', `values source of job '${this.#ctx.jobName}' (${this.#where}): the checkpointed offsets are not values offsets`);
    }
    this.#batch = o.batch;
    this.#row = o.row;
  }

  close(): Promise<void> {
    this.#abort.abort();
    return Promise.resolve();
  }

  #hasData(): boolean {
    this.#skipEmpty();
    return this.#batch < (valuesDataBatches(this.dataId)?.length ?? 0);
  }

  #skipEmpty(): void {
    const batches = valuesDataBatches(this.dataId);
    if (batches === undefined) return;
    while (this.#batch < batches.length && this.#row >= batches[this.#batch]!.length) {
      this.#batch++;
      this.#row = 0;
    }
  }

  /**
   * Checks changes [from, to) of `b`: each kind allowed by 'changelog-mode', each row as
   * wide as the table. One branch-free pass over the batch; the first wrong change is
   * looked for (and reported) only when the pass found one.
   */
  #check(b: ChangeBatch, from: number, to: number): void {
    const allowed = this.#allowed;
    const width = this.#width;
    const kinds = b.kinds;
    const rows = b.rows;
    let bad = 0;
    for (let i = from; i < to; i++) bad |= (allowed[kinds[i]!] === true ? 0 : 1) | (rows[i]!.length ^ width);
    if (bad !== 0) this.#reportFirstBad(b, from, to);
  }

  #reportFirstBad(b: ChangeBatch, from: number, to: number): void {
    const allowed = this.#allowed;
    for (let i = from; i < to; i++) {
      const kind = b.kinds[i]!;
      const row = b.rows[i]!;
      if (!allowed[kind]) {
        throw new StrataError(
          'CONNECTOR_DATA',
          `values data '${this.dataId}' (${this.#where}), batch ${this.#batch + 1} change ${i + 1}: ${ROW_KIND_SHORT[kind]} is not in the table's 'changelog-mode' '${formatChangelogMode(this.mode)}'`,
        );
      }
      if (row.length !== this.#width) {
        throw new StrataError(
          'CONNECTOR_DATA',
          `values data '${this.dataId}' (${this.#where}), batch ${this.#batch + 1} change ${i + 1}: the row has ${row.length} values but the table has ${this.#width} columns`,
        );
      }
    }
  }
}
