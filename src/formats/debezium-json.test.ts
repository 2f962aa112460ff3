import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../core/batch.js';
import { StrataError } from '../core/errors.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../core/row-kind.js';
import { T } from '../core/types.js';
import { DebeziumJsonCodec } from './debezium-json.js';

const COLS = [
  { name: 'id', type: T.bigint(), index: 0 },
  { name: 'name', type: T.string(), index: 1 },
];

describe('debezium-json format', () => {
  test('reads c, r, u and d events, with or without the schema envelope', () => {
    const c = new DebeziumJsonCodec(COLS, 2);
    const out = new ChangeBatch();
    assert.equal(c.decode(Buffer.from('{"before":null,"after":{"id":9223372036854775807,"name":"a"},"op":"c","ts_ms":1}'), out), 1);
    assert.equal(c.decode(Buffer.from('{"before":null,"after":{"id":2,"name":"b"},"op":"r"}'), out), 1);
    assert.equal(c.decode(Buffer.from('{"schema":{},"payload":{"before":{"id":2,"name":"b"},"after":{"id":2,"name":"B"},"op":"u"}}'), out), 2);
    assert.equal(c.decode(Buffer.from('{"before":{"id":2,"name":"B"},"after":null,"op":"d"}'), out), 1);
    assert.equal(c.decode(null, out), 0, 'tombstones after deletes are skipped');
    assert.deepEqual(out.kinds, [INSERT, INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE]);
    assert.deepEqual(out.rows, [[9223372036854775807n, 'a'], [2n, 'b'], [2n, 'b'], [2n, 'B'], [2n, 'B']]);
  });

  test('writes c and d envelopes that read back as the same changes', () => {
    const c = new DebeziumJsonCodec(COLS, 2);
    assert.equal(c.encode(INSERT, [1n, 'x']).toString(), '{"before":null,"after":{"id":1,"name":"x"},"op":"c"}');
    assert.equal(c.encode(UPDATE_BEFORE, [1n, 'x']).toString(), '{"before":{"id":1,"name":"x"},"after":null,"op":"d"}');
    const out = new ChangeBatch();
    for (const [k, r] of [[INSERT, [1n, 'x']], [UPDATE_BEFORE, [1n, 'x']], [UPDATE_AFTER, [1n, 'y']], [DELETE, [1n, 'y']]] as const) c.decode(c.encode(k, r), out);
    assert.deepEqual(out.kinds, [INSERT, DELETE, INSERT, DELETE]);
    assert.deepEqual(out.rows, [[1n, 'x'], [1n, 'x'], [1n, 'y'], [1n, 'y']]);
  });

  test('bad events fail, or are skipped with ignore-parse-errors', () => {
    const out = new ChangeBatch();
    assert.throws(() => new DebeziumJsonCodec(COLS, 2).decode(Buffer.from('{"after":{"id":1}}'), out), (e: unknown) => e instanceof StrataError && /no "op"/.test(e.message));
    assert.throws(() => new DebeziumJsonCodec(COLS, 2).decode(Buffer.from('{"before":null,"after":{"id":1},"op":"u"}'), out), /REPLICA IDENTITY FULL/);
    assert.throws(() => new DebeziumJsonCodec(COLS, 2).decode(Buffer.from('{"op":"x"}'), out), /unknown Debezium "op"/);
    const lenient = new DebeziumJsonCodec(COLS, 2, { ignoreParseErrors: true });
    assert.equal(lenient.decode(Buffer.from('garbage'), out), 0);
    assert.equal(lenient.decode(Buffer.from('{"op":"d","before":null}'), out), 0);
    assert.equal(out.length, 0);
  });
});
