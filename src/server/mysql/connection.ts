import type { Socket } from 'node:net';
import { StrataError } from '../../core/errors.js';
import type { Row, Value } from '../../core/values.js';
import type { ResultColumn, StatementOutcome, WarehouseSessionState } from '../../store/api.js';
import { AuthExchange, generateNonce } from './auth.js';
import type { AuthAccount, AuthPluginName, AuthReply, RsaKeys } from './auth.js';
import { readExecuteHeader, readExecuteParams, readLongData, writeBinaryRow, writePrepareOk } from './binary-protocol.js';
import type { PreparedStatement } from './binary-protocol.js';
import { writeColumnDefinition } from './column-types.js';
import { Cap, Com, ErrNo, SERVER_CAPABILITIES, SetOption, Status } from './constants.js';
import { accessDenied, toMySqlError } from './errors.js';
import type { MySqlError } from './errors.js';
import { isSslRequest, parseChangeUser, parseHandshakeResponse, writeHandshakeV10 } from './handshake.js';
import { PacketFramer, PacketWriter, isProtocolError, protocolError, writeEnd, writeErr, writeOk } from './packets.js';
import type { Frame } from './packets.js';
import type { MySqlBackend } from './server.js';
import { countStatements, writeResultSetHeader, writeTextRow } from './text-protocol.js';

/**
 * One client connection: the handshake, authentication, then the command loop.
 *
 * Commands are handled one at a time in arrival order (clients may pipeline them);
 * each response is built in a PacketWriter and written with one `socket.write`, except
 * result sets, which are written in batches of about FLUSH_BYTES, waiting for 'drain'
 * when the socket's buffer is full. A statement error is an ERR packet and the
 * connection stays usable; a malformed packet or a protocol violation closes the
 * connection (with a log line), never the process.
 */

export interface ConnectionConfig {
  readonly backend: MySqlBackend;
  readonly serverVersion: string;
  readonly users: ReadonlyMap<string, string>;
  /** The plugin named in the handshake, and the plugin of users not in `userAuthPlugins`. */
  readonly authPlugin: AuthPluginName;
  readonly userAuthPlugins: ReadonlyMap<string, AuthPluginName>;
  readonly forceFullAuth: boolean;
  readonly maxAllowedPacket: number;
  readonly connectTimeoutMs: number;
  readonly logQueries: boolean;
  readonly rsa: RsaKeys | null;
  readonly log: (line: string) => void;
  /** Server-wide counters for COM_STATISTICS. */
  readonly stats: { readonly startedAt: number; questions: number; readonly connections: () => number };
}

/** Result rows are written to the socket in batches of about this many bytes. */
export const FLUSH_BYTES = 64 * 1024;
/** Stop reading from a client that pipelines more than this many unanswered packets. */
const MAX_QUEUED_FRAMES = 256;
const SERVER_STATUS = Status.AUTOCOMMIT;

type Phase = 'handshake' | 'auth' | 'command' | 'closed';

interface PendingLogin {
  readonly user: string;
  readonly database: string | null;
  /** COM_CHANGE_USER (a new session replaces the current one) rather than the first login. */
  readonly change: boolean;
}

function partialOutcomes(e: unknown): readonly StatementOutcome[] {
  if (!(e instanceof StrataError)) return [];
  const p = e.details?.['partial'];
  if (!Array.isArray(p)) return [];
  return p.filter((o): o is StatementOutcome => typeof o === 'object' && o !== null && (o.kind === 'ok' || o.kind === 'rows'));
}

function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

export class MySqlConnection {
  readonly id: number;
  readonly #socket: Socket;
  readonly #cfg: ConnectionConfig;
  readonly #framer: PacketFramer;
  readonly #w = new PacketWriter();
  readonly #host: string;
  readonly #nonce = generateNonce();
  readonly #onClose: (c: MySqlConnection) => void;
  #phase: Phase = 'handshake';
  #frames: Frame[] = [];
  #frameHead = 0;
  #running = false;
  #paused = false;
  #caps = 0;
  #multiStatements = false;
  #auth: AuthExchange | null = null;
  #login: PendingLogin | null = null;
  #client = '';
  #user = '';
  #session: WarehouseSessionState | null = null;
  readonly #statements = new Map<number, PreparedStatement>();
  #nextStatementId = 1;
  #lastPrepared: number | null = null;
  #drainWaiters: (() => void)[] = [];
  #closedResolve!: () => void;
  /** Resolves once the socket has closed and the session is released. */
  readonly closed: Promise<void>;

