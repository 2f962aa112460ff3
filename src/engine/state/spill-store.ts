import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { StrataError } from '../../core/errors.js';
import type { Key } from '../../core/values.js';

/** LMDB's largest key, in bytes (lmdb-js is built with the default 1978). */
export const MAX_SPILL_KEY_BYTES = 1978;

const K_NULL = 0;
const K_FALSE = 1;
const K_TRUE = 2;
const K_NUMBER = 3;
const K_BIGINT = 4;
const K_STRING = 5;

/** Where the space id ends and the key starts. */
const PREFIX = 4;

export interface SpillStoreOptions {
  /**
   * The directory under which the store makes its own fresh `spill-XXXXXX` directory (the
   * OS temp directory by default). The store removes what it made on `close()` and at
   * process exit; nothing in it is needed after a restart (checkpoints hold the state).
   */
  readonly dir?: string | undefined;
}

/**
 * The on-disk tier of operator state: one LMDB environment, opened on the first spill
 * (a budget that is never exceeded never touches the disk), holding for each keyed state
 * ("space") the entries evicted from memory.
 *
 * Every call is synchronous (lmdb-js `getBinaryFast`, `transactionSync`): nothing on the
 * engine's path awaits. Writes are batched by the caller inside `write(fn)`, one LMDB
 * transaction per eviction round; the environment is opened with `noSync` since a spill
 * is a cache of state that the checkpoints already make durable.
 *
 * Keys are `[u32 space id][tag][payload]`: numbers as their double in an order-keeping
 * big-endian form (0 for -0, one NaN),
 * bigints as decimal digits, strings as UTF-16 code units (lossless for any JS string), so
 * two keys are one LMDB key exactly when a Map would treat them as one key (5 and 5n stay
 * apart). A key longer than LMDB's limit cannot spill: callers keep it in memory.
 */
export class SpillStore {
  readonly #parent: string;
  #path: string | null = null;
  #db: RootDatabase<Buffer, Buffer> | null = null;
  #nextSpace = 1;
  #closed = false;
  /** Removes the directory if the process exits without `close()`. */
  readonly #onExit = (): void => this.#removeDir();
  /** Scratch for lookups: a key is encoded here and handed to LMDB, which copies it. */
  #scratch = Buffer.allocUnsafe(256);

  constructor(options: SpillStoreOptions = {}) {
    this.#parent = options.dir ?? tmpdir();
  }

  /** The environment's directory, or null before the first spill. */
  get path(): string | null {
    return this.#path;
  }

