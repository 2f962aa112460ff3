import type { ChangeBatch } from '../core/batch.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../core/row-kind.js';
import type { Value } from '../core/values.js';
import { formatError, JsonRowCodec, parseJson, stringifyNode, type JsonColumn, type JsonFormatOptions, type JsonNode } from './json.js';

/**
 * Flink's `debezium-json` format: a message is a Debezium change event
 * `{"before": {...} | null, "after": {...} | null, "op": "c" | "r" | "u" | "d", ...}`,
 * optionally wrapped as `{"schema": ..., "payload": {...}}` (Kafka Connect's JSON
 * converter with schemas enabled; read either way).
 *
 * Reading: `c` and `r` → +I(after); `u` → -U(before), +U(after); `d` → -D(before). A
 * tombstone (null or empty value, which Debezium sends after a delete) is skipped.
 * Writing (as Flink's serializer): +I and +U → `{"before":null,"after":row,"op":"c"}`;
 * -U and -D → `{"before":row,"after":null,"op":"d"}`.
 */
export class DebeziumJsonCodec {
  readonly row: JsonRowCodec;
  readonly #width: number;

  constructor(columns: readonly JsonColumn[], width: number, options: JsonFormatOptions = {}) {
    this.row = new JsonRowCodec(columns, options);
    this.#width = width;
  }

  encode(kind: RowKind, row: readonly Value[]): Buffer {
    const data = this.row.encode(row);
    const text = kind === INSERT || kind === UPDATE_AFTER ? `{"before":null,"after":${data},"op":"c"}` : `{"before":${data},"after":null,"op":"d"}`;
    return Buffer.from(text, 'utf8');
  }

  /**
   * Appends the changes of one message to `out`; returns how many. Malformed messages
   * throw CONNECTOR_DATA, or are skipped (0) with `ignoreParseErrors`.
   */
  decode(bytes: Uint8Array | null, out: ChangeBatch): number {
    if (bytes === null || bytes.length === 0) return 0;
    try {
      return this.#decode(parseJson(bytes), out);
    } catch (e) {
      if (this.row.ignoreParseErrors) return 0;
      throw e;
    }
  }

  #image(node: JsonNode | undefined, which: string, op: string): Value[] {
    if (node === undefined || node === null) {
      throw formatError(
        `the "${which}" field of a Debezium '${op}' event is null` +
          (which === 'before' ? ' (for PostgreSQL sources, set REPLICA IDENTITY FULL on the table so updates and deletes carry the old row)' : ''),
      );
    }
    const row: Value[] = new Array<Value>(this.#width).fill(null);
    this.row.decodeInto(node, row);
    return row;
  }

  #decode(root: JsonNode, out: ChangeBatch): number {
    if (!(root instanceof Map)) throw formatError(`a Debezium event must be a JSON object, got ${stringifyNode(root).slice(0, 100)}`);
    const payload = root.has('payload') && !root.has('op') ? root.get('payload')! : root;
    if (!(payload instanceof Map)) throw formatError('the "payload" of a Debezium event must be a JSON object');
    const op = payload.get('op');
    if (typeof op !== 'string') throw formatError('the Debezium event has no "op" field (is the topic written with debezium-json?)');
    switch (op) {
      case 'c':
      case 'r':
        out.push(INSERT, this.#image(payload.get('after'), 'after', op));
        return 1;
      case 'u': {
        const before = this.#image(payload.get('before'), 'before', op);
        const after = this.#image(payload.get('after'), 'after', op);
        out.push(UPDATE_BEFORE, before);
        out.push(UPDATE_AFTER, after);
        return 2;
      }
      case 'd':
        out.push(DELETE, this.#image(payload.get('before'), 'before', op));
        return 1;
      case 't':
      case 'm':
        // truncate and message events carry no row change
        return 0;
      default:
        throw formatError(`unknown Debezium "op" '${op}' (expected c, r, u or d)`);
    }
  }
}
