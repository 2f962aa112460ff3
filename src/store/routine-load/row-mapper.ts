/**
 * Turns one Kafka message (JSON) into rows of the target table, the way StarRocks'
 * Routine Load maps JSON: with `jsonpaths`, the i-th path feeds the i-th name of COLUMNS
 * (or of the table's columns when COLUMNS is absent); without, each column takes the
 * member of the same name. Names of COLUMNS that are not table columns are read and
 * dropped; table columns not named take their literal DEFAULT or NULL. `json_root`
 * picks the element to read; `strip_outer_array` reads every element of a top-level array.
 *
 * A tombstone (null value) on a PRIMARY KEY table becomes a delete of the key the
 * message's key JSON names, decoded through the same mapping (StarRocks cannot do this:
 * StarRocks #59909).
 */

import type { SqlType } from '../../core/types.js';
import type { Row, Value } from '../../core/values.js';
import type { WarehouseTableDef } from '../api.js';
import { ConversionFailure, convertJson, defaultValueOf } from './convert.js';
import { evalJsonPath, JsonNumber, JsonSyntaxError, parseJson, parseJsonPath, type Json, type JsonPath } from './json-text.js';

export interface MappingOptions {
  /** COLUMNS (names), or null. */
  readonly columns: readonly string[] | null;
  /** `jsonpaths`, parsed, or null. */
  readonly jsonpaths: readonly JsonPath[] | null;
  readonly jsonRoot: JsonPath | null;
  readonly stripOuterArray: boolean;
  readonly strictMode: boolean;
}

interface ColumnSource {
  readonly type: SqlType;
  readonly name: string;
  /** Path into the message, or null (the column takes its default). */
  readonly path: JsonPath | null;
  /** Without jsonpaths: fall back to a case-insensitive member match. */
  readonly byName: boolean;
  readonly fallback: Value;
  readonly notNull: boolean;
  readonly isKey: boolean;
}

/** A message that did not load: the reason (the caller adds topic/partition/offset). */
export class RowError {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

/** Checks a mapping against a table; returns an error message (for CREATE) or null. */
export function mappingProblem(def: WarehouseTableDef, o: MappingOptions): string | null {
  const names = o.columns ?? def.columns.map((c) => c.name);
  if (o.jsonpaths !== null && o.jsonpaths.length !== names.length) {
    return `jsonpaths has ${o.jsonpaths.length} path(s) but ${o.columns !== null ? 'COLUMNS names' : `table ${def.database}.${def.name} has`} ${names.length} column(s); they pair up in order`;
  }
  const lower = new Set(def.columns.map((c) => c.name.toLowerCase()));
  if (!names.some((n) => lower.has(n.toLowerCase()))) return `COLUMNS names none of the columns of ${def.database}.${def.name} (${def.columns.map((c) => c.name).join(', ')})`;
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase())) return `column '${n}' is named twice in COLUMNS`;
    seen.add(n.toLowerCase());
  }
  return null;
}

export class RowMapper {
  readonly def: WarehouseTableDef;
  readonly #sources: ColumnSource[];
  readonly #keyIdx: number[];
  readonly #o: MappingOptions;

