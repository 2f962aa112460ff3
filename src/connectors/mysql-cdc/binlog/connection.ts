import { Socket, connect as netConnect } from 'node:net';
import { StrataError } from '../../../core/errors.js';
import { initialAuthResponse, isSupportedPlugin, rsaEncryptPassword, type AuthPlugin } from './auth.js';
import { Capability, Command } from './constants.js';
import { Cursor, pushLenenc } from './cursor.js';
import { connectionLost, serverError, type ErrorPlace } from './errors.js';

/**
 * A minimal MySQL client connection on node:net, enough for replication: the handshake
 * (protocol 10), authentication (mysql_native_password; caching_sha2_password fast path,
 * and its full path with the server's RSA key; sha256_password over RSA), COM_QUERY with
 * text result sets, and raw commands. `detach()` hands the socket over to the binlog stream.
 *
 * No TLS: the connection is for servers reachable over a trusted network (as the embedded
 * default is loopback). Passwords never appear in errors.
 */

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database?: string;
  /** Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
}

export interface QueryResult {
  readonly columns: string[];
  readonly rows: (string | null)[][];
}

/** A result column's definition (Protocol::ColumnDefinition41). */
export interface ResultColumn {
  readonly name: string;
  /** Collation id of the value bytes (63 = binary). */
  readonly collation: number;
  /** Column type code (constants.ts ColumnType). */
  readonly type: number;
  readonly flags: number;
  readonly decimals: number;
}

/** A text-protocol result with each value's raw bytes (null for SQL NULL). */
export interface RawQueryResult {
  readonly columns: ResultColumn[];
  readonly rows: (Buffer | null)[][];
}

/**
 * Receives a text result's row packets as they arrive (`queryRows`): `row` is called
 * synchronously from the socket's data handler with the packet payload `buf[start, end)`
 * (Protocol::ResultsetRow). It must not keep `buf` (it is the network buffer) and must not
 * throw for data it can skip; a thrown error ends the query with that error once the result
 * has been read to its end.
 */
export interface RowSink {
  row(buf: Buffer, start: number, end: number): void;
}

const DISCARD: RowSink = { row: () => undefined };

/** A result being streamed into a `RowSink`. */
interface RowStream {
  readonly sink: RowSink;
  readonly sql: string;
  rows: number;
  error: unknown;
  readonly resolve: (rows: number) => void;
  readonly reject: (e: unknown) => void;
}

/** utf8mb4_general_ci: understood by MySQL 5.5+ and MariaDB. */
const CLIENT_COLLATION = 45;
const MAX_PACKET = 0xffffff;

export class MysqlConnection {
  readonly socket: Socket;
  readonly place: ErrorPlace;
  serverVersion = '';
  connectionId = 0;
  serverCapabilities = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #packets: { seq: number; payload: Buffer }[] = [];
  #partial: Buffer[] | null = null;
  #waiter: { resolve: (p: Buffer) => void; reject: (e: unknown) => void } | null = null;
  #failure: StrataError | null = null;
  #seq = 0;
  #detached = false;
  /** The result whose rows go straight to a sink (queryRows), or null. */
  #stream: RowStream | null = null;
  readonly #onData = (d: Buffer): void => this.#receive(d);
  readonly #onError = (e: Error): void => this.#fail(connectionLost(this.place, e.message, e));
  readonly #onClose = (): void => this.#fail(connectionLost(this.place, 'the server closed the connection'));

