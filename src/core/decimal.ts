/**
 * An exact decimal: `unscaled × 10^-scale`. Immutable. Arithmetic never loses a digit;
 * `rescale` rounds HALF_UP (Flink's and MySQL's rounding for DECIMAL).
 */
export class Decimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    this.unscaled = unscaled;
    this.scale = scale;
  }

  static readonly ZERO = new Decimal(0n, 0);

  /** Parses `-12.3400`, `+5`, `.5`, `1e3`, `1.5E-2`. Returns null when the text is not a number. */
  static parse(text: string): Decimal | null {
    const m = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (m === null) return null;
    const intPart = m[2] ?? '';
    const fracPart = m[3] ?? '';
    if (intPart === '' && fracPart === '') return null;
    let unscaled = BigInt((intPart || '0') + fracPart);
    let scale = fracPart.length;
    if (m[4] !== undefined) {
      const exp = Number(m[4]);
      scale -= exp;
      if (scale < 0) {
        unscaled *= 10n ** BigInt(-scale);
        scale = 0;
      }
    }
    return new Decimal(m[1] === '-' ? -unscaled : unscaled, scale);
  }

  static fromBigint(v: bigint): Decimal {
    return new Decimal(v, 0);
  }

  /** Exact conversion of a finite double via its shortest decimal representation. */
  static fromNumber(v: number): Decimal | null {
    if (!Number.isFinite(v)) return null;
    return Decimal.parse(String(v));
  }

  /** Rounds (HALF_UP, away from zero on .5) or pads to `scale` digits after the point. */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const div = 10n ** BigInt(this.scale - scale);
    const q = this.unscaled / div;
    const r = this.unscaled % div;
    const twice = (r < 0n ? -r : r) * 2n;
    const rounded = twice >= div ? (this.unscaled < 0n ? q - 1n : q + 1n) : q;
    return new Decimal(rounded, scale);
  }

  /** Truncates toward zero to `scale` digits. */
  truncate(scale: number): Decimal {
    if (scale >= this.scale) return this.rescale(scale);
    return new Decimal(this.unscaled / 10n ** BigInt(this.scale - scale), scale);
  }

  /** Number of significant integer + fraction digits of the unscaled value. */
  precision(): number {
    const u = this.unscaled < 0n ? -this.unscaled : this.unscaled;
    return u === 0n ? 1 : u.toString().length;
  }

  /** True when the value fits DECIMAL(precision, scale) after rounding to `scale`. */
  fits(precision: number, scale: number): boolean {
    const r = this.rescale(scale);
    const u = r.unscaled < 0n ? -r.unscaled : r.unscaled;
    return u < 10n ** BigInt(precision);
  }

  add(o: Decimal): Decimal {
    if (this.scale === o.scale) return new Decimal(this.unscaled + o.unscaled, this.scale);
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.rescale(s).unscaled + o.rescale(s).unscaled, s);
  }

  sub(o: Decimal): Decimal {
    if (this.scale === o.scale) return new Decimal(this.unscaled - o.unscaled, this.scale);
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.rescale(s).unscaled - o.rescale(s).unscaled, s);
  }

  mul(o: Decimal): Decimal {
    return new Decimal(this.unscaled * o.unscaled, this.scale + o.scale);
  }

  /** Division rounded HALF_UP to `scale` digits; null on division by zero. */
  div(o: Decimal, scale: number): Decimal | null {
    if (o.unscaled === 0n) return null;
    // this / o = (tu / 10^ts) / (ou / 10^os); compute with 1 extra digit then round.
    const extra = scale + 1;
    const shift = extra - this.scale + o.scale;
    let num = this.unscaled;
    let den = o.unscaled;
    if (shift >= 0) num *= 10n ** BigInt(shift);
    else den *= 10n ** BigInt(-shift);
    const q = new Decimal(num / den, extra);
    return q.rescale(scale);
  }

  /** Remainder with the sign of the dividend (SQL MOD). */
  mod(o: Decimal): Decimal | null {
    if (o.unscaled === 0n) return null;
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.rescale(s).unscaled % o.rescale(s).unscaled, s);
  }

  negate(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  abs(): Decimal {
    return this.unscaled < 0n ? this.negate() : this;
  }

  sign(): number {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  compare(o: Decimal): number {
    if (this.scale === o.scale) return this.unscaled < o.unscaled ? -1 : this.unscaled > o.unscaled ? 1 : 0;
    const s = Math.max(this.scale, o.scale);
    const a = this.rescale(s).unscaled;
    const b = o.rescale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(o: Decimal): boolean {
    return this.compare(o) === 0;
  }

  /** Scale-independent canonical text: trailing zeros dropped (used for hashing). */
  canonical(): string {
    let u = this.unscaled;
    let s = this.scale;
    while (s > 0 && u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    return new Decimal(u, s).toString();
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** Integer part, truncated toward zero. */
  toBigint(): bigint {
    return this.scale === 0 ? this.unscaled : this.unscaled / 10n ** BigInt(this.scale);
  }

  /** Plain notation with exactly `scale` fraction digits: `-0.50`, `12`, `3.140`. */
  toString(): string {
    const neg = this.unscaled < 0n;
    const digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) {
      const z = this.scale < 0 ? '0'.repeat(-this.scale) : '';
      return (neg ? '-' : '') + digits + z;
    }
    const padded = digits.padStart(this.scale + 1, '0');
    const cut = padded.length - this.scale;
    return (neg ? '-' : '') + padded.slice(0, cut) + '.' + padded.slice(cut);
  }

  toJSON(): string {
    return this.toString();
  }
}
