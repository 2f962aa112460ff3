import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { valueEquals, type Key, type Row, type Value } from '../../core/values.js';
import { decodeState, encodeState, type StateValue, type StateWriter } from './codec.js';
import { badDelta, readDelta, type StateDelta } from './delta.js';
import { KeyFilter } from './key-filter.js';
import type { SpillSpace } from './spill-store.js';
import { approxRowBytes, approxValueBytes, type KeyedStateOptions, type SpillableTier, type StateBudget } from './state-budget.js';

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
 * The entries of one group, in insertion order (an entry keeps its place while its count
 * changes; a removed row that comes back goes to the end, as in a Map). Removed entries
 * leave a `null` slot until the group is compacted: skip them when iterating.
 */
export interface KeyedGroup {
  /** Entries and `null` holes, in insertion order. Read only; valid until the next change to this group. */
  readonly entries: readonly (KeyedEntry | null)[];
  /** Live (non-null) entries. */
  readonly size: number;
}

/** A multiset chooses its fingerprint field once a group holds this many entries. */
const CHOOSE_AT = 6;
/** A group gets a hash index once its list holds this many slots. */
const INDEX_AT = 16;
/** Distinct rows with the same hash met in one lookup before the group's index hashes more. */
const MAX_PROBE = 6;
/** The fingerprint of an empty slot: hashes are never negative. */
const NO_FP = -1;
/** Approximate heap bytes of an entry without its row: the Entry object and its two list slots. */
const ENTRY_BYTES = 96;
/** Approximate heap bytes of a group without its key or entries: object, two lists (V8 gives a first push 17 slots), a map slot. */
const GROUP_BYTES = 400;
/** Spill mode: one new row (and one new group) in this many is weighed. */
const SAMPLE_EVERY = 32;
/** Disk copies of groups that died in memory, removed in one transaction. */
const FLUSH_DELETES_AT = 4096;

class Entry implements KeyedEntry {
  readonly row: Row;
  count: number;
  matches: number;
  /** Position in the group's list; -1 once removed. */
  slot: number;
  /** The multiset's fingerprint of the row (0 until it has one). */
  fp: number;
  /** The key of the entry in its group's index (the fingerprint at level 0). */
  hash: number;
  /** Next entry with the same hash (the index's chain). */
  next: Entry | null;

  constructor(row: Row, count: number, matches: number, slot: number, fp: number) {
    this.row = row;
    this.count = count;
    this.matches = matches;
    this.slot = slot;
    this.fp = fp;
    this.hash = 0;
    this.next = null;
  }
}

class Group implements KeyedGroup {
  readonly key: Key;
  /** Creation order among the multiset's groups. */
  readonly seq: number;
  readonly entries: (Entry | null)[] = [];
  /** The entries' fingerprints, slot by slot (`NO_FP` for a hole): scanned without touching the rows. */
  readonly fps: number[] = [];
  size = 0;
  /** hash → first entry of its chain; null while the group is small enough to scan. */
  index: Map<number, Entry> | null = null;
  /** What the index hashes: 0 the fingerprint, 1 every identifying field (strings sampled), 2 the same with strings whole. */
  level = 0;
  /**
   * Used again since it came into memory or since the eviction scan last passed it
   * (second-chance LRU; a group used once, e.g. by a scan of new keys, goes first).
   */
  ref = false;
  /** The spill store holds a copy of this group (it was read back from disk). */
  onDisk = false;
  /** Changed (or handed to a caller that may change its entries) since it was read from disk. */
  dirty = true;

  constructor(key: Key, seq: number) {
    // As a Map does, -0 is kept as 0.
    this.key = key === 0 ? 0 : key;
    this.seq = seq;
  }
}

/** The map key a group is filed under: a BIGINT as the double of the same value when that is exact. */
function mapKey(key: Key): Key {
  if (typeof key !== 'bigint') return key;
  const n = Number(key);
  return Number.isSafeInteger(n) ? n : key;
}

/**
 * Groups by key, in creation order. V8 hashes and compares a small number inline but a
 * bigint through its digits, so a BIGINT key is filed under the double of the same value
 * when that is exact. Each group keeps its own key; a key whose slot is taken by the
 * other representation of the same value (5 and 5n) goes to a second map, so the two
 * stay apart, as in a plain Map.
 */
