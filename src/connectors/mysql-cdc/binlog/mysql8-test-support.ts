import type { Socket } from 'node:net';
import { crc32Table } from './crc32.js';
import { encodeJsonBinary } from './json-binary.js';

/**
 * Test support: MySQL 8 binlog events built by hand from MySQL's documentation
 * (binlog_event.h, rows_event.h), and the packet side of a scripted MySQL server. Used by
 * mysql8-events.test.ts, connection.test.ts and mysql8-replication.test.ts; never by library code.
 */

// MySQL 8.2's FORMAT_DESCRIPTION post-header lengths for types 1..41 (from 8.0/*/dump.txt).
export const POST_HEADER = [
  0x00, 0x0d, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00, 0x62, 0x00, 0x04, 0x1a, 0x08, 0x00,
  0x00, 0x00, 0x08, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x0a, 0x0a, 0x2a, 0x2a, 0x00, 0x12, 0x34, 0x00, 0x0a, 0x28,
  0x00,
];

export const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
export const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
export const u48 = (v: number): number[] => [...u32(v), 0, 0];
export const u64 = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
export const lenenc = (n: number): number[] => (n < 251 ? [n] : [0xfc, ...u16(n)]);
export const lenStr = (s: string): number[] => {
  const b = [...Buffer.from(s, 'utf8')];
  return [...lenenc(b.length), ...b];
};

/** A v4 event: header (timestamp, type, server id, size, log_pos, flags) + body + CRC32. */
export class EventWriter {
  pos = 4;
  readonly parts: Buffer[] = [Buffer.from([0xfe, 0x62, 0x69, 0x6e])];

  add(type: number, body: number[], flags = 0): number {
    const size = 19 + body.length + 4;
    const end = this.pos + size;
    const bytes = Buffer.from([...u32(1700000000), type, ...u32(1), ...u32(size), ...u32(end), ...u16(flags), ...body, 0, 0, 0, 0]);
    bytes.writeUInt32LE(crc32Table(bytes, 0, size - 4), size - 4);
    this.parts.push(bytes);
    this.pos = end;
    return end;
  }

  buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function fde(w: EventWriter): void {
  const version = Buffer.alloc(50);
  version.write('8.0.36');
  w.add(15, [...u16(4), ...version, ...u32(0), 19, ...POST_HEADER, 1]);
}

export const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
export const uuidBytes = (): number[] => [...Buffer.from(UUID.replace(/-/g, ''), 'hex')];

export function gtidEvent(gno: number): number[] {
  return [1, ...uuidBytes(), ...u64(BigInt(gno)), 2, ...u64(0n), ...u64(1n)];
}

export function previousGtids(from: number, to: number): number[] {
  return [...u64(1n), ...uuidBytes(), ...u64(1n), ...u64(BigInt(from)), ...u64(BigInt(to + 1))];
}

export function queryEvent(db: string, sql: string): number[] {
  return [...u32(9), ...u32(0), db.length, ...u16(0), ...u16(0), ...Buffer.from(db), 0, ...Buffer.from(sql)];
}

// The table: 13 columns of MySQL 8 types.
export const TYPES = [8, 3, 1, 246, 15, 15, 245, 254, 254, 255, 17, 252, 16];
export const META: number[] = [
  // per type: LONGLONG -, LONG -, TINY -, NEWDECIMAL (10,2), VARCHAR 80 (LE), VARCHAR 10, JSON 4,
  // STRING real ENUM pack 1, STRING real SET pack 1, GEOMETRY 4, TIMESTAMP2 fsp 3, BLOB 2, BIT(1)
  10, 2, ...u16(80), ...u16(10), 4, 247, 1, 248, 1, 4, 3, 2, 1, 0,
];
export const NAMES = ['id', 'qty', 'delta', 'price', 'name', 'note', 'doc', 'status', 'tags', 'shape', 'created', 'raw', 'flag'];

export function tableMapBody(tableId: number, optional: boolean): number[] {
  const n = TYPES.length;
  const body = [...u48(tableId), ...u16(1), 4, ...Buffer.from('shop'), 0, 5, ...Buffer.from('items'), 0, ...lenenc(n), ...TYPES, ...lenenc(META.length), ...META];
  // Nullable: all but id.
  body.push(0xfe, 0x1f);
  if (!optional) return body;
  const tlv = (type: number, value: number[]): void => {
    body.push(type, ...lenenc(value.length), ...value);
  };
  tlv(1, [0b1100_0000]); // SIGNEDNESS of id, qty, delta, price: unsigned, unsigned, signed, signed
  // DEFAULT_CHARSET: 255 (utf8mb4_0900_ai_ci), then (character column 1 = note → latin1 8), (2 = raw → binary 63).
  tlv(2, [...lenenc(255), 1, 8, 2, 63]);
  tlv(4, NAMES.flatMap(lenStr)); // COLUMN_NAME
  tlv(5, [3, ...lenStr('a'), ...lenStr('b'), ...lenStr('c')]); // SET_STR_VALUE
  tlv(6, [3, ...lenStr('new'), ...lenStr('paid'), ...lenStr('shipped')]); // ENUM_STR_VALUE
  tlv(7, [1]); // GEOMETRY_TYPE: point
  tlv(8, [0]); // SIMPLE_PRIMARY_KEY: id
  tlv(10, [...lenenc(255)]); // ENUM_AND_SET_DEFAULT_CHARSET
  tlv(12, [0xff, 0xf8]); // COLUMN_VISIBILITY: all 13 visible
  tlv(99, [1, 2, 3]); // an unknown field: skipped
  return body;
}

export const DOC = { a: 1, b: [true, null, 'x'], c: 3.5, d: 'é"\n' };
export const DOC_TEXT = '{"a": 1, "b": [true, null, "x"], "c": 3.5, "d": "é\\"\\n"}';

export function rowsBody(tableId: number): number[] {
  const doc = encodeJsonBinary(DOC);
  const point = Buffer.alloc(25);
  point.writeUInt32LE(0, 0);
  point[4] = 1;
  point.writeUInt32LE(1, 5);
  point.writeDoubleLE(1, 9);
  point.writeDoubleLE(2, 17);
  const ts = Buffer.alloc(6);
  ts.writeUInt32BE(1700000000, 0);
  ts.writeUInt16BE(1230, 4); // .123 s: 1230 × 100 µs
  const row1 = [
    0x00, 0x00, // null bitmap
    ...u64(18446744073709551615n), // id BIGINT UNSIGNED
    ...u32(4294967295), // qty INT UNSIGNED
    0xfb, // delta -5
    0x80, 0xbc, 0x61, 0x4e, 0x5a, // price 12345678.90
    ...(() => {
      const b = [...Buffer.from('héllo😀', 'utf8')];
      return [b.length, ...b];
    })(),
    6, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, // note 'café €' in latin1
    ...u32(doc.length), ...doc,
    3, // status: 'shipped'
    0b101, // tags: 'a,c'
    ...u32(point.length), ...point,
    ...ts,
    ...u16(4), 0x00, 0x01, 0x02, 0x00, // raw
    0x01, // flag BIT(1)
  ];
  const row2 = [0xfe, 0x1f, ...u64(1n)];
  return [...u48(tableId), ...u16(1), ...u16(2), ...lenenc(13), 0xff, 0x1f, ...row1, ...row2];
}

export function build(optional: boolean): Buffer {
  const w = new EventWriter();
  fde(w);
  w.add(35, previousGtids(1, 6));
  w.add(33, gtidEvent(7));
  w.add(2, queryEvent('shop', 'BEGIN'), 0x8);
  w.add(19, tableMapBody(77, optional));
  w.add(30, rowsBody(77));
  w.add(16, u64(42n));
  return w.buffer();
}


/** A connection of the scripted server: packets in and out. */
export class Peer {
  #buf = Buffer.alloc(0);
  #waiting: (() => void) | null = null;
  seq = 0;
  constructor(readonly sock: Socket) {
    sock.on('data', (d) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#waiting?.();
    });
  }
  send(payload: Buffer | number[]): void {
    const p = Buffer.from(payload);
    this.sock.write(Buffer.concat([Buffer.from([p.length & 0xff, (p.length >> 8) & 0xff, p.length >> 16, this.seq++ & 0xff]), p]));
  }
  async read(): Promise<Buffer> {
    for (;;) {
      if (this.#buf.length >= 4) {
        const len = this.#buf.readUIntLE(0, 3);
        if (this.#buf.length >= 4 + len) {
          this.seq = this.#buf[3]! + 1;
          const p = this.#buf.subarray(4, 4 + len);
          this.#buf = this.#buf.subarray(4 + len);
          return p;
        }
      }
      await new Promise<void>((r) => (this.#waiting = r));
    }
  }
}

