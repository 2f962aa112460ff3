import { StrataError } from '../../core/errors.js';
import { keyOf, rowKey, type Key, type Row } from '../../core/values.js';
import type { StateValue } from './codec.js';

/** One distinct row held in a KeyedMultiset. */
export interface KeyedEntry {
  readonly row: Row;
  /** Copies of `row` present (≥ 1 while the entry exists; always 1 in unique-key mode). */
  count: number;
  /**
   * A counter owned by the caller, kept per entry and saved with the state. The join
   * keeps here how many rows of the other side match this row (Flink's
   * numOfAssociations); every copy of the row has the same value.
   */
  matches: number;
}

/**
 * Rows grouped by a key (e.g. the join key), each group a small map of distinct rows.
 *
 * Two modes, chosen at construction:
 * - multiset (`uniqueKey` null): entries are keyed by the whole row (`rowKey`), and
 *   equal rows share one entry with a count: duplicates allowed.
 * - unique key (`uniqueKey` = field indices): entries are keyed by `keyOf(row, uniqueKey)`
 *   and hold one row each (Flink's HasUniqueKey / JoinKeyContainsUniqueKey state). The
 *   caller keeps at most one row per unique key; `add` of a present unique key is a bug
 *   the caller must avoid (it throws INTERNAL).
 *
 * Snapshot layout (a StateValue): `Map<groupKey, [row, count, matches][]>`. Entry keys are
 * recomputed from the rows on restore.
 */
export class KeyedMultiset {
  readonly #groups = new Map<Key, Map<Key, KeyedEntry>>();
  readonly #uniqueKey: readonly number[] | null;
  #rows = 0;

  constructor(uniqueKey: readonly number[] | null) {
    this.#uniqueKey = uniqueKey;
  }

  /** True in unique-key mode. */
  get isUnique(): boolean {
    return this.#uniqueKey !== null;
  }

  /** Rows held, duplicates counted. */
  get size(): number {
    return this.#rows;
  }

  /** Number of non-empty groups. */
  get groupCount(): number {
    return this.#groups.size;
  }

  /** The key of `row`'s entry inside its group. */
  entryKeyOf(row: Row): Key {
    return this.#uniqueKey === null ? rowKey(row) : keyOf(row, this.#uniqueKey);
  }

  /** The entries of one group; undefined when the group is empty. Do not modify the map. */
  group(key: Key): ReadonlyMap<Key, KeyedEntry> | undefined {
    return this.#groups.get(key);
  }

  get(key: Key, entryKey: Key): KeyedEntry | undefined {
    const g = this.#groups.get(key);
    return g === undefined ? undefined : g.get(entryKey);
  }

  /**
   * Adds one copy of `row` to group `key` and returns its entry (a new one with
   * `matches` = 0, or the existing one with its count raised).
   */
  add(key: Key, entryKey: Key, row: Row): KeyedEntry {
    let g = this.#groups.get(key);
    if (g === undefined) {
      g = new Map();
      this.#groups.set(key, g);
    }
    let e = g.get(entryKey);
    if (e === undefined) {
      e = { row, count: 1, matches: 0 };
      g.set(entryKey, e);
    } else {
      if (this.#uniqueKey !== null) {
        throw new StrataError('INTERNAL', 'keyed state: a second row was added for a unique key that is present');
      }
      e.count++;
    }
    this.#rows++;
    return e;
  }

  /** Removes one copy of the entry's row; drops the entry and the group when empty. */
  removeOne(key: Key, entryKey: Key): void {
    const g = this.#groups.get(key);
    if (g === undefined) return;
    const e = g.get(entryKey);
    if (e === undefined) return;
    this.#rows--;
    if (--e.count > 0) return;
    g.delete(entryKey);
    if (g.size === 0) this.#groups.delete(key);
  }

  /** A copy of the whole state as plain data (the live state may change afterwards). */
  snapshot(): StateValue {
    const out = new Map<Key, StateValue>();
    for (const [key, g] of this.#groups) {
      const entries: StateValue[] = [];
      for (const e of g.values()) entries.push([e.row, e.count, e.matches]);
      out.set(key, entries);
    }
    return out;
  }

  /** Replaces the state with a snapshot taken by `snapshot()` (possibly encoded and decoded). */
  restore(state: StateValue, what: string): void {
    this.#groups.clear();
    this.#rows = 0;
    if (!(state instanceof Map)) throw badState(what, 'expected a map of groups');
    for (const [key, entries] of state as ReadonlyMap<Key, StateValue>) {
      if (!Array.isArray(entries)) throw badState(what, 'a group is not a list of entries');
      const g = new Map<Key, KeyedEntry>();
      for (const raw of entries as readonly StateValue[]) {
        if (!Array.isArray(raw) || raw.length !== 3) throw badState(what, 'an entry is not [row, count, matches]');
        const [row, count, matches] = raw as readonly StateValue[];
        if (!Array.isArray(row) || typeof count !== 'number' || count < 1 || typeof matches !== 'number') {
          throw badState(what, 'an entry is not [row, count, matches]');
        }
        const r = row as Row;
        g.set(this.entryKeyOf(r), { row: r, count, matches });
        this.#rows += count;
      }
      if (g.size > 0) this.#groups.set(key, g);
    }
  }
}

function badState(what: string, detail: string): StrataError {
  return new StrataError('STATE', `cannot restore ${what}: ${detail}`, {
    hint: 'The checkpoint does not belong to this job version; restart the job from scratch.',
  });
}