  private constructor(socket: Socket, place: ErrorPlace) {
    this.socket = socket;
    this.place = place;
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  /** Connects and authenticates. */
  static async open(opts: ConnectionOptions): Promise<MysqlConnection> {
    const place: ErrorPlace = { server: `${opts.host}:${opts.port}` };
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    const socket = netConnect({ host: opts.host, port: opts.port });
    socket.setNoDelay(true);
    const conn = new MysqlConnection(socket, place);
    const timer = setTimeout(() => {
      conn.#fail(connectionLost(place, `no handshake within ${timeoutMs} ms`));
      socket.destroy();
    }, timeoutMs);
    try {
      await conn.#handshake(opts);
    } catch (e) {
      socket.destroy();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return conn;
  }

  get isMariaDb(): boolean {
    return /mariadb/i.test(this.serverVersion);
  }

  #receive(d: Buffer): void {
    this.#chunks.push(d);
    this.#buffered += d.length;
    let buf = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#buffered);
    let p = 0;
    while (buf.length - p >= 4) {
      const len = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16);
      if (buf.length - p - 4 < len) break;
      const seq = buf[p + 3]!;
      const start = p + 4;
      p = start + len;
      if (len === MAX_PACKET) {
        (this.#partial ??= []).push(buf.subarray(start, p));
        continue;
      }
      if (this.#partial !== null) {
        this.#partial.push(buf.subarray(start, p));
        const full = Buffer.concat(this.#partial);
        this.#partial = null;
        if (this.#stream !== null) this.#streamPacket(seq, full, 0, full.length);
        else this.#packets.push({ seq, payload: full });
      } else if (this.#stream !== null) {
        // Rows of a streamed result go to its sink without a view per packet.
        this.#streamPacket(seq, buf, start, p);
      } else {
        this.#packets.push({ seq, payload: buf.subarray(start, p) });
      }
    }
    buf = buf.subarray(p);
    this.#chunks = buf.length > 0 ? [buf] : [];
    this.#buffered = buf.length;
    this.#wake();
  }

  #wake(): void {
    if (this.#waiter === null) return;
    const pkt = this.#packets.shift();
    if (pkt !== undefined) {
      const w = this.#waiter;
      this.#waiter = null;
      this.#seq = pkt.seq;
      w.resolve(pkt.payload);
    } else if (this.#failure !== null) {
      const w = this.#waiter;
      this.#waiter = null;
      w.reject(this.#failure);
    }
  }

  #fail(e: StrataError): void {
    if (this.#failure === null) this.#failure = e;
    if (this.#stream !== null) this.#endStream(this.#failure);
    this.#wake();
  }

  /** The next packet's payload (sequence id remembered for the reply). */
  readPacket(): Promise<Buffer> {
    const pkt = this.#packets.shift();
    if (pkt !== undefined) {
      this.#seq = pkt.seq;
      return Promise.resolve(pkt.payload);
    }
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Writes one packet with the next sequence id (`reset`: a new command, sequence 0). */
  write(payload: Buffer, reset = false): void {
    const seq = reset ? 0 : (this.#seq + 1) & 0xff;
    this.#seq = seq;
    let p = 0;
    let s = seq;
    // Split payloads of 16 MB and more as the protocol requires.
    for (;;) {
      const len = Math.min(MAX_PACKET, payload.length - p);
      const header = Buffer.of(len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, s);
      this.socket.write(Buffer.concat([header, payload.subarray(p, p + len)]));
      p += len;
      s = (s + 1) & 0xff;
      if (len < MAX_PACKET) break;
    }
    this.#seq = (s - 1) & 0xff;
  }

  /** Sends a command (sequence 0). */
  command(payload: Buffer): void {
    this.write(payload, true);
  }

  #errorOf(payload: Buffer, doing: string): StrataError {
    const c = new Cursor(payload, 1);
    const errno = c.u16();
    let sqlState = 'HY000';
    if (payload[3] === 0x23) {
      c.skip(1);
      sqlState = c.str(5, 'latin1');
    }
    const message = c.rest().toString('utf8');
    return serverError(this.place, doing, errno, sqlState, message);
  }

  async #handshake(opts: ConnectionOptions): Promise<void> {
    const hs = await this.readPacket();
    if (hs[0] === 0xff) throw this.#errorOf(hs, 'the connection');
    const c = new Cursor(hs);
    const protocol = c.u8();
    if (protocol !== 10) {
      throw new StrataError('CONNECTOR_IO', `${this.place.server} speaks MySQL protocol version ${protocol}; only version 10 is supported.`, { retryable: false });
    }
    this.serverVersion = c.nulStr('latin1').replace(/^5\.5\.5-/, '');
    this.connectionId = c.u32();
    const nonce1 = c.bytes(8);
    c.skip(1);
    let caps = c.u16();
    let nonce = Buffer.from(nonce1);
    let plugin = 'mysql_native_password';
    if (c.remaining > 0) {
      c.skip(1); // charset
      c.skip(2); // status
      caps |= c.u16() << 16;
      const authLen = c.u8();
      c.skip(10);
      if ((caps & Capability.SECURE_CONNECTION) !== 0) {
        const n2 = Math.max(13, authLen - 8);
        nonce = Buffer.concat([nonce1, c.bytes(Math.min(n2, c.remaining))]);
        if (nonce[nonce.length - 1] === 0) nonce = nonce.subarray(0, nonce.length - 1);
      }
      if ((caps & Capability.PLUGIN_AUTH) !== 0 && c.remaining > 0) plugin = c.nulStr('latin1');
    }
    this.serverCapabilities = caps >>> 0;
    let flags =
      Capability.LONG_PASSWORD |
      Capability.LONG_FLAG |
      Capability.PROTOCOL_41 |
      Capability.TRANSACTIONS |
      Capability.SECURE_CONNECTION |
      Capability.MULTI_RESULTS |
      Capability.PLUGIN_AUTH;
    if ((caps & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) !== 0) flags |= Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA;
    if (opts.database !== undefined && opts.database !== '') flags |= Capability.CONNECT_WITH_DB;
    if (!isSupportedPlugin(plugin)) plugin = 'mysql_native_password';
    let current = plugin as AuthPlugin;
    const auth = initialAuthResponse(current, opts.password, nonce);
    const out: number[] = [];
    const u32 = (v: number): void => {
      out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    };
    u32(flags >>> 0);
    u32(MAX_PACKET);
    out.push(CLIENT_COLLATION);
    for (let i = 0; i < 23; i++) out.push(0);
    out.push(...Buffer.from(opts.user, 'utf8'), 0);
    if ((flags & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) !== 0) pushLenenc(out, auth.length);
    else out.push(auth.length);
    out.push(...auth);
    if ((flags & Capability.CONNECT_WITH_DB) !== 0) out.push(...Buffer.from(opts.database ?? '', 'utf8'), 0);
    out.push(...Buffer.from(current, 'latin1'), 0);
    this.write(Buffer.from(out));

    let awaitingKey = current === 'sha256_password' && opts.password !== '';
    for (;;) {
      const p = await this.readPacket();
      const marker = p[0];
      if (marker === 0x00) return;
      if (marker === 0xff) throw this.#errorOf(p, `the login of user '${opts.user}'`);
      if (marker === 0xfe) {
        // Auth switch: another plugin and a new nonce.
        const sc = new Cursor(p, 1);
        const name = sc.nulStr('latin1');
        if (!isSupportedPlugin(name)) {
          throw new StrataError('CONNECTOR_IO', `${this.place.server} asks for authentication plugin '${name}', which Strata does not support.`, {
            domain: 'user',
            retryable: false,
            hint: `Create the user with mysql_native_password or caching_sha2_password (ALTER USER '${opts.user}' IDENTIFIED WITH mysql_native_password BY '...').`,
          });
        }
        current = name;
        nonce = Buffer.from(sc.rest());
        if (nonce[nonce.length - 1] === 0) nonce = nonce.subarray(0, nonce.length - 1);
        awaitingKey = current === 'sha256_password' && opts.password !== '';
        this.write(initialAuthResponse(current, opts.password, nonce));
        continue;
      }
      if (marker === 0x01) {
        const data = p.subarray(1);
        if (current === 'caching_sha2_password' && !awaitingKey && data.length === 1) {
          if (data[0] === 0x03) continue; // fast auth success: an OK follows
          if (data[0] === 0x04) {
            // Full authentication: without TLS, ask for the RSA public key.
            awaitingKey = true;
            this.write(Buffer.of(0x02));
            continue;
          }
        }
        if (awaitingKey || current === 'sha256_password') {
          awaitingKey = false;
          this.write(rsaEncryptPassword(opts.password, nonce, data.toString('latin1')));
          continue;
        }
      }
      throw new StrataError('CONNECTOR_IO', `unexpected authentication packet 0x${(marker ?? 0).toString(16)} from ${this.place.server}.`, { retryable: true });
    }
  }

  /** COM_QUERY with a text result set (all values as text or null). */
  async query(sql: string): Promise<QueryResult> {
    const r = await this.queryRaw(sql);
    return { columns: r.columns.map((c) => c.name), rows: r.rows.map((row) => row.map((v) => (v === null ? null : v.toString('utf8')))) };
  }

  /**
   * COM_QUERY with each value's bytes as the server sent them (text in the connection's
   * utf8mb4 for character columns, the stored bytes for binary ones): what the snapshot
   * phase hands to text-values.ts `textToValue`.
   */
  async queryRaw(sql: string): Promise<RawQueryResult> {
    this.command(Buffer.concat([Buffer.of(Command.QUERY), Buffer.from(sql, 'utf8')]));
    const first = await this.readPacket();
    if (first[0] === 0x00) return { columns: [], rows: [] };
    if (first[0] === 0xff) throw this.#errorOf(first, `the query '${sql.slice(0, 80)}'`);
    const n = new Cursor(first).lenenc();
    const columns = await this.#readColumns(n);
    const rows: (Buffer | null)[][] = [];
    for (;;) {
      const p = await this.readPacket();
      if (p[0] === 0xfe && p.length < 9) break;
      if (p[0] === 0xff) throw this.#errorOf(p, `the query '${sql.slice(0, 80)}'`);
      const rc = new Cursor(p);
      const row: (Buffer | null)[] = [];
      for (let i = 0; i < n; i++) {
        const len = rc.lenencOrNull();
        row.push(len === null ? null : Buffer.from(rc.bytes(len)));
      }
      rows.push(row);
    }
    return { columns, rows };
  }

  /**
   * COM_QUERY whose result rows are handed to a sink as they arrive, with no promise, packet
   * object or copy per row: `open` gets the result's columns and returns the sink. Resolves
   * with the number of rows once the result has ended (a statement without a result set: 0,
   * and `open` is not called). Decoding overlaps with the server producing the rest.
   */
  async queryRows(sql: string, open: (columns: readonly ResultColumn[]) => RowSink): Promise<number> {
    this.command(Buffer.concat([Buffer.of(Command.QUERY), Buffer.from(sql, 'utf8')]));
    const first = await this.readPacket();
    if (first[0] === 0x00) return 0;
    if (first[0] === 0xff) throw this.#errorOf(first, `the query '${sql.slice(0, 80)}'`);
    const n = new Cursor(first).lenenc();
    const columns = await this.#readColumns(n);
    let sink: RowSink = DISCARD;
    let error: unknown = null;
    try {
      sink = open(columns);
    } catch (e) {
      error = e; // read the result to its end all the same, then fail
    }
    return new Promise<number>((resolve, reject) => {
      this.#stream = { sink, sql, rows: 0, error, resolve, reject };
      // Packets that arrived with the column definitions go first, in order.
      const queued = this.#packets;
      this.#packets = [];
      for (let i = 0; i < queued.length; i++) {
        const q = queued[i]!;
        if (this.#stream !== null) this.#streamPacket(q.seq, q.payload, 0, q.payload.length);
        else this.#packets.push(q);
      }
      if (this.#stream !== null && this.#failure !== null) this.#endStream(this.#failure);
    });
  }

  /** One packet of the streamed result: a row, its end (EOF), or an error. */
  #streamPacket(seq: number, buf: Buffer, start: number, end: number): void {
    const st = this.#stream!;
    this.#seq = seq;
    const marker = buf[start];
    if (marker === 0xfe && end - start < 9) {
      this.#endStream(st.error);
      return;
    }
    if (marker === 0xff) {
      this.#endStream(this.#errorOf(buf.subarray(start, end), `the query '${st.sql.slice(0, 80)}'`));
      return;
    }
    st.rows++;
    if (st.error !== null) return;
    try {
      st.sink.row(buf, start, end);
    } catch (e) {
      // Read on to the end of the result, so the connection stays usable; then fail.
      st.error = e;
    }
  }

  #endStream(error: unknown): void {
    const st = this.#stream!;
    this.#stream = null;
    if (error !== null) st.reject(error);
    else st.resolve(st.rows);
  }

  async #readColumns(n: number): Promise<ResultColumn[]> {
    const columns: ResultColumn[] = [];
    for (let i = 0; i < n; i++) {
      const def = new Cursor(await this.readPacket());
      for (let k = 0; k < 4; k++) def.lenencStr(); // catalog, schema, table, org_table
      const name = def.lenencStr();
      def.lenencStr(); // org_name
      def.lenenc(); // length of the fixed fields (0x0c)
      const collation = def.u16();
      def.skip(4); // display length
      const type = def.u8();
      const flags = def.u16();
      const decimals = def.u8();
      columns.push({ name, collation, type, flags, decimals });
    }
    const eof = await this.readPacket();
    if (eof[0] !== 0xfe) throw new StrataError('CONNECTOR_IO', `unexpected packet after the column definitions from ${this.place.server}.`, { retryable: true });
    return columns;
  }

  /** Sends a command and waits for its OK (or throws its error). */
  async commandOk(payload: Buffer, doing: string): Promise<void> {
    this.command(payload);
    const p = await this.readPacket();
    if (p[0] === 0xff) throw this.#errorOf(p, doing);
  }

  /** Parses an ERR packet payload into a StrataError. */
  errorPacket(payload: Buffer, doing: string): StrataError {
    return this.#errorOf(payload, doing);
  }

  /**
   * Stops reading packets and returns the bytes received but not yet consumed; the caller
   * reads the socket from now on (the binlog stream). Packets already queued are returned too.
   */
  detach(): Buffer {
    this.#detached = true;
    this.socket.off('data', this.#onData);
    this.socket.off('error', this.#onError);
    this.socket.off('close', this.#onClose);
    const parts: Buffer[] = [];
    for (const pkt of this.#packets) {
      const h = Buffer.of(pkt.payload.length & 0xff, (pkt.payload.length >> 8) & 0xff, (pkt.payload.length >> 16) & 0xff, pkt.seq);
      parts.push(h, pkt.payload);
    }
    this.#packets = [];
    parts.push(...this.#chunks);
    this.#chunks = [];
    return Buffer.concat(parts);
  }

  get detached(): boolean {
    return this.#detached;
  }

  /** COM_QUIT and close. */
  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    try {
      this.command(Buffer.of(Command.QUIT));
    } catch {
      // already broken
    }
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000).unref();
    });
  }
}
