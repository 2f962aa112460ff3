import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PACKET_PAYLOAD } from './constants.js';
import { PacketFramer, PacketWriter, PayloadReader, isProtocolError, lenencIntSize, writeEnd, writeErr, writeOk } from './packets.js';
import type { Frame } from './packets.js';

function packet(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

function drain(f: PacketFramer): Frame[] {
  const out: Frame[] = [];
  for (let x = f.next(); x !== null; x = f.next()) out.push(x);
  return out;
}

describe('PacketFramer', () => {
  const payloads = [Buffer.from([0x03, 0x41]), Buffer.alloc(0), Buffer.from('select 1', 'utf8'), Buffer.alloc(300, 7)];
  const stream = Buffer.concat(payloads.map((p, i) => packet(i, p)));

  test('several packets in one chunk', () => {
    const f = new PacketFramer(1 << 20);
    f.push(stream);
    const frames = drain(f);
    assert.equal(frames.length, payloads.length);
    frames.forEach((fr, i) => {
      assert.equal(fr.seq, i);
      assert.deepEqual(fr.payload, payloads[i]);
    });
    assert.equal(f.buffered, 0);
  });

  test('every split point of the stream into two chunks gives the same packets', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const f = new PacketFramer(1 << 20);
      f.push(stream.subarray(0, cut));
      const got = drain(f);
      f.push(stream.subarray(cut));
      got.push(...drain(f));
      assert.deepEqual(
        got.map((g) => g.payload),
        payloads,
        `cut at ${cut}`,
      );
    }
  });

  test('one byte at a time', () => {
    const f = new PacketFramer(1 << 20);
    const got: Frame[] = [];
    for (let i = 0; i < stream.length; i++) {
      f.push(stream.subarray(i, i + 1));
      got.push(...drain(f));
    }
    assert.deepEqual(
      got.map((g) => g.payload),
      payloads,
    );
  });

  test('a payload of 16 MiB + 5 bytes arrives as two packets and is joined', () => {
    const big = Buffer.alloc(MAX_PACKET_PAYLOAD + 5);
    for (let i = 0; i < big.length; i += 4093) big[i] = i & 0xff;
    big[big.length - 1] = 0xab;
    const w = new PacketWriter();
    w.seq = 0;
    w.begin().bytes(big).end();
    assert.equal(w.seq, 2, 'two physical packets');
    const wire = w.take();
    assert.equal(wire.length, big.length + 8);
    assert.equal(wire.readUIntLE(0, 3), MAX_PACKET_PAYLOAD);
    assert.equal(wire.readUIntLE(4 + MAX_PACKET_PAYLOAD, 3), 5);
    const f = new PacketFramer(64 * 1024 * 1024);
    // Chunks of 64 KiB, like a socket.
    for (let off = 0; off < wire.length; off += 65536) f.push(wire.subarray(off, off + 65536));
    const frames = drain(f);
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.seq, 0, 'the first packet\'s id');
    assert.equal(frames[0]!.nextSeq, 2, 'the answer follows the last packet');
    assert.ok(frames[0]!.payload.equals(big));
  });

  test('a payload of exactly 0xFFFFFF bytes is followed by an empty packet', () => {
    const big = Buffer.alloc(MAX_PACKET_PAYLOAD, 0x5a);
    const w = new PacketWriter();
    w.begin().bytes(big).end();
    const wire = w.take();
    assert.equal(wire.length, MAX_PACKET_PAYLOAD + 8);
    assert.equal(wire.readUIntLE(MAX_PACKET_PAYLOAD + 4, 3), 0);
    const f = new PacketFramer(64 * 1024 * 1024);
    f.push(wire);
    const frames = drain(f);
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.payload.length, MAX_PACKET_PAYLOAD);
  });

  test('a payload larger than max_allowed_packet is a protocol error', () => {
    const f = new PacketFramer(100);
    f.push(packet(0, Buffer.alloc(101)));
    assert.throws(
      () => f.next(),
      (e: unknown) => isProtocolError(e),
    );
  });
});

describe('PayloadReader', () => {
  test('length-encoded integers round-trip at every size boundary', () => {
    const values = [0, 1, 250, 251, 0xffff, 0x10000, 0xffffff, 0x1000000, 2 ** 40];
    const w = new PacketWriter();
    w.begin();
    for (const v of values) w.lenencInt(v);
    w.end();
    const wire = w.take();
    const r = new PayloadReader(wire, 4);
    for (const v of values) assert.equal(r.lenencInt(), v);
    assert.equal(r.remaining, 0);
    assert.equal(lenencIntSize(250), 1);
    assert.equal(lenencIntSize(251), 3);
    assert.equal(lenencIntSize(0x10000), 4);
    assert.equal(lenencIntSize(0x1000000), 9);
  });

  test('0xFB is NULL and reading past the end is a protocol error', () => {
    const r = new PayloadReader(Buffer.from([0xfb, 0x05, 0x61]));
    assert.equal(r.lenencInt(), null);
    assert.throws(
      () => r.lenencBytes(),
      (e: unknown) => isProtocolError(e),
    );
  });

  test('strings: length-encoded UTF-8 with 4-byte characters and NUL-terminated', () => {
    const w = new PacketWriter();
    w.begin().lenencString('a😀b').nulString('root').lenencAscii('12.50').end();
    const r = new PayloadReader(w.take(), 4);
    assert.equal(r.lenencString(), 'a😀b');
    assert.equal(r.nulString(), 'root');
    assert.equal(r.lenencString(), '12.50');
  });
});

describe('response packets', () => {
  test('OK, ERR, EOF and the OK that replaces EOF', () => {
    const w = new PacketWriter();
    w.seq = 1;
    writeOk(w, { affectedRows: 3, lastInsertId: 300, status: 2, warnings: 1, info: 'hi' });
    writeErr(w, 1064, '42000', 'bad');
    writeEnd(w, false, 0x0a);
    writeEnd(w, true, 0x02);
    const f = new PacketFramer(1 << 20);
    f.push(w.take());
    const [ok, err, eof, okEof] = drain(f);
    assert.deepEqual([ok!.seq, err!.seq, eof!.seq, okEof!.seq], [1, 2, 3, 4]);
    assert.deepEqual([...ok!.payload], [0x00, 3, 0xfc, 300 & 0xff, 300 >> 8, 2, 0, 1, 0, 0x68, 0x69]);
    assert.equal(err!.payload[0], 0xff);
    assert.equal(err!.payload.readUInt16LE(1), 1064);
    assert.equal(err!.payload.toString('latin1', 3), '#42000bad');
    assert.deepEqual([...eof!.payload], [0xfe, 0, 0, 0x0a, 0]);
    assert.deepEqual([...okEof!.payload], [0xfe, 0, 0, 0x02, 0, 0, 0]);
  });
});
