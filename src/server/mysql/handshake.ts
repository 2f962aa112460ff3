import { Cap, Charset } from './constants.js';
import { PayloadReader, protocolError } from './packets.js';
import type { PacketWriter } from './packets.js';

/**
 * The connection phase: the server's Protocol::HandshakeV10, the client's
 * HandshakeResponse41 (or SSLRequest), and COM_CHANGE_USER, which carries the same
 * fields again.
 *
 * We present ourselves as a MySQL server (CLIENT_LONG_PASSWORD, a.k.a. CLIENT_MYSQL, is
 * set), so MariaDB clients do not send MariaDB's extended capabilities in the reserved
 * bytes; they read and write the same packets as with MySQL 8.
 */

export interface HandshakeParams {
  readonly serverVersion: string;
  readonly connectionId: number;
  /** 20-byte nonce. */
  readonly nonce: Buffer;
  readonly capabilities: number;
  readonly status: number;
  readonly authPlugin: string;
}

export function writeHandshakeV10(w: PacketWriter, p: HandshakeParams): void {
  w.begin()
    .u8(10)
    .nulString(p.serverVersion)
    .u32(p.connectionId)
    .bytes(p.nonce.subarray(0, 8))
    .u8(0)
    .u16(p.capabilities & 0xffff)
    .u8(Charset.UTF8MB4_GENERAL_CI)
    .u16(p.status)
    .u16((p.capabilities >>> 16) & 0xffff)
    .u8(p.nonce.length + 1)
    .zeros(10)
    .bytes(p.nonce.subarray(8))
    .u8(0)
    .nulString(p.authPlugin)
    .end();
}

export interface HandshakeResponse {
  readonly capabilities: number;
  readonly maxPacketSize: number;
  readonly charset: number;
  readonly user: string;
  readonly authResponse: Buffer;
  readonly database: string | null;
  /** The plugin the auth response was computed with ('' when the client did not say). */
  readonly authPlugin: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/** An SSLRequest is the first 32 bytes of a HandshakeResponse41 with CLIENT_SSL set. */
export function isSslRequest(payload: Buffer): boolean {
  if (payload.length !== 32) return false;
  return (payload.readUInt32LE(0) & Cap.SSL) !== 0;
}

function readAttributes(r: PayloadReader): Map<string, string> {
  const attrs = new Map<string, string>();
  if (r.remaining === 0) return attrs;
  const total = r.lenencInt() ?? 0;
  const end = Math.min(r.pos + total, r.buf.length);
  while (r.pos < end) {
    const k = r.lenencString();
    const v = r.lenencString();
    attrs.set(k, v);
  }
  return attrs;
}

function readAuthResponse(r: PayloadReader, caps: number): Buffer {
  if (caps & Cap.PLUGIN_AUTH_LENENC_CLIENT_DATA) return r.lenencBytes();
  if (caps & Cap.SECURE_CONNECTION) return r.bytes(r.u8());
  return r.nulBytes();
}

/**
 * Parses HandshakeResponse41. Which fields are present follows the client's own flags
 * (a client may set flags the server did not offer and still writes those fields); the
 * caller intersects the flags with the server's for everything after the handshake.
 */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const r = new PayloadReader(payload);
  const caps = r.u32();
  if ((caps & Cap.PROTOCOL_41) === 0) throw protocolError('the client does not speak protocol 4.1 (HandshakeResponse320 is not supported)');
  const maxPacketSize = r.u32();
  const charset = r.u8();
  r.skip(23);
  const user = r.nulString();
  const authResponse = readAuthResponse(r, caps);
  let database: string | null = null;
  if (caps & Cap.CONNECT_WITH_DB && r.remaining > 0) {
    const db = r.nulString();
    database = db === '' ? null : db;
  }
  let authPlugin = '';
  if (caps & Cap.PLUGIN_AUTH && r.remaining > 0) authPlugin = r.nulString();
  const attributes = caps & Cap.CONNECT_ATTRS ? readAttributes(r) : new Map<string, string>();
  return { capabilities: caps, maxPacketSize, charset, user, authResponse, database, authPlugin, attributes };
}

export interface ChangeUserRequest {
  readonly user: string;
  readonly authResponse: Buffer;
  readonly database: string | null;
  readonly charset: number | null;
  readonly authPlugin: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/** COM_CHANGE_USER (after the command byte), read with the connection's negotiated capabilities. */
export function parseChangeUser(payload: Buffer, caps: number): ChangeUserRequest {
  const r = new PayloadReader(payload, 1);
  const user = r.nulString();
  const authResponse = caps & Cap.SECURE_CONNECTION ? r.bytes(r.u8()) : r.nulBytes();
  const db = r.remaining > 0 ? r.nulString() : '';
  let charset: number | null = null;
  if (r.remaining >= 2) charset = r.u16();
  let authPlugin = '';
  if (caps & Cap.PLUGIN_AUTH && r.remaining > 0) authPlugin = r.nulString();
  const attributes = caps & Cap.CONNECT_ATTRS && r.remaining > 0 ? readAttributes(r) : new Map<string, string>();
  return { user, authResponse, database: db === '' ? null : db, charset, authPlugin, attributes };
}