  constructor(socket: Socket, id: number, cfg: ConnectionConfig, onClose: (c: MySqlConnection) => void) {
    this.id = id;
    this.#socket = socket;
    this.#cfg = cfg;
    this.#framer = new PacketFramer(cfg.maxAllowedPacket);
    this.#host = socket.remoteAddress?.replace(/^::ffff:/, '') ?? 'localhost';
    this.#onClose = onClose;
    this.closed = new Promise((resolve) => {
      this.#closedResolve = resolve;
    });
  }

  get user(): string {
    return this.#user;
  }

  /** Sends the handshake and starts reading. */
  start(): void {
    const s = this.#socket;
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => this.#onData(chunk));
    s.on('drain', () => this.#wakeDrainWaiters());
    s.on('error', (err: Error & { code?: string }) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') this.#cfg.log(`mysql: connection ${this.id}: socket error: ${err.message}`);
    });
    s.on('close', () => this.#cleanup());
    s.on('timeout', () => {
      if (this.#phase !== 'command') {
        this.#cfg.log(`mysql: connection ${this.id} from ${this.#host}: no login within ${this.#cfg.connectTimeoutMs} ms, closing`);
        this.close();
      }
    });
    if (this.#cfg.connectTimeoutMs > 0) s.setTimeout(this.#cfg.connectTimeoutMs);
    writeHandshakeV10(this.#w, {
      serverVersion: this.#cfg.serverVersion,
      connectionId: this.id,
      nonce: this.#nonce,
      capabilities: SERVER_CAPABILITIES,
      status: SERVER_STATUS,
      authPlugin: this.#cfg.authPlugin,
    });
    this.#flush();
  }

  /** Closes the connection now (server shutdown, protocol error). */
  close(): void {
    this.#phase = 'closed';
    this.#socket.destroy();
  }

  /** Sends what is pending, then closes; a client that does not close its side is cut off after a while. */
  #endGracefully(): void {
    this.#flush();
    this.#phase = 'closed';
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 5000).unref();
  }

  // -------------------------------------------------------------------------
  // Input
  // -------------------------------------------------------------------------

  #onData(chunk: Buffer): void {
    if (this.#phase === 'closed') return;
    this.#framer.push(chunk);
    try {
      for (let f = this.#framer.next(); f !== null; f = this.#framer.next()) this.#frames.push(f);
    } catch (e) {
      this.#fail(e);
      return;
    }
    if (this.#frames.length - this.#frameHead > MAX_QUEUED_FRAMES && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
    if (!this.#running) void this.#run();
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#phase !== 'closed' && this.#frameHead < this.#frames.length) {
        const f = this.#frames[this.#frameHead]!;
        this.#frames[this.#frameHead++] = undefined as unknown as Frame;
        if (this.#frameHead > 1024) {
          this.#frames = this.#frames.slice(this.#frameHead);
          this.#frameHead = 0;
        }
        await this.#handle(f);
        this.#flush();
        if (this.#paused && this.#frames.length - this.#frameHead < MAX_QUEUED_FRAMES / 2) {
          this.#paused = false;
          this.#socket.resume();
        }
      }
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#running = false;
    }
  }

  #fail(e: unknown): void {
    if (this.#phase === 'closed') return;
    const msg = e instanceof Error ? e.message : String(e);
    if (isProtocolError(e)) this.#cfg.log(`mysql: connection ${this.id} from ${this.#host}: ${msg}; closing the connection`);
    else this.#cfg.log(`mysql: connection ${this.id} from ${this.#host}: internal error: ${msg}; closing the connection`);
    this.close();
  }

  async #handle(f: Frame): Promise<void> {
    switch (this.#phase) {
      case 'handshake':
        return this.#onHandshakeResponse(f);
      case 'auth':
        return this.#onAuthData(f);
      case 'command':
        return this.#onCommand(f);
      case 'closed':
        return;
    }
  }

  // -------------------------------------------------------------------------
  // Output
  // -------------------------------------------------------------------------

  /** Writes what the writer holds; false when the socket's buffer is full. */
  #flush(): boolean {
    if (this.#w.length === 0 || this.#phase === 'closed') return true;
    return this.#socket.write(this.#w.take());
  }

  #drained(): Promise<void> {
    if (this.#phase === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  #sendError(err: MySqlError): void {
    writeErr(this.#w, err.errno, err.sqlState, err.message);
  }

  #sendFailure(e: unknown): void {
    if (!(e instanceof StrataError)) {
      const msg = e instanceof Error ? e.message : String(e);
      this.#cfg.log(`mysql: connection ${this.id}: the backend failed with a non-Strata error: ${msg}`);
    }
    this.#sendError(toMySqlError(e));
  }

  #ok(extra: { affectedRows?: number; lastInsertId?: number; warnings?: number; info?: string } = {}, more = false): void {
    writeOk(this.#w, { ...extra, status: SERVER_STATUS | (more ? Status.MORE_RESULTS_EXISTS : 0) });
  }

  get #deprecateEof(): boolean {
    return (this.#caps & Cap.DEPRECATE_EOF) !== 0;
  }

  // -------------------------------------------------------------------------
  // Connection phase
  // -------------------------------------------------------------------------

  #account(user: string): AuthAccount | null {
    const password = this.#cfg.users.get(user);
    if (password === undefined) return null;
    return { user, password, plugin: this.#cfg.userAuthPlugins.get(user) ?? this.#cfg.authPlugin };
  }

  #onHandshakeResponse(f: Frame): void {
    if (f.seq !== this.#w.seq) throw protocolError(`handshake response has sequence id ${f.seq}, expected ${this.#w.seq}`);
    this.#w.seq = f.nextSeq;
    if (isSslRequest(f.payload)) {
      writeErr(this.#w, ErrNo.ER_HANDSHAKE_ERROR, '08S01', 'This server does not support TLS; connect without SSL (e.g. --skip-ssl or ssl-mode=DISABLED)');
      this.#cfg.log(`mysql: connection ${this.id} from ${this.#host}: the client asked for TLS, which this server does not offer; closing the connection`);
      this.#endGracefully();
      return;
    }
    const resp = parseHandshakeResponse(f.payload);
    this.#caps = resp.capabilities & SERVER_CAPABILITIES;
    const a = resp.attributes;
    this.#client = [a.get('program_name') ?? a.get('_client_name'), a.get('_client_version')].filter((x) => x !== undefined).join(' ');
    this.#multiStatements = (this.#caps & Cap.MULTI_STATEMENTS) !== 0;
    this.#login = { user: resp.user, database: resp.database, change: false };
    this.#auth = new AuthExchange({
      account: this.#account(resp.user),
      nonce: this.#nonce,
      rsa: this.#cfg.rsa,
      forceFullAuth: this.#cfg.forceFullAuth,
    });
    const clientPlugin = (this.#caps & Cap.PLUGIN_AUTH) !== 0 ? resp.authPlugin || this.#cfg.authPlugin : 'mysql_native_password';
    this.#applyAuthReply(this.#auth.start(clientPlugin, resp.authResponse));
  }

  #onAuthData(f: Frame): void {
    if (f.seq !== this.#w.seq) throw protocolError(`authentication packet has sequence id ${f.seq}, expected ${this.#w.seq}`);
    this.#w.seq = f.nextSeq;
    const auth = this.#auth;
    if (auth === null) throw protocolError('unexpected authentication data');
    this.#applyAuthReply(auth.next(f.payload));
  }

  #applyAuthReply(reply: AuthReply): void {
    const login = this.#login!;
    switch (reply.kind) {
      case 'send':
        if ((this.#caps & Cap.PLUGIN_AUTH) === 0 && reply.payload[0] === 0xfe) {
          // The client cannot switch plugins.
          this.#deny(login.user);
          return;
        }
        this.#w.begin().bytes(reply.payload).end();
        this.#phase = 'auth';
        return;
      case 'ok':
        if (reply.preamble !== null) this.#w.begin().bytes(reply.preamble).end();
        this.#completeLogin(login);
        return;
      case 'denied':
        this.#deny(login.user);
        return;
    }
  }

  #deny(user: string): void {
    this.#sendError(accessDenied(user, this.#host, this.#auth?.usedPassword ?? false));
    this.#cfg.log(`mysql: connection ${this.id}: access denied for user '${user}'@'${this.#host}'`);
    this.#auth = null;
    this.#endGracefully();
  }

  #completeLogin(login: PendingLogin): void {
    this.#auth = null;
    this.#login = null;
    if (login.change) this.#releaseSession();
    let session: WarehouseSessionState;
    try {
      session = this.#cfg.backend.openSession(this.id, login.user, login.database);
    } catch (e) {
      this.#sendFailure(e);
      this.#endGracefully();
      return;
    }
    this.#session = session;
    this.#user = login.user;
    this.#phase = 'command';
    this.#socket.setTimeout(0);
    this.#ok();
    if (!login.change) {
      const client = this.#client === '' ? '' : `, client ${this.#client}`;
      const eof = this.#deprecateEof ? 'OK' : 'EOF';
      this.#cfg.log(`mysql: connection ${this.id}: '${login.user}'@'${this.#host}' logged in (${eof}-terminated results${client})`);
    }
  }

  #releaseSession(): void {
    const s = this.#session;
    this.#session = null;
    this.#statements.clear();
    this.#lastPrepared = null;
    if (s === null) return;
    try {
      this.#cfg.backend.closeSession?.(s);
    } catch (e) {
      this.#cfg.log(`mysql: connection ${this.id}: closing the session failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #cleanup(): void {
    this.#phase = 'closed';
    this.#wakeDrainWaiters();
    this.#releaseSession();
    this.#onClose(this);
    this.#closedResolve();
  }

  // -------------------------------------------------------------------------
  // Command phase
  // -------------------------------------------------------------------------

  async #onCommand(f: Frame): Promise<void> {
    if (f.seq !== 0) throw protocolError(`command packet has sequence id ${f.seq}, expected 0`);
    const p = f.payload;
    if (p.length === 0) throw protocolError('empty command packet');
    this.#w.seq = f.nextSeq;
    const session = this.#session!;
    const cmd = p[0]!;
    switch (cmd) {
      case Com.QUERY:
        this.#cfg.stats.questions++;
        return this.#query(p.toString('utf8', 1), session);
      case Com.PING:
        this.#ok();
        return;
      case Com.QUIT:
        this.#endGracefully();
        return;
      case Com.INIT_DB:
        this.#cfg.stats.questions++;
        return this.#initDb(p.toString('utf8', 1), session);
      case Com.FIELD_LIST:
        return this.#fieldList(p, session);
      case Com.STMT_PREPARE:
        this.#cfg.stats.questions++;
        return this.#prepare(p.toString('utf8', 1), session);
      case Com.STMT_EXECUTE:
        this.#cfg.stats.questions++;
        return this.#execute(p, session);
      case Com.STMT_SEND_LONG_DATA: {
        // No response, ever.
        const { statementId, param, data } = readLongData(p);
        const stmt = this.#statements.get(statementId);
        if (stmt !== undefined && param < stmt.paramCount) {
          const parts = stmt.longData.get(param);
          if (parts === undefined) stmt.longData.set(param, [data]);
          else parts.push(data);
        }
        return;
      }
      case Com.STMT_CLOSE: {
        // No response.
        if (p.length >= 5) this.#statements.delete(p.readUInt32LE(1));
        return;
      }
      case Com.STMT_RESET: {
        const stmt = p.length >= 5 ? this.#statements.get(p.readUInt32LE(1)) : undefined;
        if (stmt === undefined) {
          this.#sendError(this.#unknownStatement(p.length >= 5 ? p.readUInt32LE(1) : 0, 'mysqld_stmt_reset'));
          return;
        }
        stmt.longData.clear();
        this.#ok();
        return;
      }
      case Com.STMT_FETCH:
        this.#sendError({
          errno: 1421,
          sqlState: 'HY000',
          message: 'The statement has no open cursor: this server returns every row of a prepared statement at once',
        });
        return;
      case Com.SET_OPTION: {
        const option = p.length >= 3 ? p.readUInt16LE(1) : -1;
        if (option === SetOption.MULTI_STATEMENTS_ON) this.#multiStatements = true;
        else if (option === SetOption.MULTI_STATEMENTS_OFF) this.#multiStatements = false;
        else {
          this.#sendError({ errno: ErrNo.ER_UNKNOWN_COM, sqlState: '08S01', message: `Unknown COM_SET_OPTION value ${option}` });
          return;
        }
        writeEnd(this.#w, this.#deprecateEof, SERVER_STATUS);
        return;
      }
      case Com.RESET_CONNECTION:
        return this.#resetConnection(session);
      case Com.CHANGE_USER:
        return this.#changeUser(p);
      case Com.STATISTICS:
        this.#w.begin().string(this.#statistics()).end();
        return;
      default:
        this.#sendError({ errno: ErrNo.ER_UNKNOWN_COM, sqlState: '08S01', message: `Unknown command 0x${cmd.toString(16).padStart(2, '0')}` });
        return;
    }
  }

  #unknownStatement(id: number, where: string): MySqlError {
    return {
      errno: ErrNo.ER_UNKNOWN_STMT_HANDLER,
      sqlState: 'HY000',
      message: `Unknown prepared statement handler (${id}) given to ${where}`,
    };
  }

  async #query(sql: string, session: WarehouseSessionState): Promise<void> {
    if (this.#cfg.logQueries) this.#cfg.log(`mysql: connection ${this.id}: query: ${sql}`);
    const statements = countStatements(sql);
    if (statements === 0) {
      this.#sendError({ errno: 1065, sqlState: '42000', message: 'Query was empty' });
      return;
    }
    if (statements > 1 && !this.#multiStatements) {
      this.#sendError({
        errno: ErrNo.ER_PARSE_ERROR,
        sqlState: '42000',
        message:
          'You have an error in your SQL syntax; the query holds several statements but multi-statements are off for this connection. Send one statement at a time or enable CLIENT_MULTI_STATEMENTS (e.g. multipleStatements: true)',
      });
      return;
    }
    let outcomes: readonly StatementOutcome[];
    let failure: unknown = null;
    let failed = false;
    try {
      outcomes = await this.#cfg.backend.query(sql, session);
    } catch (e) {
      failed = true;
      failure = e;
      outcomes = partialOutcomes(e);
    }
    if (!failed && outcomes.length === 0) {
      this.#ok();
      return;
    }
    for (let i = 0; i < outcomes.length; i++) {
      const more = failed || i < outcomes.length - 1;
      await this.#sendOutcome(outcomes[i]!, more, false);
      if (this.#phase === 'closed') return;
    }
    if (failed) this.#sendFailure(failure);
  }

  async #sendOutcome(outcome: StatementOutcome, more: boolean, binary: boolean): Promise<void> {
    if (outcome.kind === 'ok') {
      const extra: { affectedRows: number; lastInsertId?: number; warnings?: number; info?: string } = { affectedRows: outcome.affectedRows };
      if (outcome.lastInsertId !== undefined) extra.lastInsertId = outcome.lastInsertId;
      if (outcome.warnings !== undefined) extra.warnings = outcome.warnings;
      if (outcome.info !== undefined) extra.info = outcome.info;
      this.#ok(extra, more);
      return;
    }
    const status = SERVER_STATUS | (more ? Status.MORE_RESULTS_EXISTS : 0);
    await this.#sendRows(outcome.columns, outcome.rows, binary, status);
  }

  async #sendRows(columns: readonly ResultColumn[], rows: readonly Row[], binary: boolean, status: number): Promise<void> {
    const w = this.#w;
    const deprecateEof = this.#deprecateEof;
    writeResultSetHeader(w, columns, deprecateEof, status);
    const types = columns.map((c) => c.type);
    for (let i = 0; i < rows.length; i++) {
      if (binary) writeBinaryRow(w, types, rows[i]!);
      else writeTextRow(w, types, rows[i]!);
      if (w.length >= FLUSH_BYTES) {
        if (!this.#flush()) await this.#drained();
        if (this.#phase === 'closed') return;
      }
    }
    writeEnd(w, deprecateEof, status);
  }

  async #initDb(database: string, session: WarehouseSessionState): Promise<void> {
    if (this.#cfg.logQueries) this.#cfg.log(`mysql: connection ${this.id}: init db: ${database}`);
    try {
      await this.#cfg.backend.query(`USE ${quoteIdentifier(database)}`, session);
    } catch (e) {
      this.#sendFailure(e);
      return;
    }
    this.#ok();
  }

  async #fieldList(p: Buffer, session: WarehouseSessionState): Promise<void> {
    const end = p.indexOf(0, 1);
    const table = p.toString('utf8', 1, end < 0 ? p.length : end);
    if (this.#cfg.logQueries) this.#cfg.log(`mysql: connection ${this.id}: field list: ${table}`);
    let columns: readonly ResultColumn[];
    try {
      columns = await this.#cfg.backend.fieldList(table, session);
    } catch (e) {
      this.#sendFailure(e);
      return;
    }
    for (const c of columns) writeColumnDefinition(this.#w, c, true);
    writeEnd(this.#w, this.#deprecateEof, SERVER_STATUS);
  }

  async #prepare(sql: string, session: WarehouseSessionState): Promise<void> {
    if (this.#cfg.logQueries) this.#cfg.log(`mysql: connection ${this.id}: prepare: ${sql}`);
    this.#lastPrepared = null;
    let prepared: { paramCount: number; columns: readonly ResultColumn[] | null };
    try {
      prepared = await this.#cfg.backend.prepare(sql, session);
    } catch (e) {
      this.#sendFailure(e);
      return;
    }
    const id = this.#nextStatementId;
    this.#nextStatementId = id >= 0xfffffffe ? 1 : id + 1;
    const stmt: PreparedStatement = {
      id,
      sql,
      paramCount: prepared.paramCount,
      columns: prepared.columns,
      paramTypes: null,
      longData: new Map(),
    };
    this.#statements.set(id, stmt);
    this.#lastPrepared = id;
    writePrepareOk(this.#w, stmt, this.#deprecateEof, SERVER_STATUS);
  }

  async #execute(p: Buffer, session: WarehouseSessionState): Promise<void> {
    const header = readExecuteHeader(p);
    const id = header.statementId === 0xffffffff ? this.#lastPrepared : header.statementId;
    const stmt = id === null ? undefined : this.#statements.get(id);
    if (stmt === undefined) {
      this.#sendError(this.#unknownStatement(header.statementId, 'mysqld_stmt_execute'));
      return;
    }
    let params: Value[];
    try {
      params = readExecuteParams(p, stmt);
    } catch (e) {
      if (isProtocolError(e)) throw e;
      this.#sendFailure(e);
      return;
    }
    if (this.#cfg.logQueries) this.#cfg.log(`mysql: connection ${this.id}: execute: ${stmt.sql}`);
    let outcome: StatementOutcome;
    try {
      outcome = await this.#cfg.backend.executePrepared(stmt.sql, params, session);
    } catch (e) {
      this.#sendFailure(e);
      return;
    }
    await this.#sendOutcome(outcome, false, true);
  }

  async #resetConnection(session: WarehouseSessionState): Promise<void> {
    const database = session.database;
    this.#releaseSession();
    try {
      this.#session = this.#cfg.backend.openSession(this.id, this.#user, database);
    } catch (e) {
      this.#sendFailure(e);
      this.#endGracefully();
      return;
    }
    this.#multiStatements = (this.#caps & Cap.MULTI_STATEMENTS) !== 0;
    this.#ok();
  }

  #changeUser(p: Buffer): void {
    const req = parseChangeUser(p, this.#caps);
    this.#login = { user: req.user, database: req.database, change: true };
    this.#auth = new AuthExchange({
      account: this.#account(req.user),
      nonce: this.#nonce,
      rsa: this.#cfg.rsa,
      forceFullAuth: this.#cfg.forceFullAuth,
    });
    const clientPlugin = (this.#caps & Cap.PLUGIN_AUTH) !== 0 && req.authPlugin !== '' ? req.authPlugin : 'mysql_native_password';
    this.#applyAuthReply(this.#auth.start(clientPlugin, req.authResponse));
  }

  #statistics(): string {
    const st = this.#cfg.stats;
    const uptime = Math.max(1, Math.floor((Date.now() - st.startedAt) / 1000));
    return (
      `Uptime: ${uptime}  Threads: ${st.connections()}  Questions: ${st.questions}  Slow queries: 0  Opens: 0  ` +
      `Flush tables: 0  Open tables: 0  Queries per second avg: ${(st.questions / uptime).toFixed(3)}`
    );
  }
}
