import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { constants, publicEncrypt } from 'node:crypto';
import { AuthExchange, cachingSha2Token, generateNonce, generateRsaKeys, nativePasswordToken, xorWithNonce } from './auth.js';
import type { AuthAccount, AuthReply, RsaKeys } from './auth.js';

const nonce = generateNonce();

function exchange(account: AuthAccount | null, rsa: RsaKeys | null = null, forceFullAuth = false): AuthExchange {
  return new AuthExchange({ account, nonce, rsa, forceFullAuth });
}

function payloadOf(r: AuthReply): Buffer {
  assert.equal(r.kind, 'send');
  return (r as { payload: Buffer }).payload;
}

/** What a MySQL client does in the full caching_sha2 path: RSA-OAEP(SHA-1) of (password + NUL) XOR nonce. */
function rsaClient(pem: string, password: string): Buffer {
  return publicEncrypt(
    { key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    xorWithNonce(Buffer.from(password + '\0', 'utf8'), nonce),
  );
}

describe('auth', () => {
  let rsa: RsaKeys;
  before(async () => {
    rsa = await generateRsaKeys();
  });

  test('the nonce is 20 printable bytes', () => {
    assert.equal(nonce.length, 20);
    for (const b of nonce) assert.ok(b > 0x20 && b < 0x7f);
  });

  test('mysql_native_password: right and wrong password', () => {
    const acct: AuthAccount = { user: 'u', password: 's3cret', plugin: 'mysql_native_password' };
    assert.deepEqual(exchange(acct).start('mysql_native_password', nativePasswordToken('s3cret', nonce)), { kind: 'ok', preamble: null });
    const bad = exchange(acct);
    assert.deepEqual(bad.start('mysql_native_password', nativePasswordToken('nope', nonce)), { kind: 'denied' });
    assert.equal(bad.usedPassword, true);
    const none = exchange(acct);
    assert.deepEqual(none.start('mysql_native_password', Buffer.alloc(0)), { kind: 'denied' });
    assert.equal(none.usedPassword, false);
  });

  test('empty password: empty response under any plugin, a non-empty one is refused', () => {
    const root: AuthAccount = { user: 'root', password: '', plugin: 'mysql_native_password' };
    assert.equal(exchange(root).start('mysql_native_password', Buffer.alloc(0)).kind, 'ok');
    assert.equal(exchange(root).start('caching_sha2_password', Buffer.alloc(0)).kind, 'ok');
    assert.equal(exchange(root).start('mysql_native_password', nativePasswordToken('x', nonce)).kind, 'denied');
  });

  test('unknown user is denied', () => {
    assert.equal(exchange(null).start('mysql_native_password', Buffer.alloc(0)).kind, 'denied');
  });

  test('caching_sha2_password fast path: 0x01 0x03 then OK', () => {
    const acct: AuthAccount = { user: 'u', password: 'pw😀', plugin: 'caching_sha2_password' };
    const r = exchange(acct).start('caching_sha2_password', cachingSha2Token('pw😀', nonce));
    assert.equal(r.kind, 'ok');
    assert.deepEqual([...(r as { preamble: Buffer }).preamble], [0x01, 0x03]);
    assert.equal(exchange(acct).start('caching_sha2_password', cachingSha2Token('pw', nonce)).kind, 'denied');
  });

  test('auth switch when the client used another plugin', () => {
    const acct: AuthAccount = { user: 'u', password: 'pw', plugin: 'caching_sha2_password' };
    const x = exchange(acct);
    const sw = payloadOf(x.start('mysql_native_password', nativePasswordToken('pw', nonce)));
    assert.equal(sw[0], 0xfe);
    const nameEnd = sw.indexOf(0, 1);
    assert.equal(sw.toString('latin1', 1, nameEnd), 'caching_sha2_password');
    assert.deepEqual(sw.subarray(nameEnd + 1, nameEnd + 21), nonce);
    const r = x.next(cachingSha2Token('pw', nonce));
    assert.equal(r.kind, 'ok');

    const native: AuthAccount = { user: 'n', password: 'pw', plugin: 'mysql_native_password' };
    const y = exchange(native);
    payloadOf(y.start('caching_sha2_password', cachingSha2Token('pw', nonce)));
    assert.deepEqual(y.next(nativePasswordToken('pw', nonce)), { kind: 'ok', preamble: null });
  });

  test('caching_sha2_password full path: public key request, RSA-OAEP password', () => {
    const acct: AuthAccount = { user: 'u', password: 'long password ü', plugin: 'caching_sha2_password' };
    const x = exchange(acct, rsa, true);
    assert.deepEqual([...payloadOf(x.start('caching_sha2_password', cachingSha2Token(acct.password, nonce)))], [0x01, 0x04]);
    const keyPacket = payloadOf(x.next(Buffer.from([0x02])));
    assert.equal(keyPacket[0], 0x01);
    const pem = keyPacket.toString('latin1', 1);
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----/);
    assert.deepEqual(x.next(rsaClient(pem, acct.password)), { kind: 'ok', preamble: null });

    const wrong = exchange(acct, rsa, true);
    wrong.start('caching_sha2_password', cachingSha2Token(acct.password, nonce));
    wrong.next(Buffer.from([0x02]));
    assert.equal(wrong.next(rsaClient(pem, 'not it')).kind, 'denied');

    // A client that already has the key skips the request.
    const direct = exchange(acct, rsa, true);
    direct.start('caching_sha2_password', cachingSha2Token(acct.password, nonce));
    assert.equal(direct.next(rsaClient(rsa.publicKeyPem, acct.password)).kind, 'ok');
  });

  test('full path refuses a cleartext password (no TLS)', () => {
    const acct: AuthAccount = { user: 'u', password: 'pw', plugin: 'caching_sha2_password' };
    const x = exchange(acct, rsa, true);
    x.start('caching_sha2_password', cachingSha2Token('pw', nonce));
    assert.equal(x.next(Buffer.from('pw\0')).kind, 'denied');
  });
});
