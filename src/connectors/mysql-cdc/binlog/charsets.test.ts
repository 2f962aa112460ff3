import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { charsetOfCollation, decodeText, maxBytesPerChar } from './charsets.js';
import { crc32, crc32Table } from './crc32.js';

describe('character sets', () => {
  test('collation ids of MySQL 8 and MariaDB', () => {
    assert.equal(charsetOfCollation(8), 'latin1');
    assert.equal(charsetOfCollation(33), 'utf8mb3');
    assert.equal(charsetOfCollation(45), 'utf8mb4');
    assert.equal(charsetOfCollation(63), 'binary');
    assert.equal(charsetOfCollation(255), 'utf8mb4', 'MySQL 8 utf8mb4_0900_ai_ci');
    assert.equal(charsetOfCollation(309), 'utf8mb4');
    assert.equal(charsetOfCollation(248), 'gb18030');
    assert.equal(charsetOfCollation(1069), 'utf8mb4', 'MariaDB NOPAD');
    assert.equal(charsetOfCollation(2305), 'utf8mb4', 'MariaDB 11 uca1400');
    assert.equal(charsetOfCollation(9999), null);
    assert.equal(maxBytesPerChar('utf8mb4'), 4);
    assert.equal(maxBytesPerChar('latin1'), 1);
  });

  test("latin1 is Windows-1252, as MySQL's latin1", () => {
    const b = Buffer.from([0x80, 0x20, 0x89, 0x93, 0x71, 0x94, 0x81, 0xe9, 0xff]);
    assert.equal(decodeText(b, 0, b.length, 'latin1'), '€ ‰“q”\u0081éÿ');
    assert.equal(decodeText(Buffer.from('café', 'latin1'), 0, 4, 'latin1'), 'café');
  });

  test('utf8mb4, ucs2/utf16 (big-endian), utf16le, utf32, gbk, sjis', () => {
    assert.equal(decodeText(Buffer.from('😀é', 'utf8'), 0, 6, 'utf8mb4'), '😀é');
    const be = Buffer.from('日本', 'utf16le').swap16();
    assert.equal(decodeText(be, 0, be.length, 'ucs2'), '日本');
    assert.equal(decodeText(be, 0, be.length, 'utf16'), '日本');
    assert.equal(decodeText(Buffer.from('日本', 'utf16le'), 0, 4, 'utf16le'), '日本');
    const u32 = Buffer.alloc(8);
    u32.writeUInt32BE(0x1f600, 0);
    u32.writeUInt32BE(0x41, 4);
    assert.equal(decodeText(u32, 0, 8, 'utf32'), '😀A');
    assert.equal(decodeText(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), 0, 4, 'gbk'), '你好');
    assert.equal(decodeText(Buffer.from([0x82, 0xa0]), 0, 2, 'sjis'), 'あ');
  });

  test('CRC32: the native and the table-driven implementations agree', () => {
    assert.equal(crc32(Buffer.from('123456789'), 0, 9), 0xcbf43926);
    for (let i = 0; i < 50; i++) {
      const b = randomBytes(1 + i * 37);
      assert.equal(crc32(b, 1, b.length), crc32Table(b, 1, b.length));
    }
  });
});
