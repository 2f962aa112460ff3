import type { ChangeBatch } from '../core/batch.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../core/row-kind.js';
import type { Value } from '../core/values.js';
import { formatError, JsonRowCodec, parseJson, stringifyNode, type JsonColumn, type JsonFormatOptions, type JsonNode } from './json.js';

/**
 * Flink's `canal-json` format: a message is a Canal flat message
 * `{"data": [{...}, ...], "old": [{...}, ...] | null, "type": "INSERT" | "UPDATE" | "DELETE", "isDdl": false, ...}`.
 * Canal writes every value as a string; the json reader accepts that.
 *
 * Reading: INSERT → +I per element of `data`; UPDATE → for each i, -U(before) and
 * +U(data[i]), where before is data[i] with the fields present in old[i] replaced (old
 * holds only the changed fields); DELETE → -D per element of `data`. DDL messages
 * (`isDdl` true, or types such as CREATE / ALTER / QUERY) are skipped; so are tombstones.
 * Writing (as Flink's serializer): +I and +U → `{"data":[row],"type":"INSERT"}`; -U and
 * -D → `{"data":[row],"type":"DELETE"}`.
 */
export class CanalJsonCodec {
  readonly row: JsonRowCodec;
  readonly #width: number;

  constructor(columns: readonly JsonColumn[], width: number, options: JsonFormatOptions = {}) {
    this.row = new JsonRowCodec(columns, options);
    this.#width = width;
  }

  encode(kind: RowKind, row: readonly Value[]): Buffer {
    const type = kind === INSERT || kind === UPDATE_AFTER ? 'INSERT' : 'DELETE';
    return Buffer.from(`{"data":[${this.row.encode(row)}],"type":"${type}"}`, 'utf8');
  }

  /** Appends the changes of one message to `out`; returns how many (see DebeziumJsonCodec.decode). */
  decode(bytes: Uint8Array | null, out: ChangeBatch): number {
    if (bytes === null || bytes.length === 0) return 0;
    try {
      return this.#decode(parseJson(bytes), out);
    } catch (e) {
      if (this.row.ignoreParseErrors) return 0;
      throw e;
    }
  }

  #row(node: JsonNode): Value[] {
    const r: Value[] = new Array<Value>(this.#width).fill(null);
    this.row.decodeInto(node, r);
    return r;
  }

  #decode(root: JsonNode, out: ChangeBatch): number {
    if (!(root instanceof Map)) throw formatError(`a Canal message must be a JSON object, got ${stringifyNode(root).slice(0, 100)}`);
    if (root.get('isDdl') === true) return 0;
    const type = root.get('type');
    if (typeof type !== 'string') throw formatError('the Canal message has no "type" field (is the topic written with canal-json?)');
    if (type !== 'INSERT' && type !== 'UPDATE' && type !== 'DELETE') {
      if (/^(CREATE|ALTER|ERASE|QUERY|TRUNCATE|RENAME|CINDEX|DINDEX|GTID|XACOMMIT|XAROLLBACK|MHEARTBEAT)$/.test(type)) return 0;
      throw formatError(`unknown Canal "type" '${type}' (expected INSERT, UPDATE or DELETE)`);
    }
    const data = root.get('data');
    if (!Array.isArray(data)) throw formatError(`the "data" field of a Canal ${type} message must be an array`);
    if (type === 'INSERT') {
      for (const d of data) out.push(INSERT, this.#row(d));
      return data.length;
    }
    if (type === 'DELETE') {
      for (const d of data) out.push(DELETE, this.#row(d));
      return data.length;
    }
    const old = root.get('old');
    if (!Array.isArray(old) || old.length !== data.length) {
      throw formatError('the "old" field of a Canal UPDATE message must be an array as long as "data"');
    }
    for (let i = 0; i < data.length; i++) {
      const d = data[i]!;
      const o = old[i]!;
      if (!(d instanceof Map) || !(o instanceof Map)) throw formatError('the elements of "data" and "old" must be JSON objects');
      const merged = new Map(d);
      for (const [k, v] of o) merged.set(k, v);
      out.push(UPDATE_BEFORE, this.#row(merged));
      out.push(UPDATE_AFTER, this.#row(d));
    }
    return data.length * 2;
  }
}
