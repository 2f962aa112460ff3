import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader, Writer } from './codec.js';
import { APIS, FETCH, JOIN_GROUP, METADATA } from './messages.js';
import { arr, compile, decodeStruct, encodeStruct, f, inVersions, struct } from './schema.js';

function roundTrip(fields: Parameters<typeof compile>[0], version: number, flexible: boolean, value: Record<string, unknown>): { bytes: Buffer; back: Record<string, unknown> } {
  const c = compile(fields, version, flexible);
  const w = new Writer(false);
  encodeStruct(w, c, value);
  const bytes = w.toBuffer();
  const r = new Reader(bytes);
  const back = decodeStruct(r, c);
  assert.equal(r.remaining, 0, 'every byte consumed');
  return { bytes, back };
}

describe('Kafka schema codec', () => {
  test('version ranges', () => {
    assert.ok(inVersions('3+', 5));
    assert.ok(!inVersions('3+', 2));
    assert.ok(inVersions('2-4', 4));
    assert.ok(!inVersions('2-4', 5));
    assert.ok(inVersions('0', 0));
    assert.ok(!inVersions('none', 0));
  });

  test('classic and compact encodings of the same message', () => {
    const fields = [f('name', 'string', '0+'), f('maybe', 'string', '0+', { nullable: '0+' }), f('n', 'int64', '0+'), arr('xs', '0+', 'int32'), f('b', 'bytes', '0+')];
    const value = { name: 'héllo', maybe: null, n: -(2 ** 40), xs: [1, -1, 7], b: Buffer.from([1, 2, 3]) };
    const classic = roundTrip(fields, 0, false, value);
    const compact = roundTrip(fields, 0, true, value);
    assert.deepEqual(classic.back, value);
    assert.deepEqual(compact.back, value);
    // classic: int16 length 6 + 6 bytes; compact: varint 7 + 6 bytes; compact ends with an empty tag section
    assert.equal(classic.bytes.readInt16BE(0), 6);
    assert.equal(compact.bytes[0], 7);
    assert.equal(compact.bytes[compact.bytes.length - 1], 0);
    assert.ok(compact.bytes.length < classic.bytes.length);
  });

  test('fields outside a version are skipped and take their defaults', () => {
    const fields = [f('a', 'int32', '0+'), f('onlyNew', 'int32', '3+', { default: -1 }), f('onlyOld', 'string', '0-1')];
    const v0 = roundTrip(fields, 0, false, { a: 1, onlyNew: 5, onlyOld: 'x' });
    assert.deepEqual(v0.back, { a: 1, onlyNew: -1, onlyOld: 'x' });
    assert.equal(v0.bytes.length, 4 + 3);
    const v3 = roundTrip(fields, 3, false, { a: 1, onlyNew: 5, onlyOld: 'x' });
    assert.deepEqual(v3.back, { a: 1, onlyNew: 5, onlyOld: '' });
  });

  test('tagged fields: written only when set, unknown tags skipped', () => {
    const fields = [f('a', 'int32', '0+'), f('t0', 'string', '0+', { tag: 0, nullable: '0+', default: null }), struct('t1', '0+', [f('x', 'int32', '0+')], { tag: 1 })];
    const unset = roundTrip(fields, 0, true, { a: 1 });
    assert.deepEqual(unset.bytes, Buffer.from([0, 0, 0, 1, 0]));
    const set = roundTrip(fields, 0, true, { a: 1, t0: 'hi', t1: { x: 9 } });
    assert.equal(set.back['t0'], 'hi');
    assert.deepEqual(set.back['t1'], { x: 9 });
    // a reader that knows no tags skips them
    const plain = compile([f('a', 'int32', '0+')], 0, true);
    const r = new Reader(set.bytes);
    assert.deepEqual(decodeStruct(r, plain), { a: 1 });
    assert.equal(r.remaining, 0);
  });

  test('the served API definitions encode and decode at every advertised version', () => {
    for (const api of APIS.values()) {
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        const flexible = v >= api.flexibleFrom;
        for (const kind of ['request', 'response'] as const) {
          const c = compile(kind === 'request' ? api.request : api.response, v, flexible);
          const w = new Writer(false);
          encodeStruct(w, c, {});
          const r = new Reader(w.toBuffer());
          decodeStruct(r, c);
          assert.equal(r.remaining, 0, `${api.name} v${v} ${kind}`);
        }
      }
    }
  });

  test('known layouts: Metadata v0 request, JoinGroup v9 response, Fetch v17 topics by id', () => {
    const md0 = roundTrip(METADATA.request, 0, false, { topics: [{ name: 'ab' }] });
    assert.deepEqual(md0.bytes, Buffer.from([0, 0, 0, 1, 0, 2, 0x61, 0x62]));
    const jg = compile(JOIN_GROUP.response, 9, true);
    const w = new Writer(false);
    encodeStruct(w, jg, { errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'm', skipAssignment: false, memberId: 'm', members: [] });
    const b = w.toBuffer();
    // throttle(4) error(2) generation(4) 'consumer'(1+8) 'range'(1+5) 'm'(1+1) skip(1) 'm'(2) members(1) tags(1)
    assert.equal(b.length, 4 + 2 + 4 + 9 + 6 + 2 + 1 + 2 + 1 + 1);
    const fr = roundTrip(FETCH.request, 17, true, {
      maxWaitMs: 1,
      minBytes: 1,
      maxBytes: 100,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topicId: '0123456789abcdef0123456789abcdef', partitions: [{ partition: 0, fetchOffset: 5, partitionMaxBytes: 10 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    const t = (fr.back['topics'] as Record<string, unknown>[])[0]!;
    assert.equal(t['topicId'], '0123456789abcdef0123456789abcdef');
    assert.equal(t['topic'], '');
  });
});
