import { Decimal } from '../../../core/decimal.js';

/**
 * MySQL's packed binary DECIMAL (the format of NEWDECIMAL in rows events and in JSON
 * opaque values): the integer part and the fraction part in groups of 9 decimal digits,
 * each full group 4 bytes big-endian, a partial group in 1–4 bytes (DIG2BYTES); the first
 * byte has its top bit flipped (set for non-negative), and every byte of a negative value
 * is inverted.
 */

const DIG2BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4] as const;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000] as const;

/** Bytes a DECIMAL(precision, scale) takes. */
export function decimalBinarySize(precision: number, scale: number): number {
  const intg = precision - scale;
  return ((intg / 9) | 0) * 4 + DIG2BYTES[intg % 9]! + ((scale / 9) | 0) * 4 + DIG2BYTES[scale % 9]!;
}

/** A big-endian group of `n` bytes at `pos`; `first` is the value's first byte (sign bit flipped). */
function readGroup(buf: Buffer, pos: number, n: number, mask: number, first: number): number {
  let v = 0;
  for (let i = pos; i < pos + n; i++) v = v * 256 + (((i === first ? buf[i]! ^ 0x80 : buf[i]!) ^ mask) & 0xff);
  return v;
}

/**
 * Decodes DECIMAL(precision, scale) at `pos` (size: decimalBinarySize). Values up to 15
 * digits are accumulated as numbers and converted to bigint once; longer ones in bigint.
 */
export function decodeDecimalBinary(buf: Buffer, pos: number, precision: number, scale: number): Decimal {
  const intg = precision - scale;
  const intg0 = (intg / 9) | 0;
  const intg0x = intg % 9;
  const frac0 = (scale / 9) | 0;
  const frac0x = scale % 9;
  const negative = (buf[pos]! & 0x80) === 0;
  const mask = negative ? 0xff : 0;
  let p = pos;
  {
    if (precision <= 15) {
      let v = 0;
      if (intg0x > 0) {
        const n = DIG2BYTES[intg0x]!;
        v = readGroup(buf, p, n, mask, pos);
        p += n;
      }
      for (let i = 0; i < intg0; i++) {
        v = v * 1e9 + readGroup(buf, p, 4, mask, pos);
        p += 4;
      }
      for (let i = 0; i < frac0; i++) {
        v = v * 1e9 + readGroup(buf, p, 4, mask, pos);
        p += 4;
      }
      if (frac0x > 0) {
        const n = DIG2BYTES[frac0x]!;
        v = v * POW10[frac0x]! + readGroup(buf, p, n, mask, pos);
      }
      return new Decimal(BigInt(negative ? -v : v), scale);
    }
    let v = 0n;
    if (intg0x > 0) {
      const n = DIG2BYTES[intg0x]!;
      v = BigInt(readGroup(buf, p, n, mask, pos));
      p += n;
    }
    for (let i = 0; i < intg0; i++) {
      v = v * 1000000000n + BigInt(readGroup(buf, p, 4, mask, pos));
      p += 4;
    }
    for (let i = 0; i < frac0; i++) {
      v = v * 1000000000n + BigInt(readGroup(buf, p, 4, mask, pos));
      p += 4;
    }
    if (frac0x > 0) {
      const n = DIG2BYTES[frac0x]!;
      v = v * BigInt(POW10[frac0x]!) + BigInt(readGroup(buf, p, n, mask, pos));
    }
    return new Decimal(negative ? -v : v, scale);
  }
}

/** Encodes a Decimal (already at `scale`) as DECIMAL(precision, scale): for tests and tools. */
export function encodeDecimalBinary(value: Decimal, precision: number, scale: number): Buffer {
  const intg = precision - scale;
  const intg0 = (intg / 9) | 0;
  const intg0x = intg % 9;
  const frac0 = (scale / 9) | 0;
  const frac0x = scale % 9;
  const v = value.rescale(scale);
  const negative = v.unscaled < 0n;
  const digits = (negative ? -v.unscaled : v.unscaled).toString().padStart(precision, '0');
  if (digits.length > precision) throw new RangeError(`${value.toString()} does not fit DECIMAL(${precision}, ${scale})`);
  const out = Buffer.alloc(decimalBinarySize(precision, scale));
  let p = 0;
  let d = 0;
  const put = (digitCount: number, bytes: number): void => {
    let n = digitCount === 0 ? 0 : Number(digits.slice(d, d + digitCount));
    d += digitCount;
    for (let i = bytes - 1; i >= 0; i--) {
      out[p + i] = n & 0xff;
      n = Math.floor(n / 256);
    }
    p += bytes;
  };
  if (intg0x > 0) put(intg0x, DIG2BYTES[intg0x]!);
  for (let i = 0; i < intg0; i++) put(9, 4);
  for (let i = 0; i < frac0; i++) put(9, 4);
  if (frac0x > 0) put(frac0x, DIG2BYTES[frac0x]!);
  if (negative) for (let i = 0; i < out.length; i++) out[i] = out[i]! ^ 0xff;
  out[0] = out[0]! ^ 0x80;
  return out;
}