  /** A fresh namespace for one keyed state. */
  space(label: string): SpillSpace {
    return new SpillSpace(this, this.#nextSpace++, label);
  }

  /** The database, opened on first use. */
  db(): RootDatabase<Buffer, Buffer> {
    const db = this.#db;
    if (db !== null) return db;
    if (this.#closed) throw new StrataError('INTERNAL', 'the state spill store was used after it was closed');
    try {
      mkdirSync(this.#parent, { recursive: true });
      const path = mkdtempSync(join(this.#parent, 'spill-'));
      this.#path = path;
      process.once('exit', this.#onExit);
      this.#db = open<Buffer, Buffer>({
        path,
        keyEncoding: 'binary',
        encoding: 'binary',
        compression: false,
        cache: false,
        noSync: true,
        noMemInit: true,
        overlappingSync: false,
      });
    } catch (e) {
      throw new StrataError('STATE', `cannot open the state spill store under ${this.#parent}: ${describe(e)}`, {
        hint: "Make the directory writable, point the spill directory elsewhere, or raise 'state.memory-budget'.",
        domain: 'external',
        cause: e,
      });
    }
    return this.#db;
  }

  /** Runs `fn` in one synchronous write transaction (puts and removes of any space). */
  write(fn: () => void): void {
    const db = this.db();
    try {
      db.transactionSync(fn);
    } catch (e) {
      if (e instanceof StrataError) throw e;
      throw new StrataError('STATE', `cannot spill operator state to ${this.#path ?? this.#parent}: ${describe(e)}`, {
        hint: "Free disk space there, or raise 'state.memory-budget' so that less state spills.",
        domain: 'external',
        cause: e,
      });
    }
  }

  /**
   * Encodes `key` of space `id` into the scratch buffer; returns a view valid until the
   * next call, or null when the key is too long to spill.
   */
  encodeKey(id: number, key: Key): Buffer | null {
    const digits = typeof key === 'bigint' ? key.toString() : '';
    let n = PREFIX + 1;
    if (typeof key === 'string') n += 2 * key.length;
    else n += digits.length + 8;
    if (n > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(Math.max(n, 2 * this.#scratch.length));
    const b = this.#scratch;
    b.writeUInt32BE(id, 0);
    let end = PREFIX + 1;
    if (key === null) {
      b[PREFIX] = K_NULL;
    } else if (key === true || key === false) {
      b[PREFIX] = key ? K_TRUE : K_FALSE;
    } else if (typeof key === 'number') {
      b[PREFIX] = K_NUMBER;
      // SameValueZero: -0 is 0, every NaN is one key. Big-endian with the sign flipped
      // (all bits for negatives): byte order is numeric order, so neighbouring keys
      // (ids that grow) share LMDB pages.
      b.writeDoubleBE(key !== key ? NaN : key === 0 ? 0 : key, end);
      if (b[end]! >= 0x80) for (let i = end; i < end + 8; i++) b[i] = ~b[i]! & 0xff;
      else b[end] = b[end]! | 0x80;
      end += 8;
    } else if (typeof key === 'bigint') {
      b[PREFIX] = K_BIGINT;
      end += b.write(digits, end, 'latin1');
    } else {
      b[PREFIX] = K_STRING;
      end += b.write(key, end, 'utf16le');
    }
    if (end > MAX_SPILL_KEY_BYTES) return null;
    return b.subarray(0, end);
  }

  /** Closes the environment and removes its directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const db = this.#db;
    this.#db = null;
    if (db !== null) await db.close();
    this.#removeDir();
  }

  #removeDir(): void {
    const path = this.#path;
    if (path === null) return;
    this.#path = null;
    process.removeListener('exit', this.#onExit);
    rmSync(path, { recursive: true, force: true });
  }
}

/** Reads the key part of an LMDB key written by `encodeKey`. */
export function decodeSpillKey(b: Buffer): Key {
  const tag = b[PREFIX];
  switch (tag) {
    case K_NULL:
      return null;
    case K_FALSE:
      return false;
    case K_TRUE:
      return true;
    case K_NUMBER: {
      const d = Buffer.from(b.subarray(PREFIX + 1, PREFIX + 9));
      if (d[0]! >= 0x80) d[0] = d[0]! & 0x7f;
      else for (let i = 0; i < 8; i++) d[i] = ~d[i]! & 0xff;
      return d.readDoubleBE(0);
    }
    case K_BIGINT:
      return BigInt(b.toString('latin1', PREFIX + 1));
    case K_STRING:
      return b.toString('utf16le', PREFIX + 1);
    default:
      throw new StrataError('STATE', `the state spill store holds a key with an unknown tag ${String(tag)}`);
  }
}

/**
 * One keyed state's part of the spill store. `get` returns a view of LMDB's shared read
 * buffer (valid until the next read: decode it at once); `put` and `remove` run inside
 * `store.write`.
 */
export class SpillSpace {
  readonly store: SpillStore;
  readonly id: number;
  readonly label: string;

  constructor(store: SpillStore, id: number, label: string) {
    this.store = store;
    this.id = id;
    this.label = label;
  }

  /** True when `key` can be spilled (its encoding fits an LMDB key). */
  fits(key: Key): boolean {
    return this.store.encodeKey(this.id, key) !== null;
  }

  get(key: Key): Buffer | undefined {
    const k = this.store.encodeKey(this.id, key);
    if (k === null) return undefined;
    const b = this.store.db().getBinaryFast(k);
    // lmdb-js hands back its whole shared read buffer with `length` set to the value's
    // size; a plain view keeps iteration and typed-array methods within the value.
    return b === undefined ? undefined : b.subarray(0, b.length);
  }

  /** Inside `store.write` only. The key must fit (see `fits`). */
  put(key: Key, value: Buffer): void {
    const k = this.store.encodeKey(this.id, key);
    if (k === null) throw new StrataError('INTERNAL', `state spill: key too long for ${this.label}`);
    // Inside transactionSync, put and remove apply at once to the open transaction (the
    // *Sync variants would go through lmdb-js's instruction queue, ~8x slower).
    void this.store.db().put(k, value);
  }

  /** Inside `store.write` only. */
  remove(key: Key): void {
    const k = this.store.encodeKey(this.id, key);
    if (k !== null) void this.store.db().remove(k);
  }

  /** Removes `keys` in one write transaction of its own, then empties the set. */
  removeAll(keys: Set<Key>): void {
    if (keys.size === 0) return;
    this.store.write(() => {
      for (const k of keys) this.remove(k);
    });
    keys.clear();
  }

  /** Every entry of the space, in key byte order (for snapshots). Values are copies. */
  *entries(): Generator<[Key, Buffer]> {
    const start = Buffer.allocUnsafe(PREFIX);
    start.writeUInt32BE(this.id, 0);
    const end = Buffer.allocUnsafe(PREFIX);
    end.writeUInt32BE(this.id + 1, 0);
    for (const { key, value } of this.store.db().getRange({ start, end })) {
      yield [decodeSpillKey(key), Buffer.from(value)];
    }
  }

  /** Every key of the space, in key byte order. */
  *keys(): Generator<Key> {
    const start = Buffer.allocUnsafe(PREFIX);
    start.writeUInt32BE(this.id, 0);
    const end = Buffer.allocUnsafe(PREFIX);
    end.writeUInt32BE(this.id + 1, 0);
    for (const k of this.store.db().getKeys({ start, end })) yield decodeSpillKey(k);
  }

  /** Removes every entry of the space (its own transaction). */
  clear(): void {
    const keys: Buffer[] = [];
    const start = Buffer.allocUnsafe(PREFIX);
    start.writeUInt32BE(this.id, 0);
    const end = Buffer.allocUnsafe(PREFIX);
    end.writeUInt32BE(this.id + 1, 0);
    const db = this.store.db();
    for (const k of db.getKeys({ start, end })) keys.push(Buffer.from(k));
    if (keys.length === 0) return;
    this.store.write(() => {
      for (const k of keys) void db.remove(k);
    });
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
