import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../core/batch.js';
import { Decimal } from '../core/decimal.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../core/row-kind.js';
import { T } from '../core/types.js';
import { CanalJsonCodec } from './canal-json.js';

const COLS = [
  { name: 'id', type: T.int(), index: 0 },
  { name: 'price', type: T.decimal(10, 2), index: 1 },
  { name: 'name', type: T.string(), index: 2 },
];

describe('canal-json format', () => {
  test('reads INSERT, UPDATE (old holds only changed fields) and DELETE with string values; skips DDL', () => {
    const c = new CanalJsonCodec(COLS, 3);
    const out = new ChangeBatch();
    c.decode(Buffer.from('{"data":[{"id":"1","price":"9.90","name":"a"},{"id":"2","price":"1.00","name":"b"}],"old":null,"type":"INSERT","isDdl":false,"database":"d","table":"t"}'), out);
    c.decode(Buffer.from('{"data":[{"id":"1","price":"10.50","name":"a"}],"old":[{"price":"9.90"}],"type":"UPDATE","isDdl":false}'), out);
    c.decode(Buffer.from('{"data":[{"id":"2","price":"1.00","name":"b"}],"old":null,"type":"DELETE","isDdl":false}'), out);
    assert.equal(c.decode(Buffer.from('{"data":null,"old":null,"type":"CREATE","isDdl":true,"sql":"create table t (id int)"}'), out), 0);
    assert.deepEqual(out.kinds, [INSERT, INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE]);
    const d = (s: string): Decimal => Decimal.parse(s)!;
    assert.deepEqual(out.rows, [[1, d('9.90'), 'a'], [2, d('1.00'), 'b'], [1, d('9.90'), 'a'], [1, d('10.50'), 'a'], [2, d('1.00'), 'b']]);
  });

  test('writes INSERT and DELETE messages that read back', () => {
    const c = new CanalJsonCodec(COLS, 3);
    const row = [7, Decimal.parse('123.45')!, 'x'];
    assert.equal(c.encode(INSERT, row).toString(), '{"data":[{"id":7,"price":123.45,"name":"x"}],"type":"INSERT"}');
    const out = new ChangeBatch();
    c.decode(c.encode(UPDATE_AFTER, row), out);
    c.decode(c.encode(DELETE, row), out);
    assert.deepEqual(out.kinds, [INSERT, DELETE]);
    assert.deepEqual(out.rows, [row, row]);
  });

  test('malformed messages fail, or are skipped with ignore-parse-errors', () => {
    const out = new ChangeBatch();
    assert.throws(() => new CanalJsonCodec(COLS, 3).decode(Buffer.from('{"data":[{"id":1}],"type":"UPDATE"}'), out), /"old"/);
    assert.throws(() => new CanalJsonCodec(COLS, 3).decode(Buffer.from('{"data":[]}'), out), /no "type"/);
    assert.equal(new CanalJsonCodec(COLS, 3, { ignoreParseErrors: true }).decode(Buffer.from('{"data":[{"id":1}],"type":"UPDATE"}'), out), 0);
    assert.equal(out.length, 0);
  });
});
