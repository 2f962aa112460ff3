import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { StrataError } from '../../../core/errors.js';
import { cachingSha2Scramble, nativePasswordScramble } from './auth.js';
import { MysqlConnection } from './connection.js';
import { Peer } from './mysql8-test-support.js';

/**
 * The client side of MySQL authentication against a scripted server written from MySQL's
 * protocol documentation: caching_sha2_password (MySQL 8's default) fast path and full
 * path (RSA public key request, OAEP-encrypted password), an auth switch, and
 * mysql_native_password. The server checks scrambles the way MySQL does, from stored hashes.
 */

const sha1 = (...b: Buffer[]): Buffer => b.reduce((h, x) => h.update(x), createHash('sha1')).digest();
const sha256 = (...b: Buffer[]): Buffer => b.reduce((h, x) => h.update(x), createHash('sha256')).digest();
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((v, i) => v ^ b[i % b.length]!));

const RSA = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

interface Scenario {
  /** Plugin announced in the handshake. */
  readonly plugin: string;
  /** The account's password. */
  readonly password: string;
  /** Switch to this plugin after the first response. */
  readonly switchTo?: string;
  /** caching_sha2: force the full path (cache miss). */
  readonly full?: boolean;
}

const CAPS = 0x1 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000 | 0x200000;

