/**
 * A small, fast, seedable pseudo-random generator (xoshiro128**), whose whole state is
 * four 32-bit numbers so a source can checkpoint it and continue the same sequence.
 * Not for cryptography.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number | bigint) {
    // splitmix32 expands the seed into the four words of state.
    let s = Number(BigInt.asUintN(32, BigInt(seed)) ^ BigInt.asUintN(32, BigInt(seed) >> 32n)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** A double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** An integer in [min, max] (both safe integers, min ≤ max). */
  nextInt(min: number, max: number): number {
    return min + Math.floor(this.nextDouble() * (max - min + 1));
  }

  /** A bigint in [min, max] (min ≤ max), any width. */
  nextBigint(min: bigint, max: bigint): bigint {
    const span = max - min + 1n;
    if (span <= 0x20000000000000n) return min + BigInt(Math.floor(this.nextDouble() * Number(span)));
    // Draw 32 extra bits beyond the span's width so the modulo bias is negligible.
    const bits = span.toString(2).length + 32;
    let r = 0n;
    for (let got = 0; got < bits; got += 32) r = (r << 32n) | BigInt(this.nextUint32());
    return min + (r % span);
  }

  /** The generator's state, for a checkpoint. */
  state(): [number, number, number, number] {
    return [this.#a, this.#b, this.#c, this.#d];
  }

  setState(s: readonly number[]): void {
    this.#a = (s[0] ?? 1) >>> 0;
    this.#b = (s[1] ?? 0) >>> 0;
    this.#c = (s[2] ?? 0) >>> 0;
    this.#d = (s[3] ?? 0) >>> 0;
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
