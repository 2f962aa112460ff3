import { ColumnType, OptionalMetadata } from './constants.js';
import { Cursor } from './cursor.js';
import { stringRealType, type BinlogColumnFacts } from './column-types.js';

/**
 * TABLE_MAP_EVENT body: table id, database and table names, column types, per-column
 * metadata, the nullability bitmap, and (MySQL 8.0.1+ with binlog_row_metadata, MariaDB
 * 10.5+ with binlog_row_metadata=FULL) the optional metadata TLV fields: signedness,
 * charsets, column names, ENUM/SET values, geometry types, primary key.
 */
export interface TableMapBody {
  readonly tableId: number;
  readonly flags: number;
  readonly database: string;
  readonly table: string;
  readonly columnTypes: readonly number[];
  readonly columnMeta: readonly number[];
  readonly nullable: readonly boolean[];
  readonly optional: OptionalTableMetadata;
}

/** The optional metadata, per column where it applies (null where it does not or was not sent). */
export interface OptionalTableMetadata {
  /** Which fields were present (OptionalMetadata codes). */
  readonly present: readonly number[];
  readonly unsigned: readonly (boolean | null)[];
  readonly collations: readonly (number | null)[];
  readonly names: readonly (string | null)[];
  readonly enumValues: readonly (readonly string[] | null)[];
  readonly setValues: readonly (readonly string[] | null)[];
  readonly geometryTypes: readonly (number | null)[];
  /** Primary key column indexes (with prefix lengths, 0 = whole column); null when not sent. */
  readonly primaryKey: readonly { readonly column: number; readonly prefix: number }[] | null;
  /** COLUMN_VISIBILITY (MySQL 8.0.23+): false for invisible columns; null when not sent. */
  readonly visible: readonly boolean[] | null;
}

/** Bytes of per-column metadata in the TABLE_MAP metadata block, by type. */
function metaSize(type: number): number {
  switch (type) {
    case ColumnType.TINY_BLOB:
    case ColumnType.BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
    case ColumnType.DOUBLE:
    case ColumnType.FLOAT:
    case ColumnType.GEOMETRY:
    case ColumnType.JSON:
    case ColumnType.TIME2:
    case ColumnType.DATETIME2:
    case ColumnType.TIMESTAMP2:
      return 1;
    case ColumnType.SET:
    case ColumnType.ENUM:
    case ColumnType.STRING:
    case ColumnType.BIT:
    case ColumnType.VARCHAR:
    case ColumnType.VAR_STRING:
    case ColumnType.NEWDECIMAL:
    case ColumnType.DECIMAL:
      return 2;
    default:
      return 0;
  }
}

/** Numeric columns for SIGNEDNESS (MySQL's is_numeric_type). */
export function isNumericType(type: number): boolean {
  switch (type) {
    case ColumnType.TINY:
    case ColumnType.SHORT:
    case ColumnType.INT24:
    case ColumnType.LONG:
    case ColumnType.LONGLONG:
    case ColumnType.NEWDECIMAL:
    case ColumnType.DECIMAL:
    case ColumnType.FLOAT:
    case ColumnType.DOUBLE:
      return true;
    default:
      return false;
  }
}

/** Character columns for DEFAULT_CHARSET / COLUMN_CHARSET (not ENUM/SET, not JSON/GEOMETRY). */
export function isCharacterColumn(type: number, meta: number): boolean {
  switch (type) {
    case ColumnType.VARCHAR:
    case ColumnType.VAR_STRING:
    case ColumnType.BLOB:
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
      return true;
    case ColumnType.STRING: {
      const rt = stringRealType(meta).realType;
      return rt !== ColumnType.ENUM && rt !== ColumnType.SET;
    }
    default:
      return false;
  }
}

export function isEnumOrSet(type: number, meta: number): 'enum' | 'set' | null {
  if (type === ColumnType.ENUM) return 'enum';
  if (type === ColumnType.SET) return 'set';
  if (type !== ColumnType.STRING) return null;
  const rt = stringRealType(meta).realType;
  return rt === ColumnType.ENUM ? 'enum' : rt === ColumnType.SET ? 'set' : null;
}

