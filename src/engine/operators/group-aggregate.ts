import type { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { StreamGroupAggregate } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { formatType, withNullability, type SqlType } from '../../core/types.js';
import { keyOf, rowEquals, type Key, type Row, type Value } from '../../core/values.js';
import type { Operator } from '../operator.js';
import type { StateValue, StateWriter } from '../state/codec.js';
import { SpillableMap, type SpillCodec } from '../state/spillable-map.js';
import { approxRowBytes, approxValueBytes, type OperatorStateOptions, type StateBudget } from '../state/state-budget.js';
import type { Accumulator, AggregateFunction } from '../functions/aggregates/accumulator.js';
import { createAggregateFunction } from '../functions/aggregates/aggregate-function.js';

export interface GroupAggregateOptions extends OperatorStateOptions {
  /**
   * The planner knows the input carries only inserts: MIN/MAX then keep one value per
   * group instead of a multiset. A retraction arriving anyway fails with INTERNAL.
   */
  readonly insertOnlyInput?: boolean;
}

/** One group's state. */
class Group {
  readonly key: Key;
  /** The group key values (the first fields of every output row). */
  readonly keyRow: readonly Value[];
  /** Rows currently in the group (Flink's count1), all rows, FILTER or not. */
  count: number;
  accs: Accumulator[];
  /** The row last emitted for the group (+I or +U), null when none is visible downstream. */
  emitted: Row | null;
  /** In the changed list of the current step. */
  touched: boolean;

  constructor(key: Key, keyRow: readonly Value[], count: number, accs: Accumulator[], emitted: Row | null) {
    this.key = key;
    this.keyRow = keyRow;
    this.count = count;
    this.accs = accs;
    this.emitted = emitted;
    this.touched = false;
  }
}

const STATE_VERSION = 1;

/** A type in the state signature; nullability may change between plans without touching state. */
function typeText(t: SqlType): string {
  return formatType(withNullability(t, true));
}

/**
 * Unbounded GROUP BY with retraction: Flink's (MiniBatch)GroupAggFunction.
 *
 * Output row = the group key values ++ one value per AggCall, in order, each in the
 * representation of `AggCall.type`.
 *
 * Input: any change kinds. +I/+U accumulate a row into its group, -U/-D retract it.
 * A retraction for a group that holds no rows is dropped (Flink drops retractions that
 * arrive before any accumulation of their key: after a state TTL, or from an upstream
 * that retracts what it never sent).
 *
 * Mini-batch emission: `process` only updates the accumulators and notes the groups it
 * touched; `finishBatch` emits, for each touched group in first-touched order:
 * - +I new, for a group that had no visible row;
 * - -U old, +U new, when the result row changed (nothing when it equals the old row);
 * - -D old, when the group's row count fell to 0 (the group leaves the state);
 * - nothing, for a group that appeared and emptied again within the step.
 * Applied in order, the output is always the aggregate of the input received so far.
 *
 * Global aggregation (no group keys) is the group with the empty key: its row appears
 * with the first input row and is deleted (-D) when every row has been retracted, like
 * Flink's streaming GroupAggFunction (a batch query would return one row of zeros and
 * NULLs; the streaming result is empty).
 *
 * Retraction behaviour per function (see functions/aggregates/): COUNT counts, SUM and
 * AVG keep exact sums (DOUBLE included), MIN/MAX keep a sorted multiset of values,
 * DISTINCT keeps per value its number of occurrences. When a group's count reaches 0 its
 * accumulators are dropped, so nothing can drift across a group's lifetimes.
 *
 * State: Map group key → group (key values, row count, accumulators, last emitted row).
 * With a state budget it is a `SpillableMap`: groups spill to disk least recently used
 * first (as their snapshot entry) and come back when touched; groups touched in the
 * current step stay in memory until `finishBatch`, after which the budget may evict.
 */
export class GroupAggregateOperator implements Operator {
  readonly #node: StreamGroupAggregate;
  readonly #groupKeys: readonly number[];
  readonly #fns: AggregateFunction[];
  /** Per aggregate: the single argument's field, -1 for none (COUNT(*)) or several (see #multiArgs). */
  readonly #argIndex: Int32Array;
  /** Per aggregate: the argument fields when there are several (COUNT(a, b)), else null. */
  readonly #multiArgs: (readonly number[] | null)[];
  /** Per aggregate: the FILTER field, -1 for none. */
  readonly #filterIndex: Int32Array;
  readonly #insertOnly: boolean;
  /** Identifies the aggregate list in snapshots, so state of another query is refused. */
  readonly #signature: string;

  readonly #groups: SpillableMap<Group>;
  readonly #budget: StateBudget | null;
  /** Groups touched in the current step, in first-touched order. */
  #changed: Group[] = [];

  constructor(node: StreamGroupAggregate, inputTypes: readonly SqlType[], options: GroupAggregateOptions = {}) {
    this.#node = node;
    this.#groupKeys = node.groupKeys.slice();
    for (const k of this.#groupKeys) {
      if (!Number.isInteger(k) || k < 0 || k >= inputTypes.length) {
        throw new StrataError('INTERNAL', `group aggregate node ${node.id}: group key field ${k} is not a field of its ${inputTypes.length}-field input`);
      }
    }
    this.#insertOnly = options.insertOnlyInput === true;
    const n = node.aggs.length;
    this.#fns = [];
    this.#argIndex = new Int32Array(n);
    this.#multiArgs = [];
    this.#filterIndex = new Int32Array(n);
    const sig: string[] = [];
    for (let i = 0; i < n; i++) {
      const call = node.aggs[i]!;
      this.#fns.push(createAggregateFunction(call, inputTypes, { insertOnlyInput: this.#insertOnly }));
      this.#argIndex[i] = call.args.length === 1 ? call.args[0]! : -1;
      this.#multiArgs.push(call.args.length > 1 ? call.args.slice() : null);
      this.#filterIndex[i] = call.filter ?? -1;
      sig.push(`${call.fn}${call.distinct ? ' DISTINCT' : ''}(${call.args.map((a) => typeText(inputTypes[a]!)).join(', ')})${call.filter === null ? '' : ' FILTER'}: ${typeText(call.type)}`);
    }
    this.#signature = `keys (${this.#groupKeys.map((k) => typeText(inputTypes[k]!)).join(', ')}); ${sig.join('; ')}${this.#insertOnly ? '; insert-only' : ''}`;
    this.#budget = options.budget ?? null;
    const codec: SpillCodec<Group> = {
      encode: (g) => this.#groupState(g),
      write: (w, g) => this.#writeGroup(w, g),
      decode: (key, state) => this.#restoreGroup(key, state),
      weigh: (key, g) =>
        160 + approxValueBytes(key) + approxRowBytes(g.keyRow) + (g.emitted === null ? 0 : approxRowBytes(g.emitted)) + 64 * g.accs.length,
      rows: () => 1,
    };
    this.#groups = new SpillableMap(
      codec,
      this.#budget === null ? undefined : { budget: this.#budget, label: `group aggregate node ${node.id}` },
    );
  }

  process(_port: number, batch: ChangeBatch, _out: ChangeBatch): void {
    const kinds = batch.kinds;
    const rows = batch.rows;
    const groups = this.#groups;
    const groupKeys = this.#groupKeys;
    const global = groupKeys.length === 0;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds[i]!;
      const row = rows[i]!;
      const accumulate = kind === INSERT || kind === UPDATE_AFTER;
      if (!accumulate && this.#insertOnly) {
        throw new StrataError('INTERNAL', `group aggregate node ${this.#node.id} was planned for an insert-only input but received a retraction`);
      }
      const key: Key = global ? '' : keyOf(row, groupKeys);
      let g = groups.get(key);
      if (g === undefined) {
        if (!accumulate) continue;
        g = this.#newGroup(key, row);
        groups.set(key, g);
      } else if (!accumulate && g.count <= 0) {
        continue;
      }
      if (!g.touched) {
        g.touched = true;
        // The next incremental snapshot holds this group (its count, accumulators, emitted row).
        groups.touch(key);
        // Held until finishBatch: the budget must not evict this step's groups.
        if (this.#changed.length === 0) groups.pinned = true;
        this.#changed.push(g);
      }
      if (accumulate) {
        g.count++;
        this.#apply(g.accs, row, true);
      } else if (--g.count === 0) {
        // Empty again: start the next lifetime of this key from fresh accumulators.
        g.accs = this.#freshAccumulators();
      } else {
        this.#apply(g.accs, row, false);
      }
    }
  }

  #apply(accs: Accumulator[], row: Row, accumulate: boolean): void {
    const argIndex = this.#argIndex;
    const filterIndex = this.#filterIndex;
    for (let a = 0; a < accs.length; a++) {
      const f = filterIndex[a]!;
      if (f >= 0 && row[f] !== true) continue;
      const ai = argIndex[a]!;
      let v: Value = null;
      if (ai >= 0) {
        v = row[ai] ?? null;
        if (v === null) continue;
      } else {
        const multi = this.#multiArgs[a];
        if (multi != null) {
          let anyNull = false;
          for (let j = 0; j < multi.length; j++) if ((row[multi[j]!] ?? null) === null) anyNull = true;
          if (anyNull) continue;
          v = keyOf(row, multi);
        }
      }
      if (accumulate) accs[a]!.add(v);
      else accs[a]!.retract(v);
    }
  }

  #newGroup(key: Key, row: Row): Group {
    const gk = this.#groupKeys;
    const keyRow: Value[] = new Array<Value>(gk.length);
    for (let i = 0; i < gk.length; i++) keyRow[i] = row[gk[i]!] ?? null;
    return new Group(key, keyRow, 0, this.#freshAccumulators(), null);
  }

  #freshAccumulators(): Accumulator[] {
    const fns = this.#fns;
    const accs: Accumulator[] = new Array<Accumulator>(fns.length);
    for (let i = 0; i < fns.length; i++) accs[i] = fns[i]!.create();
    return accs;
  }

  #resultRow(g: Group): Row {
    const nk = g.keyRow.length;
    const accs = g.accs;
    const row: Value[] = new Array<Value>(nk + accs.length);
    for (let i = 0; i < nk; i++) row[i] = g.keyRow[i]!;
    for (let i = 0; i < accs.length; i++) row[nk + i] = accs[i]!.result();
    return row;
  }

  finishBatch(out: ChangeBatch): void {
    const changed = this.#changed;
    for (let i = 0; i < changed.length; i++) {
      const g = changed[i]!;
      g.touched = false;
      if (g.count <= 0) {
        if (this.#groups.get(g.key) === g) this.#groups.delete(g.key);
        if (g.emitted !== null) out.push(DELETE, g.emitted);
        continue;
      }
      const row = this.#resultRow(g);
      const prev = g.emitted;
      if (prev === null) {
        out.push(INSERT, row);
      } else if (rowEquals(prev, row)) {
        continue;
      } else {
        out.push(UPDATE_BEFORE, prev);
        out.push(UPDATE_AFTER, row);
      }
      g.emitted = row;
    }
    changed.length = 0;
    this.#groups.pinned = false;
    if (this.#budget !== null) this.#budget.check();
  }

  /**
   * `{ version, signature, groups: Map key → [key values, row count, last emitted row or
   * null, [accumulator state per aggregate]] }`. Taken between steps only.
   */
  snapshotState(): StateValue {
    if (this.#changed.length > 0) {
      throw new StrataError('INTERNAL', `group aggregate node ${this.#node.id}: state snapshot requested in the middle of a step (before finishBatch)`);
    }
    return { version: STATE_VERSION, signature: this.#signature, groups: this.#groups.snapshot() };
  }

  /** Same bytes as `encodeState(snapshotState())`, written from the live groups. */
  writeState(w: StateWriter): void {
    this.#betweenSteps();
    w.record(3);
    w.field('version');
    w.number(STATE_VERSION);
    w.field('signature');
    w.value(this.#signature);
    w.field('groups');
    this.#groups.writeSnapshot(w);
  }

  /** `{ version, signature, groups: delta }`: the groups changed since the last snapshot, whole, and the keys gone. */
  snapshotDelta(): StateValue {
    this.#betweenSteps();
    return { version: STATE_VERSION, signature: this.#signature, groups: this.#groups.delta() };
  }

  deltaShare(): number {
    return this.#groups.size === 0 ? 0 : this.#groups.changedCount / this.#groups.size;
  }

  restoreDelta(delta: StateValue): void {
    const rec = this.#checkRecord(delta);
    this.#groups.applyDelta(rec['groups'] ?? null, `group aggregate node ${this.#node.id}`);
    this.#groups.pinned = false;
    this.#changed = [];
    if (this.#budget !== null) this.#budget.check();
  }

  #betweenSteps(): void {
    if (this.#changed.length > 0) {
      throw new StrataError('INTERNAL', `group aggregate node ${this.#node.id}: state snapshot requested in the middle of a step (before finishBatch)`);
    }
  }

  #writeGroup(w: StateWriter, g: Group): void {
    w.array(4);
    w.value(g.keyRow);
    w.number(g.count);
    w.value(g.emitted);
    const accs = g.accs;
    w.array(accs.length);
    for (let i = 0; i < accs.length; i++) w.value(accs[i]!.snapshot());
  }

  /** One group as state: `[key values, row count, last emitted row or null, [accumulator state...]]`. */
  #groupState(g: Group): StateValue {
    const accs: StateValue[] = new Array<StateValue>(g.accs.length);
    for (let i = 0; i < g.accs.length; i++) accs[i] = g.accs[i]!.snapshot();
    return [g.keyRow, g.count, g.emitted, accs];
  }

  #fail(what: string): StrataError {
    return new StrataError('STATE', `cannot restore group aggregate node ${this.#node.id}: ${what}`, {
      hint: 'The checkpoint was written by a different query or is damaged; restart the job from a checkpoint of this query or without state.',
    });
  }

  /** A group from its state (`#groupState`), checked. */
  #restoreGroup(k: Key, v: StateValue): Group {
    const fail = (what: string): StrataError => this.#fail(what);
    const nk = this.#groupKeys.length;
    if (!Array.isArray(v) || v.length !== 4) throw fail('a group is not [key, count, emitted, accumulators]');
    const [keyRow, count, emitted, accs] = v as readonly StateValue[];
    if (!Array.isArray(keyRow) || keyRow.length !== nk) throw fail(`a group key does not have ${nk} values`);
    if (typeof count !== 'number' || !(count > 0)) throw fail('a group row count is not positive');
    if (emitted !== null && !Array.isArray(emitted)) throw fail('a last emitted row is not an array');
    if (!Array.isArray(accs) || accs.length !== this.#fns.length) throw fail(`a group does not have ${this.#fns.length} accumulators`);
    const restored: Accumulator[] = new Array<Accumulator>(this.#fns.length);
    for (let i = 0; i < this.#fns.length; i++) restored[i] = this.#fns[i]!.restore((accs as readonly StateValue[])[i] ?? null);
    return new Group(k, (keyRow as readonly Value[]).slice(), count, restored, emitted === null ? null : (emitted as readonly Value[]).slice());
  }

  #checkRecord(state: StateValue): { readonly [k: string]: StateValue } {
    const fail = (what: string): StrataError => this.#fail(what);
    if (state === null || typeof state !== 'object' || Array.isArray(state) || state instanceof Map || state instanceof Uint8Array) {
      throw fail('the state is not a record');
    }
    const rec = state as { readonly [k: string]: StateValue };
    if (rec['version'] !== STATE_VERSION) throw fail(`unknown state version ${String(rec['version'])}`);
    if (rec['signature'] !== this.#signature) {
      throw fail(`the state belongs to aggregates "${String(rec['signature'])}", this node computes "${this.#signature}"`);
    }
    return rec;
  }

  restoreState(state: StateValue): void {
    const fail = (what: string): StrataError => this.#fail(what);
    const rec = this.#checkRecord(state);
    const src = rec['groups'];
    if (!(src instanceof Map)) throw fail('the groups are not a Map');
    const groups: [Key, Group][] = [];
    for (const [k, v] of src as ReadonlyMap<Key, StateValue>) groups.push([k, this.#restoreGroup(k, v)]);
    // Checked whole before the live state is replaced.
    this.#groups.clear();
    for (const [k, g] of groups) this.#groups.set(k, g);
    this.#groups.startEpoch();
    this.#groups.pinned = false;
    this.#changed = [];
    if (this.#budget !== null) this.#budget.check();
  }

  /** Number of groups held (in memory and spilled). */
  stateSize(): number {
    return this.#groups.size;
  }
}

