/**
 * Test helpers for changelogs: a seeded PRNG, multisets built by applying a changelog,
 * and a text notation for changelogs used by unit tests and the golden-file runner.
 *
 * ## The text notation
 *
 * One change per line: the change kind, then one value per column.
 *
 * ```text
 * # a comment line; blank lines are ignored too
 * +I 1 beijing 10.5
 * -U 1 | beijing | 10.5
 * +U 1 'new york' 11.25
 * -D 2 null NULL
 * ```
 *
 * - Kind: `+I`, `-U`, `+U` or `-D` (exactly as Flink prints them).
 * - Separators: any run of whitespace and/or `|` separates values, so `| 1 | a |` and
 *   `1 a` read the same. An empty value therefore cannot be written bare: write `''`.
 * - `null` or `NULL` (unquoted, any case) is SQL NULL in every column.
 * - Single quotes make one value of text that contains spaces, `|`, or that would
 *   otherwise read as NULL: `'new york'`, `'null'` (the string), `''` (empty string).
 *   Inside quotes `''` is one quote, and `\\`, `\n`, `\r`, `\t` are a backslash, newline,
 *   carriage return and tab. Outside quotes every character stands for itself.
 * - Values are read by column type:
 *   | type                        | text                                 | value        |
 *   |-----------------------------|--------------------------------------|--------------|
 *   | TINYINT, SMALLINT, INT      | `-12`                                | number       |
 *   | BIGINT                      | `9007199254740993`                   | bigint       |
 *   | DECIMAL(p, s)               | `10.5` (rescaled to `s` if exact)    | Decimal      |
 *   | FLOAT, DOUBLE               | `10.5`, `1.0E10`, `NaN`, `-Infinity` | number       |
 *   | BOOLEAN                     | `true` / `false` (any case)          | boolean      |
 *   | CHAR, VARCHAR               | `beijing`, `'new york'`              | string       |
 *   | BINARY, VARBINARY           | `x'0aff'` (hex)                      | Uint8Array   |
 *   | DATE                        | `2024-01-31`                         | days         |
 *   | TIME(p)                     | `10:00:00.5`                         | micros       |
 *   | TIMESTAMP(p), TIMESTAMP_LTZ | `'2024-01-31 10:00:00'` or `2024-01-31T10:00:00` | micros (bigint) |
 *   | NULL                        | `null`                               | null         |
 *   A quoted value of a non-text type is read by the same rules (`'2024-01-31 10:00:00'`).
 *
 * `formatChangelog` writes this notation back: one space between values, `null` for NULL,
 * `true`/`false`, doubles as Java prints them (`10.0`), decimals with the column's scale,
 * timestamps with the column's precision (quoted, they contain a space), and text quoted
 * only when it has to be. `parseChangelog(formatChangelog(b, types), types)` gives back
 * `b` for every value representable at the column's precision.
 */
import { ChangeBatch } from '../core/batch.js';
import { Decimal } from '../core/decimal.js';
import { StrataError } from '../core/errors.js';
import { DELETE, INSERT, UPDATE_AFTER, ROW_KIND_SHORT, type RowKind } from '../core/row-kind.js';
import type { SqlType } from '../core/types.js';
import {
  bytesToHex,
  compareRows,
  formatDate,
  formatDouble,
  formatTime,
  formatTimestamp,
  keyOf,
  parseDate,
  parseTime,
  parseTimestamp,
  rowEquals,
  rowKey,
  type Key,
  type Row,
  type Value,
} from '../core/values.js';

// ---------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------

/**
 * Mulberry32: a tiny, fast 32-bit seeded PRNG. Returns a function that yields floats in
 * [0, 1). The same seed always yields the same sequence.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Convenience wrapper over `mulberry32` for generators in property tests. */
export class Rng {
  readonly seed: number;
  readonly #next: () => number;

  constructor(seed: number) {
    this.seed = seed;
    this.#next = mulberry32(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }

  /** An integer in [lo, hi] (both inclusive). */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.#next() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new StrataError('INTERNAL', 'Rng.pick was given an empty array');
    return items[Math.floor(this.#next() * items.length)]!;
  }
}

// ---------------------------------------------------------------------------
// Multisets
// ---------------------------------------------------------------------------

export interface MultisetEntry {
  readonly row: Row;
  /** How many copies of `row` are present; always ≥ 1 in a multiset. */
  count: number;
}

/** A consolidated multiset of rows: `rowKey(row)` → the row and its count. */
export type Multiset = Map<Key, MultisetEntry>;

/** Text of a row for messages when no types are at hand: `[1, beijing, null]`. */
export function debugRow(row: Row): string {
  let s = '[';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) s += ', ';
    const v = row[i] ?? null;
    s += v === null ? 'null' : v instanceof Uint8Array ? `x'${bytesToHex(v)}'` : String(v);
  }
  return s + ']';
}

