/**
 * Conversion of one JSON value of a message into the value of a warehouse column
 * (Strata's runtime representation, see core/types.ts). Numbers keep their text, so
 * INT, BIGINT and DECIMAL receive exactly what the message says; strings parse into
 * DATE / DATETIME / TIME; numbers and booleans become text for string columns.
 */

import { Decimal } from '../../core/decimal.js';
import type { SqlType } from '../../core/types.js';
import { MICROS_PER_DAY, parseDate, parseTime, parseTimestamp, type Value } from '../../core/values.js';
import { JsonNumber, jsonText, type Json } from './json-text.js';

/** Why a value did not convert (the caller names the message's topic/partition/offset). */
export class ConversionFailure {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

const INT_RANGES: Partial<Record<SqlType['kind'], readonly [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
};
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

function describe(v: Json): string {
  const t = jsonText(v);
  return t.length > 40 ? t.slice(0, 37) + '...' : t;
}

/** The text of a scalar as a number, or null when it is not numeric. */
function numericText(v: Json): string | null {
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'string') {
    const t = v.trim();
    return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? t : null;
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  return null;
}

/** Converts `v` (not null) to a value of `type`; a ConversionFailure says why not. */
export function convertJson(v: Json, type: SqlType): Value | ConversionFailure {
  if (v === null) return null;
  switch (type.kind) {
    case 'BOOLEAN': {
      if (typeof v === 'boolean') return v;
      if (v instanceof JsonNumber) {
        const d = Decimal.parse(v.text);
        if (d !== null) return d.sign() !== 0;
      }
      if (typeof v === 'string') {
        const t = v.trim().toLowerCase();
        if (t === 'true' || t === '1') return true;
        if (t === 'false' || t === '0') return false;
      }
      return new ConversionFailure(`${describe(v)} is not a BOOLEAN`);
    }
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': {
      const text = numericText(v);
      const d = text === null ? null : Decimal.parse(text);
      if (d === null) return new ConversionFailure(`${describe(v)} is not a number for ${type.kind}`);
      const whole = d.rescale(0);
      if (!whole.rescale(d.scale).equals(d)) return new ConversionFailure(`${describe(v)} has a fraction; ${type.kind} holds whole numbers`);
      const b = whole.unscaled;
      if (type.kind === 'BIGINT') {
        if (b < BIGINT_MIN || b > BIGINT_MAX) return new ConversionFailure(`${describe(v)} is out of range for BIGINT`);
        return b;
      }
      const [lo, hi] = INT_RANGES[type.kind]!;
      if (b < BigInt(lo) || b > BigInt(hi)) return new ConversionFailure(`${describe(v)} is out of range for ${type.kind}`);
      return Number(b);
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const text = numericText(v);
      if (text === null) return new ConversionFailure(`${describe(v)} is not a number for ${type.kind}`);
      const n = Number(text);
      if (!Number.isFinite(n)) return new ConversionFailure(`${describe(v)} is out of range for ${type.kind}`);
      return type.kind === 'FLOAT' ? Math.fround(n) : n;
    }
    case 'DECIMAL': {
      const text = numericText(v);
      const d = text === null ? null : Decimal.parse(text);
      if (d === null) return new ConversionFailure(`${describe(v)} is not a number for DECIMAL`);
      const p = type.precision ?? 10;
      const s = type.scale ?? 0;
      if (!d.fits(p, s)) return new ConversionFailure(`${describe(v)} does not fit DECIMAL(${p},${s})`);
      return d.rescale(s);
    }
    case 'CHAR':
    case 'VARCHAR': {
      const s = typeof v === 'string' ? v : jsonText(v);
      const max = type.precision;
      if (max !== undefined && Buffer.byteLength(s, 'utf8') > max) {
        return new ConversionFailure(`${describe(v)} is longer than ${type.kind}(${max}) (${Buffer.byteLength(s, 'utf8')} bytes)`);
      }
      return s;
    }
    case 'BINARY':
    case 'VARBINARY': {
      const s = typeof v === 'string' ? v : jsonText(v);
      return new Uint8Array(Buffer.from(s, 'utf8'));
    }
    case 'DATE': {
      if (typeof v !== 'string') return new ConversionFailure(`${describe(v)} is not a DATE (write 'YYYY-MM-DD')`);
      const d = parseDate(v);
      if (d !== null) return d;
      const ts = parseTimestamp(v);
      if (ts !== null) return Number((ts - (((ts % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY)) / MICROS_PER_DAY);
      return new ConversionFailure(`'${v}' is not a DATE (write 'YYYY-MM-DD')`);
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      if (typeof v !== 'string') return new ConversionFailure(`${describe(v)} is not a DATETIME (write 'YYYY-MM-DD HH:MM:SS')`);
      const ts = parseTimestamp(v);
      if (ts === null) return new ConversionFailure(`'${v}' is not a DATETIME (write 'YYYY-MM-DD HH:MM:SS')`);
      return ts;
    }
    case 'TIME': {
      if (typeof v !== 'string') return new ConversionFailure(`${describe(v)} is not a TIME (write 'HH:MM:SS')`);
      const t = parseTime(v);
      if (t === null) return new ConversionFailure(`'${v}' is not a TIME (write 'HH:MM:SS')`);
      return t;
    }
    case 'NULL':
      return null;
  }
}

/**
 * A column DEFAULT (SQL text as written in the DDL) as a value, when it is a literal;
 * undefined when it is not (an expression such as CURRENT_TIMESTAMP), so the column is NULL.
 */
export function defaultValueOf(text: string | null, type: SqlType): Value | undefined {
  if (text === null) return undefined;
  const t = text.trim();
  if (/^null$/i.test(t)) return null;
  let j: Json;
  const q = /^'((?:[^']|'')*)'$|^"((?:[^"\\]|\\.)*)"$/.exec(t);
  if (q !== null) j = q[1] !== undefined ? q[1].replace(/''/g, "'") : (q[2] ?? '').replace(/\\(.)/g, '$1');
  else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) j = new JsonNumber(t);
  else return undefined;
  const v = convertJson(j, type);
  return v instanceof ConversionFailure ? undefined : v;
}
