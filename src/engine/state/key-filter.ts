import type { Key } from '../../core/values.js';

/** Bits per key: about 1% false positives with 7 probes. */
const BITS_PER_KEY = 10;
const PROBES = 7;
const MIN_KEYS = 1024;

/**
 * A Bloom filter over the keys a tier has written to its spill store, so that a lookup
 * of a key that was never spilled (a new join key, a new group) skips the LMDB read.
 * Keys are only added; one that leaves the disk stays in the filter (a false positive
 * costs one LMDB lookup) until the owner rebuilds the filter from the keys on disk,
 * which it does when more keys were added than the filter was sized for.
 *
 * Off the JS heap in practice: the bits are one typed array (10 bits per key).
 */
export class KeyFilter {
  #bits: Int32Array;
  #mask: number;
  #capacity: number;
  #added = 0;

  constructor(capacity = MIN_KEYS) {
    this.#capacity = 0;
    this.#bits = new Int32Array(0);
    this.#mask = 0;
    this.reset(capacity);
  }

  /** Keys added since the last reset. */
  get added(): number {
    return this.#added;
  }

  /** True when more keys were added than the filter was sized for: rebuild it. */
  get full(): boolean {
    return this.#added > this.#capacity;
  }

  /** Empties the filter and sizes it for `capacity` keys. */
  reset(capacity: number): void {
    const cap = Math.max(MIN_KEYS, Math.ceil(capacity));
    let bits = 32;
    while (bits < cap * BITS_PER_KEY) bits *= 2;
    this.#bits = new Int32Array(bits >>> 5);
    this.#mask = bits - 1;
    this.#capacity = cap;
    this.#added = 0;
  }

  add(key: Key): void {
    const h1 = hashKey(key);
    const h2 = (Math.imul(h1, 0x9e3779b1) >>> 15) | 1;
    const bits = this.#bits;
    const mask = this.#mask;
    let h = h1;
    for (let i = 0; i < PROBES; i++) {
      const b = h & mask;
      bits[b >>> 5] = bits[b >>> 5]! | (1 << (b & 31));
      h = (h + h2) | 0;
    }
    this.#added++;
  }

  /** False: the key was never added since the last reset. True: it may have been. */
  mayContain(key: Key): boolean {
    const h1 = hashKey(key);
    const h2 = (Math.imul(h1, 0x9e3779b1) >>> 15) | 1;
    const bits = this.#bits;
    const mask = this.#mask;
    let h = h1;
    for (let i = 0; i < PROBES; i++) {
      const b = h & mask;
      if ((bits[b >>> 5]! & (1 << (b & 31))) === 0) return false;
      h = (h + h2) | 0;
    }
    return true;
  }
}

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A 32-bit hash of a key; equal keys (SameValueZero) hash alike, 5 and 5n too (harmless here). */
export function hashKey(key: Key): number {
  if (key === null) return 0x2545f491;
  switch (typeof key) {
    case 'number':
      if ((key | 0) === key) return fmix(key | 0);
      if (key !== key) return 0x7ff80000;
      F64[0] = key;
      return fmix(Math.imul(I32[0]!, 31) ^ I32[1]!);
    case 'bigint':
      return hashKey(Number(key));
    case 'boolean':
      return key ? 0x3c6ef372 : 0x6a09e667;
    default: {
      let h = key.length ^ 0x811c9dc5;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      return fmix(h);
    }
  }
}
