import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { StrataError } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import type { ResultColumn, StatementOutcome, WarehouseSessionState } from '../../store/api.js';
import { generateRsaKeys } from './auth.js';
import type { AuthPluginName, RsaKeys } from './auth.js';
import { MySqlConnection } from './connection.js';
import type { ConnectionConfig } from './connection.js';

/**
 * The MySQL protocol server that serves the warehouse (StarRocks' FE port, 9030).
 * It speaks the protocol; the backend runs the SQL.
 */

/**
 * What the server needs from the warehouse's SQL front. Every method may throw a
 * StrataError; the server sends it as an ERR packet (see errors.ts) and the connection
 * stays usable. A non-Strata error is sent as 1105 and logged; it never stops the server.
 */
export interface MySqlBackend {
  /**
   * A new connection authenticated as `user`, with the database from the handshake (or
   * null). May throw (e.g. an unknown database: CATALOG_OBJECT_NOT_FOUND): the client
   * gets the ERR and the connection is closed.
   */
  openSession(connectionId: number, user: string, database: string | null): WarehouseSessionState;
  /**
   * COM_QUERY: the text may hold several statements separated by ';' (only when the
   * client enabled multi-statements: the server refuses several statements otherwise,
   * before calling this). One outcome per statement, in order. On a failing statement,
   * throw a StrataError; to have the outcomes of the statements before it sent first,
   * put them in `details.partial` (an array of StatementOutcome).
   * COM_INIT_DB arrives here as "USE `db`"; the backend updates `session.database`.
   */
  query(sql: string, session: WarehouseSessionState): Promise<StatementOutcome[]>;
  /** COM_STMT_PREPARE: the number of '?' parameters and, when known, the result columns. */
  prepare(sql: string, session: WarehouseSessionState): Promise<{ paramCount: number; columns: readonly ResultColumn[] | null }>;
  /**
   * COM_STMT_EXECUTE with the bound parameter values (Strata representation; temporal
   * parameters arrive as MySQL text, see binary-protocol.ts).
   */
  executePrepared(sql: string, params: readonly Value[], session: WarehouseSessionState): Promise<StatementOutcome>;
  /** COM_FIELD_LIST (the mariadb/mysql client's tab completion): the columns of a table. */
  fieldList(table: string, session: WarehouseSessionState): Promise<readonly ResultColumn[]>;
  /** The connection closed, or COM_CHANGE_USER / COM_RESET_CONNECTION replaced the session. */
  closeSession?(session: WarehouseSessionState): void;
}

export interface MySqlServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = an ephemeral port (tests). */
  readonly port: number;
  /** user → password. Default: root with an empty password. */
  readonly users?: ReadonlyMap<string, string>;
  /**
   * Default '8.0.33-strata': an 8.0 version, so clients use their MySQL 8 code paths
   * (mysql2, the mariadb client and JDBC accept it); not '5.5.5-…', which clients take
   * for MariaDB.
   */
  readonly serverVersion?: string;
  /** Server log; passwords and auth data are never logged. */
  readonly log?: (line: string) => void;
  /**
   * The auth plugin named in the handshake, and the plugin of every user not listed in
   * `userAuthPlugins`. Default mysql_native_password (what StarRocks uses; every client
   * has it built in).
   */
  readonly authPlugin?: AuthPluginName;
  /** Per-user auth plugin; a client that answered with another plugin gets an auth switch request. */
  readonly userAuthPlugins?: ReadonlyMap<string, AuthPluginName>;
  /**
   * caching_sha2_password: always take the full path (the client asks for the RSA public
   * key and sends the encrypted password), as MySQL does when its cache is cold. Default
   * false: a matching scramble is a fast-auth success.
   */
  readonly forceFullAuth?: boolean;
  /** Largest packet a client may send (max_allowed_packet). Default 64 MiB. */
  readonly maxAllowedPacket?: number;
  /** Close connections that have not logged in after this long. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Log every statement text received (COM_QUERY, prepare, execute, init db, field list). */
  readonly logQueries?: boolean;
}

export const DEFAULT_SERVER_VERSION = '8.0.33-strata';
export const DEFAULT_MAX_ALLOWED_PACKET = 64 * 1024 * 1024;

export class MySqlServer {
  readonly #backend: MySqlBackend;
  readonly #options: MySqlServerOptions;
  readonly #log: (line: string) => void;
  readonly #connections = new Set<MySqlConnection>();
  readonly #stats = { startedAt: Date.now(), questions: 0, connections: (): number => this.#connections.size };
  #server: Server | null = null;
  #nextConnectionId = 1;
  #config: ConnectionConfig | null = null;

  constructor(backend: MySqlBackend, options: MySqlServerOptions) {
    this.#backend = backend;
    this.#options = options;
    this.#log = options.log ?? ((): void => {});
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  async listen(): Promise<{ host: string; port: number }> {
    if (this.#server !== null) throw new StrataError('INTERNAL', 'MySqlServer.listen() called twice');
    const o = this.#options;
    const rsa: RsaKeys = await generateRsaKeys();
    this.#config = {
      backend: this.#backend,
      serverVersion: o.serverVersion ?? DEFAULT_SERVER_VERSION,
      users: o.users ?? new Map([['root', '']]),
      authPlugin: o.authPlugin ?? 'mysql_native_password',
      userAuthPlugins: o.userAuthPlugins ?? new Map(),
      forceFullAuth: o.forceFullAuth ?? false,
      maxAllowedPacket: o.maxAllowedPacket ?? DEFAULT_MAX_ALLOWED_PACKET,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      logQueries: o.logQueries ?? false,
      rsa,
      log: this.#log,
      stats: this.#stats,
    };
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    const host = o.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error & { code?: string }): void => {
        server.off('listening', onListening);
        this.#server = null;
        const opts = err.code === 'EADDRINUSE' ? { hint: 'Another process uses this port; pick another one (--mysql-port).', cause: err } : { cause: err };
        reject(new StrataError('USAGE', `cannot listen for MySQL clients on ${host}:${o.port}: ${err.message}`, opts));
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(o.port, host);
    });
    server.on('error', (err) => this.#log(`mysql: listener error: ${err.message}`));
    const addr = server.address() as AddressInfo;
    this.#log(`mysql: listening on ${addr.address}:${addr.port}`);
    return { host: addr.address, port: addr.port };
  }

  #accept(socket: Socket): void {
    const cfg = this.#config;
    if (cfg === null) {
      socket.destroy();
      return;
    }
    const id = this.#nextConnectionId;
    this.#nextConnectionId = id >= 0xffffffff ? 1 : id + 1;
    const conn = new MySqlConnection(socket, id, cfg, (c) => this.#connections.delete(c));
    this.#connections.add(conn);
    conn.start();
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    const closing: Promise<unknown>[] = [];
    if (server !== null) closing.push(new Promise<void>((resolve) => server.close(() => resolve())));
    for (const c of this.#connections) {
      closing.push(c.closed);
      c.close();
    }
    await Promise.all(closing);
  }
}
