import { StrataError } from '../../core/errors.js';
import type { Key } from '../../core/values.js';
import { decodeState, encodeState, type StateValue, type StateWriter } from './codec.js';
import { readDelta, type StateDelta } from './delta.js';
import { KeyFilter } from './key-filter.js';
import type { SpillSpace } from './spill-store.js';
import type { KeyedStateOptions, SpillableTier, StateBudget } from './state-budget.js';

/** How a SpillableMap turns its values into spillable state and back. */
export interface SpillCodec<V> {
  /** The value as plain state (shares nothing mutable with it). */
  encode(value: V): StateValue;
  /** A value from what `encode` returned (after a trip through the codec's bytes). */
  decode(key: Key, state: StateValue): V;
  /** Approximate heap bytes of the entry (key, value, map slot); sampled, not called per access. */
  weigh(key: Key, value: V): number;
  /** Rows the value stands for (metrics). */
  rows(value: V): number;
  /** Writes `encode(value)` without building it (optional: a streaming snapshot calls `encode` otherwise). */
  write?(w: StateWriter, value: V): void;
}

/** A new entry is weighed once in this many. */
const SAMPLE_EVERY = 32;
/** Disk copies of entries that died in memory, removed in one transaction. */
const FLUSH_DELETES_AT = 4096;

/**
 * A `Map<Key, V>` whose entries can spill to disk: the keyed state of the group
 * aggregate, changelog-normalize and upsert-materialize.
 *
 * Hot tier: a Map in recency order. Until the budget is first exceeded the map is used
 * as is (no recency bookkeeping; a miss costs one extra integer test). From the first
 * eviction on, `get` moves a hit to the back, so the front holds the least recently used
 * entries, and the budget evicts from the front.
 *
 * Cold tier: the map's space in the spill store, values encoded with `state/codec.ts`.
 * A miss while anything is spilled reads the key there (one LMDB lookup), decodes the
 * value and makes it hot again. The disk copy stays (memory wins; the next eviction
 * overwrites it), unless the entry is deleted in memory: then the copy is removed at
 * the next write transaction and misses skip it until then.
 *
 * Values are objects the caller may mutate in place between calls; the map never holds
 * a reference across an eviction that the caller could still use, because evictions
 * happen only in `StateBudget.check()`, which the owner calls outside any use of its
 * entries (and `evictable()` refuses while `pin` says the owner is inside a step).
 *
 * Deltas (incremental checkpoints): from the first `snapshot`, `writeSnapshot`, `delta`
 * or `clear` on, the keys set, deleted or `touch`ed (a value changed in place) are kept in
 * a Set; `delta()` returns their current values (or that they are gone) and starts a new
 * epoch; `applyDelta` replays one onto the state of the previous epoch.
 */
export class SpillableMap<V> implements SpillableTier {
  readonly label: string;
  readonly #codec: SpillCodec<V>;
  readonly #budget: StateBudget | null;
  #space: SpillSpace | null = null;
  #hot = new Map<Key, V>();
  /** Keys on disk and not in memory. */
  #spilled = 0;
  #spilledRows = 0;
  /** Keys in memory whose disk copy is still there (read back from disk). */
  readonly #shadowed = new Set<Key>();
  /** Keys deleted in memory whose disk copies must go: removed at the next write. */
  readonly #stale = new Set<Key>();
  /** The keys written to disk (null until the first eviction): most misses skip the LMDB read. */
  #filter: KeyFilter | null = null;
  /** Recency bookkeeping, on from the first eviction. */
  #tracking = false;
  #avgBytes = 0;
  #sampleTick = 0;
  /** The owner holds references to entries (inside a step): no eviction now. */
  pinned = false;
  /** Keys changed since the last snapshot, delta or restore; null until the first of those. */
  #changed: Set<Key> | null = null;