class GroupMap {
  readonly #main = new Map<Key, Group>();
  readonly #other = new Map<Key, Group>();
  #seq = 0;

  get size(): number {
    return this.#main.size + this.#other.size;
  }

  get(key: Key): Group | undefined {
    const g = this.#main.get(mapKey(key));
    if (g !== undefined && (g.key === key || (g.key !== g.key && key !== key))) return g;
    return this.#other.size === 0 ? undefined : this.#other.get(key);
  }

  /** A new, empty group for `key` (absent). */
  create(key: Key): Group {
    const g = new Group(key, this.#seq++);
    const k = mapKey(key);
    if (this.#main.has(k)) this.#other.set(key, g);
    else this.#main.set(k, g);
    return g;
  }

  delete(g: Group): void {
    const k = mapKey(g.key);
    if (this.#main.get(k) === g) this.#main.delete(k);
    else this.#other.delete(g.key);
  }

  clear(): void {
    this.#main.clear();
    this.#other.clear();
  }

  /** Moves `g` to the end of the iteration order (the most recently used end). */
  moveToBack(g: Group): void {
    const k = mapKey(g.key);
    if (this.#main.get(k) === g) {
      this.#main.delete(k);
      this.#main.set(k, g);
    } else {
      this.#other.delete(g.key);
      this.#other.set(g.key, g);
    }
  }

  /** The groups from least to most recently moved; live (sees `moveToBack` while iterating). */
  *scan(): Generator<Group> {
    yield* this.#main.values();
    yield* this.#other.values();
  }

  /** The groups in creation order. */
  values(): Iterable<Group> {
    if (this.#other.size === 0) return this.#main.values();
    return [...this.#main.values(), ...this.#other.values()].sort((a, b) => a.seq - b.seq);
  }
}

/**
 * Rows grouped by a key (e.g. the join key); each group a short list of distinct rows.
 *
 * Two modes, chosen at construction:
 * - multiset (`uniqueKey` null): an entry is identified by its whole row, and equal rows
 *   (SQL equality of every field, NULL equal to NULL, as `rowKey`) share one entry with a
 *   count: duplicates allowed.
 * - unique key (`uniqueKey` = field indices): an entry is identified by those fields
 *   (as `keyOf(row, uniqueKey)`) and holds one row (Flink's HasUniqueKey /
 *   JoinKeyContainsUniqueKey state). The caller keeps at most one row per unique key;
 *   `add` of a present unique key is a bug the caller must avoid (it throws INTERNAL).
 *
 * Lookups never build string keys. Each entry carries a fingerprint: a numeric hash of
 * one field (in unique-key mode, of the unique key; in multiset mode, of the field that
 * best tells rows apart in the first group to reach a few entries; before that, groups
 * are scanned row by row). A group is a list scanned by fingerprint while short (the
 * usual case for a join key: the rows themselves are touched only on a fingerprint
 * match), and gets a hash index (fingerprint → chain of entries) once it grows past a
 * few dozen. A group whose index meets too many distinct rows with one hash rebuilds it
 * over every identifying field, then with strings hashed whole, so lookups stay O(1)
 * whatever the data.
 *
 * Snapshot layout (a StateValue): `Map<groupKey, [row, count, matches][]>`, entries in
 * group order. Fingerprints and indexes are rebuilt from the rows on restore.
 * `writeSnapshot` streams the same bytes without building that value.
 *
 * Deltas (incremental checkpoints): from the first snapshot or restore on, the keys of
 * groups changed since the last snapshot, delta or restore are kept in a Set (one add
 * per change; a lookup by a caller that mutates entries counts as a change). `delta()`
 * returns those groups whole (`StateDelta`, see `delta.ts`) and `applyDelta` replaces
 * them, so a full snapshot followed by its deltas in order restores the same content
 * (group creation order may differ; it changes nothing the owner emits).
 *
 * Spilling (with a `StateBudget`): whole groups move between memory and the budget's
 * spill store, encoded as their snapshot entry (`[row, count, matches][]`). A group used
 * since the eviction scan last passed it gets a second chance (moved to the back), so
 * the budget evicts about the least recently used groups. A lookup that misses in
 * memory while groups are spilled reads the key from disk and makes the group hot
 * again; until then a miss costs one integer test. Evictions happen only inside
 * `StateBudget.check()`, which the owner calls between batches: an entry or group
 * returned by `group`, `find` or `add` stays valid until the owner's next check.
 */
export class KeyedMultiset implements SpillableTier {
  readonly #groups = new GroupMap();
  readonly #uniqueKey: readonly number[] | null;
  /** The fields the fingerprint hashes; null (multiset mode) until chosen. */
  #fpFields: readonly number[] | null;
  /** Rows held, in memory and on disk, duplicates counted. */
  #rows = 0;
  readonly label: string;
  readonly #budget: StateBudget | null;
  readonly #space: SpillSpace | null;
  /** Entries (distinct rows) in memory. */
  #hotEntries = 0;
  #spilledGroups = 0;
  #spilledRows = 0;
  /** Keys of groups that died in memory while the disk held a copy: removed at the next write. */
  readonly #stale = new Set<Key>();
  /** The keys written to disk (null until the first eviction): most misses skip the LMDB read. */
  #filter: KeyFilter | null = null;
  /** The caller changes entries' `matches` (the join, on a preserved side): a lookup dirties a group. */
  readonly #callerMutates: boolean;
  #avgRowBytes = 0;
  #avgGroupBytes = GROUP_BYTES;
  #sampleTick = 0;
  /**
   * Keys of the groups changed since the last snapshot, delta or restore (null until the
   * first of those: a state that is never checkpointed tracks nothing).
   */
  #changed: Set<Key> | null = null;

  /**
   * `options.callerMutatesEntries` (default true): whether the caller changes the
   * `matches` of entries it gets from `group` or `find`. When false, a group read back
   * from disk and only looked at since is dropped from memory without a write.
   */
  constructor(
    uniqueKey: readonly number[] | null,
    options?: Partial<KeyedStateOptions> & { readonly callerMutatesEntries?: boolean | undefined },
  ) {
    this.#uniqueKey = uniqueKey;
    this.#fpFields = uniqueKey;
    this.#callerMutates = options?.callerMutatesEntries ?? true;
    this.label = options?.label ?? 'keyed multiset';
    this.#budget = options?.budget ?? null;
    this.#space = this.#budget === null ? null : this.#budget.register(this);
  }

  /** True in unique-key mode. */
  get isUnique(): boolean {
    return this.#uniqueKey !== null;
  }

  /** Rows held, duplicates counted. */
  get size(): number {
    return this.#rows;
  }

  /** Number of non-empty groups, in memory and on disk. */
  get groupCount(): number {
    return this.#groups.size + this.#spilledGroups;
  }

  /** The entries of one group; undefined when the group is empty. Do not modify it. */
  group(key: Key): KeyedGroup | undefined {
    let g = this.#groups.get(key);
    if (g !== undefined) g.ref = true;
    else if (this.#spilledGroups === 0 || (g = this.#load(key)) === undefined) return undefined;
    if (this.#callerMutates) {
      g.dirty = true;
      if (this.#changed !== null) this.#changed.add(g.key);
    }
    return g;
  }

  /** The entry of group `key` that holds `row` (an equal row, or in unique-key mode the row with the same unique key). */
  find(key: Key, row: Row): KeyedEntry | undefined {
    let g = this.#groups.get(key);
    if (g !== undefined) g.ref = true;
    else if (this.#spilledGroups === 0 || (g = this.#load(key)) === undefined) return undefined;
    if (this.#callerMutates) {
      g.dirty = true;
      if (this.#changed !== null) this.#changed.add(g.key);
    }
    const f = this.#fpFields;
    return this.#find(g, row, f === null ? 0 : hashFields(row, f, false));
  }

  /**
   * Adds one copy of `row` to group `key` and returns its entry (a new one with
   * `matches` = 0, or the existing one with its count raised).
   */
  add(key: Key, row: Row): KeyedEntry {
    let g = this.#groups.get(key);
    if (g !== undefined) g.ref = true;
    else g = (this.#spilledGroups === 0 ? undefined : this.#load(key)) ?? this.#newGroup(key);
    g.dirty = true;
    if (this.#changed !== null) this.#changed.add(g.key);
    const f = this.#fpFields;
    const fp = f === null ? 0 : hashFields(row, f, false);
    const e = g.size === 0 ? undefined : this.#find(g, row, fp);
    this.#rows++;
    if (e === undefined) return this.#append(g, row, 1, 0, fp);
    if (this.#uniqueKey !== null) {
      this.#rows--;
      throw new StrataError('INTERNAL', 'keyed state: a second row was added for a unique key that is present');
    }
    e.count++;
    return e;
  }

  /** Removes one copy of `entry` (an entry of group `key`); drops the entry and the group when empty. */
  removeOne(key: Key, entry: KeyedEntry): void {
    const g = this.#groups.get(key);
    const e = entry as Entry;
    if (g === undefined || e.slot < 0 || g.entries[e.slot] !== e) return;
    g.dirty = true;
    if (this.#changed !== null) this.#changed.add(g.key);
    this.#rows--;
    if (--e.count > 0) return;
    this.#hotEntries--;
    const list = g.entries;
    const fps = g.fps;
    list[e.slot] = null;
    fps[e.slot] = NO_FP;
    e.slot = -1;
    if (g.index !== null) unchain(g.index, e);
    if (--g.size === 0) {
      this.#groups.delete(g);
      if (g.onDisk) this.#dropDiskCopy(g.key);
      return;
    }
    // Trailing holes go at once; inner holes when they outnumber the live entries.
    while (list.length > 0 && list[list.length - 1] === null) {
      list.pop();
      fps.pop();
    }
    if (list.length > 2 * g.size) compact(g);
  }

  /**
   * A copy of the whole state as plain data (the live state may change afterwards):
   * the groups in memory in creation order, then the spilled ones.
   */
  snapshot(): StateValue {
    const out = new Map<Key, StateValue>();
    for (const g of this.#groups.values()) out.set(g.key, groupState(g));
    if (this.#spilledGroups > 0) {
      this.#flushStale();
      // The disk also holds copies of groups now in memory: those were written above.
      for (const [key, buf] of this.#space!.entries()) if (this.#groups.get(key) === undefined) out.set(key, decodeState(buf));
    }
    this.#startEpoch();
    return out;
  }

  /**
   * Writes what `snapshot()` returns (the same bytes as `encodeState(snapshot())`)
   * straight from the groups: no intermediate StateValue; spilled groups are copied as
   * the bytes the spill store holds. Starts a new delta epoch, as `snapshot()` does.
   */
  writeSnapshot(w: StateWriter): void {
    const handle = w.beginMap();
    let n = 0;
    for (const g of this.#groups.values()) {
      w.value(g.key);
      writeGroup(w, g);
      n++;
    }
    if (this.#spilledGroups > 0) {
      this.#flushStale();
      for (const [key, buf] of this.#space!.entries()) {
        if (this.#groups.get(key) !== undefined) continue;
        w.value(key);
        w.raw(buf);
        n++;
      }
    }
    w.endMap(handle, n);
    this.#startEpoch();
  }

  /**
   * The groups changed since the last `snapshot`, `writeSnapshot`, `delta`, `restore` or
   * `applyDelta` (the last "epoch"): each changed group's whole entry list as in a
   * snapshot, and the keys of groups that no longer exist. Starts a new epoch.
   * `applyDelta(delta())` on a copy of the state at the previous epoch yields this state.
   */
  delta(): StateDelta {
    const changed = this.#changed;
    if (changed === null) throw new StrataError('INTERNAL', `${this.label}: a delta was asked for before any snapshot or restore`);
    const set = new Map<Key, StateValue>();
    const removed: Key[] = [];
    for (const key of changed) {
      const g = this.#groups.get(key);
      if (g !== undefined) {
        set.set(key, groupState(g));
        continue;
      }
      const s = this.#spilledGroups > 0 ? this.#diskState(key) : undefined;
      if (s === undefined) removed.push(key);
      else set.set(key, s);
    }
    this.#startEpoch();
    return { set, removed };
  }

  /**
   * Applies a delta taken by `delta()`: removed groups go, changed ones are replaced
   * whole (a group read from disk is dropped first, so the disk never shadows it).
   * Starts a new epoch. With a budget, what does not fit spills at once.
   */
  applyDelta(delta: StateValue, what: string): void {
    const { set, removed } = readDelta(delta, what);
    for (let i = 0; i < removed.length; i++) this.#discard(removed[i]!);
    for (const [key, entries] of set) {
      this.#discard(key);
      if (!Array.isArray(entries)) throw badDelta(what, 'a group is not a list of entries');
      const g = this.#newGroup(key);
      this.#fill(g, entries, what);
      if (g.size === 0) this.#groups.delete(g);
    }
    this.#startEpoch();
    this.#budget?.check();
  }

  /** Groups changed since the last epoch (what `delta()` would hold); 0 when not tracking. */
  get changedCount(): number {
    return this.#changed?.size ?? 0;
  }

  #startEpoch(): void {
    if (this.#changed === null) this.#changed = new Set();
    else this.#changed.clear();
  }

  /** Removes group `key` from both tiers (nothing when it is absent). */
  #discard(key: Key): void {
    let g = this.#groups.get(key);
    if (g === undefined && this.#spilledGroups > 0) g = this.#load(key);
    if (g === undefined) return;
    const list = g.entries;
    let rows = 0;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e === null || e === undefined) continue;
      rows += e.count;
      e.slot = -1;
    }
    this.#rows -= rows;
    this.#hotEntries -= g.size;
    this.#groups.delete(g);
    if (g.onDisk) this.#dropDiskCopy(g.key);
  }

  /** The state of spilled group `key` as the disk holds it; undefined when it is not there. */
  #diskState(key: Key): StateValue | undefined {
    if (this.#filter !== null && !this.#filter.mayContain(key)) return undefined;
    if (this.#stale.size > 0 && this.#stale.has(key)) return undefined;
    const buf = this.#space!.get(key);
    return buf === undefined ? undefined : decodeState(buf);
  }

  /**
   * Replaces the state with a snapshot taken by `snapshot()` (possibly encoded and
   * decoded). With a budget, what does not fit spills at once.
   */
  restore(state: StateValue, what: string): void {
    this.#groups.clear();
    if (this.#spilledGroups > 0 || this.#stale.size > 0 || this.#filter !== null) this.#space!.clear();
    this.#stale.clear();
    this.#filter = null;
    this.#spilledGroups = 0;
    this.#spilledRows = 0;
    this.#hotEntries = 0;
    this.#rows = 0;
    this.#fpFields = this.#uniqueKey;
    if (!(state instanceof Map)) throw badState(what, 'expected a map of groups');
    for (const [key, entries] of state as ReadonlyMap<Key, StateValue>) {
      // Registered first: choosing the fingerprint (in #append) rehashes every group.
      const g = this.#groups.get(key) ?? this.#newGroup(key);
      this.#fill(g, entries, what);
      if (g.size === 0) this.#groups.delete(g);
    }
    this.#startEpoch();
    this.#budget?.check();
  }

  /** Appends the entries of a group's state (`[row, count, matches][]`) to `g`; returns the rows added. */
  #fill(g: Group, entries: StateValue, what: string): number {
    if (!Array.isArray(entries)) throw badState(what, 'a group is not a list of entries');
    let rows = 0;
    for (const raw of entries as readonly StateValue[]) {
      if (!Array.isArray(raw) || raw.length !== 3) throw badState(what, 'an entry is not [row, count, matches]');
      const [row, count, matches] = raw as readonly StateValue[];
      if (!Array.isArray(row) || typeof count !== 'number' || count < 1 || typeof matches !== 'number') {
        throw badState(what, 'an entry is not [row, count, matches]');
      }
      const r = row as Row;
      const f = this.#fpFields;
      this.#append(g, r, count, matches, f === null ? 0 : hashFields(r, f, false));
      rows += count;
    }
    this.#rows += rows;
    return rows;
  }

  #newGroup(key: Key): Group {
    if (this.#budget !== null && this.#sampleTick % SAMPLE_EVERY === 0) {
      const w = GROUP_BYTES + approxValueBytes(key);
      this.#avgGroupBytes += (w - this.#avgGroupBytes) / 16;
    }
    return this.#groups.create(key);
  }

  /** Appends a new entry (the caller knows the row is not present) with fingerprint `fp`. */
  #append(g: Group, row: Row, count: number, matches: number, fp: number): Entry {
    const list = g.entries;
    const e = new Entry(row, count, matches, list.length, fp);
    list.push(e);
    g.fps.push(fp);
    g.size++;
    this.#hotEntries++;
    if (this.#budget !== null && this.#sampleTick++ % SAMPLE_EVERY === 0) {
      const w = approxRowBytes(row);
      this.#avgRowBytes = this.#avgRowBytes === 0 ? w : this.#avgRowBytes + (w - this.#avgRowBytes) / 16;
    }
    if (g.index !== null) {
      e.hash = g.level === 0 ? fp : this.#levelHash(row, g.level);
      chain(g.index, e);
    } else if (this.#fpFields === null) {
      if (list.length >= CHOOSE_AT) this.#chooseFingerprint(g);
    } else if (list.length >= INDEX_AT) {
      this.#buildIndex(g, 0);
    }
    return e;
  }

  // Spilling -----------------------------------------------------------------

  hotBytes(): number {
    return this.#hotEntries * (ENTRY_BYTES + this.#avgRowBytes) + this.#groups.size * this.#avgGroupBytes;
  }

  /** Rows in memory, duplicates counted. */
  hotRows(): number {
    return this.#rows - this.#spilledRows;
  }

  /** Rows on disk, duplicates counted. */
  spilledRows(): number {
    return this.#spilledRows;
  }

  evictable(): boolean {
    return this.#groups.size > 0;
  }

  evict(bytes: number): number {
    const space = this.#space;
    if (space === null) return 0;
    const groups = this.#groups;
    const perEntry = ENTRY_BYTES + this.#avgRowBytes;
    const perGroup = this.#avgGroupBytes;
    const victims: Group[] = [];
    let freed = 0;
    // Each group is seen at most twice: once to clear its mark, once more to go.
    let steps = 2 * groups.size + 1;
    for (const g of groups.scan()) {
      if (freed >= bytes || steps-- <= 0) break;
      if (g.ref) {
        g.ref = false;
        groups.moveToBack(g);
        continue;
      }
      if (!space.fits(g.key)) continue;
      victims.push(g);
      freed += perGroup + g.size * perEntry;
    }
    if (victims.length === 0) return 0;
    const stale = this.#stale;
    const filter = (this.#filter ??= new KeyFilter());
    let rows = 0;
    let entries = 0;
    this.#budget!.store.write(() => {
      for (const k of stale) space.remove(k);
      stale.clear();
      for (let i = 0; i < victims.length; i++) {
        const g = victims[i]!;
        // A group read from disk and not changed since: its disk copy is current.
        if (g.dirty || !g.onDisk) {
          space.put(g.key, encodeState(groupState(g)));
          filter.add(g.key);
        }
      }
    });
    for (let i = 0; i < victims.length; i++) {
      const g = victims[i]!;
      const list = g.entries;
      for (let j = 0; j < list.length; j++) {
        const e = list[j];
        if (e === null || e === undefined) continue;
        rows += e.count;
        e.slot = -1;
      }
      entries += g.size;
      groups.delete(g);
    }
    this.#hotEntries -= entries;
    this.#spilledGroups += victims.length;
    this.#spilledRows += rows;
    if (filter.full) {
      // Sized again for what is on disk now; keys that left it drop out.
      filter.reset(2 * (this.#spilledGroups + this.#groups.size));
      for (const k of space.keys()) filter.add(k);
    }
    return freed;
  }

  /**
   * Reads group `key` back from disk into memory; undefined when it is not there. The
   * disk keeps its copy (the group is then on disk and in memory; memory wins).
   */
  #load(key: Key): Group | undefined {
    if (this.#filter !== null && !this.#filter.mayContain(key)) return undefined;
    if (this.#stale.size > 0 && this.#stale.has(key)) return undefined;
    const buf = this.#space!.get(key);
    if (buf === undefined) return undefined;
    const state = decodeState(buf);
    const g = this.#groups.create(key);
    const rows = this.#fill(g, state, this.label);
    // #fill counted the rows as new; they were held all along.
    this.#rows -= rows;
    this.#spilledRows -= rows;
    this.#spilledGroups--;
    // The disk copy stays: evicting the group unchanged costs no write.
    g.onDisk = true;
    g.dirty = false;
    return g;
  }

  /** Group `key` died in memory: its disk copy must go (at the next write; misses skip it until then). */
  #dropDiskCopy(key: Key): void {
    this.#stale.add(key);
    if (this.#stale.size >= FLUSH_DELETES_AT) this.#flushStale();
  }

  #flushStale(): void {
    if (this.#stale.size > 0) this.#space!.removeAll(this.#stale);
  }

  #find(g: Group, row: Row, fp: number): Entry | undefined {
    const uk = this.#uniqueKey;
    const list = g.entries;
    if (g.index === null) {
      if (this.#fpFields === null) {
        // No fingerprints yet (multiset mode, every group still tiny): compare rows.
        for (let i = 0; i < list.length; i++) {
          const e = list[i];
          if (e !== null && e !== undefined && sameRow(e.row, row)) return e;
        }
        return undefined;
      }
      const fps = g.fps;
      for (let i = 0; i < fps.length; i++) {
        if (fps[i] !== fp) continue;
        const e = list[i]!;
        if (uk === null ? sameRow(e.row, row) : sameFields(e.row, row, uk)) return e;
      }
      return undefined;
    }
    const h = g.level === 0 ? fp : this.#levelHash(row, g.level);
    let probes = 0;
    for (let e: Entry | null = g.index.get(h) ?? null; e !== null; e = e.next) {
      if (uk === null ? sameRow(e.row, row) : sameFields(e.row, row, uk)) return e;
      probes++;
    }
    if (probes > MAX_PROBE && g.level < 2) this.#buildIndex(g, uk !== null ? 2 : g.level + 1);
    return undefined;
  }

  /** The index hash of a row at level 1 or 2: every identifying field. */
  #levelHash(row: Row, level: number): number {
    const uk = this.#uniqueKey;
    return uk === null ? hashRow(row, level === 2) : hashFields(row, uk, level === 2);
  }

  /**
   * Multiset mode, once group `g` has a few entries: fingerprints hash the field that
   * best tells its rows apart; every entry of every group gets its fingerprint now.
   */
  #chooseFingerprint(g: Group): void {
    const fields = [mostDistinctField(g.entries)];
    this.#fpFields = fields;
    for (const group of this.#groups.values()) {
      const list = group.entries;
      const fps = group.fps;
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        if (e === null || e === undefined) continue;
        e.fp = hashFields(e.row, fields, false);
        fps[i] = e.fp;
      }
      if (list.length >= INDEX_AT) this.#buildIndex(group, 0);
    }
  }

  /** (Re)builds a group's hash index at `level`. */
  #buildIndex(g: Group, level: number): void {
    const list = g.entries;
    g.level = level;
    const index = new Map<number, Entry>();
    g.index = index;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e === null || e === undefined) continue;
      e.hash = level === 0 ? e.fp : this.#levelHash(e.row, level);
      e.next = null;
      chain(index, e);
    }
  }
}

/** A group's entries as state: `[row, count, matches][]` in group order. */
function groupState(g: Group): StateValue[] {
  const entries: StateValue[] = [];
  const list = g.entries;
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e !== null && e !== undefined) entries.push([e.row, e.count, e.matches]);
  }
  return entries;
}

/** Writes `groupState(g)` without building it. */
function writeGroup(w: StateWriter, g: Group): void {
  w.array(g.size);
  const list = g.entries;
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e === null || e === undefined) continue;
    w.array(3);
    w.value(e.row);
    w.number(e.count);
    w.number(e.matches);
  }
}

/**
 * The field that best tells a list's rows apart, cheaply: the one whose value repeats
 * least often between neighbouring rows (the first on a tie). A field shared by the
 * whole group (the group key) always loses.
 */
function mostDistinctField(list: readonly (Entry | null)[]): number {
  let width = 0;
  for (let i = 0; i < list.length; i++) width = Math.max(width, list[i]?.row.length ?? 0);
  let best = 0;
  let bestRepeats = Infinity;
  for (let f = 0; f < width && bestRepeats > 0; f++) {
    let repeats = 0;
    let prev: Entry | null = null;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e === null || e === undefined) continue;
      if (prev !== null && sameValue(prev.row[f], e.row[f])) repeats++;
      prev = e;
    }
    if (repeats < bestRepeats) {
      best = f;
      bestRepeats = repeats;
    }
  }
  return best;
}

/** Puts `e` at the head of its hash chain. */
function chain(index: Map<number, Entry>, e: Entry): void {
  const head = index.get(e.hash);
  e.next = head ?? null;
  index.set(e.hash, e);
}

function unchain(index: Map<number, Entry>, e: Entry): void {
  const head = index.get(e.hash);
  if (head === e) {
    if (e.next === null) index.delete(e.hash);
    else index.set(e.hash, e.next);
  } else {
    for (let p: Entry | null = head ?? null; p !== null; p = p.next) {
      if (p.next === e) {
        p.next = e.next;
        break;
      }
    }
  }
  e.next = null;
}

/** Drops the holes of a group's list, keeping the order. */
function compact(g: Group): void {
  const list = g.entries;
  const fps = g.fps;
  let w = 0;
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e === null || e === undefined) continue;
    e.slot = w;
    fps[w] = e.fp;
    list[w++] = e;
  }
  list.length = w;
  fps.length = w;
}

