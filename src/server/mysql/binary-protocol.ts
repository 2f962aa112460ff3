import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import type { SqlType } from '../../core/types.js';
import type { Row, Value } from '../../core/values.js';
import type { ResultColumn } from '../../store/api.js';
import { writeBinaryValue, writeColumnDefinition, writeParamDefinition } from './column-types.js';
import { ColumnType } from './constants.js';
import { PayloadReader, writeEnd } from './packets.js';
import type { PacketWriter } from './packets.js';

/**
 * The binary protocol (prepared statements): the COM_STMT_PREPARE response, the
 * parameters of COM_STMT_EXECUTE, and binary result rows.
 *
 * Parameters arrive typed by the client; they reach the backend as Strata values:
 *
 * | MySQL parameter type                         | Value                                    |
 * |----------------------------------------------|------------------------------------------|
 * | TINY, SHORT, YEAR, INT24, LONG               | number                                   |
 * | LONGLONG                                     | bigint (unsigned flag honoured)          |
 * | FLOAT, DOUBLE                                | number                                   |
 * | DECIMAL, NEWDECIMAL                          | Decimal (string if it does not parse)    |
 * | DATE                                         | string `YYYY-MM-DD`                      |
 * | DATETIME, TIMESTAMP                          | string `YYYY-MM-DD HH:MM:SS[.ffffff]`    |
 * | TIME                                         | string `[-]HH:MM:SS[.ffffff]`            |
 * | TINY/MEDIUM/LONG_BLOB, BLOB, GEOMETRY, BIT   | Uint8Array                               |
 * | VARCHAR, VAR_STRING, STRING, JSON, ENUM, SET | string (UTF-8)                           |
 * | NULL, or the null bit set                    | null                                     |
 *
 * Temporal parameters become their MySQL text because the value list does not carry
 * types: text is what MySQL itself compares with DATE and DATETIME columns, and it
 * cannot be mistaken for a number.
 */

export interface ParamType {
  readonly type: number;
  readonly unsigned: boolean;
}

export interface PreparedStatement {
  readonly id: number;
  readonly sql: string;
  readonly paramCount: number;
  readonly columns: readonly ResultColumn[] | null;
  /** Types bound by the first execute that sent them; later executes may omit them. */
  paramTypes: readonly ParamType[] | null;
  /** COM_STMT_SEND_LONG_DATA pieces by parameter index. */
  readonly longData: Map<number, Buffer[]>;
}

/** COM_STMT_PREPARE_OK, the parameter definitions and the column definitions. */
export function writePrepareOk(w: PacketWriter, stmt: PreparedStatement, deprecateEof: boolean, status: number): void {
  const columns = stmt.columns ?? [];
  w.begin().u8(0x00).u32(stmt.id).u16(columns.length).u16(stmt.paramCount).u8(0).u16(0).end();
  if (stmt.paramCount > 0) {
    for (let i = 0; i < stmt.paramCount; i++) writeParamDefinition(w);
    if (!deprecateEof) writeEnd(w, false, status);
  }
  if (columns.length > 0) {
    for (let i = 0; i < columns.length; i++) writeColumnDefinition(w, columns[i]!);
    if (!deprecateEof) writeEnd(w, false, status);
  }
}

/** One binary row: 0x00, the NULL bitmap (offset 2), then each non-null value in its column type's encoding. */
export function writeBinaryRow(w: PacketWriter, types: readonly SqlType[], row: Row): void {
  const n = types.length;
  w.begin().u8(0x00);
  const bitmapBytes = (n + 7 + 2) >> 3;
  for (let b = 0; b < bitmapBytes; b++) {
    let bits = 0;
    for (let bit = 0; bit < 8; bit++) {
      const col = b * 8 + bit - 2;
      if (col >= 0 && col < n && (row[col] ?? null) === null) bits |= 1 << bit;
    }
    w.u8(bits);
  }
  for (let i = 0; i < n; i++) {
    const v = row[i] ?? null;
    if (v !== null && types[i]!.kind !== 'NULL') writeBinaryValue(w, types[i]!, v);
  }
  w.end();
}

export interface ExecuteRequest {
  readonly statementId: number;
  readonly flags: number;
}

/** Statement id and cursor flags of a COM_STMT_EXECUTE payload (to find the statement). */
export function readExecuteHeader(payload: Buffer): ExecuteRequest {
  const r = new PayloadReader(payload, 1);
  const statementId = r.u32();
  const flags = r.u8();
  return { statementId, flags };
}

