import { Decimal } from '../core/decimal.js';
import { StrataError } from '../core/errors.js';
import { javaDoubleToString, javaFloatToString } from '../core/functions/numeric-text.js';
import type { SqlType } from '../core/types.js';
import { formatDate, formatTime, parseDate, parseTime, parseTimestamp, MICROS_PER_DAY, type Value } from '../core/values.js';

/**
 * Flink's `json` format: a row ↔ a JSON object by column name. Exact: BIGINT and
 * DECIMAL are written with all their digits (never through a JS number) and read back
 * from the number's text; DATE `yyyy-MM-dd`; TIME `HH:mm:ss[.f]`; TIMESTAMP
 * `yyyy-MM-dd HH:mm:ss[.SSS…]` (SQL standard, the default) or `yyyy-MM-ddTHH:mm:ss[.SSS…]`
 * (ISO-8601); TIMESTAMP_LTZ the same followed by `Z`; BYTES base64; NaN and ±Infinity as
 * strings (Jackson's quoting).
 *
 * Reading is tolerant as Flink's is: numbers may come as strings, strings take any
 * scalar's text. A field that cannot be converted is an error, or NULL with
 * `ignoreParseErrors`; a message that is not JSON is an error, or skipped (`decode`
 * returns null) with `ignoreParseErrors`. A missing field is NULL, or an error with
 * `failOnMissingField`.
 *
 * Used at the edges only (Kafka connectors): the engine never sees JSON.
 */

export interface JsonFormatOptions {
  readonly ignoreParseErrors?: boolean;
  readonly failOnMissingField?: boolean;
  readonly timestampStandard?: 'SQL' | 'ISO-8601';
}

/** One column the codec reads or writes: its JSON name, type, and position in the table row. */
export interface JsonColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly index: number;
}

// ---------------------------------------------------------------------------
// Parsed JSON with exact numbers
// ---------------------------------------------------------------------------

/** A JSON number kept as its text, so no digit is lost. */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type JsonNode = null | boolean | string | JsonNumber | JsonNode[] | JsonObject;
export type JsonObject = Map<string, JsonNode>;

/** The error of a message that cannot be read; the connector adds topic, partition and offset. */
export function formatError(message: string): StrataError {
  return new StrataError('CONNECTOR_DATA', message);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses JSON text (or UTF-8 bytes) keeping numbers exact. Throws CONNECTOR_DATA when malformed. */
export function parseJson(input: string | Uint8Array): JsonNode {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = decoder.decode(input);
    } catch {
      throw formatError('the message is not valid UTF-8');
    }
  }
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('unexpected text after the JSON value');
  return v;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  readonly s: string;
  i = 0;
  constructor(s: string) {
    this.s = s;
  }

  fail(what: string): never {
    throw formatError(`malformed JSON at character ${this.i + 1}: ${what}`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): JsonNode {
    if (depth > 512) this.fail('nested too deeply');
    const s = this.s;
    const c = s[this.i];
    if (c === '{') {
      this.i++;
      const obj: JsonObject = new Map();
      this.ws();
      if (s[this.i] === '}') {
        this.i++;
        return obj;
      }
      for (;;) {
        this.ws();
        if (s[this.i] !== '"') this.fail('expected a field name');
        const k = this.string();
        this.ws();
        if (s[this.i] !== ':') this.fail("expected ':'");
        this.i++;
        this.ws();
        obj.set(k, this.value(depth + 1));
        this.ws();
        const d = s[this.i];
        this.i++;
        if (d === '}') return obj;
        if (d !== ',') {
          this.i--;
          this.fail("expected ',' or '}'");
        }
      }
    }
    if (c === '[') {
      this.i++;
      const arr: JsonNode[] = [];
      this.ws();
      if (s[this.i] === ']') {
        this.i++;
        return arr;
      }
      for (;;) {
        this.ws();
        arr.push(this.value(depth + 1));
        this.ws();
        const d = s[this.i];
        this.i++;
        if (d === ']') return arr;
        if (d !== ',') {
          this.i--;
          this.fail("expected ',' or ']'");
        }
      }
    }
    if (c === '"') return this.string();
    if (s.startsWith('true', this.i)) {
      this.i += 4;
      return true;
    }
    if (s.startsWith('false', this.i)) {
      this.i += 5;
      return false;
    }
    if (s.startsWith('null', this.i)) {
      this.i += 4;
      return null;
    }
    NUMBER_RE.lastIndex = this.i;
    const m = NUMBER_RE.exec(s);
    if (m === null) this.fail(this.i >= s.length ? 'unexpected end of input' : 'expected a value');
    this.i += m[0].length;
    return new JsonNumber(m[0]);
  }

  string(): string {
    const s = this.s;
    let i = this.i + 1;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= s.length) {
        this.i = i;
        this.fail('unterminated string');
      }
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c < 0x20) {
        this.i = i;
        this.fail('control character in a string');
      }
      if (c === 92) {
        out += s.slice(start, i);
        const e = s[i + 1];
        i += 2;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = s.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.i = i;
              this.fail('bad \\u escape');
            }
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.i = i - 1;
            this.fail('bad escape');
        }
        start = i;
        continue;
      }
      i++;
    }
    out += s.slice(start, i);
    this.i = i + 1;
    return out;
  }
}

