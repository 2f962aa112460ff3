import { constants, createHash, publicEncrypt } from 'node:crypto';

/**
 * Client side of MySQL authentication: the scrambles of mysql_native_password and
 * caching_sha2_password, and the RSA path (caching_sha2_password's full authentication and
 * sha256_password without TLS): the password with a trailing NUL, XORed with the nonce,
 * encrypted with the server's public key (RSA-OAEP with SHA-1, as libmysqlclient does).
 */

function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The 20-byte nonce without the trailing NUL some servers append. */
export function nonce20(data: Buffer): Buffer {
  return data.length > 20 && data[data.length - 1] === 0 ? data.subarray(0, data.length - 1) : data;
}

/** mysql_native_password: SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw))); empty for an empty password. */
export function nativePasswordScramble(password: string, nonce: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const pw = Buffer.from(password, 'utf8');
  const h1 = sha1(pw);
  const h2 = sha1(h1);
  const h3 = sha1(nonce20(nonce), h2);
  const out = Buffer.alloc(20);
  for (let i = 0; i < 20; i++) out[i] = h1[i]! ^ h3[i]!;
  return out;
}

/** caching_sha2_password: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce); empty for an empty password. */
export function cachingSha2Scramble(password: string, nonce: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const pw = Buffer.from(password, 'utf8');
  const h1 = sha256(pw);
  const h2 = sha256(h1);
  const h3 = sha256(h2, nonce20(nonce));
  const out = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) out[i] = h1[i]! ^ h3[i]!;
  return out;
}

/** The full-authentication payload: RSA-OAEP(publicKey, (password + NUL) XOR nonce). */
export function rsaEncryptPassword(password: string, nonce: Buffer, publicKeyPem: string): Buffer {
  const pw = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.of(0)]);
  const n = nonce20(nonce);
  for (let i = 0; i < pw.length; i++) pw[i] = pw[i]! ^ n[i % n.length]!;
  return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, pw);
}

export type AuthPlugin = 'mysql_native_password' | 'caching_sha2_password' | 'sha256_password';

export function isSupportedPlugin(name: string): name is AuthPlugin {
  return name === 'mysql_native_password' || name === 'caching_sha2_password' || name === 'sha256_password';
}

/** The first auth response for `plugin`. */
export function initialAuthResponse(plugin: AuthPlugin, password: string, nonce: Buffer): Buffer {
  switch (plugin) {
    case 'mysql_native_password':
      return nativePasswordScramble(password, nonce);
    case 'caching_sha2_password':
      return cachingSha2Scramble(password, nonce);
    case 'sha256_password':
      // Without TLS: ask for the public key (0x01); an empty password is sent as one NUL.
      return password === '' ? Buffer.of(0) : Buffer.of(1);
  }
}
