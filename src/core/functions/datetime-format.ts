import { civilFromDays, daysFromCivil, daysInMonth, MICROS_PER_DAY } from '../values.js';
import { dayOfYear, isoDayOfWeek, isoWeek, type DateTimeFields } from './calendar.js';
import { formatOffset } from './time-zone.js';

/**
 * Java date-time patterns ('yyyy-MM-dd HH:mm:ss.SSS', as SimpleDateFormat and
 * DateTimeFormatter write them) for DATE_FORMAT, TO_TIMESTAMP, TO_DATE, UNIX_TIMESTAMP,
 * FROM_UNIXTIME.
 *
 * Letters: G era, y/u year (yy = two digits, 2000-2099 when parsing), M/L month (M, MM, MMM
 * Jan, MMMM January), d day, D day of year, E day name (EEE Mon, EEEE Monday), e/c ISO day
 * number, a AM/PM, H 0-23, k 1-24, K 0-11, h 1-12, m minute, s second, S fraction of second
 * (SSS = milliseconds, up to 9 digits), w ISO week, Z +0800, X/x +08/+0800/+08:00 (X: Z
 * for zero), z/V zone offset text. Text in single quotes is literal ('' is a quote).
 * Patterns are compiled once and cached.
 */

type Token =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const KNOWN = 'GyuMLdDEecaHkKhmsSwZXxzV';

/** Splits a pattern into tokens; null when it uses an unknown letter or an unterminated quote. */
function tokenize(pattern: string): Token[] | null {
  const out: Token[] = [];
  let lit = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        lit += "'";
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) return null;
      // Quoted text; '' inside quotes is a quote.
      let j = i + 1;
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            lit += "'";
            j += 2;
            continue;
          }
          break;
        }
        lit += pattern[j];
        j++;
      }
      if (j >= pattern.length) return null;
      i = j + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!KNOWN.includes(c)) return null;
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      if (lit !== '') {
        out.push({ kind: 'literal', text: lit });
        lit = '';
      }
      out.push({ kind: 'field', letter: c, count: j - i });
      i = j;
      continue;
    }
    lit += c;
    i++;
  }
  if (lit !== '') out.push({ kind: 'literal', text: lit });
  return out;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

/** Fields to format plus the zone offset (ms) to print for Z/X/z. */
export interface FormatInput extends DateTimeFields {
  /** Days since 1970-01-01 of (year, month, day). */
  readonly days: number;
  readonly offsetMs: number;
}

export type DateFormatter = (f: FormatInput) => string;

const formatterCache = new Map<string, DateFormatter | null>();

/** A formatter for a Java pattern, or null when the pattern is invalid. Cached. */
export function compileFormatter(pattern: string): DateFormatter | null {
  const hit = formatterCache.get(pattern);
  if (hit !== undefined) return hit;
  const tokens = tokenize(pattern);
  const f = tokens === null ? null : buildFormatter(tokens);
  if (formatterCache.size > 1000) formatterCache.clear();
  formatterCache.set(pattern, f);
  return f;
}

/** What a token's text depends on: nothing or the date only (literals, G y u M L d D E e c w). */
const NEEDS_DATE = 0;
/** The time of day (a H k K h m s S). */
const NEEDS_TIME = 1;
/** The zone offset (Z X x z V). */
const NEEDS_OFFSET = 2;
type Needs = typeof NEEDS_DATE | typeof NEEDS_TIME | typeof NEEDS_OFFSET;

function needsOf(t: Token): Needs {
  if (t.kind === 'literal') return NEEDS_DATE;
  if ('aHkKhmsS'.includes(t.letter)) return NEEDS_TIME;
  if ('ZXxzV'.includes(t.letter)) return NEEDS_OFFSET;
  return NEEDS_DATE;
}

