import type { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { StreamChangelogNormalize } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { keyOf, rowEquals, type Key, type Row } from '../../core/values.js';
import type { Operator } from '../operator.js';
import type { StateValue, StateWriter } from '../state/codec.js';
import { SpillableMap, type SpillCodec } from '../state/spillable-map.js';
import { approxRowBytes, approxValueBytes, type OperatorStateOptions, type StateBudget } from '../state/state-budget.js';

/** Rows are immutable: the state of an entry is the row itself. */
const ROW_CODEC: SpillCodec<Row> = {
  encode: (row) => row,
  decode: (_key, state) => {
    if (!Array.isArray(state)) throw badState('a saved row is not a list');
    return state as Row;
  },
  weigh: (key, row) => 48 + approxValueBytes(key) + approxRowBytes(row),
  rows: () => 1,
  write: (w, row) => w.value(row),
};

function badState(what: string): StrataError {
  return new StrataError('STATE', `cannot restore a changelog-normalize operator: ${what}`, {
    hint: 'The checkpoint does not belong to this job version; restart the job from scratch.',
  });
}

/**
 * Turns an upsert stream keyed by `node.key` into a full changelog, after Flink's
 * ChangelogNormalize (DeduplicateFunctionHelper.processLastRowOnChangelog).
 *
 * State: key → the last row seen for the key (`keyOf(row, key)` → row).
 *
 * Per input change:
 * - +I or +U of row r, key k:
 *   - k unknown: emit +I r.
 *   - k known with an equal row: emit nothing (a no-op update; Flink drops it too when
 *     state TTL is off, and Strata has no state TTL).
 *   - k known with another row o: emit -U o (only when the node's output mode has
 *     UPDATE_BEFORE, Flink's generateUpdateBefore), then +U r.
 *   The row is stored for k.
 * - -D or -U of key k: when k is known, emit -D with the stored row (the input may be a
 *   tombstone that carries only the key, so the stored full row is what is retracted)
 *   and forget k; when k is unknown, emit nothing. A -U is a delete here, as in Flink:
 *   "even if the input is UPDATE_BEFORE, there may be no UPDATE_AFTER after it" — e.g.
 *   a retract stream whose update moves a row to another key sends -U under the old key
 *   and +U under the new one; ignoring the -U would keep the old key's row forever.
 *
 * Output after each change, applied in order, holds exactly one row per known key.
 *
 * Snapshot: `Map<key, row>`; delta: the keys changed since (`StateDelta`). With a state budget the map is a `SpillableMap`: keys not
 * used lately spill to disk and come back when their key arrives again.
 */
export class ChangelogNormalizeOperator implements Operator {
  readonly #key: readonly number[];
  readonly #emitUpdateBefore: boolean;
  readonly #rows: SpillableMap<Row>;
  readonly #budget: StateBudget | null;

  constructor(node: StreamChangelogNormalize, options: OperatorStateOptions = {}) {
    this.#key = node.key;
    this.#emitUpdateBefore = node.mode.updateBefore;
    const budget = options.budget ?? null;
    this.#budget = budget;
    this.#rows = new SpillableMap(ROW_CODEC, budget === null ? undefined : { budget, label: `changelog-normalize node ${node.id}` });
  }

  process(_port: number, batch: ChangeBatch, out: ChangeBatch): void {
    const kinds = batch.kinds;
    const rows = batch.rows;
    const state = this.#rows;
    const keyFields = this.#key;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds[i]!;
      const row = rows[i]!;
      const k = keyOf(row, keyFields);
      const old = state.get(k);
      if (kind === INSERT || kind === UPDATE_AFTER) {
        if (old === undefined) {
          out.push(INSERT, row);
        } else {
          if (rowEquals(old, row)) continue;
          if (this.#emitUpdateBefore) out.push(UPDATE_BEFORE, old);
          out.push(UPDATE_AFTER, row);
        }
        state.set(k, row);
      } else if (old !== undefined) {
        out.push(DELETE, old);
        state.delete(k);
      }
    }
    if (this.#budget !== null) this.#budget.check();
  }

  finishBatch(_out: ChangeBatch): void {}

  snapshotState(): StateValue {
    return this.#rows.snapshot();
  }

  writeState(w: StateWriter): void {
    this.#rows.writeSnapshot(w);
  }

  /** The keys whose row changed since the last snapshot (with the row) or left (`StateDelta`). */
  snapshotDelta(): StateValue {
    return this.#rows.delta();
  }

  deltaShare(): number {
    return this.#rows.size === 0 ? 0 : this.#rows.changedCount / this.#rows.size;
  }

  restoreDelta(delta: StateValue): void {
    this.#rows.applyDelta(delta, 'a changelog-normalize operator');
    if (this.#budget !== null) this.#budget.check();
  }

  restoreState(state: StateValue): void {
    if (!(state instanceof Map)) throw badState('the saved state is not a map');
    const rows: [Key, Row][] = [];
    for (const [k, v] of state as ReadonlyMap<Key, StateValue>) rows.push([k, ROW_CODEC.decode(k, v)]);
    this.#rows.clear();
    for (const [k, r] of rows) this.#rows.set(k, r);
    this.#rows.startEpoch();
    if (this.#budget !== null) this.#budget.check();
  }

  stateSize(): number {
    return this.#rows.size;
  }
}
