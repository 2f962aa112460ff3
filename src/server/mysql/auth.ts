import { constants as cryptoConstants, createHash, createPrivateKey, generateKeyPair, privateDecrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * Authentication: mysql_native_password and caching_sha2_password, checked against the
 * passwords the server was configured with (we know each password, so for
 * caching_sha2_password the "cache" is always warm: a matching scramble is a fast-auth
 * success). The full caching_sha2 path (server asks for the password; the client asks
 * for the RSA public key and sends the password RSA-OAEP-encrypted, XORed with the
 * nonce) runs when the server is configured to force it. Cleartext passwords are never
 * accepted: the server has no TLS.
 *
 * `AuthExchange` is a pure state machine over auth payloads so it can be tested
 * without sockets; the connection sends what it returns.
 */

export type AuthPluginName = 'mysql_native_password' | 'caching_sha2_password';

export const AUTH_PLUGINS: readonly AuthPluginName[] = ['mysql_native_password', 'caching_sha2_password'];

export function isAuthPluginName(s: string): s is AuthPluginName {
  return s === 'mysql_native_password' || s === 'caching_sha2_password';
}

export const NONCE_LENGTH = 20;

/** 20 random bytes in the printable ASCII range (no NUL: some clients treat the nonce as a C string). */
export function generateNonce(): Buffer {
  const b = randomBytes(NONCE_LENGTH);
  for (let i = 0; i < b.length; i++) b[i] = 0x21 + (b[i]! % 94);
  return b;
}

function sha1(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** The client's mysql_native_password response: SHA1(pw) XOR SHA1(nonce, SHA1(SHA1(pw))); empty for an empty password. */
export function nativePasswordToken(password: string, nonce: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const stage2 = sha1(stage1);
  return xor(stage1, sha1(nonce.subarray(0, NONCE_LENGTH), stage2));
}

/** The client's caching_sha2_password scramble: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)), nonce); empty for an empty password. */
export function cachingSha2Token(password: string, nonce: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha256(Buffer.from(password, 'utf8'));
  const stage2 = sha256(stage1);
  return xor(stage1, sha256(stage2, nonce.subarray(0, NONCE_LENGTH)));
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && (a.length === 0 || timingSafeEqual(a, b));
}

/** XOR with the nonce repeated over the whole length (caching_sha2 / sha256 RSA exchange). */
export function xorWithNonce(data: Buffer, nonce: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ nonce[i % NONCE_LENGTH]!;
  return out;
}

export interface RsaKeys {
  /** SPKI PEM, as MySQL sends it in the public key response. */
  readonly publicKeyPem: string;
  readonly privateKey: KeyObject;
  /** Ciphertext length in bytes (the modulus size). */
  readonly size: number;
}

/** A fresh 2048-bit RSA key pair (one per server start). */
export function generateRsaKeys(): Promise<RsaKeys> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
      (err, publicKey, privateKey) => {
        if (err !== null) reject(err);
        else resolve({ publicKeyPem: publicKey, privateKey: createPrivateKey(privateKey), size: 256 });
      },
    );
  });
}

