import { civilFromDays, daysFromCivil, daysInMonth, MICROS_PER_DAY } from '../values.js';

/**
 * Calendar arithmetic on Strata's temporal values (proleptic Gregorian, as Java's
 * java.time): DATE = days since 1970-01-01, TIMESTAMP = wall-clock microseconds.
 */

export const MICROS_PER_DAY_NUM = 86_400_000_000;
export const MICROS_PER_SECOND_NUM = 1_000_000;

/** Day number and microsecond of day of a timestamp (floor division, so pre-1970 works). */
export function splitTimestamp(micros: bigint): { days: number; micros: number } {
  let days = micros / MICROS_PER_DAY;
  let rem = micros - days * MICROS_PER_DAY;
  if (rem < 0n) {
    rem += MICROS_PER_DAY;
    days -= 1n;
  }
  return { days: Number(days), micros: Number(rem) };
}

export function joinTimestamp(days: number, microsOfDay: number): bigint {
  return BigInt(days) * MICROS_PER_DAY + BigInt(microsOfDay);
}

/** All calendar fields of a wall-clock timestamp. */
export interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Microseconds within the second. */
  micros: number;
}

export function fieldsOfTimestamp(micros: bigint): DateTimeFields {
  const { days, micros: tod } = splitTimestamp(micros);
  const { year, month, day } = civilFromDays(days);
  const secs = Math.floor(tod / 1_000_000);
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor(secs / 60) % 60,
    second: secs % 60,
    micros: tod % 1_000_000,
  };
}

export function fieldsOfDate(days: number): DateTimeFields {
  const { year, month, day } = civilFromDays(days);
  return { year, month, day, hour: 0, minute: 0, second: 0, micros: 0 };
}

export function timestampOfFields(f: DateTimeFields): bigint {
  const days = daysFromCivil(f.year, f.month, f.day);
  return joinTimestamp(days, ((f.hour * 60 + f.minute) * 60 + f.second) * 1_000_000 + f.micros);
}

/** ISO day of week: Monday = 1 ... Sunday = 7. */
export function isoDayOfWeek(days: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** SQL DAYOFWEEK: Sunday = 1 ... Saturday = 7. */
export function sqlDayOfWeek(days: number): number {
  return (isoDayOfWeek(days) % 7) + 1;
}

export function dayOfYear(days: number): number {
  const { year } = civilFromDays(days);
  return days - daysFromCivil(year, 1, 1) + 1;
}

/** ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(days: number): number {
  const thursday = days - isoDayOfWeek(days) + 4;
  const { year } = civilFromDays(thursday);
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

/** ISO week-based year. */
export function isoYear(days: number): number {
  return civilFromDays(days - isoDayOfWeek(days) + 4).year;
}

/** Adds months to a date, clamping the day to the end of the month (Jan 31 + 1 month = Feb 28/29). */
export function addMonthsToDate(days: number, months: number): number {
  const { year, month, day } = civilFromDays(days);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  const last = daysInMonth(y, m);
  return daysFromCivil(y, m, day > last ? last : day);
}

export function addMonthsToTimestamp(micros: bigint, months: number): bigint {
  const { days, micros: tod } = splitTimestamp(micros);
  return joinTimestamp(addMonthsToDate(days, months), tod);
}

/**
 * Whole months from `t1` to `t2` (Calcite's subtractMonths): positive when t2 is later, and
 * a month only counts once the day of month and time of day are reached.
 */
export function monthsBetween(t1: bigint, t2: bigint): number {
  if (t2 < t1) return -monthsBetween(t2, t1);
  const a = splitTimestamp(t1);
  const b = splitTimestamp(t2);
  const ca = civilFromDays(a.days);
  const cb = civilFromDays(b.days);
  let m = (cb.year - ca.year) * 12 + (cb.month - ca.month);
  // Not yet a full month when t1 shifted by m months is after t2.
  if (m > 0 && addMonthsToTimestamp(t1, m) > t2) m--;
  return m;
}
