import { daysFromCivil, daysInMonth } from '../../../core/values.js';

/**
 * MySQL's binary temporal formats in rows events, decoded straight to Strata values:
 * DATE → days since 1970-01-01, TIME → µs (signed, beyond 24 h), DATETIME → wall-clock µs
 * (bigint), TIMESTAMP → µs since the epoch (bigint, an instant in UTC).
 *
 * Zero and partial-zero dates (`0000-00-00`, `2024-00-10`) and invalid ones
 * (`2024-02-31` under ALLOW_INVALID_DATES) have no Strata value: they decode to null, as
 * in the snapshot phase (text-values.ts) and as Flink CDC does. A TIMESTAMP of 0 seconds
 * and no fraction is MySQL's zero timestamp and decodes to null as well.
 */

const MICROS_PER_DAY = 86_400_000_000;
const SAFE_DAYS = 100_000; // |days| below this keeps µs under 2^53 (years 1696–2243)

/** Days of a calendar date, or null for zero / partial / invalid dates. */
export function civilDays(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

/** Wall-clock µs of a date and a time of day, or null for an invalid date. */
export function civilMicros(year: number, month: number, day: number, hour: number, minute: number, second: number, micros: number): bigint | null {
  const days = civilDays(year, month, day);
  if (days === null) return null;
  const tod = ((hour * 60 + minute) * 60 + second) * 1_000_000 + micros;
  if (days > -SAFE_DAYS && days < SAFE_DAYS) return BigInt(days * MICROS_PER_DAY + tod);
  return BigInt(days) * 86_400_000_000n + BigInt(tod);
}

/** Fractional seconds (µs) stored in (fsp + 1) / 2 big-endian bytes at `pos`. */
export function readFraction(buf: Buffer, pos: number, fsp: number): number {
  switch (fsp) {
    case 1:
    case 2:
      return buf[pos]! * 10000;
    case 3:
    case 4:
      return ((buf[pos]! << 8) | buf[pos + 1]!) * 100;
    case 5:
    case 6:
      return (buf[pos]! << 16) | (buf[pos + 1]! << 8) | buf[pos + 2]!;
    default:
      return 0;
  }
}

/** Bytes of the fraction for `fsp` digits. */
export function fractionBytes(fsp: number): number {
  return (fsp + 1) >> 1;
}

/** MYSQL_TYPE_DATE: 3 bytes little-endian, day | month << 5 | year << 9. */
export function decodeDate(buf: Buffer, pos: number): number | null {
  const v = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16);
  return civilDays(v >>> 9, (v >>> 5) & 15, v & 31);
}

/** MYSQL_TYPE_DATETIME2: 5 bytes big-endian (offset 0x8000000000) + fraction. */
export function decodeDatetime2(buf: Buffer, pos: number, fsp: number): bigint | null {
  // 40-bit value: top byte × 2^32 + the low 32 bits.
  const hi = buf[pos]!;
  const lo = buf.readUInt32BE(pos + 1);
  const intpart = (hi - 0x80) * 4294967296 + lo;
  const ymd = Math.floor(intpart / 131072); // >> 17
  const hms = intpart - ymd * 131072;
  const ym = ymd >>> 5;
  const day = ymd & 31;
  const year = Math.floor(ym / 13);
  const month = ym % 13;
  const frac = fsp > 0 ? readFraction(buf, pos + 5, fsp) : 0;
  return civilMicros(year, month, day, hms >>> 12, (hms >>> 6) & 63, hms & 63, frac);
}

/** MYSQL_TYPE_TIMESTAMP2: 4 bytes big-endian seconds since the epoch + fraction; 0 is the zero timestamp. */
export function decodeTimestamp2(buf: Buffer, pos: number, fsp: number): bigint | null {
  const secs = buf.readUInt32BE(pos);
  const frac = fsp > 0 ? readFraction(buf, pos + 4, fsp) : 0;
  if (secs === 0 && frac === 0) return null;
  return BigInt(secs * 1_000_000 + frac);
}

/**
 * MYSQL_TYPE_TIME2: 3 bytes big-endian (offset 0x800000) + fraction; negative values keep
 * the fraction in reverse order (MySQL's my_time_packed_from_binary).
 */