/** JSON text of a parsed node (for a STRING column that receives an object or array). */
export function stringifyNode(n: JsonNode): string {
  if (n === null) return 'null';
  if (typeof n === 'boolean') return n ? 'true' : 'false';
  if (typeof n === 'string') return JSON.stringify(n);
  if (n instanceof JsonNumber) return n.text;
  if (Array.isArray(n)) return '[' + n.map(stringifyNode).join(',') + ']';
  let s = '{';
  let first = true;
  for (const [k, v] of n) {
    if (!first) s += ',';
    first = false;
    s += JSON.stringify(k) + ':' + stringifyNode(v);
  }
  return s + '}';
}

// ---------------------------------------------------------------------------
// Values ↔ JSON text
// ---------------------------------------------------------------------------

/** Java's ISO_LOCAL_TIME fraction: none when zero, else 3 or 6 digits (µs precision at run time). */
function isoFraction(micros: number): string {
  if (micros === 0) return '';
  if (micros % 1000 === 0) return '.' + String(micros / 1000).padStart(3, '0');
  return '.' + String(micros).padStart(6, '0');
}

/** `yyyy-MM-dd HH:mm:ss[.SSS|.SSSSSS]` (or with `T`), as Flink's json format writes timestamps. */
export function formatJsonTimestamp(micros: bigint, iso: boolean): string {
  let days = Number(micros / MICROS_PER_DAY);
  let rem = Number(micros % MICROS_PER_DAY);
  if (rem < 0) {
    rem += Number(MICROS_PER_DAY);
    days -= 1;
  }
  const frac = rem % 1_000_000;
  const secs = Math.floor(rem / 1_000_000);
  const hh = String(Math.floor(secs / 3600)).padStart(2, '0');
  const mm = String(Math.floor(secs / 60) % 60).padStart(2, '0');
  const ss = String(secs % 60).padStart(2, '0');
  return `${formatDate(days)}${iso ? 'T' : ' '}${hh}:${mm}:${ss}${isoFraction(frac)}`;
}

function quoteNonFinite(n: number, text: string): string {
  return Number.isFinite(n) ? text : `"${n > 0 ? 'Infinity' : n < 0 ? '-Infinity' : 'NaN'}"`;
}

/** JSON text of one non-null value of `type`. */
export function writeJsonValue(v: Value, type: SqlType, iso = false): string {
  if (v === null) return 'null';
  switch (type.kind) {
    case 'BOOLEAN':
      return v ? 'true' : 'false';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return String(v as number);
    case 'BIGINT':
      return (v as bigint).toString();
    case 'FLOAT':
      return quoteNonFinite(v as number, javaFloatToString(v as number));
    case 'DOUBLE':
      return quoteNonFinite(v as number, javaDoubleToString(v as number));
    case 'DECIMAL':
      return (v as Decimal).toString();
    case 'CHAR':
    case 'VARCHAR':
      return JSON.stringify(v as string);
    case 'BINARY':
    case 'VARBINARY':
      return '"' + Buffer.from(v as Uint8Array).toString('base64') + '"';
    case 'DATE':
      return '"' + formatDate(v as number) + '"';
    case 'TIME': {
      const micros = v as number;
      return '"' + formatTime(micros, 0) + isoFraction(Math.abs(micros) % 1_000_000) + '"';
    }
    case 'TIMESTAMP':
      return '"' + formatJsonTimestamp(v as bigint, iso) + '"';
    case 'TIMESTAMP_LTZ':
      return '"' + formatJsonTimestamp(v as bigint, iso) + 'Z"';
    case 'NULL':
      return 'null';
  }
}

function scalarText(n: JsonNode): string | null {
  if (typeof n === 'string') return n;
  if (n instanceof JsonNumber) return n.text;
  if (typeof n === 'boolean') return n ? 'true' : 'false';
  return null;
}

const INT_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
};

function parseIntegral(text: string, kind: string): bigint | null {
  const t = text.trim();
  let b: bigint;
  if (/^[+-]?\d+$/.test(t)) b = BigInt(t);
  else {
    // Jackson accepts 1.0 / 1e3 for integral fields when they are whole numbers.
    const d = Decimal.parse(t);
    if (d === null) return null;
    const whole = d.rescale(0);
    if (!whole.equals(d)) return null;
    b = whole.unscaled;
  }
  const r = INT_RANGES[kind]!;
  return b < r[0] || b > r[1] ? null : b;
}