/** The text of one token from the fields. */
function partOf(t: Token): (f: FormatInput) => string {
  if (t.kind === 'literal') {
    const text = t.text;
    return () => text;
  }
  const n = t.count;
  switch (t.letter) {
    case 'G':
      return (f) => (f.year > 0 ? 'AD' : 'BC');
    case 'y':
    case 'u':
      return n === 2 ? (f) => pad(((f.year % 100) + 100) % 100, 2) : (f) => pad(f.year, n);
    case 'M':
    case 'L':
      if (n >= 4) return (f) => MONTHS[f.month - 1]!;
      if (n === 3) return (f) => MONTHS[f.month - 1]!.slice(0, 3);
      return (f) => pad(f.month, n);
    case 'd':
      return (f) => pad(f.day, n);
    case 'D':
      return (f) => pad(dayOfYear(f.days), n);
    case 'E':
      return n >= 4 ? (f) => DAYS[isoDayOfWeek(f.days) - 1]! : (f) => DAYS[isoDayOfWeek(f.days) - 1]!.slice(0, 3);
    case 'e':
    case 'c':
      return (f) => pad(isoDayOfWeek(f.days), n);
    case 'a':
      return (f) => (f.hour < 12 ? 'AM' : 'PM');
    case 'H':
      return (f) => pad(f.hour, n);
    case 'k':
      return (f) => pad(f.hour === 0 ? 24 : f.hour, n);
    case 'K':
      return (f) => pad(f.hour % 12, n);
    case 'h':
      return (f) => pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n);
    case 'm':
      return (f) => pad(f.minute, n);
    case 's':
      return (f) => pad(f.second, n);
    case 'S':
      return (f) => String(f.micros).padStart(6, '0').padEnd(9, '0').slice(0, Math.min(n, 9)).padEnd(n, '0');
    case 'w':
      return (f) => pad(isoWeek(f.days), n);
    case 'Z':
      return (f) => formatOffset(f.offsetMs, false);
    case 'X':
    case 'x':
      return (f) => {
        if (t.letter === 'X' && f.offsetMs === 0) return 'Z';
        if (n === 1) {
          const o = formatOffset(f.offsetMs, false);
          return o.endsWith('00') ? o.slice(0, 3) : o;
        }
        return formatOffset(f.offsetMs, n >= 3);
      };
    default:
      // z, V: the offset text (Strata does not keep zone names with values).
      return (f) => (f.offsetMs === 0 ? 'UTC' : formatOffset(f.offsetMs, true));
  }
}

function buildFormatter(tokens: readonly Token[]): DateFormatter {
  const parts = tokens.map(partOf);
  return (f) => {
    let s = '';
    for (let i = 0; i < parts.length; i++) s += parts[i]!(f);
    return s;
  };
}

// ---------------------------------------------------------------------------
// Formatting wall-clock microseconds (the hot path of DATE_FORMAT)
// ---------------------------------------------------------------------------

const MICROS_PER_DAY_N = 86_400_000_000;

/** The fields of FormatInput, mutable: one per formatter, refilled on each call. */
interface Scratch {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  days: number;
  offsetMs: number;
}

/**
 * A compiled pattern that formats a wall-clock time given as days since 1970-01-01 and
 * microseconds of that day. It keeps the text of its date-dependent tokens for the last
 * day it formatted, so a stream of timestamps from one day computes the calendar date
 * once. Same text as `compileFormatter` for the same fields.
 */
export class WallFormatter {
  /** True when the text depends on the date only (no time-of-day or offset letters). */
  readonly dateOnly: boolean;
  readonly #parts: readonly ((f: FormatInput) => string)[];
  readonly #needs: readonly Needs[];
  readonly #f: Scratch = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micros: 0, days: 0, offsetMs: 0 };
  /** Texts of the date-dependent tokens for `#day` (undefined for the others). */
  readonly #dayTexts: (string | undefined)[];
  #day = Number.NaN;
  /** The whole text for `#day` when `dateOnly`. */
  #dayText = '';

  constructor(tokens: readonly Token[]) {
    this.#parts = tokens.map(partOf);
    this.#needs = tokens.map(needsOf);
    this.#dayTexts = new Array<string | undefined>(tokens.length);
    this.dateOnly = this.#needs.every((n) => n === NEEDS_DATE);
  }

  /** Text of the wall-clock time `days` + `microsOfDay` (0 ≤ microsOfDay < 86 400 000 000) with `offsetMs` for Z/X/z. */
  format(days: number, microsOfDay: number, offsetMs: number): string {
    const f = this.#f;
    const needs = this.#needs;
    const parts = this.#parts;
    const texts = this.#dayTexts;
    if (days !== this.#day) {
      const c = civilFromDays(days);
      f.year = c.year;
      f.month = c.month;
      f.day = c.day;
      f.days = days;
      let all = '';
      for (let i = 0; i < parts.length; i++) {
        if (needs[i] !== NEEDS_DATE) continue;
        const t = parts[i]!(f);
        texts[i] = t;
        all += t;
      }
      this.#day = days;
      this.#dayText = all;
    }
    if (this.dateOnly) return this.#dayText;
    const secs = Math.floor(microsOfDay / 1_000_000);
    f.hour = Math.floor(secs / 3600);
    f.minute = Math.floor(secs / 60) % 60;
    f.second = secs % 60;
    f.micros = microsOfDay % 1_000_000;
    f.offsetMs = offsetMs;
    let s = '';
    for (let i = 0; i < parts.length; i++) s += needs[i] === NEEDS_DATE ? texts[i]! : parts[i]!(f);
    return s;
  }