// ---------------------------------------------------------------------------
// Identity: equality and hashing, with the semantics of keyOf / rowKey (values.ts):
// SQL equality per field, NULL equal to NULL, NaN equal to NaN, 0 equal to -0, DECIMAL
// by value whatever its scale, bytes by content.
// ---------------------------------------------------------------------------

function sameValue(x: Value | undefined, y: Value | undefined): boolean {
  if (x === y) return true;
  // Two objects: DECIMAL or bytes, compared by value.
  if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) return valueEquals(x, y);
  // Different primitives: equal only as NaN and NaN, or as two absent values.
  return (x !== x && y !== y) || (x == null && y == null);
}

function sameRow(a: Row, b: Row): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

function sameFields(a: Row, b: Row, indices: readonly number[]): boolean {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (!sameValue(a[k], b[k])) return false;
  }
  return true;
}

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

function hashNumber(d: number): number {
  if ((d | 0) === d) return d | 0; // also maps -0 to 0
  if (d !== d) return 0x7ff80000; // every NaN
  F64[0] = d;
  return (I32[0]! * 31) ^ I32[1]!;
}

/**
 * Hash of a string: until its group needs full hashing, only its length and three
 * characters (cheap whatever the length; rows of one group usually differ in some
 * other field anyway).
 */