function badArguments(message: string): StrataError {
  return new StrataError('USAGE', `Incorrect arguments to mysqld_stmt_execute: ${message}`, { details: { mysqlErrno: 1210, mysqlSqlState: 'HY000' } });
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function fractionText(micros: number): string {
  return micros === 0 ? '' : '.' + String(micros).padStart(6, '0');
}

function readDateTimeText(r: PayloadReader, dateOnly: boolean): string {
  const len = r.u8();
  let year = 0;
  let month = 0;
  let day = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  let micros = 0;
  if (len >= 4) {
    year = r.u16();
    month = r.u8();
    day = r.u8();
  }
  if (len >= 7) {
    h = r.u8();
    mi = r.u8();
    s = r.u8();
  }
  if (len >= 11) micros = r.u32();
  if (len !== 0 && len !== 4 && len !== 7 && len !== 11) throw badArguments(`a date/time parameter has length ${len}`);
  const date = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  if (dateOnly) return date;
  return `${date} ${pad2(h)}:${pad2(mi)}:${pad2(s)}${fractionText(micros)}`;
}

function readTimeText(r: PayloadReader): string {
  const len = r.u8();
  if (len === 0) return '00:00:00';
  if (len !== 8 && len !== 12) throw badArguments(`a TIME parameter has length ${len}`);
  const neg = r.u8() !== 0;
  const days = r.u32();
  const h = r.u8();
  const mi = r.u8();
  const s = r.u8();
  const micros = len === 12 ? r.u32() : 0;
  const hours = days * 24 + h;
  return `${neg ? '-' : ''}${pad2(hours)}:${pad2(mi)}:${pad2(s)}${fractionText(micros)}`;
}

function bytesCopy(b: Buffer): Uint8Array {
  return new Uint8Array(b);
}

function isBlobType(t: number): boolean {
  return (
    t === ColumnType.TINY_BLOB ||
    t === ColumnType.MEDIUM_BLOB ||
    t === ColumnType.LONG_BLOB ||
    t === ColumnType.BLOB ||
    t === ColumnType.GEOMETRY ||
    t === ColumnType.BIT
  );
}

function isStringType(t: number): boolean {
  return (
    t === ColumnType.VARCHAR ||
    t === ColumnType.VAR_STRING ||
    t === ColumnType.STRING ||
    t === ColumnType.JSON ||
    t === ColumnType.ENUM ||
    t === ColumnType.SET
  );
}

function readParam(r: PayloadReader, p: ParamType): Value {
  switch (p.type) {
    case ColumnType.NULL:
      return null;
    case ColumnType.TINY:
      return p.unsigned ? r.u8() : r.i8();
    case ColumnType.SHORT:
    case ColumnType.YEAR:
      return p.unsigned ? r.u16() : r.i16();
    case ColumnType.LONG:
    case ColumnType.INT24:
      return p.unsigned ? r.u32() : r.i32();
    case ColumnType.LONGLONG:
      return p.unsigned ? r.u64() : r.i64();
    case ColumnType.FLOAT:
      return r.f32();
    case ColumnType.DOUBLE:
      return r.f64();
    case ColumnType.DECIMAL:
    case ColumnType.NEWDECIMAL: {
      const text = r.lenencString();
      return Decimal.parse(text) ?? text;
    }
    case ColumnType.DATE:
    case ColumnType.NEWDATE:
      return readDateTimeText(r, true);
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
    case ColumnType.DATETIME2:
    case ColumnType.TIMESTAMP2:
      return readDateTimeText(r, false);
    case ColumnType.TIME:
    case ColumnType.TIME2:
      return readTimeText(r);
    default:
      if (isBlobType(p.type)) return bytesCopy(r.lenencBytes());
      if (isStringType(p.type)) return r.lenencString();
      throw badArguments(`parameter type 0x${p.type.toString(16)} is not supported`);
  }
}

function longDataValue(parts: Buffer[], p: ParamType): Value {
  const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (isStringType(p.type) || p.type === ColumnType.DECIMAL || p.type === ColumnType.NEWDECIMAL) return all.toString('utf8');
  return bytesCopy(all);
}

/**
 * The parameter values of a COM_STMT_EXECUTE payload for `stmt`. Updates
 * `stmt.paramTypes` when the client sent new types; consumes the long data.
 */
export function readExecuteParams(payload: Buffer, stmt: PreparedStatement): Value[] {
  const n = stmt.paramCount;
  const values: Value[] = new Array<Value>(n);
  if (n === 0) return values;
  const r = new PayloadReader(payload, 1 + 4 + 1 + 4);
  const nullBitmap = r.bytes((n + 7) >> 3);
  const newParamsBound = r.u8();
  if (newParamsBound === 1) {
    const types: ParamType[] = new Array<ParamType>(n);
    for (let i = 0; i < n; i++) {
      const type = r.u8();
      const flag = r.u8();
      types[i] = { type, unsigned: (flag & 0x80) !== 0 };
    }
    stmt.paramTypes = types;
  }
  const types = stmt.paramTypes;
  if (types === null) throw badArguments('the first execute of a statement must send the parameter types');
  for (let i = 0; i < n; i++) {
    if ((nullBitmap[i >> 3]! & (1 << (i & 7))) !== 0) {
      values[i] = null;
      continue;
    }
    const long = stmt.longData.get(i);
    if (long !== undefined) {
      values[i] = longDataValue(long, types[i]!);
      continue;
    }
    values[i] = readParam(r, types[i]!);
  }
  stmt.longData.clear();
  return values;
}

/** COM_STMT_SEND_LONG_DATA: statement id, parameter index, a piece of the value. */
export function readLongData(payload: Buffer): { statementId: number; param: number; data: Buffer } {
  const r = new PayloadReader(payload, 1);
  const statementId = r.u32();
  const param = r.u16();
  return { statementId, param, data: Buffer.from(r.rest()) };
}
