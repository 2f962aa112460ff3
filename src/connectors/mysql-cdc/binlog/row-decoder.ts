import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import type { SqlType } from '../../../core/types.js';
import type { Row, Value } from '../../../core/values.js';
import { ColumnType, columnTypeName } from './constants.js';
import { decodeLatin1, decodeText, decodingOf, TextDecoding } from './charsets.js';
import { stringRealType, type MysqlColumn } from './column-types.js';
import { decimalBinarySize, decodeDecimalBinary } from './decimal-binary.js';
import { decodeJsonBinary } from './json-binary.js';
import {
  decodeDate,
  decodeDatetime2,
  decodeOldDatetime,
  decodeOldTime,
  decodeOldTimestamp,
  decodeTime2,
  decodeTimestamp2,
  fractionBytes,
} from './temporal-binary.js';

/**
 * The hot path: rows of WRITE/UPDATE/DELETE_ROWS events decoded straight from the Buffer
 * into Strata rows. A TABLE_MAP is compiled once into a `TableDecoder` (one small integer
 * op per column plus its parameters); each row is then one loop over the columns with a
 * `switch` on the op: no closures, no per-value objects beyond the values themselves.
 *
 * Value representations follow core/types.ts for the column's Strata type
 * (column-types.ts strataTypeOf): numbers for TINYINT…INT, bigint for BIGINT and
 * timestamps, Decimal for DECIMAL and BIGINT UNSIGNED, strings for text, Uint8Array copies
 * (never views of the network buffer) for bytes.
 */

const enum Op {
  Null = 0,
  TinyS,
  TinyU,
  TinyBool,
  ShortS,
  ShortU,
  Int24S,
  Int24U,
  LongS,
  LongU,
  LongLongS,
  LongLongU,
  Float,
  Double,
  Decimal,
  Year,
  Date,
  TimeOld,
  Time2,
  DatetimeOld,
  Datetime2,
  TimestampOld,
  Timestamp2,
  VarText,
  VarBin,
  CharText,
  CharBin,
  BlobText,
  BlobBin,
  Json,
  Enum,
  Set,
  BitBool,
  BitBytes,
  /** MariaDB UUID / INET6 / INET4: BINARY(16) / BINARY(16) / BINARY(4) shown as text. */
  Uuid,
  Inet6,
  Inet4,
}

/** A TABLE_MAP compiled for decoding. */
export class TableDecoder {
  readonly ncols: number;
  readonly ops: Uint8Array;
  /** Per op: length-prefix bytes, fsp, precision, pack length. */
  readonly p1: Int32Array;
  /** Per op: DECIMAL scale, BINARY pad length. */
  readonly p2: Int32Array;
  /** Per op: fixed byte size (DECIMAL, temporal types). */
  readonly p3: Int32Array;
  /** Text decoding per column (charsets.ts TextDecoding). */
  readonly textKind: Uint8Array;
  readonly charsets: readonly (string | null)[];
  /** ENUM or SET values per column. */
  readonly names: readonly (readonly string[] | null)[];

