/**
 * Character sets: collation id → character set name (MySQL 8 and MariaDB 10.x/11.x ids),
 * and decoding of column bytes by character set.
 *
 * MySQL's `latin1` is Windows-1252 (with 0x81 0x8D 0x8F 0x90 0x9D mapped to the C1 code
 * points), which is exactly WHATWG's `windows-1252`. Character sets Node cannot decode
 * (dec8, hp8, swe7, keybcs2, armscii8, geostd8, macce, cp850, cp852) are read byte by byte
 * as ISO-8859-1, which is documented in docs/types.md.
 */

import { TextDecoder } from 'node:util';

const BY_ID = new Map<number, string>();

function ids(charset: string, list: readonly number[]): void {
  for (const id of list) BY_ID.set(id, charset);
}

function range(charset: string, from: number, to: number): void {
  for (let id = from; id <= to; id++) BY_ID.set(id, charset);
}

// Shared by MySQL and MariaDB (ids below 256; from MariaDB 10.11 information_schema.COLLATIONS).
ids('armscii8', [32, 64]);
ids('ascii', [11, 65]);
ids('big5', [1, 84]);
ids('binary', [63]);
ids('cp1250', [26, 34, 44, 66, 99]);
ids('cp1251', [14, 23, 50, 51, 52]);
ids('cp1256', [57, 67]);
ids('cp1257', [29, 58, 59]);
ids('cp850', [4, 80]);
ids('cp852', [40, 81]);
ids('cp866', [36, 68]);
ids('cp932', [95, 96]);
ids('dec8', [3, 69]);
ids('eucjpms', [97, 98]);
ids('euckr', [19, 85]);
ids('gb2312', [24, 86]);
ids('gbk', [28, 87]);
ids('geostd8', [92, 93]);
ids('greek', [25, 70]);
ids('hebrew', [16, 71]);
ids('hp8', [6, 72]);
ids('keybcs2', [37, 73]);
ids('koi8r', [7, 74]);
ids('koi8u', [22, 75]);
ids('latin1', [5, 8, 15, 31, 47, 48, 49, 94]);
ids('latin2', [2, 9, 21, 27, 77]);
ids('latin5', [30, 78]);
ids('latin7', [20, 41, 42, 79]);
ids('macce', [38, 43]);
ids('macroman', [39, 53]);
ids('sjis', [13, 88]);
ids('swe7', [10, 82]);
ids('tis620', [18, 89]);
ids('ucs2', [35, 90, 159]);
range('ucs2', 128, 151);
ids('ujis', [12, 91]);
ids('utf16', [54, 55]);
range('utf16', 101, 124);
ids('utf16le', [56, 62]);
ids('utf32', [60, 61]);
range('utf32', 160, 183);
ids('utf8mb3', [33, 83, 223, 76]);
range('utf8mb3', 192, 215);
ids('utf8mb4', [45, 46]);
range('utf8mb4', 224, 247);
// MySQL 8 only.
range('gb18030', 248, 250);
range('utf8mb4', 255, 323);
// MariaDB 10.10+ (ids 576–) and 11.x: high ids are id = (old id) + 1024 for NOPAD variants,
// then the UCA 14.0.0 blocks.
ids('utf8mb3', [576, 577, 578]);
ids('utf8mb4', [608, 609, 610]);
ids('ucs2', [640, 641, 642]);
ids('utf16', [672, 673, 674]);
ids('utf32', [736, 737, 738]);
for (const [id, cs] of [...BY_ID]) if (id < 256 && !BY_ID.has(id + 1024)) BY_ID.set(id + 1024, cs);
ids('utf8mb3', [1216, 1238]);
ids('utf8mb4', [1248, 1270]);
ids('ucs2', [1152, 1174]);
ids('utf16', [1125, 1147]);
ids('utf32', [1184, 1206]);
range('utf8mb3', 2048, 2303);
range('utf8mb4', 2304, 2559);
range('ucs2', 2560, 2815);
range('utf16', 2816, 3071);
range('utf32', 3072, 3327);

/** Character set of a collation id; null when unknown. */
export function charsetOfCollation(id: number): string | null {
  return BY_ID.get(id) ?? null;
}

