import { StrataError } from '../../core/errors.js';
import { BinlogClient } from './binlog/binlog-client.js';
import type { TableSchema } from './binlog/event-parser.js';
import { compareBinlogPositions, type BinlogEvent } from './binlog/events.js';

/**
 * One binlog reader per source server, shared by every `mysql-cdc` reader of the process that
 * streams from it (every table, every job): DESIGN's "source merging". The server sends the
 * binlog once and rows are decoded once; each subscriber projects the rows of its own tables.
 *
 * Positions: the hub dumps from the *lowest* position among its subscribers; a subscriber skips
 * the events that end at or before its own position (the end of the last transaction it
 * handed over), so each sees every transaction after its position exactly once, in binlog
 * order: exact replay is unaffected. A new subscriber restarts the dump from the new lowest
 * position (with the union of the subscribers' tables); the others discard their unfinished
 * transaction (`reset`) and skip what they already have. Transient errors reconnect with
 * backoff from the lowest position; a definite error (purged binlog) fails every subscriber.
 *
 * Backpressure: the hub waits for the slowest subscriber (`deliver` returns a promise while
 * its queue is full). Positions are compared by binlog file and offset, so only subscribers
 * that know their file subscribe (a GTID-only start reads on its own).
 */

export interface HubLogin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly serverId: number;
  readonly heartbeatMs: number;
  readonly connectTimeoutMs: number;
  readonly maxRetries: number;
}

export interface HubSubscriber {
  /** The end of the last transaction this subscriber has: events ending at or before it are skipped. */
  position(): { readonly file: string; readonly pos: number; readonly gtid: string | null };
  /** A new dump starts: drop the unfinished transaction. */
  reset(): void;
  /** Events in binlog order; a promise while the subscriber cannot take more. */
  deliver(batch: readonly BinlogEvent[]): Promise<void> | undefined;
  /** The stream failed for good (the subscriber is removed). */
  fail(error: StrataError): void;
  includeTable(database: string, table: string): boolean;
  schema(database: string, table: string): TableSchema | undefined;
  log(message: string): void;
}

const RECONNECT_BASE_MS = 200;
const RECONNECT_MAX_MS = 10_000;

const hubs = new Map<string, BinlogHub>();
export class BinlogHub {
  readonly #key: string;
  readonly #login: HubLogin;
  readonly #subs = new Set<HubSubscriber>();
  #client: BinlogClient | null = null;
  #running: Promise<void> | null = null;
  #restart = false;

  private constructor(key: string, login: HubLogin) {
    this.#key = key;
    this.#login = login;
  }

  /** The hub of a server (by host, port and user), created on first use. */
  static of(login: HubLogin): BinlogHub {
    const key = `${login.host}\u0000${login.port}\u0000${login.user}\u0000${login.password}`;
    let h = hubs.get(key);
    if (h === undefined) {
      h = new BinlogHub(key, login);
      hubs.set(key, h);
    }
    return h;
  }

  /** Subscribers now (for tests and diagnostics). */
  get subscribers(): number {
    return this.#subs.size;
  }

  /** Adds a subscriber; the returned function removes it (and stops the dump when none is left). */
  subscribe(sub: HubSubscriber): () => Promise<void> {
    this.#subs.add(sub);
    if (this.#running === null) {
      this.#ensureRunning();
    } else {
      // Dump again from the lowest position, with the new subscriber's tables.
      this.#restart = true;
      void this.#client?.close().catch(() => undefined);
    }
    return async () => {
      this.#subs.delete(sub);
      if (this.#subs.size === 0) {
        // Retire this hub at once: a reader that comes later gets a fresh hub and connection, and
        // never waits on a dump that is still winding down.
        if (hubs.get(this.#key) === this) hubs.delete(this.#key);
        await this.#client?.close().catch(() => undefined);
      }
    };
  }

  #ensureRunning(): void {
    if (this.#running !== null || this.#subs.size === 0) return;
    this.#running = this.#run().finally(() => {
      this.#running = null;
      if (this.#subs.size > 0) this.#ensureRunning();
      else if (hubs.get(this.#key) === this) hubs.delete(this.#key);
    });
  }

  #lowest(): { file: string; pos: number; gtid: string | null } {
    let low: { file: string; pos: number; gtid: string | null } | null = null;
    for (const s of this.#subs) {
      const p = s.position();
      if (low === null || compareBinlogPositions(p.file, p.pos, low.file, low.pos) < 0) low = { file: p.file, pos: p.pos, gtid: p.gtid };
    }
    return low!;
  }

  async #run(): Promise<void> {
    const l = this.#login;
    let failures = 0;
    while (this.#subs.size > 0) {
      const start = this.#lowest();
      this.#restart = false;
      for (const s of this.#subs) s.reset();
      const client = new BinlogClient({
        host: l.host,
        port: l.port,
        user: l.user,
        password: l.password,
        serverId: l.serverId,
        start,
        heartbeatMs: l.heartbeatMs,
        connectTimeoutMs: l.connectTimeoutMs,
        includeTable: (db, t) => {
          for (const s of this.#subs) if (s.includeTable(db, t)) return true;
          return false;
        },
        schema: (db, t) => {
          for (const s of this.#subs) {
            const found = s.schema(db, t);
            if (found !== undefined) return found;
          }
          return undefined;
        },
      });
      this.#client = client;
      try {
        await client.connect();
        for await (const batch of client.events()) {
          failures = 0;
          for (const s of this.#subs) {
            const wait = s.deliver(batch);
            if (wait !== undefined) await wait;
          }
          if (this.#restart || this.#subs.size === 0) break;
        }
        if (this.#restart || this.#subs.size === 0) continue;
        throw new StrataError('CONNECTOR_IO', `MySQL ${l.host}:${l.port} ended the binlog stream (server shutdown or restart)`, { retryable: true });
      } catch (e) {
        if (this.#subs.size === 0) break;
        if (this.#restart) continue;
        const err = e instanceof StrataError ? e : new StrataError('CONNECTOR_IO', `reading the binlog of MySQL ${l.host}:${l.port} failed: ${e instanceof Error ? e.message : String(e)}`, { retryable: true, cause: e });
        if (!err.retryable || failures >= l.maxRetries) {
          const subs = [...this.#subs];
          this.#subs.clear();
          for (const s of subs) s.fail(err);
          break;
        }
        failures++;
        const at = this.#lowest();
        for (const s of this.#subs) s.log(`${err.message} (attempt ${failures} of ${l.maxRetries}; reconnecting from ${at.file}:${at.pos})`);
        await new Promise((r) => setTimeout(r, Math.min(RECONNECT_BASE_MS * 2 ** (failures - 1), RECONNECT_MAX_MS)));
      } finally {
        this.#client = null;
        await client.close().catch(() => undefined);
      }
    }
  }
}
