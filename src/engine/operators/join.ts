import type { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { StreamJoin } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER } from '../../core/row-kind.js';
import { keyOf, type Key, type Row, type Value } from '../../core/values.js';
import type { Operator } from '../operator.js';
import type { StateValue, StateWriter } from '../state/codec.js';
import { KeyedMultiset, type KeyedEntry } from '../state/keyed-multiset.js';
import type { OperatorStateOptions, StateBudget } from '../state/state-budget.js';

/** One input of the join: its state and how it joins. */
interface Side {
  readonly keys: readonly number[];
  /** Preserved side of an outer join: unmatched rows are emitted NULL-padded. */
  readonly outer: boolean;
  readonly state: KeyedMultiset;
  readonly isLeft: boolean;
}

/**
 * A regular (unbounded) streaming join with retraction: INNER, LEFT, RIGHT and FULL
 * OUTER, after Flink's StreamingJoinOperator. Port 0 is the left input, port 1 the
 * right. Output row = left fields ++ right fields, NULL-padded on the missing side.
 *
 * Matching: a left row l and a right row r match iff every join key field of both is
 * non-NULL, the keys are equal, and `condition(l ++ r)` is TRUE (when there is one).
 * Key fields of the two inputs must have the same run-time representation (the planner
 * casts them to a common type), since keys are compared through `keyOf`.
 *
 * State, per side: join key → the rows of that side (`KeyedMultiset`). Without a unique
 * key it is a multiset (row → count); with `leftUniqueKey`/`rightUniqueKey` it is a map
 * from the unique key to the one row (Flink's HasUniqueKey / JoinKeyContainsUniqueKey).
 * Every entry of a preserved (outer) side also keeps `matches`: how many rows of the
 * other side currently match it (Flink's numOfAssociations). Rows with a NULL join key
 * are kept only on a preserved side (to retract their padded row later); on an inner
 * side they can never reach the output and are dropped.
 *
 * Per input change (input side S, other side O):
 * - accumulate (+I, +U) of row s: for each matching row o of O (each copy):
 *   if O is preserved and o had no match, emit -D (nulls ++ o) first; then emit
 *   +I (s ++ o). If S is preserved and nothing matched, emit +I (s ++ nulls). Add s to S.
 * - retract (-U, -D) of row s: find s in S's state; when it is not there the change is
 *   ignored (nothing was emitted for it; Flink would emit retractions anyway). For each
 *   matching o: emit -D (s ++ o); if O is preserved and that was o's last match, emit
 *   +I (nulls ++ o). If S is preserved and s had no match, emit -D (s ++ nulls). Remove
 *   one copy of s.
 * - unique-key state: an accumulate whose unique key is already present in the same
 *   join-key group replaces that row (it is retracted as above first), so the state and
 *   the output stay consistent even if an input breaks its declared key.
 *
 * Output kinds: only +I and -D, for every join type. (Flink forwards +U/-U on inner
 * joins and uses +I/-D on outer joins; the two are equivalent for every consumer — see
 * FLINK-17337 — and +I/-D never pretends that a -U and the next +U are a pair, which they
 * are not when one input row matches a different number of rows than its update.)
 * Output is emitted during `process`; `finishBatch` does nothing.
 *
 * Snapshot: `{ v: 1, joinType, left, right }`, each side a `KeyedMultiset` snapshot
 * (streamed by `writeState`). Delta: the same record with each side's `KeyedMultiset`
 * delta: the join-key groups changed since the last snapshot, whole, and the keys gone.
 *
 * With a state budget, each side is a tier of it: groups of rows (one per join key)
 * spill to disk least recently used first and come back when a key is touched. The
 * operator asks the budget to evict after each input batch, when it holds no entry.
 */
export class JoinOperator implements Operator {
  readonly #left: Side;
  readonly #right: Side;
  readonly #leftArity: number;
  readonly #rightArity: number;
  readonly #condition: ((row: Row) => boolean) | null;
  readonly #joinType: StreamJoin['joinType'];
  readonly #budget: StateBudget | null;

