import type { Socket } from 'node:net';
import { StrataError } from '../../../core/errors.js';
import { BINLOG_DUMP_NON_BLOCK, BINLOG_SEND_ANNOTATE_ROWS_EVENT, BINLOG_THROUGH_GTID, Command } from './constants.js';
import { MysqlConnection } from './connection.js';
import { binlogGone, connectionLost, type ErrorPlace } from './errors.js';
import { BinlogEventParser, type SchemaLookup } from './event-parser.js';
import type { BinlogEvent, BinlogPosition, QueryEvent } from './events.js';
import { MysqlGtidSet, looksLikeMariaDbGtid } from './gtid.js';

/**
 * A replication client: connects as a replica and streams the binlog as typed events.
 *
 * - Start by file + position, or by GTID: a MySQL GTID set (COM_BINLOG_DUMP_GTID) or a
 *   MariaDB GTID state (`SET @slave_connect_state`, after announcing
 *   `@mariadb_slave_capability = 4`).
 * - Checksums: `SET @master_binlog_checksum = @@global.binlog_checksum`; CRC32 is verified.
 * - Heartbeats: `SET @master_heartbeat_period` (ns); without data or a heartbeat for three
 *   periods the stream fails with a transient error.
 * - Rotations are followed (the server sends ROTATE, then the next file's events).
 * - Events arrive in batches, one per TCP chunk; when the consumer falls more than
 *   `maxQueuedEvents` behind, the socket is paused (backpressure) until it catches up.
 *
 * Errors (errors.ts): a purged binlog (server error 1236) is a definite `CONNECTOR_DATA`
 * error naming the position needed and the remedy (a new snapshot); a lost connection is a
 * transient, retryable `CONNECTOR_IO` error. Either ends the iteration by throwing.
 */

export type BinlogStart = { readonly file: string; readonly pos: number; readonly gtid?: string | null } | { readonly gtid: string };

export interface BinlogClientOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** This replica's server id: unique among the server's replicas. */
  readonly serverId: number;
  readonly start: BinlogStart;
  /** Heartbeat period (default 30 000 ms; 0 turns heartbeats and the stall check off). */
  readonly heartbeatMs?: number;
  /** Default 'auto': from the server's version string. */
  readonly flavor?: 'mysql' | 'mariadb' | 'auto';
  /** Column facts for tables whose binlog metadata is incomplete. */
  readonly schema?: SchemaLookup;
  /** Decode only these tables' rows. */
  readonly includeTable?: (database: string, table: string) => boolean;
  /** Called synchronously for each statement (DDL) as it is decoded, before later events (event-parser.ts). */
  readonly onQuery?: (event: QueryEvent) => void;
  /** End the stream at the current end of the binlog (BINLOG_DUMP_NON_BLOCK) instead of waiting. */
  readonly nonBlocking?: boolean;
  /** Backpressure: pause reading when this many events wait for the consumer (default 20 000). */
  readonly maxQueuedEvents?: number;
  /** Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Default true. */
  readonly verifyChecksum?: boolean;
}

export class BinlogClient {
  readonly #opts: BinlogClientOptions;
  readonly #place: ErrorPlace;
  #conn: MysqlConnection | null = null;
  #socket: Socket | null = null;
  #parser: BinlogEventParser | null = null;
  #flavor: 'mysql' | 'mariadb' = 'mysql';
  /** Bytes of an incomplete packet, kept as received until the packet is complete. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes the incomplete packet needs in all (header included); 0 while its header is incomplete. */
  #need = 0;
  #partial: Buffer[] | null = null;
  readonly #queue: BinlogEvent[][] = [];
  #queued = 0;
  #paused = false;
  #waiter: { resolve: () => void } | null = null;
  #error: StrataError | null = null;
  #ended = false;
  #closing = false;
  #lastData = 0;
  #watchdog: NodeJS.Timeout | null = null;
  #iterating = false;

  constructor(options: BinlogClientOptions) {
    this.#opts = options;
    this.#place = { server: `${options.host}:${options.port}` };
  }

  /** 'mysql' or 'mariadb' (known after connect). */
  get flavor(): 'mysql' | 'mariadb' {
    return this.#flavor;
  }

  get serverVersion(): string {
    return this.#conn?.serverVersion ?? '';
  }

