import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { StrataError } from '../../../core/errors.js';
import { Decimal } from '../../../core/decimal.js';
import { BinlogClient } from './binlog-client.js';
import type { BinlogEvent } from './events.js';
import { crc32Table } from './crc32.js';
import { DOC_TEXT, Peer, UUID, build, u16, u32, u64, uuidBytes } from './mysql8-test-support.js';

/**
 * The client's MySQL flavor end to end against a scripted MySQL 8 server (MariaDB cannot
 * play it): caching_sha2_password's full path (RSA) on the replication connection, the
 * checksum and heartbeat variables, COM_REGISTER_SLAVE, COM_BINLOG_DUMP_GTID with the GTID
 * set encoded as MySQL documents it, then a stream of hand-built MySQL 8 events, and a purge
 * error (1236) for a GTID start.
 */

const RSA = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const PASSWORD = 'repl pässword';
const CAPS = 0x1 | 0x4 | 0x200 | 0x2000 | 0x8000 | 0x80000 | 0x200000;

interface Script {
  readonly log: string[];
  /** What to answer COM_BINLOG_DUMP_GTID with: the events, or an error packet. */
  readonly answer: 'events' | 'purged';
}

/** The fake rotate MySQL sends first: artificial, log_pos 0, with a checksum when checksums are on. */
function fakeRotate(file: string): Buffer {
  const body = [...u64(4n), ...Buffer.from(file)];
  const size = 19 + body.length + 4;
  const b = Buffer.from([...u32(0), 4, ...u32(1), ...u32(size), ...u32(0), ...u16(0x20), ...body, 0, 0, 0, 0]);
  b.writeUInt32LE(crc32Table(b, 0, size - 4), size - 4);
  return b;
}

