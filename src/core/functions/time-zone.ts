import { StrataError } from '../errors.js';
import { daysFromCivil } from '../values.js';

/**
 * Time zones: converting between wall-clock TIMESTAMP values and instants (TIMESTAMP_LTZ),
 * both as microseconds since 1970-01-01.
 *
 * Zones are IANA names ('Asia/Shanghai', 'America/New_York'), 'UTC'/'GMT'/'Z', or fixed
 * offsets ('+08:00', '-0530', 'UTC+8', 'GMT-03:00'; 'GMT+8' means +08:00 as in Java, not
 * the inverted POSIX 'Etc/GMT+8'). IANA offsets come from Intl.DateTimeFormat, one
 * formatter per zone, with offsets cached per quarter hour.
 *
 * DST rule (the same as Java's LocalDateTime.atZone, which Flink uses):
 * - a wall-clock time in a gap (spring forward, e.g. 02:30 on a day clocks jump from 02:00
 *   to 03:00) is shifted later by the length of the gap (→ 03:30);
 * - a wall-clock time in an overlap (fall back, 01:30 happens twice) takes the earlier
 *   offset, i.e. the earlier of the two instants.
 */

export interface Zone {
  readonly id: string;
  /** Offset from UTC in milliseconds at the instant `ms` (epoch milliseconds). */
  offsetAtMs(ms: number): number;
  /** True when the offset never changes. */
  readonly fixed: boolean;
}

class FixedZone implements Zone {
  readonly fixed = true;
  constructor(
    readonly id: string,
    readonly offsetMs: number,
  ) {}
  offsetAtMs(_ms: number): number {
    return this.offsetMs;
  }
}

const BUCKET_MS = 15 * 60 * 1000;
const MAX_CACHE = 100_000;
const MIN_MS = -62135596800000; // 0001-01-01T00:00:00Z
const MAX_MS = 253402300799000; // 9999-12-31T23:59:59Z

class IanaZone implements Zone {
  readonly fixed = false;
  readonly #fmt: Intl.DateTimeFormat;
  readonly #cache = new Map<number, number>();

  constructor(
    readonly id: string,
    fmt: Intl.DateTimeFormat,
  ) {
    this.#fmt = fmt;
  }

  offsetAtMs(ms: number): number {
    const clamped = ms < MIN_MS ? MIN_MS : ms > MAX_MS ? MAX_MS : ms;
    const bucket = Math.floor(clamped / BUCKET_MS);
    const hit = this.#cache.get(bucket);
    if (hit !== undefined) return hit;
    const start = bucket * BUCKET_MS;
    const a = this.#exact(start);
    const b = this.#exact(start + BUCKET_MS - 1000);
    if (a === b) {
      if (this.#cache.size >= MAX_CACHE) this.#cache.clear();
      this.#cache.set(bucket, a);
      return a;
    }
    return this.#exact(clamped);
  }

  #exact(ms: number): number {
    const secMs = Math.floor(ms / 1000) * 1000;
    const parts = this.#fmt.formatToParts(new Date(secMs));
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const p of parts) {
      switch (p.type) {
        case 'year':
          year = Number(p.value);
          break;
        case 'month':
          month = Number(p.value);
          break;
        case 'day':
          day = Number(p.value);
          break;
        case 'hour':
          hour = Number(p.value) % 24;
          break;
        case 'minute':
          minute = Number(p.value);
          break;
        case 'second':
          second = Number(p.value);
          break;
        case 'era':
          bc = p.value.startsWith('B');
          break;
        default:
          break;
      }
    }
    if (bc) year = 1 - year;
    const local = (daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second) * 1000;
    return local - secMs;
  }
}

const zones = new Map<string, Zone>();

export const UTC: Zone = new FixedZone('UTC', 0);

const OFFSET = /^(?:UTC|GMT|UT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/i;

/** The zone named `id`, or null when unknown. */
export function findZone(id: string): Zone | null {
  const cached = zones.get(id);
  if (cached !== undefined) return cached;
  const zone = makeZone(id.trim());
  if (zone !== null) zones.set(id, zone);
  return zone;
}

/** The zone named `id`; throws a StrataError when unknown. */
export function zoneOf(id: string): Zone {
  const z = findZone(id);
  if (z === null) {
    throw new StrataError('SQL_VALIDATION', `unknown time zone '${id}'`, {
      hint: "Use an IANA zone name such as 'Asia/Shanghai' or an offset such as '+08:00'.",
    });
  }
  return z;
}

function makeZone(id: string): Zone | null {
  const upper = id.toUpperCase();
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z' || upper === 'UT' || upper === 'ETC/UTC' || upper === 'ETC/GMT') {
    return new FixedZone(id, 0);
  }
  const m = OFFSET.exec(id);
  if (m !== null) {
    const h = Number(m[2]);
    const mi = Number(m[3] ?? '0');
    const s = Number(m[4] ?? '0');
    if (h > 18 || mi > 59 || s > 59) return null;
    const ms = ((h * 60 + mi) * 60 + s) * 1000;
    return new FixedZone(id, m[1] === '-' ? -ms : ms);
  }
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return new IanaZone(id, fmt);
  } catch {
    return null;
  }
}

function microsToMs(micros: bigint): number {
  return Number(micros / 1000n);
}

/** Wall-clock time in `zone` of the instant `instant` (both microseconds). */
export function instantToWall(zone: Zone, instant: bigint): bigint {
  return instant + BigInt(zone.offsetAtMs(microsToMs(instant))) * 1000n;
}

const DAY_MS = 86_400_000;

/** The instant at which `zone` shows the wall-clock time `wall` (see the DST rule above). */
export function wallToInstant(zone: Zone, wall: bigint): bigint {
  const wallMs = microsToMs(wall);
  if (zone.fixed) return wall - BigInt(zone.offsetAtMs(0)) * 1000n;
  const before = zone.offsetAtMs(wallMs - DAY_MS);
  const after = zone.offsetAtMs(wallMs + DAY_MS);
  const ta = wallMs - before;
  if (ta + zone.offsetAtMs(ta) === wallMs) return wall - BigInt(before) * 1000n;
  const tb = wallMs - after;
  if (tb + zone.offsetAtMs(tb) === wallMs) return wall - BigInt(after) * 1000n;
  // In a gap: use the offset from before the transition, which lands later by the gap.
  return wall - BigInt(before) * 1000n;
}

/** `+08:00` / `-05:30` / `Z`-less text of an offset in milliseconds. */
export function formatOffset(offsetMs: number, colon = true): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const abs = Math.abs(offsetMs) / 60000;
  const h = String(Math.floor(abs / 60)).padStart(2, '0');
  const m = String(Math.floor(abs % 60)).padStart(2, '0');
  return colon ? `${sign}${h}:${m}` : `${sign}${h}${m}`;
}
