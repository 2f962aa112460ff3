import { Decimal } from '../core/decimal.js';
import type { SqlType } from '../core/types.js';
import { formatDate, formatTime, formatTimestamp, type Value } from '../core/values.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A Strata value as JSON, exactly: integers beyond ±2^53 and every DECIMAL become strings
 * (a JSON number would lose digits in most readers), temporal values their SQL text,
 * binary values base64. Used at the edges only (HTTP API, JSON formats); never inside
 * the engine.
 */
export function toJsonValue(v: Value, type: SqlType): JsonValue {
  if (v === null) return null;
  switch (type.kind) {
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number, type.precision ?? 0);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return formatTimestamp(v as bigint, type.precision ?? 6);
    default:
      break;
  }
  if (typeof v === 'bigint') return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v.toString();
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}
