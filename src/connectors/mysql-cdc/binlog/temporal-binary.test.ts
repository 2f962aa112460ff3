import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDate, parseTime, parseTimestamp } from '../../../core/values.js';
import {
  decodeDate,
  decodeDatetime2,
  decodeOldDatetime,
  decodeOldTime,
  decodeOldTimestamp,
  decodeTime2,
  decodeTimestamp2,
} from './temporal-binary.js';

/** MySQL's binary temporal formats (my_time.cc, the binlog's DATE/TIME2/DATETIME2/TIMESTAMP2). */

const hex = (h: string): Buffer => Buffer.from(h.replace(/[ .]/g, ''), 'hex');

describe('binary temporal values', () => {
  test("TIME2 negative fractions: MySQL's own table (my_time_packed_from_binary)", () => {
    // Disk value → time, fsp 2 (1 fraction byte).
    const cases: [string, string][] = [
      ['800000.00', '00:00:00'],
      ['7FFFFF.FF', '-00:00:00.01'],
      ['7FFFFF.9D', '-00:00:00.99'],
      ['7FFFFF.00', '-00:00:01'],
      ['7FFFFE.FF', '-00:00:01.01'],
      ['7FFFFE.F6', '-00:00:01.10'],
    ];
    for (const [disk, want] of cases) assert.equal(decodeTime2(hex(disk), 0, 2), parseTime(want), disk);
  });

  test('TIME2 with 4 and 6 fraction digits, positive and negative, beyond 24 h', () => {
    // 838:59:59 = hour 838 << 12 | 59 << 6 | 59, + 0x800000
    const hms = (838 << 12) | (59 << 6) | 59;
    const b = Buffer.alloc(3);
    b.writeUIntBE(0x800000 + hms, 0, 3);
    assert.equal(decodeTime2(b, 0, 0), parseTime('838:59:59'));
    const nb = Buffer.alloc(3);
    nb.writeUIntBE(0x800000 - hms, 0, 3);
    assert.equal(decodeTime2(nb, 0, 0), parseTime('-838:59:59'));
    // fsp 6: the packed value (hms << 24 | µs) + 0x800000000000 in 6 bytes.
    const six = (packed: number): Buffer => {
      const x = Buffer.alloc(6);
      x.writeUIntBE(packed + 0x800000000000, 0, 6);
      return x;
    };
    const p = ((12 << 12) | (34 << 6) | 56) * 2 ** 24 + 789012;
    assert.equal(decodeTime2(six(p), 0, 6), parseTime('12:34:56.789012'));
    assert.equal(decodeTime2(six(-p), 0, 6), parseTime('-12:34:56.789012'));
    assert.equal(decodeTime2(six(-1), 0, 6), -1);
    // fsp 4: -00:00:00.0001 = intpart -1, fraction 0x10000 - 1.
    assert.equal(decodeTime2(hex('7FFFFF FFFF'), 0, 4), -100);
  });

  test('DATETIME2 and the zero datetime', () => {
    const dt2 = (y: number, mo: number, d: number, h: number, mi: number, s: number): Buffer => {
      const ymd = ((y * 13 + mo) << 5) | d;
      const hms = (h << 12) | (mi << 6) | s;
      const v = 0x8000000000 + ymd * 2 ** 17 + hms;
      const b = Buffer.alloc(8);
      b.writeUIntBE(v, 0, 5);
      return b;
    };
    assert.equal(decodeDatetime2(dt2(2024, 2, 29, 13, 45, 7), 0, 0), parseTimestamp('2024-02-29 13:45:07'));
    const withFrac = dt2(9999, 12, 31, 23, 59, 59);
    withFrac.writeUIntBE(999999, 5, 3);
    assert.equal(decodeDatetime2(withFrac, 0, 6), parseTimestamp('9999-12-31 23:59:59.999999'));
    withFrac.writeUInt16BE(9999, 5);
    assert.equal(decodeDatetime2(withFrac, 0, 4), parseTimestamp('9999-12-31 23:59:59.9999'));
    assert.equal(decodeDatetime2(dt2(0, 0, 0, 0, 0, 0), 0, 0), null);
    assert.equal(decodeDatetime2(dt2(2024, 0, 5, 0, 0, 0), 0, 0), null, 'a partial zero date');
    assert.equal(decodeDatetime2(dt2(2023, 2, 29, 0, 0, 0), 0, 0), null, 'an invalid date');
  });

  test('TIMESTAMP2: seconds since the epoch and the zero timestamp', () => {
    const b = Buffer.alloc(7);
    b.writeUInt32BE(1700000000, 0);
    b.writeUIntBE(123456, 4, 3);
    assert.equal(decodeTimestamp2(b, 0, 6), 1700000000123456n);
    b[4] = 50;
    assert.equal(decodeTimestamp2(b, 0, 1), 1700000000500000n);
    assert.equal(decodeTimestamp2(Buffer.alloc(7), 0, 6), null);
    assert.equal(decodeTimestamp2(Buffer.alloc(4), 0, 0), null);
  });

  test('DATE and the old TIME, DATETIME, TIMESTAMP formats', () => {
    const date = (y: number, m: number, d: number): Buffer => {
      const b = Buffer.alloc(3);
      b.writeUIntLE(d | (m << 5) | (y << 9), 0, 3);
      return b;
    };
    assert.equal(decodeDate(date(2024, 2, 29), 0), parseDate('2024-02-29'));
    assert.equal(decodeDate(date(0, 0, 0), 0), null);
    assert.equal(decodeDate(date(2024, 13, 1), 0), null);
    const t = Buffer.alloc(3);
    t.writeIntLE(-8385959, 0, 3);
    assert.equal(decodeOldTime(t, 0), parseTime('-838:59:59'));
    t.writeIntLE(123456, 0, 3);
    assert.equal(decodeOldTime(t, 0), parseTime('12:34:56'));
    const d = Buffer.alloc(8);
    d.writeBigUInt64LE(20240229134507n);
    assert.equal(decodeOldDatetime(d, 0), parseTimestamp('2024-02-29 13:45:07'));
    assert.equal(decodeOldDatetime(Buffer.alloc(8), 0), null);
    const ts = Buffer.alloc(4);
    ts.writeUInt32LE(86400);
    assert.equal(decodeOldTimestamp(ts, 0), 86_400_000_000n);
    assert.equal(decodeOldTimestamp(Buffer.alloc(4), 0), null);
  });
});