/** The value of a JSON node for `type`; throws CONNECTOR_DATA naming what is wrong. */
export function readJsonValue(n: JsonNode, type: SqlType): Value {
  if (n === null) return null;
  const bad = (): never => {
    throw formatError(`${stringifyNode(n).slice(0, 100)} is not a ${type.kind}`);
  };
  switch (type.kind) {
    case 'BOOLEAN': {
      if (typeof n === 'boolean') return n;
      const t = scalarText(n)?.trim().toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      return bad();
    }
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': {
      const t = n instanceof JsonNumber || typeof n === 'string' ? scalarText(n)! : null;
      const b = t === null ? null : parseIntegral(t, type.kind);
      if (b === null) return bad();
      return type.kind === 'BIGINT' ? b : Number(b);
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const t = n instanceof JsonNumber || typeof n === 'string' ? scalarText(n)!.trim() : null;
      if (t === null) return bad();
      let x: number;
      if (t === 'NaN') x = NaN;
      else if (t === 'Infinity' || t === '+Infinity') x = Infinity;
      else if (t === '-Infinity') x = -Infinity;
      else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) x = Number(t);
      else return bad();
      return type.kind === 'FLOAT' ? Math.fround(x) : x;
    }
    case 'DECIMAL': {
      const t = n instanceof JsonNumber || typeof n === 'string' ? scalarText(n)! : null;
      const d = t === null ? null : Decimal.parse(t);
      if (d === null) return bad();
      const scale = type.scale ?? 0;
      const r = d.rescale(scale);
      // Flink: a value that does not fit the precision reads as NULL.
      return r.precision() > (type.precision ?? 10) && r.unscaled !== 0n ? null : r;
    }
    case 'CHAR':
    case 'VARCHAR':
      return typeof n === 'string' ? n : stringifyNode(n);
    case 'BINARY':
    case 'VARBINARY': {
      if (typeof n !== 'string' || !/^[A-Za-z0-9+/\-_]*={0,2}$/.test(n)) return bad();
      return new Uint8Array(Buffer.from(n, 'base64'));
    }
    case 'DATE': {
      const d = typeof n === 'string' ? parseDate(n) : null;
      return d === null ? bad() : d;
    }
    case 'TIME': {
      const t = typeof n === 'string' ? parseTime(n) : null;
      return t === null ? bad() : t;
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      if (typeof n !== 'string') return bad();
      const ts = parseTimestamp(n);
      return ts === null ? bad() : ts;
    }
    case 'NULL':
      return null;
  }
}

/**
 * Encodes and decodes rows as JSON objects over a fixed list of columns (all of a
 * table's, or a key's). Built once per table; `encode`/`decodeInto` are plain loops.
 */
export class JsonRowCodec {
  readonly columns: readonly JsonColumn[];
  readonly ignoreParseErrors: boolean;
  readonly failOnMissingField: boolean;
  readonly #iso: boolean;
  readonly #prefixes: readonly string[];

  constructor(columns: readonly JsonColumn[], options: JsonFormatOptions = {}) {
    this.columns = columns;
    this.ignoreParseErrors = options.ignoreParseErrors ?? false;
    this.failOnMissingField = options.failOnMissingField ?? false;
    if (this.ignoreParseErrors && this.failOnMissingField) {
      throw new StrataError('CONNECTOR_OPTION', "'json.fail-on-missing-field' and 'json.ignore-parse-errors' cannot both be true", {
        hint: 'Set one of them to false.',
      });
    }
    this.#iso = options.timestampStandard === 'ISO-8601';
    this.#prefixes = columns.map((c, i) => (i === 0 ? '{' : ',') + JSON.stringify(c.name) + ':');
  }

  /** JSON text of the row's columns. */
  encode(row: readonly Value[]): string {
    const cols = this.columns;
    let s = '';
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      s += this.#prefixes[i]! + writeJsonValue(row[c.index] ?? null, c.type, this.#iso);
    }
    return cols.length === 0 ? '{}' : s + '}';
  }

  encodeBytes(row: readonly Value[]): Buffer {
    return Buffer.from(this.encode(row), 'utf8');
  }

  /** Sets `out[c.index]` for every column from the JSON object `obj`. Throws CONNECTOR_DATA. */
  decodeInto(obj: JsonNode, out: Value[]): void {
    if (!(obj instanceof Map)) throw formatError(`expected a JSON object, got ${stringifyNode(obj).slice(0, 100)}`);
    const cols = this.columns;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      const n = obj.get(c.name);
      if (n === undefined) {
        if (this.failOnMissingField) throw formatError(`field '${c.name}' is missing ('json.fail-on-missing-field' is true)`);
        out[c.index] = null;
        continue;
      }
      try {
        out[c.index] = readJsonValue(n, c.type);
      } catch (e) {
        if (!this.ignoreParseErrors) {
          throw formatError(`field '${c.name}': ${e instanceof StrataError ? e.bare : String(e)}`);
        }
        out[c.index] = null;
      }
    }
  }

  /**
   * Decodes one message into a row of `width` values (columns not in this codec stay
   * NULL). Null when the message is malformed and `ignoreParseErrors` is on.
   */
  decode(bytes: Uint8Array | string, width: number): Value[] | null {
    const out: Value[] = new Array<Value>(width).fill(null);
    try {
      this.decodeInto(parseJson(bytes), out);
    } catch (e) {
      if (this.ignoreParseErrors) return null;
      throw e;
    }
    return out;
  }
}