async function serve(s: Scenario, log: string[]): Promise<{ port: number; close(): void }> {
  const server = createServer(async (sock) => {
    const peer = new Peer(sock);
    try {
      let nonce: Buffer = Buffer.from(randomBytes(20).map((b) => (b === 0 ? 1 : b)));
      const hs = [10, ...Buffer.from('8.0.36\0'), 1, 0, 0, 0, ...nonce.subarray(0, 8), 0, CAPS & 0xff, (CAPS >> 8) & 0xff, 255, 2, 0, (CAPS >> 16) & 0xff, (CAPS >> 24) & 0xff, 21, ...Array(10).fill(0), ...nonce.subarray(8), 0, ...Buffer.from(s.plugin + '\0')];
      peer.send(hs);
      const resp = await peer.read();
      let p = 4 + 4 + 1 + 23;
      const userEnd = resp.indexOf(0, p);
      const user = resp.toString('utf8', p, userEnd);
      p = userEnd + 1;
      const authLen = resp[p]!;
      let auth = resp.subarray(p + 1, p + 1 + authLen);
      p += 1 + authLen;
      const clientPlugin = resp.toString('latin1', p, resp.indexOf(0, p));
      log.push(`user=${user} plugin=${clientPlugin}`);
      let plugin = s.plugin;
      if (s.switchTo !== undefined) {
        plugin = s.switchTo;
        nonce = Buffer.from(randomBytes(20).map((b) => (b === 0 ? 1 : b)));
        peer.send([0xfe, ...Buffer.from(plugin + '\0'), ...nonce, 0]);
        auth = await peer.read();
        log.push(`switched to ${plugin}`);
      }
      const pw = Buffer.from(s.password);
      let ok: boolean;
      if (plugin === 'mysql_native_password') {
        const stored = sha1(sha1(pw));
        ok = auth.length === 20 && sha1(xor(auth, sha1(nonce, stored))).equals(stored);
      } else if (!s.full) {
        const stored = sha256(sha256(pw));
        ok = auth.length === 32 && sha256(xor(auth, sha256(stored, nonce))).equals(stored);
        if (ok) peer.send([0x01, 0x03]);
      } else {
        peer.send([0x01, 0x04]);
        const req = await peer.read();
        log.push(`key request ${req.toString('hex')}`);
        peer.send([0x01, ...Buffer.from(RSA.publicKey)]);
        const enc = await peer.read();
        const plain = xor(privateDecrypt({ key: RSA.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, enc), nonce);
        ok = plain.equals(Buffer.concat([pw, Buffer.of(0)]));
        log.push('full auth');
      }
      if (!ok) {
        peer.send([0xff, 0x15, 0x04, 0x23, ...Buffer.from('28000'), ...Buffer.from(`Access denied for user '${user}'@'localhost' (using password: YES)`)]);
        sock.end();
        return;
      }
      peer.send([0x00, 0, 0, 2, 0, 0, 0]);
      // One query: SELECT 'a', NULL → a text result set with EOF packets.
      const q = await peer.read();
      peer.seq = 1;
      log.push(`query ${q.subarray(1).toString()}`);
      const col = (name: string): number[] => [3, ...Buffer.from('def'), 0, 0, 0, name.length, ...Buffer.from(name), name.length, ...Buffer.from(name), 0x0c, 45, 0, 4, 0, 0, 0, 253, 0, 0, 0, 0, 0];
      peer.send([2]);
      peer.send(col('a'));
      peer.send(col('n'));
      peer.send([0xfe, 0, 0, 2, 0]);
      peer.send([1, 0x61, 0xfb]);
      peer.send([0xfe, 0, 0, 2, 0]);
    } catch {
      sock.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr !== null ? addr.port : 0, close: () => server.close() };
}

async function login(s: Scenario, password = s.password): Promise<{ log: string[]; result?: unknown; error?: StrataError }> {
  const log: string[] = [];
  const srv = await serve(s, log);
  try {
    const conn = await MysqlConnection.open({ host: '127.0.0.1', port: srv.port, user: 'cdc', password });
    const result = await conn.query("SELECT 'a', NULL");
    conn.socket.destroy();
    return { log, result };
  } catch (e) {
    assert.ok(e instanceof StrataError);
    return { log, error: e };
  } finally {
    srv.close();
  }
}

describe('MySQL authentication (scripted server)', () => {
  test('scrambles match MySQL’s definitions', () => {
    const nonce = Buffer.from('0123456789abcdefghij');
    const pw = Buffer.from('pässword');
    assert.deepEqual(nativePasswordScramble('pässword', nonce), xor(sha1(pw), sha1(nonce, sha1(sha1(pw)))));
    assert.deepEqual(cachingSha2Scramble('pässword', nonce), xor(sha256(pw), sha256(sha256(sha256(pw)), nonce)));
    assert.equal(cachingSha2Scramble('', nonce).length, 0);
  });

  test('caching_sha2_password fast path, then a text result set', async () => {
    const r = await login({ plugin: 'caching_sha2_password', password: 'secret' });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.result, { columns: ['a', 'n'], rows: [['a', null]] });
    assert.deepEqual(r.log, ['user=cdc plugin=caching_sha2_password', "query SELECT 'a', NULL"]);
  });

  test('caching_sha2_password full path: public key request and RSA-OAEP password', async () => {
    const r = await login({ plugin: 'caching_sha2_password', password: 'long pässword 😀', full: true });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.log, ['user=cdc plugin=caching_sha2_password', 'key request 02', 'full auth', "query SELECT 'a', NULL"]);
  });

  test('auth switch from mysql_native_password to caching_sha2_password', async () => {
    const r = await login({ plugin: 'mysql_native_password', switchTo: 'caching_sha2_password', password: 'pw' });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.log.slice(0, 2), ['user=cdc plugin=mysql_native_password', 'switched to caching_sha2_password']);
  });

  test('mysql_native_password', async () => {
    const r = await login({ plugin: 'mysql_native_password', password: 'pw' });
    assert.equal(r.error, undefined);
  });

  test('a wrong password is a non-retryable user error without the password in it', async () => {
    for (const s of [
      { plugin: 'caching_sha2_password', password: 'right' },
      { plugin: 'caching_sha2_password', password: 'right', full: true },
      { plugin: 'mysql_native_password', password: 'right' },
    ]) {
      const r = await login(s, 'wrong-pw-123');
      assert.ok(r.error !== undefined, JSON.stringify(s));
      assert.equal(r.error.code, 'CONNECTOR_IO');
      assert.equal(r.error.domain, 'user');
      assert.equal(r.error.retryable, false);
      assert.match(r.error.message, /1045/);
      assert.ok(!r.error.message.includes('wrong-pw-123'));
    }
  });
});