/**
 * Applies a changelog to a multiset (a fresh one, or `into`, which is updated in place
 * and returned). +I and +U add one copy of the row; -U and -D remove one copy of an
 * equal row. Throws when a retraction removes a row that is not present: a valid
 * changelog never does that, so this is the check property tests rely on.
 */
export function applyChangelog(kinds: readonly RowKind[], rows: readonly Row[], into?: Multiset): Multiset {
  if (kinds.length !== rows.length) {
    throw new StrataError('INTERNAL', `applyChangelog: ${kinds.length} kinds but ${rows.length} rows`);
  }
  const m: Multiset = into ?? new Map();
  for (let i = 0; i < rows.length; i++) {
    const kind = kinds[i]!;
    const row = rows[i]!;
    const k = rowKey(row);
    const e = m.get(k);
    if (kind === INSERT || kind === UPDATE_AFTER) {
      if (e === undefined) m.set(k, { row, count: 1 });
      else e.count++;
    } else {
      if (e === undefined) {
        throw new StrataError(
          'INTERNAL',
          `change #${i} (${ROW_KIND_SHORT[kind]}${debugRow(row)}) retracts a row that is not present`,
        );
      }
      if (--e.count === 0) m.delete(k);
    }
  }
  return m;
}

/** `applyChangelog` over a ChangeBatch. */
export function applyBatch(batch: ChangeBatch, into?: Multiset): Multiset {
  return applyChangelog(batch.kinds, batch.rows, into);
}

/**
 * Applies an upsert changelog keyed by the fields `key`: the result holds at most one row
 * per key. +I/+U put the row for its key (replacing any), -D removes the key (a delete
 * of an absent key is ignored, as an upsert sink does), -U is ignored.
 * Result is keyed by `keyOf(row, key)`, each entry with count 1.
 */
export function applyUpsertChangelog(
  kinds: readonly RowKind[],
  rows: readonly Row[],
  key: readonly number[],
  into?: Multiset,
): Multiset {
  const m: Multiset = into ?? new Map();
  for (let i = 0; i < rows.length; i++) {
    const kind = kinds[i]!;
    const row = rows[i]!;
    if (kind === INSERT || kind === UPDATE_AFTER) m.set(keyOf(row, key), { row, count: 1 });
    else if (kind === DELETE) m.delete(keyOf(row, key));
  }
  return m;
}

/** A multiset holding `rows` (duplicates counted). */
export function multisetOf(rows: readonly Row[]): Multiset {
  const m: Multiset = new Map();
  for (const row of rows) {
    const k = rowKey(row);
    const e = m.get(k);
    if (e === undefined) m.set(k, { row, count: 1 });
    else e.count++;
  }
  return m;
}

/** Number of rows, duplicates counted. */
export function multisetSize(m: Multiset): number {
  let n = 0;
  for (const e of m.values()) n += e.count;
  return n;
}

/** Every row of the multiset (each repeated `count` times), sorted by `compareRows`. */
export function sortedRows(m: Multiset): Row[] {
  const out: Row[] = [];
  for (const e of m.values()) for (let i = 0; i < e.count; i++) out.push(e.row);
  out.sort(compareRows);
  return out;
}

/** Same rows with the same counts. */
export function multisetEquals(a: Multiset, b: Multiset): boolean {
  if (a.size !== b.size) return false;
  for (const [k, e] of a) {
    const f = b.get(k);
    if (f === undefined || f.count !== e.count || !rowEquals(e.row, f.row)) return false;
  }
  return true;
}

/**
 * '' when the multisets are equal, otherwise a readable account of the rows missing
 * from `actual` and the extra rows in it (with counts). Rows are written in the text
 * notation when `types` is given.
 */