  /**
   * @param types binlog column types, @param metas their metadata, @param columns the
   * merged columns, @param strataTypes their Strata types; @param where names the table
   * in errors.
   */
  constructor(types: readonly number[], metas: readonly number[], columns: readonly MysqlColumn[], strataTypes: readonly SqlType[], where: string) {
    const n = types.length;
    this.ncols = n;
    this.ops = new Uint8Array(n);
    this.p1 = new Int32Array(n);
    this.p2 = new Int32Array(n);
    this.p3 = new Int32Array(n);
    this.textKind = new Uint8Array(n);
    const charsets: (string | null)[] = [];
    const names: (readonly string[] | null)[] = [];
    for (let i = 0; i < n; i++) {
      const t = types[i]!;
      const m = metas[i]!;
      const col = columns[i]!;
      const kind = strataTypes[i]!.kind;
      const binary = col.charset === 'binary';
      charsets.push(col.charset);
      names.push(col.enumValues ?? col.setValues ?? null);
      this.textKind[i] = decodingOf(col.charset);
      let op: Op;
      switch (t) {
        case ColumnType.NULL:
          op = Op.Null;
          break;
        case ColumnType.TINY:
          op = kind === 'BOOLEAN' ? Op.TinyBool : kind === 'SMALLINT' ? Op.TinyU : Op.TinyS;
          break;
        case ColumnType.SHORT:
          op = kind === 'INT' ? Op.ShortU : Op.ShortS;
          break;
        case ColumnType.INT24:
          op = col.unsigned ? Op.Int24U : Op.Int24S;
          break;
        case ColumnType.LONG:
          op = kind === 'BIGINT' ? Op.LongU : Op.LongS;
          break;
        case ColumnType.LONGLONG:
          op = kind === 'DECIMAL' ? Op.LongLongU : Op.LongLongS;
          break;
        case ColumnType.FLOAT:
          op = Op.Float;
          break;
        case ColumnType.DOUBLE:
          op = Op.Double;
          break;
        case ColumnType.NEWDECIMAL:
          op = Op.Decimal;
          this.p1[i] = m >> 8;
          this.p2[i] = m & 0xff;
          this.p3[i] = decimalBinarySize(m >> 8, m & 0xff);
          break;
        case ColumnType.YEAR:
          op = Op.Year;
          break;
        case ColumnType.DATE:
        case ColumnType.NEWDATE:
          op = Op.Date;
          break;
        case ColumnType.TIME:
          if ((col.fsp ?? 0) > 0) throw oldHires(where, col);
          op = Op.TimeOld;
          break;
        case ColumnType.DATETIME:
          if ((col.fsp ?? 0) > 0) throw oldHires(where, col);
          op = Op.DatetimeOld;
          break;
        case ColumnType.TIMESTAMP:
          if ((col.fsp ?? 0) > 0) throw oldHires(where, col);
          op = Op.TimestampOld;
          break;
        case ColumnType.TIME2:
          op = Op.Time2;
          this.p1[i] = m;
          this.p3[i] = 3 + fractionBytes(m);
          break;
        case ColumnType.DATETIME2:
          op = Op.Datetime2;
          this.p1[i] = m;
          this.p3[i] = 5 + fractionBytes(m);
          break;
        case ColumnType.TIMESTAMP2:
          op = Op.Timestamp2;
          this.p1[i] = m;
          this.p3[i] = 4 + fractionBytes(m);
          break;
        case ColumnType.VARCHAR:
        case ColumnType.VAR_STRING:
          op = binary ? Op.VarBin : Op.VarText;
          this.p1[i] = m > 255 ? 2 : 1;
          break;
        case ColumnType.STRING: {
          const { realType, length } = stringRealType(m);
          if (realType === ColumnType.ENUM) {
            op = Op.Enum;
            this.p1[i] = length; // pack length 1 or 2
          } else if (realType === ColumnType.SET) {
            op = Op.Set;
            this.p1[i] = length; // pack length 1..8
          } else {
            const dt = col.dataType;
            op = dt === 'uuid' ? Op.Uuid : dt === 'inet6' ? Op.Inet6 : dt === 'inet4' ? Op.Inet4 : binary ? Op.CharBin : Op.CharText;
            this.p1[i] = length > 255 ? 2 : 1;
            this.p2[i] = length;
          }
          break;
        }
        case ColumnType.ENUM:
          op = Op.Enum;
          this.p1[i] = m & 0xff;
          break;
        case ColumnType.SET:
          op = Op.Set;
          this.p1[i] = m & 0xff;
          break;
        case ColumnType.BLOB:
        case ColumnType.TINY_BLOB:
        case ColumnType.MEDIUM_BLOB:
        case ColumnType.LONG_BLOB:
          op = binary ? Op.BlobBin : Op.BlobText;
          this.p1[i] = m;
          break;
        case ColumnType.GEOMETRY:
          op = Op.BlobBin;
          this.p1[i] = m;
          break;
        case ColumnType.JSON:
          op = Op.Json;
          this.p1[i] = m;
          break;
        case ColumnType.BIT: {
          const bits = (m >> 8) * 8 + (m & 0xff);
          op = kind === 'BOOLEAN' ? Op.BitBool : Op.BitBytes;
          this.p1[i] = (bits + 7) >> 3;
          break;
        }
        default:
          throw new StrataError('CONNECTOR_DATA', `column ${i + 1} (${col.name}) of ${where} has binlog type ${columnTypeName(t)} (${t}), which Strata does not decode.`, {
            hint: 'Exclude the table from the source, or change the column type.',
          });
      }
      this.ops[i] = op;
    }
    this.charsets = charsets;
    this.names = names;
  }
}