  constructor(
    node: StreamJoin,
    leftArity: number,
    rightArity: number,
    condition: ((row: Row) => boolean) | null,
    options: OperatorStateOptions = {},
  ) {
    if (node.leftKeys.length !== node.rightKeys.length) {
      throw new StrataError(
        'INTERNAL',
        `join node ${node.id} has ${node.leftKeys.length} left keys but ${node.rightKeys.length} right keys`,
      );
    }
    const jt = node.joinType;
    this.#joinType = jt;
    const budget = options.budget ?? null;
    this.#budget = budget;
    this.#left = {
      keys: node.leftKeys,
      outer: jt === 'left' || jt === 'full',
      state: new KeyedMultiset(
        node.leftUniqueKey,
        // Only a preserved side's entries have their `matches` changed by the join.
        sideOptions(budget, `join node ${node.id} left`, jt === 'left' || jt === 'full'),
      ),
      isLeft: true,
    };
    this.#right = {
      keys: node.rightKeys,
      outer: jt === 'right' || jt === 'full',
      state: new KeyedMultiset(
        node.rightUniqueKey,
        sideOptions(budget, `join node ${node.id} right`, jt === 'right' || jt === 'full'),
      ),
      isLeft: false,
    };
    this.#leftArity = leftArity;
    this.#rightArity = rightArity;
    this.#condition = condition;
  }

  process(port: number, batch: ChangeBatch, out: ChangeBatch): void {
    let self: Side;
    let other: Side;
    if (port === 0) {
      self = this.#left;
      other = this.#right;
    } else if (port === 1) {
      self = this.#right;
      other = this.#left;
    } else {
      throw new StrataError('INTERNAL', `a join has input ports 0 and 1, not ${port}`);
    }
    const kinds = batch.kinds;
    const rows = batch.rows;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds[i]!;
      if (kind === INSERT || kind === UPDATE_AFTER) this.#accumulate(self, other, rows[i]!, out);
      else this.#retract(self, other, rows[i]!, out);
    }
    // No entry is held from here on: a safe point to spill.
    if (this.#budget !== null) this.#budget.check();
  }

  finishBatch(_out: ChangeBatch): void {}

  #accumulate(self: Side, other: Side, row: Row, out: ChangeBatch): void {
    const nullKey = hasNull(row, self.keys);
    // An inner side's row with a NULL key never matches and is never emitted.
    if (nullKey && !self.outer) return;
    const key = keyOf(row, self.keys);
    if (self.state.isUnique) {
      const old = self.state.find(key, row);
      if (old !== undefined) this.#retractEntry(self, other, key, old, out);
    }
    let matched = 0;
    if (!nullKey) {
      const group = other.state.group(key);
      if (group !== undefined) {
        const cond = this.#condition;
        const list = group.entries;
        for (let j = 0; j < list.length; j++) {
          const e = list[j];
          if (e === null || e === undefined) continue;
          const joined = self.isLeft ? concat(row, e.row) : concat(e.row, row);
          if (cond !== null && cond(joined) !== true) continue;
          const n = e.count;
          matched += n;
          if (other.outer) {
            if (e.matches === 0) {
              const padded = this.#pad(other, e.row);
              for (let c = 0; c < n; c++) out.push(DELETE, padded);
            }
            e.matches++;
          }
          for (let c = 0; c < n; c++) out.push(INSERT, joined);
        }
      }
    }
    const entry = self.state.add(key, row);
    if (self.outer) {
      entry.matches = matched;
      if (matched === 0) out.push(INSERT, this.#pad(self, row));
    }
  }

  #retract(self: Side, other: Side, row: Row, out: ChangeBatch): void {
    const key = keyOf(row, self.keys);
    const entry = self.state.find(key, row);
    if (entry === undefined) return;
    this.#retractEntry(self, other, key, entry, out);
  }

  /** Retracts one copy of a stored row and everything emitted for it. */
  #retractEntry(self: Side, other: Side, key: Key, entry: KeyedEntry, out: ChangeBatch): void {
    const row = entry.row;
    if (!hasNull(row, self.keys)) {
      const group = other.state.group(key);
      if (group !== undefined) {
        const cond = this.#condition;
        const list = group.entries;
        for (let j = 0; j < list.length; j++) {
          const e = list[j];
          if (e === null || e === undefined) continue;
          const joined = self.isLeft ? concat(row, e.row) : concat(e.row, row);
          if (cond !== null && cond(joined) !== true) continue;
          const n = e.count;
          for (let c = 0; c < n; c++) out.push(DELETE, joined);
          if (other.outer && --e.matches === 0) {
            const padded = this.#pad(other, e.row);
            for (let c = 0; c < n; c++) out.push(INSERT, padded);
          }
        }
      }
    }
    if (self.outer && entry.matches === 0) out.push(DELETE, this.#pad(self, row));
    self.state.removeOne(key, entry);
  }

  /** `row` of `side` with NULLs for the other side's fields, in output order. */
  #pad(side: Side, row: Row): Row {
    if (side.isLeft) {
      const n = row.length;
      const out: Value[] = new Array<Value>(n + this.#rightArity);
      for (let i = 0; i < n; i++) out[i] = row[i]!;
      for (let i = 0; i < this.#rightArity; i++) out[n + i] = null;
      return out;
    }
    const n = this.#leftArity;
    const out: Value[] = new Array<Value>(n + row.length);
    for (let i = 0; i < n; i++) out[i] = null;
    for (let i = 0; i < row.length; i++) out[n + i] = row[i]!;
    return out;
  }

  snapshotState(): StateValue {
    return { v: 1, joinType: this.#joinType, left: this.#left.state.snapshot(), right: this.#right.state.snapshot() };
  }

  /** Same bytes as `encodeState(snapshotState())`. */
  writeState(w: StateWriter): void {
    w.record(4);
    w.field('v');
    w.number(1);
    w.field('joinType');
    w.value(this.#joinType);
    w.field('left');
    this.#left.state.writeSnapshot(w);
    w.field('right');
    this.#right.state.writeSnapshot(w);
  }

  /** `{ v: 1, joinType, left, right }`, each side a `KeyedMultiset` delta (changed join-key groups whole). */
  snapshotDelta(): StateValue {
    return { v: 1, joinType: this.#joinType, left: this.#left.state.delta(), right: this.#right.state.delta() };
  }

  deltaShare(): number {
    const groups = this.#left.state.groupCount + this.#right.state.groupCount;
    return groups === 0 ? 0 : (this.#left.state.changedCount + this.#right.state.changedCount) / groups;
  }

  restoreState(state: StateValue): void {
    const rec = this.#record(state, 'state');
    this.#left.state.restore(rec['left'] ?? null, 'the left side of a join');
    this.#right.state.restore(rec['right'] ?? null, 'the right side of a join');
  }

  restoreDelta(delta: StateValue): void {
    const rec = this.#record(delta, 'incremental state');
    this.#left.state.applyDelta(rec['left'] ?? null, 'the left side of a join');
    this.#right.state.applyDelta(rec['right'] ?? null, 'the right side of a join');
  }

  #record(state: StateValue, what: string): { readonly [k: string]: StateValue } {
    if (state === null || typeof state !== 'object' || state instanceof Map || Array.isArray(state)) {
      throw new StrataError('STATE', `cannot restore a join: the saved ${what} is not a join state record`, {
        hint: 'The checkpoint does not belong to this job version; restart the job from scratch.',
      });
    }
    const rec = state as { readonly [k: string]: StateValue };
    if (rec['v'] !== 1 || rec['joinType'] !== this.#joinType) {
      throw new StrataError(
        'STATE',
        `cannot restore a ${this.#joinType} join from ${what} of version ${String(rec['v'])} for a ${String(rec['joinType'])} join`,
        { hint: 'The checkpoint does not belong to this job version; restart the job from scratch.' },
      );
    }
    return rec;
  }

  stateSize(): number {
    return this.#left.state.size + this.#right.state.size;
  }
}

/** A side's state options: the budget when there is one, and whether the join changes its entries' `matches`. */
function sideOptions(
  budget: StateBudget | null,
  label: string,
  preserved: boolean,
): { budget?: StateBudget; label: string; callerMutatesEntries: boolean } {
  return budget === null ? { label, callerMutatesEntries: preserved } : { budget, label, callerMutatesEntries: preserved };
}

function hasNull(row: Row, indices: readonly number[]): boolean {
  for (let i = 0; i < indices.length; i++) if ((row[indices[i]!] ?? null) === null) return true;
  return false;
}

function concat(l: Row, r: Row): Row {
  const nl = l.length;
  const out: Value[] = new Array<Value>(nl + r.length);
  for (let i = 0; i < nl; i++) out[i] = l[i]!;
  for (let i = 0; i < r.length; i++) out[nl + i] = r[i]!;
  return out;
}