/**
 * Parses a TABLE_MAP body from `c` (positioned after the common header) to `c.end`
 * (the checksum already excluded). `tableIdSize` is 6 (post-header length 8) or 4.
 */
export function parseTableMapBody(c: Cursor, tableIdSize: number): TableMapBody {
  const tableId = tableIdSize === 6 ? c.u48() : c.u32();
  const flags = c.u16();
  const dbLen = c.u8();
  const database = c.str(dbLen);
  c.skip(1);
  const tLen = c.u8();
  const table = c.str(tLen);
  c.skip(1);
  const n = c.lenenc();
  const columnTypes: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) columnTypes[i] = c.u8();
  const metaLen = c.lenenc();
  const metaEnd = c.pos + metaLen;
  const columnMeta: number[] = new Array<number>(n);
  const b = c.buf;
  for (let i = 0; i < n; i++) {
    const t = columnTypes[i]!;
    const size = metaSize(t);
    c.need(size);
    const p = c.pos;
    let m = 0;
    if (size === 1) m = b[p]!;
    else if (size === 2) {
      // VARCHAR / VAR_STRING: little-endian max length. BIT: bits | bytes << 8.
      // STRING / ENUM / SET / NEWDECIMAL: first byte high (real type / precision).
      if (t === ColumnType.VARCHAR || t === ColumnType.VAR_STRING) m = b[p]! | (b[p + 1]! << 8);
      else if (t === ColumnType.BIT) m = b[p]! | (b[p + 1]! << 8);
      else m = (b[p]! << 8) | b[p + 1]!;
    }
    columnMeta[i] = m;
    c.pos += size;
  }
  c.pos = metaEnd;
  const nullBytes = (n + 7) >> 3;
  c.need(nullBytes);
  const nullable: boolean[] = new Array<boolean>(n);
  for (let i = 0; i < n; i++) nullable[i] = (b[c.pos + (i >> 3)]! & (1 << (i & 7))) !== 0;
  c.pos += nullBytes;
  const optional = c.remaining > 0 ? parseOptionalMetadata(c, columnTypes, columnMeta) : emptyOptional(n);
  return { tableId, flags, database, table, columnTypes, columnMeta, nullable, optional };
}

function emptyOptional(n: number): OptionalTableMetadata {
  const nulls = new Array<null>(n).fill(null);
  return { present: [], unsigned: nulls, collations: nulls, names: nulls, enumValues: nulls, setValues: nulls, geometryTypes: nulls, primaryKey: null, visible: null };
}