  /** Text of wall-clock microseconds `wall` (any value) with `offsetMs` for Z/X/z. */
  formatMicros(wall: bigint, offsetMs: number): string {
    const n = Number(wall);
    if (Number.isSafeInteger(n)) {
      // Exact in doubles. The floor is the true one: |n / D| < 2^17, where doubles are
      // 2^-36 apart, and a quotient that is not an integer is at least 1 / D ≈ 2^-36.3
      // from one, more than the half-spacing rounding can move it. days × D and the
      // difference are integers below 2^53, so exact too.
      const days = Math.floor(n / MICROS_PER_DAY_N);
      return this.format(days, n - days * MICROS_PER_DAY_N, offsetMs);
    }
    let days = wall / MICROS_PER_DAY;
    let rem = wall - days * MICROS_PER_DAY;
    if (rem < 0n) {
      rem += MICROS_PER_DAY;
      days -= 1n;
    }
    return this.format(Number(days), Number(rem), offsetMs);
  }
}

const wallFormatterCache = new Map<string, WallFormatter | null>();

/** A WallFormatter for a Java pattern, or null when the pattern is invalid. Cached. */
export function compileWallFormatter(pattern: string): WallFormatter | null {
  const hit = wallFormatterCache.get(pattern);
  if (hit !== undefined) return hit;
  const tokens = tokenize(pattern);
  const f = tokens === null ? null : new WallFormatter(tokens);
  if (wallFormatterCache.size > 1000) wallFormatterCache.clear();
  wallFormatterCache.set(pattern, f);
  return f;
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

export interface ParsedDateTime extends DateTimeFields {
  /** Offset given in the text (ms), or null when the text had none. */
  readonly offsetMs: number | null;
}

export type DateParser = (text: string) => ParsedDateTime | null;

const parserCache = new Map<string, DateParser | null>();

/**
 * A parser for a Java pattern, or null when the pattern is invalid. The whole text must be
 * consumed (surrounding whitespace aside) unless `allowTrailing` (SimpleDateFormat's
 * behaviour, used by UNIX_TIMESTAMP). Returns null for text that does not match or
 * names an impossible date.
 */
export function compileParser(pattern: string, allowTrailing = false): DateParser | null {
  const key = (allowTrailing ? 't' : 's') + pattern;
  const hit = parserCache.get(key);
  if (hit !== undefined) return hit;
  const tokens = tokenize(pattern);
  const p = tokens === null ? null : buildParser(tokens, allowTrailing);
  if (parserCache.size > 1000) parserCache.clear();
  parserCache.set(key, p);
  return p;
}

function isNumericField(t: Token | undefined): boolean {
  if (t === undefined || t.kind !== 'field') return false;
  if ((t.letter === 'M' || t.letter === 'L') && t.count >= 3) return false;
  return 'yuMLdDHkKhmsSwec'.includes(t.letter);
}

function maxDigits(letter: string): number {
  switch (letter) {
    case 'y':
    case 'u':
      return 9;
    case 'S':
      return 9;
    case 'D':
      return 3;
    default:
      return 2;
  }
}

interface ParseState {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  pm: boolean | null;
  hour12: boolean;
  doy: number;
  offsetMs: number | null;
  bc: boolean;
}

function buildParser(tokens: readonly Token[], allowTrailing: boolean): DateParser {
  return (input) => {
    const text = input.trim();
    const st: ParseState = {
      year: 1970,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      micros: 0,
      pm: null,
      hour12: false,
      doy: -1,
      offsetMs: null,
      bc: false,
    };
    let pos = 0;
    for (let ti = 0; ti < tokens.length; ti++) {
      const t = tokens[ti]!;
      if (t.kind === 'literal') {
        if (!text.startsWith(t.text, pos)) {
          // Be lenient about runs of whitespace in the literal.
          if (t.text.trim() === '' && /\s/.test(text[pos] ?? '')) {
            while (/\s/.test(text[pos] ?? '')) pos++;
            continue;
          }
          return null;
        }
        pos += t.text.length;
        continue;
      }
      const letter = t.letter;
      if (isNumericField(t)) {
        const adjacent = isNumericField(tokens[ti + 1]);
        let min = 1;
        let max = maxDigits(letter);
        if (adjacent || ((letter === 'y' || letter === 'u') && t.count === 2)) {
          min = t.count;
          max = Math.max(t.count, letter === 'y' && t.count !== 2 && !adjacent ? 9 : t.count);
        }
        let sign = 1;
        if ((letter === 'y' || letter === 'u') && (text[pos] === '-' || text[pos] === '+') && t.count !== 2) {
          sign = text[pos] === '-' ? -1 : 1;
          pos++;
        }
        let end = pos;
        while (end < text.length && end - pos < max && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
        if (end - pos < min) return null;
        const digits = text.slice(pos, end);
        pos = end;
        const v = Number(digits);
        switch (letter) {
          case 'y':
          case 'u':
            st.year = t.count === 2 && digits.length === 2 ? 2000 + v : sign * v;
            break;
          case 'M':
          case 'L':
            st.month = v;
            break;
          case 'd':
            st.day = v;
            break;
          case 'D':
            st.doy = v;
            break;
          case 'H':
            st.hour = v;
            break;
          case 'k':
            st.hour = v === 24 ? 0 : v;
            break;
          case 'K':
            st.hour = v;
            st.hour12 = true;
            break;
          case 'h':
            st.hour = v === 12 ? 0 : v;
            st.hour12 = true;
            break;
          case 'm':
            st.minute = v;
            break;
          case 's':
            st.second = v;
            break;
          case 'S':
            st.micros = Number(digits.padEnd(6, '0').slice(0, 6));
            break;
          default:
            // w, e, c: accepted and ignored.
            break;
        }
        continue;
      }
      switch (letter) {
        case 'M':
        case 'L': {
          const idx = matchName(text, pos, MONTHS, t.count >= 4);
          if (idx === null) return null;
          st.month = idx.index + 1;
          pos += idx.length;
          break;
        }
        case 'E': {
          const idx = matchName(text, pos, DAYS, t.count >= 4);
          if (idx === null) return null;
          pos += idx.length;
          break;
        }
        case 'a': {
          const s = text.slice(pos, pos + 2).toUpperCase();
          if (s !== 'AM' && s !== 'PM') return null;
          st.pm = s === 'PM';
          pos += 2;
          break;
        }
        case 'G': {
          const s = text.slice(pos, pos + 2).toUpperCase();
          if (s !== 'AD' && s !== 'BC') return null;
          st.bc = s === 'BC';
          pos += 2;
          break;
        }
        default: {
          // Z, X, x, z, V: an offset.
          const m = /^(?:Z|UTC|GMT|([+-])(\d{2}):?(\d{2})?)/i.exec(text.slice(pos));
          if (m === null) return null;
          pos += m[0].length;
          if (m[1] === undefined) st.offsetMs = 0;
          else {
            const ms = (Number(m[2]) * 60 + Number(m[3] ?? '0')) * 60000;
            st.offsetMs = m[1] === '-' ? -ms : ms;
          }
        }
      }
    }
    if (pos < text.length && !allowTrailing) return null;
    if (st.bc) st.year = 1 - st.year;
    if (st.hour12) {
      if (st.hour > 11) return null;
      if (st.pm === true) st.hour += 12;
    } else if (st.pm === true && st.hour < 12) {
      st.hour += 12;
    }
    if (st.doy > 0) {
      const first = daysFromCivil(st.year, 1, 1);
      const days = first + st.doy - 1;
      const lastOfYear = daysFromCivil(st.year, 12, 31);
      if (days > lastOfYear) return null;
      const f = civilFromDays(days);
      st.month = f.month;
      st.day = f.day;
    }
    if (st.month < 1 || st.month > 12) return null;
    if (st.day < 1 || st.day > daysInMonth(st.year, st.month)) return null;
    if (st.hour > 23 || st.minute > 59 || st.second > 59) return null;
    return {
      year: st.year,
      month: st.month,
      day: st.day,
      hour: st.hour,
      minute: st.minute,
      second: st.second,
      micros: st.micros,
      offsetMs: st.offsetMs,
    };
  };
}

function matchName(text: string, pos: number, names: readonly string[], full: boolean): { index: number; length: number } | null {
  const rest = text.slice(pos).toLowerCase();
  // Try full names first so 'June' is not read as 'Jun' + 'e'.
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!.toLowerCase();
    if (full && rest.startsWith(n)) return { index: i, length: n.length };
  }
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!.toLowerCase().slice(0, 3);
    if (rest.startsWith(n)) return { index: i, length: 3 };
  }
  return null;
}