export function describeMultisetDiff(expected: Multiset, actual: Multiset, types?: readonly SqlType[]): string {
  const missing: string[] = [];
  const extra: string[] = [];
  const show = (row: Row): string => (types === undefined ? debugRow(row) : formatRow(row, types));
  for (const [k, e] of expected) {
    const f = actual.get(k);
    const have = f === undefined ? 0 : f.count;
    if (have < e.count) missing.push(`  ${e.count - have} × ${show(e.row)}`);
  }
  for (const [k, f] of actual) {
    const e = expected.get(k);
    const want = e === undefined ? 0 : e.count;
    if (f.count > want) extra.push(`  ${f.count - want} × ${show(f.row)}`);
  }
  if (missing.length === 0 && extra.length === 0) return '';
  missing.sort();
  extra.sort();
  let s = '';
  if (missing.length > 0) s += `missing rows:\n${missing.join('\n')}\n`;
  if (extra.length > 0) s += `unexpected rows:\n${extra.join('\n')}\n`;
  return s;
}

// ---------------------------------------------------------------------------
// Text notation: parsing
// ---------------------------------------------------------------------------

export interface ParseChangelogOptions {
  /** File name to put in error locations. */
  readonly file?: string;
  /** Line number of the text's first line in that file (1-based; default 1). */
  readonly firstLine?: number;
}

interface Token {
  readonly text: string;
  readonly quoted: boolean;
  /** 0-based offset in the line. */
  readonly at: number;
}

function isSeparator(ch: string): boolean {
  return ch === '|' || /\s/.test(ch);
}

function syntaxError(message: string, line: number, column: number, opts: ParseChangelogOptions): StrataError {
  const location = opts.file === undefined ? { line, column } : { file: opts.file, line, column };
  return new StrataError('SQL_SYNTAX', message, { location });
}

/** Splits one line into tokens (see the notation above). */
function tokenize(line: string, lineNo: number, opts: ParseChangelogOptions): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const ch = line[i]!;
    if (isSeparator(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'") {
      let text = '';
      i++;
      let closed = false;
      while (i < n) {
        const c = line[i]!;
        if (c === "'") {
          if (line[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        if (c === '\\' && i + 1 < n) {
          const e = line[i + 1]!;
          const mapped = e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === '\\' ? '\\' : null;
          if (mapped === null) {
            throw syntaxError(
              `unknown escape \\${e} in a quoted value; use \\\\, \\n, \\r, \\t or '' inside quotes`,
              lineNo,
              i + 1,
              opts,
            );
          }
          text += mapped;
          i += 2;
          continue;
        }
        text += c;
        i++;
      }
      if (!closed) throw syntaxError('unterminated quoted value: add the closing \'', lineNo, start + 1, opts);
      if (i < n && !isSeparator(line[i]!)) {
        throw syntaxError(
          `unexpected '${line[i]!}' right after a quoted value; separate values with spaces or |`,
          lineNo,
          i + 1,
          opts,
        );
      }
      out.push({ text, quoted: true, at: start });
      continue;
    }
    while (i < n && !isSeparator(line[i]!)) i++;
    out.push({ text: line.slice(start, i), quoted: false, at: start });
  }
  return out;
}

function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
}

/**
 * Reads one value of `type` from its text (already unquoted). Returns `undefined` when
 * the text is not a value of that type. `null` handling is the caller's.
 */
function readValue(text: string, type: SqlType): Value | undefined {
  switch (type.kind) {
    case 'BOOLEAN': {
      const l = text.toLowerCase();
      return l === 'true' ? true : l === 'false' ? false : undefined;
    }
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT': {
      if (!/^[+-]?\d+$/.test(text)) return undefined;
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : undefined;
    }
    case 'BIGINT':
      return /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
    case 'FLOAT':
    case 'DOUBLE': {
      if (text === 'NaN') return NaN;
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && !/^[+-]?Infinity$/.test(text)) return undefined;
      return Number(text);
    }
    case 'DECIMAL': {
      const d = Decimal.parse(text);
      if (d === null) return undefined;
      if (type.scale === undefined || d.scale === type.scale) return d;
      const r = d.rescale(type.scale);
      // Keep the value as written when rescaling would round it.
      return r.equals(d) ? r : d;
    }
    case 'CHAR':
    case 'VARCHAR':
      return text;
    case 'BINARY':
    case 'VARBINARY': {
      const m = /^[xX]'([0-9a-fA-F]*)'$/.exec(text);
      const hex = m === null ? (/^[0-9a-fA-F]*$/.test(text) ? text : null) : m[1]!;
      if (hex === null) return undefined;
      return hexToBytes(hex) ?? undefined;
    }
    case 'DATE':
      return parseDate(text) ?? undefined;
    case 'TIME':
      return parseTime(text) ?? undefined;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return parseTimestamp(text) ?? undefined;
    case 'NULL':
      return undefined;
  }
}