function parseOptionalMetadata(c: Cursor, types: readonly number[], metas: readonly number[]): OptionalTableMetadata {
  const n = types.length;
  const present: number[] = [];
  const unsigned: (boolean | null)[] = new Array<boolean | null>(n).fill(null);
  const collations: (number | null)[] = new Array<number | null>(n).fill(null);
  const names: (string | null)[] = new Array<string | null>(n).fill(null);
  const enumValues: (readonly string[] | null)[] = new Array<readonly string[] | null>(n).fill(null);
  const setValues: (readonly string[] | null)[] = new Array<readonly string[] | null>(n).fill(null);
  const geometryTypes: (number | null)[] = new Array<number | null>(n).fill(null);
  let primaryKey: { column: number; prefix: number }[] | null = null;
  let visible: boolean[] | null = null;

  const charCols: number[] = [];
  const enumSetCols: number[] = [];
  const enumCols: number[] = [];
  const setCols: number[] = [];
  const numericCols: number[] = [];
  const geomCols: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = types[i]!;
    const m = metas[i]!;
    if (isNumericType(t)) numericCols.push(i);
    if (isCharacterColumn(t, m)) charCols.push(i);
    const es = isEnumOrSet(t, m);
    if (es !== null) {
      enumSetCols.push(i);
      (es === 'enum' ? enumCols : setCols).push(i);
    }
    if (t === ColumnType.GEOMETRY) geomCols.push(i);
  }

  const readCharsets = (cols: readonly number[], len: number, isDefault: boolean): void => {
    const end = c.pos + len;
    if (isDefault) {
      const def = c.lenenc();
      for (const i of cols) collations[i] = def;
      while (c.pos < end) {
        const idx = c.lenenc();
        const coll = c.lenenc();
        const col = cols[idx];
        if (col !== undefined) collations[col] = coll;
      }
    } else {
      let k = 0;
      while (c.pos < end) {
        const coll = c.lenenc();
        const col = cols[k++];
        if (col !== undefined) collations[col] = coll;
      }
    }
    c.pos = end;
  };

  const readStrValues = (cols: readonly number[], len: number, into: (readonly string[] | null)[]): void => {
    const end = c.pos + len;
    let k = 0;
    while (c.pos < end) {
      const count = c.lenenc();
      const vals: string[] = [];
      for (let j = 0; j < count; j++) vals.push(c.lenencStr());
      const col = cols[k++];
      if (col !== undefined) into[col] = vals;
    }
    c.pos = end;
  };

  while (c.remaining > 0) {
    const type = c.u8();
    const len = c.lenenc();
    c.need(len);
    const end = c.pos + len;
    present.push(type);
    switch (type) {
      case OptionalMetadata.SIGNEDNESS: {
        for (let k = 0; k < numericCols.length; k++) {
          const byte = c.buf[c.pos + (k >> 3)] ?? 0;
          unsigned[numericCols[k]!] = (byte & (0x80 >> (k & 7))) !== 0;
        }
        break;
      }
      case OptionalMetadata.DEFAULT_CHARSET:
        readCharsets(charCols, len, true);
        break;
      case OptionalMetadata.COLUMN_CHARSET:
        readCharsets(charCols, len, false);
        break;
      case OptionalMetadata.ENUM_AND_SET_DEFAULT_CHARSET:
        readCharsets(enumSetCols, len, true);
        break;
      case OptionalMetadata.ENUM_AND_SET_COLUMN_CHARSET:
        readCharsets(enumSetCols, len, false);
        break;
      case OptionalMetadata.COLUMN_NAME: {
        let i = 0;
        while (c.pos < end && i < n) names[i++] = c.lenencStr();
        break;
      }
      case OptionalMetadata.SET_STR_VALUE:
        readStrValues(setCols, len, setValues);
        break;
      case OptionalMetadata.ENUM_STR_VALUE:
        readStrValues(enumCols, len, enumValues);
        break;
      case OptionalMetadata.GEOMETRY_TYPE: {
        let k = 0;
        while (c.pos < end) {
          const g = c.lenenc();
          const col = geomCols[k++];
          if (col !== undefined) geometryTypes[col] = g;
        }
        break;
      }
      case OptionalMetadata.SIMPLE_PRIMARY_KEY: {
        primaryKey = [];
        while (c.pos < end) primaryKey.push({ column: c.lenenc(), prefix: 0 });
        break;
      }
      case OptionalMetadata.PRIMARY_KEY_WITH_PREFIX: {
        primaryKey = [];
        while (c.pos < end) {
          const column = c.lenenc();
          primaryKey.push({ column, prefix: c.lenenc() });
        }
        break;
      }
      case OptionalMetadata.COLUMN_VISIBILITY: {
        visible = [];
        for (let i = 0; i < n; i++) visible.push(((c.buf[c.pos + (i >> 3)] ?? 0xff) & (0x80 >> (i & 7))) !== 0);
        break;
      }
      default:
        break; // unknown field: skipped, as MySQL's own reader does
    }
    c.pos = end;
  }
  return { present, unsigned, collations, names, enumValues, setValues, geometryTypes, primaryKey, visible };
}

/** The binlog facts of each column, for column-types.ts. */
export function columnFacts(body: TableMapBody): BinlogColumnFacts[] {
  const out: BinlogColumnFacts[] = [];
  const o = body.optional;
  for (let i = 0; i < body.columnTypes.length; i++) {
    out.push({
      type: body.columnTypes[i]!,
      meta: body.columnMeta[i]!,
      nullable: body.nullable[i]!,
      name: o.names[i] ?? null,
      unsigned: o.unsigned[i] ?? null,
      collation: o.collations[i] ?? null,
      enumValues: o.enumValues[i] ?? null,
      setValues: o.setValues[i] ?? null,
    });
  }
  return out;
}