  constructor(def: WarehouseTableDef, o: MappingOptions) {
    this.def = def;
    this.#o = o;
    const names = o.columns ?? def.columns.map((c) => c.name);
    const keys = new Set(def.keyColumns.map((k) => k.toLowerCase()));
    this.#sources = def.columns.map((c) => {
      const i = names.findIndex((n) => n.toLowerCase() === c.name.toLowerCase());
      let path: JsonPath | null = null;
      if (i >= 0) path = o.jsonpaths !== null ? o.jsonpaths[i]! : { text: `$.${names[i]!}`, steps: [{ kind: 'member', name: names[i]! }] };
      const isKey = def.keyModel === 'PRIMARY' && keys.has(c.name.toLowerCase());
      return {
        type: c.type,
        name: c.name,
        path,
        byName: o.jsonpaths === null,
        fallback: defaultValueOf(c.defaultValue, c.type) ?? null,
        notNull: !c.type.nullable || isKey,
        isKey,
      };
    });
    this.#keyIdx = [];
    for (let i = 0; i < this.#sources.length; i++) if (this.#sources[i]!.isKey) this.#keyIdx.push(i);
  }

  /** Rows of a message value (several with strip_outer_array), or why it does not load. */
  rowsOfValue(text: string, out: Row[]): RowError | null {
    const doc = parseJson(text);
    if (doc instanceof JsonSyntaxError) return new RowError(`the value is not JSON: ${doc.message}`);
    let root: Json | undefined = doc;
    if (this.#o.jsonRoot !== null) {
      root = evalJsonPath(doc, this.#o.jsonRoot);
      if (root === undefined || root === null) return new RowError(`json_root ${this.#o.jsonRoot.text} is not in the message`);
    }
    if (this.#o.stripOuterArray) {
      if (!Array.isArray(root)) return new RowError('strip_outer_array is true but the message is not a JSON array');
      const start = out.length;
      for (const el of root) {
        const r = this.#row(el, false);
        if (r instanceof RowError) {
          out.length = start;
          return r;
        }
        out.push(r);
      }
      return null;
    }
    if (Array.isArray(root)) return new RowError('the message is a JSON array; set "strip_outer_array" = "true" to load its elements');
    const r = this.#row(root, false);
    if (r instanceof RowError) return r;
    out.push(r);
    return null;
  }

  /** The row to delete for a tombstone: key columns from the key JSON, the others NULL. */
  keyRowOfKey(text: string | null): Row | RowError {
    if (this.#keyIdx.length === 0) return new RowError(`a tombstone (null value) deletes by key, but ${this.def.database}.${this.def.name} is not a PRIMARY KEY table`);
    if (text === null) return new RowError('a tombstone (null value) without a key: nothing to delete');
    const doc = parseJson(text);
    if (doc instanceof JsonSyntaxError) return new RowError(`the key of the tombstone is not JSON: ${doc.message}`);
    // A bare scalar key (key.format = raw / a single key column) is the key column's value.
    if ((doc === null || typeof doc !== 'object' || doc instanceof JsonNumber) && this.#keyIdx.length === 1) {
      const row: Value[] = new Array<Value>(this.#sources.length).fill(null);
      const s = this.#sources[this.#keyIdx[0]!]!;
      const v = doc === null ? null : convertJson(doc, s.type);
      if (v === null || v instanceof ConversionFailure) return new RowError(`the key of the tombstone does not give key column ${s.name}${v instanceof ConversionFailure ? `: ${v.reason}` : ''}`);
      row[this.#keyIdx[0]!] = v;
      return row;
    }
    return this.#row(doc, true);
  }

  #row(doc: Json, keysOnly: boolean): Row | RowError {
    const src = this.#sources;
    const row: Value[] = new Array<Value>(src.length);
    for (let i = 0; i < src.length; i++) {
      const s = src[i]!;
      if (keysOnly && !s.isKey) {
        row[i] = null;
        continue;
      }
      let j: Json | undefined = s.path === null ? undefined : evalJsonPath(doc, s.path);
      if (j === undefined && s.byName && s.path !== null) j = memberIgnoringCase(doc, s.name);
      let v: Value;
      if (j === undefined) v = s.fallback;
      else {
        const c = convertJson(j, s.type);
        if (c instanceof ConversionFailure) {
          if (this.#o.strictMode || s.notNull) return new RowError(`column ${s.name}: ${c.reason}${this.#o.strictMode ? ' (strict_mode)' : ''}`);
          v = null;
        } else v = c;
      }
      if (v === null && s.notNull) {
        return new RowError(j === undefined || j === null ? `column ${s.name} is ${s.isKey ? 'a key column' : 'NOT NULL'} but the ${keysOnly ? 'key' : 'message'} has no value for it${s.path !== null ? ` (${s.path.text})` : ''}` : `column ${s.name} is NOT NULL`);
      }
      row[i] = v;
    }
    return row;
  }
}

function memberIgnoringCase(doc: Json, name: string): Json | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || doc instanceof JsonNumber) return undefined;
  const lower = name.toLowerCase();
  for (const k of Object.keys(doc)) if (k.toLowerCase() === lower) return doc[k];
  return undefined;
}

/** Parses the `jsonpaths` property (a JSON array of path strings). */
export function parseJsonPaths(text: string): JsonPath[] | string {
  let arr: unknown;
  try {
    arr = JSON.parse(text);
  } catch {
    return `jsonpaths must be a JSON array of strings such as ["$.a","$.b"], not ${text}`;
  }
  if (!Array.isArray(arr) || arr.length === 0 || !arr.every((x) => typeof x === 'string')) return `jsonpaths must be a non-empty JSON array of strings, not ${text}`;
  const out: JsonPath[] = [];
  for (const s of arr as string[]) {
    const p = parseJsonPath(s);
    if (typeof p === 'string') return p;
    out.push(p);
  }
  return out;
}