function hashString(s: string, full: boolean): number {
  const n = s.length;
  let h = n ^ 0x811c9dc5;
  if (n === 0) return h;
  if (full) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h;
  }
  h = Math.imul(h ^ s.charCodeAt(0), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(n >> 1), 0x01000193);
  return Math.imul(h ^ s.charCodeAt(n - 1), 0x01000193);
}

function hashValue(v: Value | undefined, full: boolean): number {
  if (v === null || v === undefined) return 0x2545f491;
  switch (typeof v) {
    case 'number':
      return hashNumber(v);
    case 'bigint':
      // Equal bigints convert to the same double; the rounding of huge ones only adds collisions.
      return hashNumber(Number(v));
    case 'string':
      return hashString(v, full);
    case 'boolean':
      return v ? 0x3c6ef372 : 0x6a09e667;
    default: {
      if (v instanceof Decimal) return hashString(v.canonical(), true);
      let h = v.length ^ 0x27d4eb2f;
      for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v[i]!, 0x01000193);
      return h;
    }
  }
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x5bd1e995);
  return h ^ (h >>> 15);
}

/** Hash of a whole row, within 30 bits so that the index's keys stay small integers. */
function hashRow(row: Row, full: boolean): number {
  let h = row.length;
  for (let i = 0; i < row.length; i++) h = mix(h, hashValue(row[i], full));
  return h & 0x3fffffff;
}

/** Hash of some fields of a row, within 30 bits. */
function hashFields(row: Row, fields: readonly number[], full: boolean): number {
  let h = fields.length;
  for (let i = 0; i < fields.length; i++) h = mix(h, hashValue(row[fields[i]!], full));
  return h & 0x3fffffff;
}

function badState(what: string, detail: string): StrataError {
  return new StrataError('STATE', `cannot restore ${what}: ${detail}`, {
    hint: 'The checkpoint does not belong to this job version; restart the job from scratch.',
  });
}