async function serve(script: Script): Promise<{ port: number; close(): void }> {
  const server = createServer(async (sock) => {
    const peer = new Peer(sock);
    const log = script.log;
    try {
      const nonce = Buffer.from(randomBytes(20).map((b) => (b === 0 ? 1 : b)));
      peer.send([10, ...Buffer.from('8.0.36\0'), 7, 0, 0, 0, ...nonce.subarray(0, 8), 0, CAPS & 0xff, (CAPS >> 8) & 0xff, 255, 2, 0, (CAPS >> 16) & 0xff, (CAPS >> 24) & 0xff, 21, ...Array(10).fill(0), ...nonce.subarray(8), 0, ...Buffer.from('caching_sha2_password\0')]);
      await peer.read(); // the scramble: force the full path
      peer.send([0x01, 0x04]);
      log.push(`key request ${(await peer.read()).toString('hex')}`);
      peer.send([0x01, ...Buffer.from(RSA.publicKey)]);
      const enc = await peer.read();
      const plain = Buffer.from(privateDecrypt({ key: RSA.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, enc).map((v, i) => v ^ nonce[i % 20]!));
      if (!plain.equals(Buffer.concat([Buffer.from(PASSWORD), Buffer.of(0)]))) throw new StrataError('INTERNAL', 'bad password');
      peer.send([0x00, 0, 0, 2, 0, 0, 0]);
      for (;;) {
        const cmd = await peer.read();
        if (cmd[0] === 0x03) {
          const sql = cmd.subarray(1).toString();
          log.push(sql);
          if (sql === 'SELECT @@global.binlog_checksum') {
            peer.send([1]);
            peer.send([3, ...Buffer.from('def'), 0, 0, 0, 24, ...Buffer.from('@@global.binlog_checksum'), 0, 0x0c, 45, 0, 32, 0, 0, 0, 253, 0, 0, 0, 0, 0]);
            peer.send([0xfe, 0, 0, 2, 0]);
            peer.send([5, ...Buffer.from('CRC32')]);
            peer.send([0xfe, 0, 0, 2, 0]);
          } else peer.send([0x00, 0, 0, 2, 0, 0, 0]);
        } else if (cmd[0] === 0x15) {
          log.push(`register server ${cmd.readUInt32LE(1)}`);
          peer.send([0x00, 0, 0, 2, 0, 0, 0]);
        } else if (cmd[0] === 0x1e) {
          const flags = cmd.readUInt16LE(1);
          const serverId = cmd.readUInt32LE(3);
          const nameLen = cmd.readUInt32LE(7);
          const pos = cmd.readBigUInt64LE(11 + nameLen);
          const size = cmd.readUInt32LE(19 + nameLen);
          const data = cmd.subarray(23 + nameLen, 23 + nameLen + size);
          log.push(`dump gtid flags=${flags} server=${serverId} file='${cmd.toString('utf8', 11, 11 + nameLen)}' pos=${pos} set=${data.toString('hex')}`);
          if (script.answer === 'purged') {
            peer.send([0xff, ...u16(1236), 0x23, ...Buffer.from('HY000'), ...Buffer.from('Cannot replicate because the source purged required binary logs. Replicate the missing transactions from elsewhere.')]);
          } else {
            peer.send([0x00, ...fakeRotate('binlog.000001')]);
            const events = build(true);
            let p = 4;
            while (p < events.length) {
              const len = events.readUInt32LE(p + 9);
              peer.send([0x00, ...events.subarray(p, p + len)]);
              p += len;
            }
            peer.send([0xfe, 0, 0, 2, 0]);
          }
          sock.end();
          return;
        } else return;
      }
    } catch {
      sock.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr !== null ? addr.port : 0, close: () => server.close() };
}

async function run(answer: Script['answer']): Promise<{ log: string[]; events: BinlogEvent[]; error: StrataError | null }> {
  const log: string[] = [];
  const srv = await serve({ log, answer });
  const client = new BinlogClient({ host: '127.0.0.1', port: srv.port, user: 'repl', password: PASSWORD, serverId: 5401, start: { gtid: `${UUID}:1-6` }, nonBlocking: true, heartbeatMs: 1000 });
  const events: BinlogEvent[] = [];
  let error: StrataError | null = null;
  try {
    await client.connect();
    for await (const batch of client.events()) events.push(...batch);
  } catch (e) {
    assert.ok(e instanceof StrataError);
    error = e;
  } finally {
    await client.close();
    srv.close();
  }
  return { log, events, error };
}

describe('replication from a scripted MySQL 8 server', () => {
  test('caching_sha2 full path, negotiation, GTID dump request, and the decoded stream', async () => {
    const { log, events, error } = await run('events');
    assert.equal(error, null);
    // GTID set 1-6 of UUID: 1 sid, the UUID, 1 interval, [1, 7).
    const set = Buffer.from([...u64(1n), ...uuidBytes(), ...u64(1n), ...u64(1n), ...u64(7n)]).toString('hex');
    assert.deepEqual(log, [
      'key request 02',
      'SELECT @@global.binlog_checksum',
      'SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = @@global.binlog_checksum',
      'SET @master_heartbeat_period = 1000000000, @source_heartbeat_period = 1000000000',
      'register server 5401',
      `dump gtid flags=5 server=5401 file='' pos=4 set=${set}`,
    ]);
    assert.deepEqual(events.map((e) => e.kind), ['rotate', 'format-description', 'previous-gtids', 'gtid', 'begin', 'table-map', 'rows', 'xid']);
    const rotate = events[0]!;
    assert.ok(rotate.kind === 'rotate' && rotate.artificial);
    const rows = events[6]!;
    assert.ok(rows.kind === 'rows');
    assert.deepEqual(rows.rows[0]!.slice(0, 2), [new Decimal(18446744073709551615n, 0), 4294967295n]);
    assert.equal(rows.rows[0]![6], DOC_TEXT);
    const xid = events[7]!;
    assert.deepEqual(xid.position, { file: 'binlog.000001', pos: xid.position.pos, gtid: `${UUID}:1-7` });
    assert.ok(xid.position.pos > 4);
  });

  test('a purged GTID range: definite error naming the GTID set and the remedy', async () => {
    const { events, error } = await run('purged');
    assert.deepEqual(events, []);
    assert.ok(error !== null);
    assert.equal(error.code, 'CONNECTOR_DATA');
    assert.equal(error.retryable, false);
    assert.ok(error.message.includes(`GTID ${UUID}:1-6`), error.message);
    assert.match(error.message, /purged/);
    assert.match(error.hint ?? '', /'scan\.startup\.mode' = 'initial'/);
  });
});