function typeName(type: SqlType): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision ?? 10}, ${type.scale ?? 0})`;
    default:
      return type.kind;
  }
}

const VALUE_HINT: Partial<Record<SqlType['kind'], string>> = {
  BOOLEAN: 'write true or false',
  TINYINT: 'write an integer such as -12',
  SMALLINT: 'write an integer such as -12',
  INT: 'write an integer such as -12',
  BIGINT: 'write an integer such as 9007199254740993',
  FLOAT: 'write a number such as 10.5 or 1.0E10',
  DOUBLE: 'write a number such as 10.5 or 1.0E10',
  DECIMAL: 'write a number such as 10.50',
  BINARY: "write hex bytes such as x'0aff'",
  VARBINARY: "write hex bytes such as x'0aff'",
  DATE: 'write YYYY-MM-DD',
  TIME: 'write HH:MM:SS[.ffffff]',
  TIMESTAMP: "write 'YYYY-MM-DD HH:MM:SS[.ffffff]' (quoted) or YYYY-MM-DDTHH:MM:SS",
  TIMESTAMP_LTZ: "write 'YYYY-MM-DD HH:MM:SS[.ffffff]' (quoted, UTC) or YYYY-MM-DDTHH:MM:SS",
  NULL: 'only null is allowed in a NULL column',
};

function parseTokens(
  tokens: readonly Token[],
  first: number,
  types: readonly SqlType[],
  lineNo: number,
  opts: ParseChangelogOptions,
): Row {
  const count = tokens.length - first;
  if (count !== types.length) {
    const at = count > types.length ? tokens[first + types.length]!.at + 1 : (tokens[tokens.length - 1]?.at ?? 0) + 1;
    throw syntaxError(
      `expected ${types.length} value${types.length === 1 ? '' : 's'} but found ${count}; quote values that contain spaces ('new york') and write '' for an empty string`,
      lineNo,
      at,
      opts,
    );
  }
  const row: Value[] = new Array<Value>(types.length);
  for (let c = 0; c < types.length; c++) {
    const tok = tokens[first + c]!;
    const type = types[c]!;
    if (!tok.quoted && tok.text.toLowerCase() === 'null') {
      row[c] = null;
      continue;
    }
    const v = readValue(tok.text, type);
    if (v === undefined) {
      const hint = VALUE_HINT[type.kind] ?? '';
      throw syntaxError(
        `value ${tok.quoted ? `'${tok.text}'` : tok.text} in column ${c + 1} is not a ${typeName(type)}${hint === '' ? '' : `: ${hint}`}`,
        lineNo,
        tok.at + 1,
        opts,
      );
    }
    row[c] = v;
  }
  return row;
}

/**
 * Parses changes in the text notation (see the file header) into a batch. Blank lines
 * and lines whose first non-blank character is `#` are skipped. Throws a StrataError
 * (code SQL_SYNTAX, with line and column) on a malformed line.
 */
export function parseChangelog(text: string, types: readonly SqlType[], opts: ParseChangelogOptions = {}): ChangeBatch {
  const batch = new ChangeBatch();
  const lines = text.split(/\r?\n/);
  const base = opts.firstLine ?? 1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const lineNo = base + i;
    const tokens = tokenize(line, lineNo, opts);
    const head = tokens[0]!;
    const kind = head.quoted ? -1 : (ROW_KIND_SHORT as readonly string[]).indexOf(head.text);
    if (kind < 0) {
      throw syntaxError(
        `a change must start with +I, -U, +U or -D, not ${head.quoted ? `'${head.text}'` : head.text}`,
        lineNo,
        head.at + 1,
        opts,
      );
    }
    batch.push(kind as RowKind, parseTokens(tokens, 1, types, lineNo, opts));
  }
  return batch;
}

/** Parses one row (values only, no kind) in the text notation. */
export function parseRow(text: string, types: readonly SqlType[], opts: ParseChangelogOptions = {}): Row {
  const lineNo = opts.firstLine ?? 1;
  if (/[\r\n]/.test(text)) throw syntaxError('a row must be on one line', lineNo, 1, opts);
  return parseTokens(tokenize(text, lineNo, opts), 0, types, lineNo, opts);
}