/** Decrypts an RSA-OAEP (SHA-1) encrypted password XORed with the nonce; null when it does not decrypt. */
export function decryptRsaPassword(keys: RsaKeys, data: Buffer, nonce: Buffer): Buffer | null {
  let plain: Buffer;
  try {
    plain = privateDecrypt({ key: keys.privateKey, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, data);
  } catch {
    return null;
  }
  const clear = xorWithNonce(plain, nonce);
  // The client sends the password with its NUL terminator.
  return clear.length > 0 && clear[clear.length - 1] === 0 ? clear.subarray(0, clear.length - 1) : clear;
}

export interface AuthAccount {
  readonly user: string;
  readonly password: string;
  /** The plugin this user authenticates with. */
  readonly plugin: AuthPluginName;
}

/**
 * What the connection does next:
 * - `send`: send `payload` as the next packet and feed the client's reply to `next()`.
 * - `ok`: authenticated; send `preamble` first when present (fast-auth success), then OK.
 * - `denied`: send ERR 1045 and close.
 */
export type AuthReply =
  | { readonly kind: 'send'; readonly payload: Buffer }
  | { readonly kind: 'ok'; readonly preamble: Buffer | null }
  | { readonly kind: 'denied' };

export interface AuthExchangeOptions {
  /** The account, or null when the user is unknown. */
  readonly account: AuthAccount | null;
  readonly nonce: Buffer;
  readonly rsa: RsaKeys | null;
  /** caching_sha2_password: always ask for the full authentication (as MySQL does with a cold cache). */
  readonly forceFullAuth: boolean;
}

const AUTH_MORE_DATA = 0x01;
const AUTH_SWITCH_REQUEST = 0xfe;
const FAST_AUTH_SUCCESS = 0x03;
const PERFORM_FULL_AUTH = 0x04;
const REQUEST_PUBLIC_KEY = 0x02;

type State = 'start' | 'switched' | 'sha2-full' | 'sha2-rsa' | 'done';

export class AuthExchange {
  readonly #opts: AuthExchangeOptions;
  #state: State = 'start';
  #usedPassword = false;

  constructor(opts: AuthExchangeOptions) {
    this.#opts = opts;
  }

  /** Whether the client sent a password (for "using password: YES/NO"). */
  get usedPassword(): boolean {
    return this.#usedPassword;
  }

  /** The client's first auth response, computed with `clientPlugin`. */
  start(clientPlugin: string, response: Buffer): AuthReply {
    if (this.#state !== 'start') return this.#deny();
    if (response.length > 0) this.#usedPassword = true;
    const account = this.#opts.account;
    if (account === null) return this.#deny();
    if (clientPlugin !== account.plugin) {
      // An empty password is an empty response under every plugin.
      if (account.password === '' && response.length === 0) return this.#ok(null);
      this.#state = 'switched';
      const name = Buffer.from(account.plugin, 'latin1');
      const payload = Buffer.concat([Buffer.from([AUTH_SWITCH_REQUEST]), name, Buffer.from([0]), this.#opts.nonce, Buffer.from([0])]);
      return { kind: 'send', payload };
    }
    return this.#evaluate(account, response);
  }

  /** The client's next auth packet (after a `send`). */
  next(packet: Buffer): AuthReply {
    const account = this.#opts.account;
    if (account === null) return this.#deny();
    switch (this.#state) {
      case 'switched':
        if (packet.length > 0) this.#usedPassword = true;
        return this.#evaluate(account, packet);
      case 'sha2-full':
        if (packet.length === 1 && packet[0] === REQUEST_PUBLIC_KEY) {
          const rsa = this.#opts.rsa;
          if (rsa === null) return this.#deny();
          this.#state = 'sha2-rsa';
          return { kind: 'send', payload: Buffer.concat([Buffer.from([AUTH_MORE_DATA]), Buffer.from(rsa.publicKeyPem, 'latin1')]) };
        }
        return this.#checkRsa(account, packet);
      case 'sha2-rsa':
        return this.#checkRsa(account, packet);
      default:
        return this.#deny();
    }
  }

  #evaluate(account: AuthAccount, response: Buffer): AuthReply {
    if (account.plugin === 'mysql_native_password') {
      return sameBytes(response, nativePasswordToken(account.password, this.#opts.nonce)) ? this.#ok(null) : this.#deny();
    }
    // caching_sha2_password
    if (account.password === '') return response.length === 0 ? this.#ok(null) : this.#deny();
    if (response.length === 0) return this.#deny();
    if (this.#opts.forceFullAuth) {
      this.#state = 'sha2-full';
      return { kind: 'send', payload: Buffer.from([AUTH_MORE_DATA, PERFORM_FULL_AUTH]) };
    }
    if (sameBytes(response, cachingSha2Token(account.password, this.#opts.nonce))) {
      return this.#ok(Buffer.from([AUTH_MORE_DATA, FAST_AUTH_SUCCESS]));
    }
    return this.#deny();
  }

  /** Only an RSA-encrypted password is accepted here: a cleartext one would need TLS. */
  #checkRsa(account: AuthAccount, packet: Buffer): AuthReply {
    const rsa = this.#opts.rsa;
    if (rsa === null || packet.length !== rsa.size) return this.#deny();
    const password = decryptRsaPassword(rsa, packet, this.#opts.nonce);
    if (password === null) return this.#deny();
    return sameBytes(password, Buffer.from(account.password, 'utf8')) ? this.#ok(null) : this.#deny();
  }

  #ok(preamble: Buffer | null): AuthReply {
    this.#state = 'done';
    return { kind: 'ok', preamble };
  }

  #deny(): AuthReply {
    this.#state = 'done';
    return { kind: 'denied' };
  }
}