function oldHires(where: string, col: MysqlColumn): StrataError {
  return new StrataError('CONNECTOR_DATA', `column ${col.name} of ${where} uses MariaDB's pre-10.1 temporal format with fractional seconds, which Strata does not decode.`, {
    hint: `Convert it on the server: SET GLOBAL mysql56_temporal_format=ON, then ALTER TABLE ... FORCE.`,
  });
}

/**
 * Buffer's own utf8Slice (what toString('utf8', s, e) calls after checking its arguments):
 * ~20 % faster per short string, which is most strings in rows.
 */
interface Utf8Sliceable {
  utf8Slice(start: number, end: number): string;
}

/** `123e4567-e89b-12d3-a456-426655440000`. */
export function uuidText(b: Uint8Array): string {
  const h = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * IPv6 text as inet_ntop writes it (RFC 5952: the longest run of two or more zero groups as
 * `::`, lowercase hex without leading zeros), with the IPv4 forms `::a.b.c.d` and
 * `::ffff:a.b.c.d`.
 */
export function inet6Text(b: Uint8Array): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) best = -1;
  const v4 = best === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff));
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    if (v4 && i === 6) return `${s}${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
    s += w[i]!.toString(16) + (i < 7 ? ':' : '');
  }
  return s;
}

function copyBytes(buf: Buffer, s: number, e: number): Uint8Array {
  const len = e - s;
  const out = new Uint8Array(len);
  if (len < 32) for (let i = 0; i < len; i++) out[i] = buf[s + i]!;
  else out.set(buf.subarray(s, e));
  return out;
}

function readLen(buf: Buffer, pos: number, bytes: number): number {
  switch (bytes) {
    case 1:
      return buf[pos]!;
    case 2:
      return buf[pos]! | (buf[pos + 1]! << 8);
    case 3:
      return buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16);
    default:
      return (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16)) + buf[pos + 3]! * 16777216;
  }
}

function text(buf: Buffer, s: number, e: number, kind: number, charset: string | null): string {
  if (kind === TextDecoding.Utf8) return (buf as unknown as Utf8Sliceable).utf8Slice(s, e);
  if (kind === TextDecoding.Latin1) return decodeLatin1(buf, s, e);
  return decodeText(buf, s, e, charset);
}

function setText(buf: Buffer, pos: number, bytes: number, values: readonly string[] | null): string {
  if (values === null) {
    let v = 0n;
    for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[pos + i]!);
    return v.toString();
  }
  let s = '';
  for (let b = 0; b < bytes; b++) {
    const byte = buf[pos + b]!;
    if (byte === 0) continue;
    for (let k = 0; k < 8; k++) {
      if ((byte & (1 << k)) !== 0) {
        const v = values[b * 8 + k];
        if (v !== undefined) s = s === '' ? v : s + ',' + v;
      }
    }
  }
  return s;
}

/**
 * Decodes one row image at `pos` into `row` (pushing one value per column) and returns
 * the position after it. `present[c]` is 1 for columns in the image; `nPresent` counts them.
 */
export function decodeRow(td: TableDecoder, buf: Buffer, pos: number, present: Uint8Array | null, nPresent: number, row: Value[]): number {
  const n = td.ncols;
  const ops = td.ops;
  const p1 = td.p1;
  const nullPos = pos;
  pos += (nPresent + 7) >> 3;
  let j = 0;
  for (let c = 0; c < n; c++) {
    if (present !== null && present[c] === 0) {
      row.push(null);
      continue;
    }
    if ((buf[nullPos + (j >> 3)]! & (1 << (j & 7))) !== 0) {
      j++;
      row.push(null);
      continue;
    }
    j++;
    switch (ops[c]) {
      case Op.TinyS:
        row.push((buf[pos]! << 24) >> 24);
        pos += 1;
        break;
      case Op.TinyU:
        row.push(buf[pos]!);
        pos += 1;
        break;
      case Op.TinyBool:
        row.push(buf[pos] !== 0);
        pos += 1;
        break;
      case Op.ShortS:
        row.push(((buf[pos]! | (buf[pos + 1]! << 8)) << 16) >> 16);
        pos += 2;
        break;
      case Op.ShortU:
        row.push(buf[pos]! | (buf[pos + 1]! << 8));
        pos += 2;
        break;
      case Op.Int24S:
        row.push(((buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16)) << 8) >> 8);
        pos += 3;
        break;
      case Op.Int24U:
        row.push(buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16));
        pos += 3;
        break;
      case Op.LongS:
        row.push(buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24));
        pos += 4;
        break;
      case Op.LongU:
        row.push(BigInt((buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0));
        pos += 4;
        break;
      case Op.LongLongS: {
        const lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
        const hi = buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24);
        row.push(hi >= -2097152 && hi < 2097152 ? BigInt(hi * 4294967296 + lo) : (BigInt(hi) << 32n) | BigInt(lo));
        pos += 8;
        break;
      }
      case Op.LongLongU: {
        const lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
        const hi = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
        row.push(new Decimal(hi < 2097152 ? BigInt(hi * 4294967296 + lo) : (BigInt(hi) << 32n) | BigInt(lo), 0));
        pos += 8;
        break;
      }
      case Op.Float:
        row.push(buf.readFloatLE(pos));
        pos += 4;
        break;
      case Op.Double:
        row.push(buf.readDoubleLE(pos));
        pos += 8;
        break;
      case Op.Decimal:
        row.push(decodeDecimalBinary(buf, pos, p1[c]!, td.p2[c]!));
        pos += td.p3[c]!;
        break;
      case Op.Year: {
        const y = buf[pos]!;
        row.push(y === 0 ? 0 : 1900 + y);
        pos += 1;
        break;
      }
      case Op.Date:
        row.push(decodeDate(buf, pos));
        pos += 3;
        break;
      case Op.TimeOld:
        row.push(decodeOldTime(buf, pos));
        pos += 3;
        break;
      case Op.Time2:
        row.push(decodeTime2(buf, pos, p1[c]!));
        pos += td.p3[c]!;
        break;
      case Op.DatetimeOld:
        row.push(decodeOldDatetime(buf, pos));
        pos += 8;
        break;
      case Op.Datetime2:
        row.push(decodeDatetime2(buf, pos, p1[c]!));
        pos += td.p3[c]!;
        break;
      case Op.TimestampOld:
        row.push(decodeOldTimestamp(buf, pos));
        pos += 4;
        break;
      case Op.Timestamp2:
        row.push(decodeTimestamp2(buf, pos, p1[c]!));
        pos += td.p3[c]!;
        break;
      case Op.VarText:
      case Op.CharText: {
        const lb = p1[c]!;
        const len = lb === 1 ? buf[pos]! : buf[pos]! | (buf[pos + 1]! << 8);
        const s = pos + lb;
        pos = s + len;
        const k = td.textKind[c]!;
        row.push(k === TextDecoding.Utf8 ? (buf as unknown as Utf8Sliceable).utf8Slice(s, pos) : text(buf, s, pos, k, td.charsets[c]!));
        break;
      }
      case Op.VarBin: {
        const lb = p1[c]!;
        const len = lb === 1 ? buf[pos]! : buf[pos]! | (buf[pos + 1]! << 8);
        const s = pos + lb;
        pos = s + len;
        row.push(copyBytes(buf, s, pos));
        break;
      }
      case Op.CharBin: {
        // BINARY(n): the binlog drops trailing 0x00 bytes; SELECT returns all n.
        const lb = p1[c]!;
        const len = lb === 1 ? buf[pos]! : buf[pos]! | (buf[pos + 1]! << 8);
        const s = pos + lb;
        pos = s + len;
        const width = td.p2[c]!;
        if (len >= width) row.push(copyBytes(buf, s, pos));
        else {
          const out = new Uint8Array(width);
          for (let i = 0; i < len; i++) out[i] = buf[s + i]!;
          row.push(out);
        }
        break;
      }
      case Op.BlobText: {
        const lb = p1[c]!;
        const len = readLen(buf, pos, lb);
        const s = pos + lb;
        pos = s + len;
        row.push(text(buf, s, pos, td.textKind[c]!, td.charsets[c]!));
        break;
      }
      case Op.BlobBin: {
        const lb = p1[c]!;
        const len = readLen(buf, pos, lb);
        const s = pos + lb;
        pos = s + len;
        row.push(copyBytes(buf, s, pos));
        break;
      }
      case Op.Json: {
        const lb = p1[c]!;
        const len = readLen(buf, pos, lb);
        const s = pos + lb;
        pos = s + len;
        row.push(decodeJsonBinary(buf, s, pos));
        break;
      }
      case Op.Enum: {
        const idx = p1[c] === 1 ? buf[pos]! : buf[pos]! | (buf[pos + 1]! << 8);
        pos += p1[c]!;
        const values = td.names[c];
        row.push(idx === 0 ? '' : values === null || values === undefined ? String(idx) : (values[idx - 1] ?? String(idx)));
        break;
      }
      case Op.Set:
        row.push(setText(buf, pos, p1[c]!, td.names[c] ?? null));
        pos += p1[c]!;
        break;
      case Op.BitBool: {
        let any = false;
        for (let i = 0; i < p1[c]!; i++) if (buf[pos + i] !== 0) any = true;
        row.push(any);
        pos += p1[c]!;
        break;
      }
      case Op.BitBytes:
        row.push(copyBytes(buf, pos, pos + p1[c]!));
        pos += p1[c]!;
        break;
      case Op.Uuid:
      case Op.Inet6:
      case Op.Inet4: {
        const lb = p1[c]!;
        const len = lb === 1 ? buf[pos]! : buf[pos]! | (buf[pos + 1]! << 8);
        const s = pos + lb;
        pos = s + len;
        // Trailing 0x00 bytes were dropped as for BINARY(n): pad back to the width.
        const b = new Uint8Array(td.p2[c]!);
        for (let i = 0; i < len && i < b.length; i++) b[i] = buf[s + i]!;
        const op = ops[c];
        row.push(op === Op.Uuid ? uuidText(b) : op === Op.Inet6 ? inet6Text(b) : `${b[0]}.${b[1]}.${b[2]}.${b[3]}`);
        break;
      }
      default:
        row.push(null);
        break;
    }
  }
  return pos;
}

/** 0/1 per column from a columns-present bitmap at `pos`; null when every column is present. */
export function presentColumns(buf: Buffer, pos: number, n: number): { present: Uint8Array | null; count: number } {
  let count = 0;
  const present = new Uint8Array(n);
  for (let c = 0; c < n; c++) {
    if ((buf[pos + (c >> 3)]! & (1 << (c & 7))) !== 0) {
      present[c] = 1;
      count++;
    }
  }
  return { present: count === n ? null : present, count };
}

/** Rows of `op` from `buf[pos, end)` into `out`; for updates, before and after images alternate. */
export function decodeRows(
  td: TableDecoder,
  buf: Buffer,
  pos: number,
  end: number,
  present: Uint8Array | null,
  nPresent: number,
  presentAfter: Uint8Array | null,
  nPresentAfter: number,
  isUpdate: boolean,
  out: Row[],
): void {
  while (pos < end) {
    const row: Value[] = [];
    pos = decodeRow(td, buf, pos, present, nPresent, row);
    out.push(row);
    if (isUpdate) {
      const after: Value[] = [];
      pos = decodeRow(td, buf, pos, presentAfter, nPresentAfter, after);
      out.push(after);
    }
  }
  if (pos !== end) {
    throw new StrataError('CONNECTOR_DATA', `row data ends ${pos - end} byte(s) past the event: the column types do not match the rows`);
  }
}