/**
 * Parses lines of rows (no kinds), skipping blank and `#` lines. Handy for "expected
 * final contents" blocks (`multisetOf(parseRows(...))`).
 */
export function parseRows(text: string, types: readonly SqlType[], opts: ParseChangelogOptions = {}): Row[] {
  const out: Row[] = [];
  const lines = text.split(/\r?\n/);
  const base = opts.firstLine ?? 1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    out.push(parseTokens(tokenize(line, base + i, opts), 0, types, base + i, opts));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Text notation: printing
// ---------------------------------------------------------------------------

function needsQuotes(s: string): boolean {
  if (s === '' || s[0] === "'" || s[0] === '#' || s.toLowerCase() === 'null') return true;
  for (let i = 0; i < s.length; i++) if (isSeparator(s[i]!)) return true;
  return false;
}

function quote(s: string): string {
  let q = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") q += "''";
    else if (c === '\\') q += '\\\\';
    else if (c === '\n') q += '\\n';
    else if (c === '\r') q += '\\r';
    else if (c === '\t') q += '\\t';
    else q += c;
  }
  return q + "'";
}

function textToken(s: string): string {
  return needsQuotes(s) ? quote(s) : s;
}

/** A value by its JS type, for values that do not fit their column's type. */
function formatLoose(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return textToken(v);
  if (typeof v === 'number') return String(v);
  if (v instanceof Uint8Array) return `x'${bytesToHex(v)}'`;
  return String(v);
}

/** One value in the text notation (quoted when needed, `null` for NULL). */
export function formatValueText(v: Value, type: SqlType): string {
  if (v === null) return 'null';
  switch (type.kind) {
    case 'BOOLEAN':
      return typeof v === 'boolean' ? (v ? 'true' : 'false') : formatLoose(v);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return typeof v === 'number' ? String(v) : formatLoose(v);
    case 'BIGINT':
      return typeof v === 'bigint' ? v.toString() : formatLoose(v);
    case 'FLOAT':
    case 'DOUBLE':
      return typeof v === 'number' ? formatDouble(v) : formatLoose(v);
    case 'DECIMAL':
      if (v instanceof Decimal) {
        if (type.scale === undefined || v.scale === type.scale) return v.toString();
        const r = v.rescale(type.scale);
        return r.equals(v) ? r.toString() : v.toString();
      }
      return formatLoose(v);
    case 'CHAR':
    case 'VARCHAR':
      return typeof v === 'string' ? textToken(v) : formatLoose(v);
    case 'BINARY':
    case 'VARBINARY':
      return v instanceof Uint8Array ? `x'${bytesToHex(v)}'` : formatLoose(v);
    case 'DATE':
      return typeof v === 'number' ? formatDate(v) : formatLoose(v);
    case 'TIME':
      return typeof v === 'number' ? textToken(formatTime(v, type.precision ?? 0)) : formatLoose(v);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return typeof v === 'bigint' ? textToken(formatTimestamp(v, type.precision ?? 6)) : formatLoose(v);
    case 'NULL':
      return formatLoose(v);
  }
}

/** The values of a row in the text notation, separated by one space. */
export function formatRow(row: Row, types: readonly SqlType[]): string {
  let s = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) s += ' ';
    const type = types[i];
    const v = row[i] ?? null;
    s += type === undefined ? formatLoose(v) : formatValueText(v, type);
  }
  return s;
}

/**
 * A batch in the text notation: one `KIND v1 v2 ...` line per change, joined by `\n`
 * (no trailing newline; '' for an empty batch). Inverse of `parseChangelog`.
 */
export function formatChangelog(batch: ChangeBatch, types: readonly SqlType[]): string {
  const lines: string[] = new Array<string>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const row = batch.rows[i]!;
    lines[i] = row.length === 0 ? ROW_KIND_SHORT[batch.kinds[i]!] : `${ROW_KIND_SHORT[batch.kinds[i]!]} ${formatRow(row, types)}`;
  }
  return lines.join('\n');
}

/** Rows (no kinds) in the text notation, one per line, in the order given. */
export function formatRows(rows: readonly Row[], types: readonly SqlType[]): string {
  const lines: string[] = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) lines[i] = formatRow(rows[i]!, types);
  return lines.join('\n');
}