  /** Position after the last event decoded (resume only from commit points' positions). */
  get position(): BinlogPosition {
    return this.#parser?.position ?? this.#startPosition();
  }

  #startPosition(): BinlogPosition {
    const s = this.#opts.start;
    if ('file' in s) return { file: s.file, pos: s.pos, gtid: s.gtid ?? null };
    return { file: '', pos: 4, gtid: s.gtid };
  }

  #startText(): string {
    const s = this.#opts.start;
    return 'file' in s ? `${s.file}:${s.pos}` : `GTID ${s.gtid}`;
  }

  /** Connects, authenticates, negotiates, registers as a replica and requests the dump. */
  async connect(): Promise<void> {
    const o = this.#opts;
    const conn = await MysqlConnection.open({ host: o.host, port: o.port, user: o.user, password: o.password, connectTimeoutMs: o.connectTimeoutMs ?? 10_000 });
    this.#conn = conn;
    try {
      this.#flavor = o.flavor === 'mysql' || o.flavor === 'mariadb' ? o.flavor : conn.isMariaDb ? 'mariadb' : 'mysql';
      const maria = this.#flavor === 'mariadb';
      let checksum: 'CRC32' | 'NONE' = 'NONE';
      try {
        const r = await conn.query('SELECT @@global.binlog_checksum');
        checksum = String(r.rows[0]?.[0] ?? 'NONE').toUpperCase() === 'CRC32' ? 'CRC32' : 'NONE';
      } catch (e) {
        // Servers before 5.6 have no checksums.
        if (!(e instanceof StrataError) || e.details?.['errno'] !== 1193) throw e;
      }
      if (checksum === 'CRC32') {
        await conn.query(
          maria
            ? 'SET @master_binlog_checksum = @@global.binlog_checksum'
            : 'SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = @@global.binlog_checksum',
        );
      }
      const hb = o.heartbeatMs ?? 30_000;
      if (hb > 0) {
        const ns = BigInt(Math.round(hb)) * 1_000_000n;
        await conn.query(maria ? `SET @master_heartbeat_period = ${ns}` : `SET @master_heartbeat_period = ${ns}, @source_heartbeat_period = ${ns}`);
      }
      const start = o.start;
      const gtidStart = 'file' in start ? null : start.gtid.trim();
      if (maria) {
        await conn.query('SET @mariadb_slave_capability = 4');
        if (gtidStart !== null) {
          if (!looksLikeMariaDbGtid(gtidStart) && gtidStart !== '') {
            throw new StrataError('CONNECTOR_OPTION', `'${gtidStart}' is not a MariaDB GTID position; MariaDB GTIDs look like '0-1-42' (domain-server-sequence, one per domain, comma-separated).`);
          }
          await conn.query(`SET @slave_connect_state = '${gtidStart}'`);
          await conn.query('SET @slave_gtid_strict_mode = 0');
          await conn.query('SET @slave_gtid_ignore_duplicates = 0');
        }
      }
      // COM_REGISTER_SLAVE: server id, empty host/user/password, port 0, rank 0, master id 0.
      const reg = Buffer.alloc(1 + 4 + 3 + 2 + 4 + 4);
      reg[0] = Command.REGISTER_SLAVE;
      reg.writeUInt32LE(o.serverId >>> 0, 1);
      await conn.commandOk(reg, 'registering as a replica (COM_REGISTER_SLAVE)');

      const parser = new BinlogEventParser({
        checksum,
        verifyChecksum: o.verifyChecksum ?? true,
        schema: o.schema,
        includeTable: o.includeTable,
        onQuery: o.onQuery,
        file: 'file' in start ? start.file : '',
        pos: 'file' in start ? start.pos : 4,
        gtid: 'file' in start ? (start.gtid ?? null) : gtidStart,
        server: this.#place.server,
      });
      this.#parser = parser;
      let flags = o.nonBlocking === true ? BINLOG_DUMP_NON_BLOCK : 0;
      if (maria) flags |= BINLOG_SEND_ANNOTATE_ROWS_EVENT;
      if (gtidStart !== null && !maria) {
        // COM_BINLOG_DUMP_GTID: flags, server id, file name (empty), position 4, the GTID set.
        const set = MysqlGtidSet.parse(gtidStart).encode();
        const p = Buffer.alloc(1 + 2 + 4 + 4 + 0 + 8 + 4 + set.length);
        let q = 0;
        p[q++] = Command.BINLOG_DUMP_GTID;
        p.writeUInt16LE(flags | BINLOG_THROUGH_GTID, q);
        q += 2;
        p.writeUInt32LE(o.serverId >>> 0, q);
        q += 4;
        p.writeUInt32LE(0, q);
        q += 4;
        p.writeBigUInt64LE(4n, q);
        q += 8;
        p.writeUInt32LE(set.length, q);
        q += 4;
        set.copy(p, q);
        conn.command(p);
      } else {
        const file = 'file' in start ? start.file : '';
        const pos = 'file' in start ? start.pos : 4;
        const name = Buffer.from(file, 'utf8');
        const p = Buffer.alloc(1 + 4 + 2 + 4 + name.length);
        p[0] = Command.BINLOG_DUMP;
        p.writeUInt32LE(pos >>> 0, 1);
        p.writeUInt16LE(flags, 5);
        p.writeUInt32LE(o.serverId >>> 0, 7);
        name.copy(p, 11);
        conn.command(p);
      }
      // From here on the socket carries the binlog stream.
      const leftover = conn.detach();
      const socket = conn.socket;
      this.#socket = socket;
      socket.on('data', (d: Buffer) => this.#onData(d));
      socket.on('error', (e: Error) => this.#fail(connectionLost(this.#where(), e.message, e)));
      socket.on('close', () => {
        if (!this.#closing && !this.#ended) this.#fail(connectionLost(this.#where(), 'the server closed the connection'));
        else this.#end();
      });
      this.#lastData = Date.now();
      if (hb > 0) {
        this.#watchdog = setInterval(() => {
          if (this.#paused || this.#ended || this.#error !== null) return;
          const idle = Date.now() - this.#lastData;
          if (idle > 3 * hb) {
            this.#fail(connectionLost(this.#where(), `no data and no heartbeat for ${Math.round(idle / 1000)} s`));
            socket.destroy();
          }
        }, hb);
        this.#watchdog.unref();
      }
      if (leftover.length > 0) this.#onData(leftover);
    } catch (e) {
      conn.socket.destroy();
      this.#conn = null;
      throw e;
    }
  }

  #where(): ErrorPlace {
    const p = this.#parser?.position;
    return { server: this.#place.server, position: p === undefined || p.file === '' ? this.#startText() : `${p.file}:${p.pos}` };
  }

  #onData(chunk: Buffer): void {
    this.#lastData = Date.now();
    const parser = this.#parser;
    if (parser === null || this.#error !== null || this.#ended) return;
    let buf = chunk;
    if (this.#pendingBytes > 0) {
      // A large packet arrives in many chunks: join them once, when it is complete.
      if (this.#need > 0 && this.#pendingBytes + chunk.length < this.#need) {
        this.#pending.push(chunk);
        this.#pendingBytes += chunk.length;
        return;
      }
      this.#pending.push(chunk);
      buf = Buffer.concat(this.#pending, this.#pendingBytes + chunk.length);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#need = 0;
    }
    const batch: BinlogEvent[] = [];
    let p = 0;
    try {
      while (buf.length - p >= 4) {
        const len = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16);
        if (buf.length - p - 4 < len) break;
        const s = p + 4;
        const e = s + len;
        p = e;
        if (len === 0xffffff) {
          (this.#partial ??= []).push(buf.subarray(s, e));
          continue;
        }
        if (this.#partial !== null) {
          this.#partial.push(buf.subarray(s, e));
          const full = Buffer.concat(this.#partial);
          this.#partial = null;
          if (!this.#packet(full, 0, full.length, batch)) break;
        } else if (!this.#packet(buf, s, e, batch)) break;
      }
    } catch (e) {
      if (batch.length > 0) this.#push(batch);
      this.#fail(e instanceof StrataError ? e : new StrataError('INTERNAL', `binlog decoding failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
      this.#socket?.destroy();
      return;
    }
    if (p < buf.length && !this.#ended && this.#error === null) {
      const rest = buf.subarray(p);
      this.#pending = [rest];
      this.#pendingBytes = rest.length;
      this.#need = rest.length >= 4 ? 4 + (rest[0]! | (rest[1]! << 8) | (rest[2]! << 16)) : 0;
    }
    if (batch.length > 0) this.#push(batch);
  }

  /** One packet of the stream; false when the stream ended. */
  #packet(buf: Buffer, s: number, e: number, batch: BinlogEvent[]): boolean {
    const marker = buf[s];
    if (marker === 0x00) {
      const ev = this.#parser!.parse(buf, s + 1, e - s - 1);
      if (ev !== null) batch.push(ev);
      return true;
    }
    if (marker === 0xff) {
      if (batch.length > 0) this.#push(batch.splice(0));
      const errno = buf.readUInt16LE(s + 1);
      const err =
        errno === 1236
          ? binlogGone({ server: this.#place.server, position: this.#neededPosition() }, buf.toString('utf8', buf[s + 3] === 0x23 ? s + 9 : s + 3, e), errno)
          : this.#conn!.errorPacket(buf.subarray(s, e), `sending the binlog from ${this.#startText()}`);
      this.#fail(err);
      this.#socket?.destroy();
      return false;
    }
    if (marker === 0xfe && e - s < 9) {
      if (batch.length > 0) this.#push(batch.splice(0));
      this.#end();
      this.#socket?.destroy();
      return false;
    }
    throw new StrataError('CONNECTOR_DATA', `unexpected packet 0x${(marker ?? 0).toString(16)} in the binlog stream from ${this.#place.server}.`, { retryable: true });
  }

  /** The position the reader needed when the server gave up: the start, or where the stream was. */
  #neededPosition(): string {
    const pos = this.#parser?.position;
    if (pos === undefined || pos.file === '') return this.#startText();
    return `${pos.file}:${pos.pos}${pos.gtid !== null ? ` (GTID ${pos.gtid})` : ''}`;
  }

  #push(batch: BinlogEvent[]): void {
    this.#queue.push(batch);
    this.#queued += batch.length;
    if (!this.#paused && this.#queued > (this.#opts.maxQueuedEvents ?? 20_000)) {
      this.#paused = true;
      this.#socket?.pause();
    }
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    if (w !== null) {
      this.#waiter = null;
      w.resolve();
    }
  }

  #fail(e: StrataError): void {
    if (this.#error === null && !this.#ended) this.#error = e;
    this.#stopWatchdog();
    this.#wake();
  }

  #end(): void {
    this.#ended = true;
    this.#stopWatchdog();
    this.#wake();
  }

  #stopWatchdog(): void {
    if (this.#watchdog !== null) {
      clearInterval(this.#watchdog);
      this.#watchdog = null;
    }
  }

  /**
   * The events, in batches (one per TCP chunk), in binlog order. One consumer. Ends when the
   * client is closed or (non-blocking) at the end of the binlog; throws the stream's error.
   */
  events(): AsyncIterable<BinlogEvent[]> {
    if (this.#iterating) throw new StrataError('INTERNAL', 'BinlogClient.events() can be iterated once');
    this.#iterating = true;
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<BinlogEvent[]>> => {
          for (;;) {
            const batch = this.#queue.shift();
            if (batch !== undefined) {
              this.#queued -= batch.length;
              if (this.#paused && this.#queued <= (this.#opts.maxQueuedEvents ?? 20_000) / 2) {
                this.#paused = false;
                this.#lastData = Date.now();
                this.#socket?.resume();
              }
              return { value: batch, done: false };
            }
            if (this.#error !== null) throw this.#error;
            if (this.#ended || this.#closing) return { value: undefined, done: true };
            await new Promise<void>((resolve) => {
              this.#waiter = { resolve };
            });
          }
        },
        return: async (): Promise<IteratorResult<BinlogEvent[]>> => {
          await this.close();
          return { value: undefined, done: true };
        },
      }),
    };
  }

  /** Closes the connection; a pending `events()` iteration ends (without an error). */
  async close(): Promise<void> {
    this.#closing = true;
    this.#stopWatchdog();
    const s = this.#socket ?? this.#conn?.socket ?? null;
    if (s !== null && !s.destroyed) {
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.destroy();
      });
    }
    this.#ended = true;
    this.#wake();
  }
}
