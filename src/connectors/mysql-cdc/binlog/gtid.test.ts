import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../../core/errors.js';
import { MariaDbGtidState, MysqlGtidSet, looksLikeMariaDbGtid } from './gtid.js';

const A = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const B = '80549ecc-d2f2-11ea-b790-0242ac130002';

describe('GTIDs', () => {
  test('MySQL GTID sets: parse, add in and out of order, format', () => {
    const s = MysqlGtidSet.parse(`${B}:1-3:5, ${A.toUpperCase()}:7`);
    assert.equal(s.toString(), `${A}:7,${B}:1-3:5`);
    s.add(B, 4);
    assert.equal(s.toString(), `${A}:7,${B}:1-5`);
    s.add(B, 6);
    s.add(A, 1);
    s.add(A, 3);
    s.add(A, 2);
    assert.equal(s.toString(), `${A}:1-3:7,${B}:1-6`);
    assert.ok(s.has(A, 2) && !s.has(A, 4));
    assert.equal(MysqlGtidSet.parse('').isEmpty(), true);
  });

  test('the binary encoding round-trips (intervals end-exclusive)', () => {
    const s = MysqlGtidSet.parse(`${A}:1-10:12,${B}:5`);
    const b = s.encode();
    assert.equal(b.readBigUInt64LE(0), 2n);
    // First interval of A: [1, 11).
    assert.equal(b.readBigUInt64LE(8 + 16 + 8), 1n);
    assert.equal(b.readBigUInt64LE(8 + 16 + 8 + 8), 11n);
    assert.equal(MysqlGtidSet.decode(b, 0, b.length).toString(), s.toString());
  });

  test('malformed sets are option errors', () => {
    for (const t of ['nope', `${A}:0`, `${A}:5-3`, `${A}`, `${A}:tag:1`]) {
      assert.throws(() => MysqlGtidSet.parse(t), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_OPTION', t);
    }
  });

  test('MariaDB states: one GTID per domain', () => {
    const s = MariaDbGtidState.parse('1-2-7, 0-1-42');
    assert.equal(s.toString(), '0-1-42,1-2-7');
    s.set({ domain: 0, server: 3, seq: 43 });
    assert.equal(s.toString(), '0-3-43,1-2-7');
    assert.equal(s.get(1)?.seq, 7);
    assert.ok(looksLikeMariaDbGtid('0-1-42,1-2-7'));
    assert.ok(!looksLikeMariaDbGtid(`${A}:1-3`));
    assert.throws(() => MariaDbGtidState.parse('0-1'), (e: unknown) => e instanceof StrataError);
  });
});