  constructor(codec: SpillCodec<V>, options?: KeyedStateOptions) {
    this.#codec = codec;
    this.#budget = options?.budget ?? null;
    this.label = options?.label ?? 'keyed state';
    if (this.#budget !== null) this.#space = this.#budget.register(this);
  }

  /** Keys held, in memory and on disk. */
  get size(): number {
    return this.#hot.size + this.#spilled;
  }

  /** Keys held in memory. */
  get hotSize(): number {
    return this.#hot.size;
  }

  get(key: Key): V | undefined {
    const hot = this.#hot;
    const v = hot.get(key);
    if (v !== undefined) {
      if (this.#tracking) {
        hot.delete(key);
        hot.set(key, v);
      }
      return v;
    }
    return this.#spilled === 0 ? undefined : this.#load(key);
  }

  /** Sets the value of `key` (new, or replacing the value `get` returned). */
  set(key: Key, value: V): void {
    const hot = this.#hot;
    const before = hot.size;
    hot.set(key, value);
    if (this.#changed !== null) this.#changed.add(key);
    if (hot.size !== before && this.#budget !== null && this.#sampleTick++ % SAMPLE_EVERY === 0) {
      this.#sample(this.#codec.weigh(key, value));
    }
  }

  /** Removes `key`, which `get` has made hot (or which is absent). */
  delete(key: Key): void {
    this.#hot.delete(key);
    if (this.#changed !== null) this.#changed.add(key);
    if (this.#shadowed.size > 0 && this.#shadowed.delete(key)) {
      this.#stale.add(key);
      if (this.#stale.size >= FLUSH_DELETES_AT) this.#flushStale();
    }
  }

  /** Notes that the value of `key` (made hot by `get`) was changed in place: the next delta holds it. */
  touch(key: Key): void {
    if (this.#changed !== null) this.#changed.add(key);
  }

  /** Every entry as plain state (`states()`), and a new delta epoch. */
  snapshot(): Map<Key, StateValue> {
    const m = new Map<Key, StateValue>(this.states());
    this.startEpoch();
    return m;
  }

  /**
   * Writes what `snapshot()` returns (the same bytes as its encoding) without building
   * it: hot values through the codec's `write` (or `encode`), spilled ones copied as the
   * bytes the spill store holds. Starts a new delta epoch.
   */
  writeSnapshot(w: StateWriter): void {
    const codec = this.#codec;
    const hot = this.#hot;
    const handle = w.beginMap();
    let n = 0;
    const direct = codec.write;
    for (const [k, v] of hot) {
      w.value(k);
      if (direct !== undefined) direct.call(codec, w, v);
      else w.value(codec.encode(v));
      n++;
    }
    if (this.#spilled > 0) {
      this.#flushStale();
      for (const [k, buf] of this.#space!.entries()) {
        if (hot.has(k)) continue;
        w.value(k);
        w.raw(buf);
        n++;
      }
    }
    w.endMap(handle, n);
    this.startEpoch();
  }

  /**
   * The entries changed since the last snapshot, delta or restore (`StateDelta`: their
   * current values as plain state, and the keys deleted), and a new epoch.
   */
  delta(): StateDelta {
    const changed = this.#changed;
    if (changed === null) throw new StrataError('INTERNAL', `${this.label}: a delta was asked for before any snapshot or restore`);
    const codec = this.#codec;
    const set = new Map<Key, StateValue>();
    const removed: Key[] = [];
    for (const k of changed) {
      const v = this.#hot.get(k);
      if (v !== undefined) {
        set.set(k, codec.encode(v));
        continue;
      }
      const s = this.#spilled > 0 ? this.#diskState(k) : undefined;
      if (s === undefined) removed.push(k);
      else set.set(k, s);
    }
    this.startEpoch();
    return { set, removed };
  }

  /**
   * Applies a delta taken by `delta()` (values through the codec's `decode`, which
   * checks them) and starts a new epoch. The owner calls its budget's `check()` after.
   */
  applyDelta(delta: StateValue, what: string): void {
    const { set, removed } = readDelta(delta, what);
    const codec = this.#codec;
    for (let i = 0; i < removed.length; i++) {
      const k = removed[i]!;
      // Made hot first, so a disk copy is dropped with it.
      if (this.get(k) !== undefined) this.delete(k);
    }
    for (const [k, s] of set) {
      const v = codec.decode(k, s);
      this.get(k);
      this.set(k, v);
    }
    this.startEpoch();
  }

  /** Keys changed since the last epoch (what `delta()` would hold); 0 when not tracking. */
  get changedCount(): number {
    return this.#changed?.size ?? 0;
  }

  /** Restarts change tracking: the state now is the base of the next delta (owners call it after a restore). */
  startEpoch(): void {
    if (this.#changed === null) this.#changed = new Set();
    else this.#changed.clear();
  }

  #diskState(key: Key): StateValue | undefined {
    if (this.#filter !== null && !this.#filter.mayContain(key)) return undefined;
    if (this.#stale.size > 0 && this.#stale.has(key)) return undefined;
    const buf = this.#space!.get(key);
    return buf === undefined ? undefined : decodeState(buf);
  }

  /** Every entry, hot ones first, each as plain state (for snapshots). */
  *states(): Generator<[Key, StateValue]> {
    const codec = this.#codec;
    const hot = this.#hot;
    for (const [k, v] of hot) yield [k, codec.encode(v)];
    if (this.#spilled === 0) return;
    this.#flushStale();
    for (const [k, buf] of this.#space!.entries()) if (!hot.has(k)) yield [k, decodeState(buf)];
  }

  /** The hot entries (values may be mutated; no inserts or deletes while iterating). */
  hotValues(): IterableIterator<V> {
    return this.#hot.values();
  }

  /** Empties both tiers. */
  clear(): void {
    this.#hot.clear();
    if (this.#spilled > 0 || this.#stale.size > 0 || this.#filter !== null) this.#space!.clear();
    this.#filter = null;
    this.#stale.clear();
    this.#shadowed.clear();
    this.#spilled = 0;
    this.#spilledRows = 0;
  }

  // SpillableTier -----------------------------------------------------------

  hotBytes(): number {
    return this.#hot.size * this.#avgBytes;
  }

  hotRows(): number {
    const codec = this.#codec;
    let n = 0;
    for (const v of this.#hot.values()) n += codec.rows(v);
    return n;
  }

  spilledRows(): number {
    return this.#spilledRows;
  }

  evictable(): boolean {
    return !this.pinned && this.#hot.size > 0;
  }

  evict(bytes: number): number {
    const space = this.#space;
    if (space === null || this.#avgBytes <= 0) return 0;
    this.#tracking = true;
    const want = Math.ceil(bytes / this.#avgBytes);
    const hot = this.#hot;
    const victims: Key[] = [];
    // The front of the map is the least recently used (or, before tracking, the oldest).
    for (const k of hot.keys()) {
      if (victims.length >= want) break;
      if (space.fits(k)) victims.push(k);
    }
    if (victims.length === 0) return 0;
    const codec = this.#codec;
    const stale = this.#stale;
    const shadowed = this.#shadowed;
    const filter = (this.#filter ??= new KeyFilter());
    let weight = 0;
    let rows = 0;
    this.#budget!.store.write(() => {
      for (const k of stale) space.remove(k);
      stale.clear();
      for (const k of victims) {
        const v = hot.get(k)!;
        const buf = encodeState(codec.encode(v));
        weight += 48 + 2 * buf.length;
        rows += codec.rows(v);
        space.put(k, buf);
        filter.add(k);
      }
    });
    for (const k of victims) {
      hot.delete(k);
      shadowed.delete(k);
    }
    this.#spilled += victims.length;
    this.#spilledRows += rows;
    if (filter.full) {
      filter.reset(2 * (this.#spilled + hot.size));
      for (const k of space.keys()) filter.add(k);
    }
    const freed = victims.length * this.#avgBytes;
    // What was evicted is a fresh sample of the entries' real sizes.
    this.#avgBytes = 0.5 * this.#avgBytes + 0.5 * (weight / victims.length);
    return freed;
  }

  // -------------------------------------------------------------------------

  #sample(w: number): void {
    this.#avgBytes = this.#avgBytes === 0 ? w : this.#avgBytes + (w - this.#avgBytes) / 16;
  }

  #load(key: Key): V | undefined {
    if (this.#filter !== null && !this.#filter.mayContain(key)) return undefined;
    if (this.#stale.size > 0 && this.#stale.has(key)) return undefined;
    const buf = this.#space!.get(key);
    if (buf === undefined) return undefined;
    const v = this.#codec.decode(key, decodeState(buf));
    this.#spilled--;
    this.#spilledRows -= this.#codec.rows(v);
    this.#hot.set(key, v);
    this.#shadowed.add(key);
    return v;
  }

  #flushStale(): void {
    if (this.#stale.size > 0) this.#space!.removeAll(this.#stale);
  }
}