export function decodeTime2(buf: Buffer, pos: number, fsp: number): number {
  let intpart = ((buf[pos]! << 16) | (buf[pos + 1]! << 8) | buf[pos + 2]!) - 0x800000;
  let frac: number;
  switch (fsp) {
    case 1:
    case 2: {
      let f = buf[pos + 3]!;
      if (intpart < 0 && f !== 0) {
        intpart++;
        f -= 0x100;
      }
      frac = f * 10000;
      break;
    }
    case 3:
    case 4: {
      let f = (buf[pos + 3]! << 8) | buf[pos + 4]!;
      if (intpart < 0 && f !== 0) {
        intpart++;
        f -= 0x10000;
      }
      frac = f * 100;
      break;
    }
    case 5:
    case 6: {
      // 6 bytes big-endian minus 0x800000000000 is the packed value itself.
      const packed = (buf[pos]! * 65536 + ((buf[pos + 1]! << 8) | buf[pos + 2]!)) * 16777216 + ((buf[pos + 3]! << 16) | (buf[pos + 4]! << 8) | buf[pos + 5]!) - 0x800000000000;
      return packedTimeMicros(packed);
    }
    default:
      frac = 0;
  }
  return packedTimeMicros(intpart * 16777216 + frac);
}

/** µs of MySQL's packed TIME (hms << 24 | µs, signed). */
export function packedTimeMicros(packed: number): number {
  const neg = packed < 0;
  const a = neg ? -packed : packed;
  const hms = Math.floor(a / 16777216);
  const frac = a - hms * 16777216;
  const hour = (hms >>> 12) & 0x3ff;
  const minute = (hms >>> 6) & 63;
  const second = hms & 63;
  const v = ((hour * 60 + minute) * 60 + second) * 1_000_000 + frac;
  return neg ? -v : v;
}

/** µs (wall clock) of MySQL's packed DATETIME/DATE (ymdhms << 24 | µs), or null for zero dates. */
export function packedDatetimeMicros(packed: bigint): bigint | null {
  const neg = packed < 0n;
  const a = neg ? -packed : packed;
  const frac = Number(a & 0xffffffn);
  const ymdhms = Number(a >> 24n);
  const ymd = Math.floor(ymdhms / 131072);
  const hms = ymdhms - ymd * 131072;
  const ym = ymd >>> 5;
  return civilMicros(Math.floor(ym / 13), ym % 13, ymd & 31, hms >>> 12, (hms >>> 6) & 63, hms & 63, frac);
}

/** Old MYSQL_TYPE_TIME: 3 bytes little-endian signed, ±HHMMSS. */
export function decodeOldTime(buf: Buffer, pos: number): number {
  let v = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16);
  if (v & 0x800000) v -= 0x1000000;
  const neg = v < 0;
  const a = neg ? -v : v;
  const h = Math.floor(a / 10000);
  const m = Math.floor(a / 100) % 100;
  const s = a % 100;
  const micros = ((h * 60 + m) * 60 + s) * 1_000_000;
  return neg ? -micros : micros;
}

/** Old MYSQL_TYPE_DATETIME: 8 bytes little-endian, YYYYMMDDhhmmss as an integer. */
export function decodeOldDatetime(buf: Buffer, pos: number): bigint | null {
  const v = buf.readUInt32LE(pos) + buf.readUInt32LE(pos + 4) * 4294967296;
  if (v === 0) return null;
  const date = Math.floor(v / 1000000);
  const time = v - date * 1000000;
  return civilMicros(Math.floor(date / 10000), Math.floor(date / 100) % 100, date % 100, Math.floor(time / 10000), Math.floor(time / 100) % 100, time % 100, 0);
}

/** Old MYSQL_TYPE_TIMESTAMP: 4 bytes little-endian seconds; 0 is the zero timestamp. */
export function decodeOldTimestamp(buf: Buffer, pos: number): bigint | null {
  const secs = buf.readUInt32LE(pos);
  return secs === 0 ? null : BigInt(secs * 1_000_000);
}
