import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { valueEquals, type Key, type Row, type Value } from '../../core/values.js';
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
 */
export class KeyedMultiset {
  readonly #groups = new GroupMap();
  readonly #uniqueKey: readonly number[] | null;
  /** The fields the fingerprint hashes; null (multiset mode) until chosen. */
  #fpFields: readonly number[] | null;
  #rows = 0;

  constructor(uniqueKey: readonly number[] | null) {
    this.#uniqueKey = uniqueKey;
    this.#fpFields = uniqueKey;
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

  /** The entries of one group; undefined when the group is empty. Do not modify it. */
  group(key: Key): KeyedGroup | undefined {
    return this.#groups.get(key);
  }

  /** The entry of group `key` that holds `row` (an equal row, or in unique-key mode the row with the same unique key). */
  find(key: Key, row: Row): KeyedEntry | undefined {
    const g = this.#groups.get(key);
    if (g === undefined) return undefined;
    const f = this.#fpFields;
    return this.#find(g, row, f === null ? 0 : hashFields(row, f, false));
  }

  /**
   * Adds one copy of `row` to group `key` and returns its entry (a new one with
   * `matches` = 0, or the existing one with its count raised).
   */
  add(key: Key, row: Row): KeyedEntry {
    let g = this.#groups.get(key);
    if (g === undefined) g = this.#groups.create(key);
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
    this.#rows--;
    if (--e.count > 0) return;
    const list = g.entries;
    const fps = g.fps;
    list[e.slot] = null;
    fps[e.slot] = NO_FP;
    e.slot = -1;
    if (g.index !== null) unchain(g.index, e);
    if (--g.size === 0) {
      this.#groups.delete(g);
      return;
    }
    // Trailing holes go at once; inner holes when they outnumber the live entries.
    while (list.length > 0 && list[list.length - 1] === null) {
      list.pop();
      fps.pop();
    }
    if (list.length > 2 * g.size) compact(g);
  }

  /** A copy of the whole state as plain data (the live state may change afterwards). */
  snapshot(): StateValue {
    const out = new Map<Key, StateValue>();
    for (const g of this.#groups.values()) {
      const entries: StateValue[] = [];
      const list = g.entries;
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        if (e !== null && e !== undefined) entries.push([e.row, e.count, e.matches]);
      }
      out.set(g.key, entries);
    }
    return out;
  }

  /** Replaces the state with a snapshot taken by `snapshot()` (possibly encoded and decoded). */
  restore(state: StateValue, what: string): void {
    this.#groups.clear();
    this.#rows = 0;
    this.#fpFields = this.#uniqueKey;
    if (!(state instanceof Map)) throw badState(what, 'expected a map of groups');
    for (const [key, entries] of state as ReadonlyMap<Key, StateValue>) {
      if (!Array.isArray(entries)) throw badState(what, 'a group is not a list of entries');
      // Registered first: choosing the fingerprint (in #append) rehashes every group.
      const g = this.#groups.get(key) ?? this.#groups.create(key);
      for (const raw of entries as readonly StateValue[]) {
        if (!Array.isArray(raw) || raw.length !== 3) throw badState(what, 'an entry is not [row, count, matches]');
        const [row, count, matches] = raw as readonly StateValue[];
        if (!Array.isArray(row) || typeof count !== 'number' || count < 1 || typeof matches !== 'number') {
          throw badState(what, 'an entry is not [row, count, matches]');
        }
        const r = row as Row;
        const f = this.#fpFields;
        this.#append(g, r, count, matches, f === null ? 0 : hashFields(r, f, false));
        this.#rows += count;
      }
      if (g.size === 0) this.#groups.delete(g);
    }
  }

  /** Appends a new entry (the caller knows the row is not present) with fingerprint `fp`. */
  #append(g: Group, row: Row, count: number, matches: number, fp: number): Entry {
    const list = g.entries;
    const e = new Entry(row, count, matches, list.length, fp);
    list.push(e);
    g.fps.push(fp);
    g.size++;
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
