import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { T } from '../../core/types.js';
import { readExecuteParams, writeBinaryRow } from './binary-protocol.js';
import type { PreparedStatement } from './binary-protocol.js';
import { ColumnType } from './constants.js';
import { PacketWriter, PayloadReader } from './packets.js';

function stmt(paramCount: number): PreparedStatement {
  return { id: 1, sql: 'x', paramCount, columns: null, paramTypes: null, longData: new Map() };
}

/** A COM_STMT_EXECUTE payload: header, null bitmap, types (when given), values. */
function executePayload(n: number, nulls: number[], types: [number, boolean][] | null, values: (w: PacketWriter) => void): Buffer {
  const w = new PacketWriter();
  w.begin().u8(0x17).u32(1).u8(0).u32(1);
  const bitmap = Buffer.alloc((n + 7) >> 3);
  for (const i of nulls) bitmap[i >> 3]! |= 1 << (i & 7);
  w.bytes(bitmap);
  if (types === null) w.u8(0);
  else {
    w.u8(1);
    for (const [t, unsigned] of types) w.u8(t).u8(unsigned ? 0x80 : 0);
  }
  values(w);
  w.end();
  return w.take().subarray(4);
}

describe('COM_STMT_EXECUTE parameters', () => {
  test('every parameter type becomes a Strata value', () => {
    const types: [number, boolean][] = [
      [ColumnType.TINY, false],
      [ColumnType.TINY, true],
      [ColumnType.SHORT, false],
      [ColumnType.LONG, false],
      [ColumnType.LONGLONG, false],
      [ColumnType.LONGLONG, true],
      [ColumnType.FLOAT, false],
      [ColumnType.DOUBLE, false],
      [ColumnType.NEWDECIMAL, false],
      [ColumnType.VAR_STRING, false],
      [ColumnType.BLOB, false],
      [ColumnType.DATE, false],
      [ColumnType.DATETIME, false],
      [ColumnType.TIME, false],
      [ColumnType.NULL, false],
      [ColumnType.LONG, false],
    ];
    const s = stmt(types.length);
    const p = executePayload(types.length, [15], types, (w) => {
      w.i8(-5).u8(250).i16(-300).i32(-70000).i64(-(2n ** 62n)).u64(2n ** 64n - 1n).f32(1.5).f64(0.1);
      w.lenencAscii('-12.340').lenencString('héllo 😀').lenencBytes(new Uint8Array([0, 255]));
      w.u8(4).u16(2024).u8(2).u8(29);
      w.u8(11).u16(2024).u8(2).u8(29).u8(23).u8(59).u8(58).u32(123);
      w.u8(12).u8(1).u32(1).u8(2).u8(3).u8(4).u32(500000);
    });
    const v = readExecuteParams(p, s);
    assert.deepEqual(v.slice(0, 8), [-5, 250, -300, -70000, -(2n ** 62n), 2n ** 64n - 1n, 1.5, 0.1]);
    assert.ok(v[8] instanceof Decimal && v[8].toString() === '-12.340');
    assert.equal(v[9], 'héllo 😀');
    assert.deepEqual(v[10], new Uint8Array([0, 255]));
    assert.equal(v[11], '2024-02-29');
    assert.equal(v[12], '2024-02-29 23:59:58.000123');
    assert.equal(v[13], '-26:03:04.500000');
    assert.equal(v[14], null);
    assert.equal(v[15], null);
  });

  test('types of the first execute are kept for later ones', () => {
    const s = stmt(2);
    readExecuteParams(executePayload(2, [], [[ColumnType.LONG, false], [ColumnType.VAR_STRING, false]], (w) => w.i32(1).lenencString('a')), s);
    const v = readExecuteParams(executePayload(2, [], null, (w) => w.i32(2).lenencString('b')), s);
    assert.deepEqual(v, [2, 'b']);
  });

  test('an execute without types before any types were sent is refused', () => {
    assert.throws(() => readExecuteParams(executePayload(1, [], null, (w) => w.i32(2)), stmt(1)), /Incorrect arguments/);
  });

  test('long data replaces the value and is consumed', () => {
    const s = stmt(2);
    s.longData.set(0, [Buffer.from('part1 '), Buffer.from('part2')]);
    const v = readExecuteParams(executePayload(2, [], [[ColumnType.VAR_STRING, false], [ColumnType.LONG, false]], (w) => w.i32(9)), s);
    assert.deepEqual(v, ['part1 part2', 9]);
    assert.equal(s.longData.size, 0);
  });
});

describe('binary rows', () => {
  test('NULL bitmap starts at bit 2; nulls take no bytes', () => {
    const types = [T.int(), T.string(), T.bigint(), T.int(), T.int(), T.int(), T.int(), T.int(), T.int()];
    const w = new PacketWriter();
    writeBinaryRow(w, types, [1, null, 5n, null, null, null, null, null, 9]);
    const r = new PayloadReader(w.take(), 4);
    assert.equal(r.u8(), 0);
    // columns 1,3..7 null → bits 3, 5, 6, 7 of byte 0 and bits 0, 1 of byte 1
    assert.equal(r.u8(), 0b11101000);
    assert.equal(r.u8(), 0b00000011);
    assert.equal(r.i32(), 1);
    assert.equal(r.i64(), 5n);
    assert.equal(r.i32(), 9);
    assert.equal(r.remaining, 0);
  });
});