/** Bytes per character at most (for turning byte lengths into character lengths). */
export function maxBytesPerChar(charset: string | null): number {
  switch (charset) {
    case 'utf8mb4':
    case 'utf16':
    case 'utf16le':
    case 'utf32':
    case 'gb18030':
      return 4;
    case 'utf8mb3':
    case 'utf8':
    case 'ujis':
    case 'eucjpms':
      return 3;
    case 'ucs2':
    case 'big5':
    case 'cp932':
    case 'euckr':
    case 'gb2312':
    case 'gbk':
    case 'sjis':
      return 2;
    case null:
      return 4;
    default:
      return 1;
  }
}

/** How a column's bytes become a value. */
export const enum TextDecoding {
  /** Not text: the value is bytes. */
  Binary = 0,
  Utf8 = 1,
  /** windows-1252 (MySQL latin1): latin1 fast path when no byte is in 0x80–0x9F. */
  Latin1 = 2,
  /** Any other: a TextDecoder (or byte-by-byte ISO-8859-1). */
  Other = 3,
}

const WHATWG_LABEL: Record<string, string> = {
  big5: 'big5',
  cp1250: 'windows-1250',
  cp1251: 'windows-1251',
  cp1256: 'windows-1256',
  cp1257: 'windows-1257',
  cp866: 'ibm866',
  cp932: 'shift_jis',
  eucjpms: 'euc-jp',
  euckr: 'euc-kr',
  gb18030: 'gb18030',
  gb2312: 'gbk',
  gbk: 'gbk',
  greek: 'iso-8859-7',
  hebrew: 'iso-8859-8',
  koi8r: 'koi8-r',
  koi8u: 'koi8-u',
  latin2: 'iso-8859-2',
  latin5: 'windows-1254',
  latin7: 'iso-8859-13',
  macroman: 'macintosh',
  sjis: 'shift_jis',
  tis620: 'windows-874',
  ucs2: 'utf-16be',
  ujis: 'euc-jp',
  utf16: 'utf-16be',
  utf16le: 'utf-16le',
};

export function decodingOf(charset: string | null): TextDecoding {
  switch (charset) {
    case 'binary':
      return TextDecoding.Binary;
    case null:
    case 'utf8mb4':
    case 'utf8mb3':
    case 'utf8':
    case 'ascii':
      return TextDecoding.Utf8;
    case 'latin1':
      return TextDecoding.Latin1;
    default:
      return TextDecoding.Other;
  }
}

const decoders = new Map<string, TextDecoder | null>();

/**
 * Windows-1252 for bytes 0x80–0x9F (the five undefined ones map to the C1 code point, as
 * MySQL does). Node 20's TextDecoder('windows-1252') decodes ISO-8859-1 instead, so this
 * table does it.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Text of `buf[start, end)` in MySQL character set `charset` (not binary). */
export function decodeText(buf: Buffer, start: number, end: number, charset: string | null): string {
  switch (decodingOf(charset)) {
    case TextDecoding.Utf8:
    case TextDecoding.Binary:
      return buf.toString('utf8', start, end);
    case TextDecoding.Latin1:
      return decodeLatin1(buf, start, end);
    default:
      return decodeOther(buf, start, end, charset ?? 'utf8mb4');
  }
}

/** MySQL latin1 (windows-1252). */
export function decodeLatin1(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x80 && b < 0xa0) {
      let s = '';
      for (let k = start; k < end; k++) {
        const c = buf[k]!;
        s += String.fromCharCode(c >= 0x80 && c < 0xa0 ? CP1252_HIGH[c - 0x80]! : c);
      }
      return s;
    }
  }
  return buf.toString('latin1', start, end);
}

function decodeOther(buf: Buffer, start: number, end: number, charset: string): string {
  if (charset === 'utf32') {
    let s = '';
    for (let i = start; i + 3 < end; i += 4) s += String.fromCodePoint(buf.readUInt32BE(i));
    return s;
  }
  let d = decoders.get(charset);
  if (d === undefined) {
    const label = WHATWG_LABEL[charset];
    d = label === undefined ? null : new TextDecoder(label);
    decoders.set(charset, d);
  }
  if (d === null) return buf.toString('latin1', start, end);
  return d.decode(buf.subarray(start, end));
}
