import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, the one binlog_checksum=CRC32 uses) of `buf[start, end)`.
 * Uses zlib's native crc32 where Node has it (20.15+, 22.2+), a table otherwise.
 */
export const crc32: (buf: Buffer, start: number, end: number) => number = makeCrc32();

function makeCrc32(): (buf: Buffer, start: number, end: number) => number {
  const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (typeof native === 'function') {
    return (buf, start, end) => native(start === 0 && end === buf.length ? buf : buf.subarray(start, end), 0) >>> 0;
  }
  return crc32Table;
}

let TABLE: Int32Array | null = null;

/** The table-driven fallback (exported for the test that checks both agree). */
export function crc32Table(buf: Uint8Array, start: number, end: number): number {
  let t = TABLE;
  if (t === null) {
    t = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c;
    }
    TABLE = t;
  }
  let c = -1;
  for (let i = start; i < end; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
