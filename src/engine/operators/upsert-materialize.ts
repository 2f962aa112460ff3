import type { ChangeBatch } from '../../core/batch.js';
import type { StreamUpsertMaterialize } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER } from '../../core/row-kind.js';
import { keyOf, rowEquals, type Key, type Row } from '../../core/values.js';
import type { Operator } from '../operator.js';
import type { StateValue, StateWriter } from '../state/codec.js';
import { SpillableMap, type SpillCodec } from '../state/spillable-map.js';
import { approxRowBytes, approxValueBytes, type OperatorStateOptions, type StateBudget } from '../state/state-budget.js';

/** A key's list of rows; the state is a copy of the list (the rows are immutable). */
const LIST_CODEC: SpillCodec<Row[]> = {
  encode: (rows) => rows.slice(),
  decode: (_key, state) => (Array.isArray(state) ? (state as readonly Row[]).slice() : []),
  weigh: (key, rows) => {
    let n = 64 + approxValueBytes(key) + 8 * rows.length;
    for (let i = 0; i < rows.length; i++) n += approxRowBytes(rows[i]!);
    return n;
  },
  rows: (rows) => rows.length,
  write: (w, rows) => w.value(rows),
};

/**
 * UpsertMaterialize (Flink's SinkUpsertMaterializer): makes a changelog whose unique key
 * is not the sink's primary key safe for an upsert sink.
 *
 * State: per sink key, the rows currently present for that key, in arrival order.
 * - +I/+U row: append it; emit +I (first row of the key) or +U (the key's row changes).
 * - -U/-D row: remove one equal row. If it was the last row of the list, emit +U with the
 *   new last row, or -D when none is left. Removing an earlier row emits nothing: the
 *   sink still shows the last one.
 *
 * Output: I, UA, D keyed by `key`; the sink always shows the most recent row that is
 * still present for each key. A retraction of a row that is not present is ignored.
 *
 * With a state budget the map is a `SpillableMap`: keys not used lately spill to disk.
 *
 * Snapshot: `Map<key, rows>`; delta: the keys whose list changed since (`StateDelta`).
 */
export class UpsertMaterializeOperator implements Operator {
  readonly #key: readonly number[];
  readonly #state: SpillableMap<Row[]>;
  readonly #budget: StateBudget | null;

  constructor(node: StreamUpsertMaterialize, options: OperatorStateOptions = {}) {
    this.#key = node.key;
    const budget = options.budget ?? null;
    this.#budget = budget;
    this.#state = new SpillableMap(LIST_CODEC, budget === null ? undefined : { budget, label: `upsert-materialize node ${node.id}` });
  }

  process(_port: number, batch: ChangeBatch, out: ChangeBatch): void {
    const { kinds, rows } = batch;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const k = keyOf(row, this.#key);
      const kind = kinds[i]!;
      const list = this.#state.get(k);
      if (kind === INSERT || kind === UPDATE_AFTER) {
        if (list === undefined) {
          this.#state.set(k, [row]);
          out.push(INSERT, row);
        } else {
          list.push(row);
          this.#state.touch(k);
          out.push(UPDATE_AFTER, row);
        }
        continue;
      }
      if (list === undefined) continue;
      // Retraction: remove the last equal occurrence.
      let j = list.length - 1;
      while (j >= 0 && !rowEquals(list[j]!, row)) j--;
      if (j < 0) continue;
      const wasLast = j === list.length - 1;
      list.splice(j, 1);
      this.#state.touch(k);
      if (list.length === 0) {
        this.#state.delete(k);
        out.push(DELETE, row);
      } else if (wasLast) {
        out.push(UPDATE_AFTER, list[list.length - 1]!);
      }
    }
    if (this.#budget !== null) this.#budget.check();
  }

  finishBatch(_out: ChangeBatch): void {}

  snapshotState(): StateValue {
    return this.#state.snapshot();
  }

  writeState(w: StateWriter): void {
    this.#state.writeSnapshot(w);
  }

  /** The keys whose list changed since the last snapshot (with the list) or emptied (`StateDelta`). */
  snapshotDelta(): StateValue {
    return this.#state.delta();
  }

  restoreState(state: StateValue): void {
    this.#state.clear();
    if (state instanceof Map) {
      for (const [k, rows] of state as ReadonlyMap<Key, StateValue>) this.#state.set(k, LIST_CODEC.decode(k, rows));
    }
    this.#state.startEpoch();
    if (this.#budget !== null) this.#budget.check();
  }

  deltaShare(): number {
    return this.#state.size === 0 ? 0 : this.#state.changedCount / this.#state.size;
  }

  restoreDelta(delta: StateValue): void {
    this.#state.applyDelta(delta, 'an upsert-materialize operator');
    if (this.#budget !== null) this.#budget.check();
  }

  stateSize(): number {
    return this.#state.hotRows() + this.#state.spilledRows();
  }
}
