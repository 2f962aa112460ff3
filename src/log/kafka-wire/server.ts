import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { isStrataError, StrataError } from '../../core/errors.js';
import type { Log } from '../log.js';
import { apiVersionsUnsupported, handleApiVersions, handleCreateTopics, handleDeleteTopics, handleDescribeConfigs, handleInitProducerId, handleMetadata } from './admin-handlers.js';
import type { Broker, Handler, RequestContext, ResponseBody } from './broker.js';
import { MalformedRequest, Reader, Writer } from './codec.js';
import { handleFetch, handleListOffsets, handleProduce } from './data-handlers.js';
import { GroupCoordinator, type GroupCoordinatorOptions } from './group-coordinator.js';
import {
  handleDescribeGroups,
  handleFindCoordinator,
  handleHeartbeat,
  handleJoinGroup,
  handleLeaveGroup,
  handleListGroups,
  handleOffsetCommit,
  handleOffsetFetch,
  handleSyncGroup,
} from './group-handlers.js';
import { APIS, API_VERSIONS } from './messages.js';
import { OffsetStore } from './offset-store.js';
import { compiled, decodeStruct, encodeStruct, skipTaggedFields, type ApiDef } from './schema.js';

/**
 * The Kafka wire-protocol server in front of the embedded log: one node that is the
 * leader of every partition, the group coordinator of every group, and its own
 * controller.
 *
 * Framing: each request is an int32 size and that many bytes: request header (api key,
 * version, correlation id, client id; v2 headers add tagged fields in flexible versions),
 * then the body. Responses carry the correlation id (response header v1 adds tagged
 * fields in flexible versions, except for ApiVersions, whose response header is always
 * v0). As in Kafka, a connection's requests are handled one at a time, in order, so
 * responses come back in request order; a long-polling Fetch holds its connection.
 *
 * Errors: ApiVersions at a version above ours is answered UNSUPPORTED_VERSION in the v0
 * layout with our ApiVersions range (KIP-511), so the client retries with a version we
 * speak. A request for an API or version we do not serve, and a request that does not
 * parse, close that connection only (what a Kafka broker does: such a request has no
 * response layout the client could read). A failure inside a handler is answered with
 * per-partition error codes where the API has them; nothing a client sends stops the
 * server.
 */

export interface KafkaServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = an ephemeral port (tests). Kafka's default is 9092. */
  readonly port: number;
  /** The host clients are told to connect to (Metadata, FindCoordinator). Default: the listening host (127.0.0.1 for 0.0.0.0). */
  readonly advertisedHost?: string;
  /** Default: the listening port. */
  readonly advertisedPort?: number;
  /** Largest request accepted (socket.request.max.bytes). Default 100 MiB. */
  readonly maxRequestBytes?: number;
  readonly groups?: GroupCoordinatorOptions;
  /** Server log (connections closed, topics created, rebalances, refused data). */
  readonly log?: (line: string) => void;
  /** Also log every request (api, version, client). */
  readonly logRequests?: boolean;
}

const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [0, handleProduce],
  [1, handleFetch],
  [2, handleListOffsets],
  [3, handleMetadata],
  [8, handleOffsetCommit],
  [9, handleOffsetFetch],
  [10, handleFindCoordinator],
  [11, handleJoinGroup],
  [12, handleHeartbeat],
  [13, handleLeaveGroup],
  [14, handleSyncGroup],
  [15, handleDescribeGroups],
  [16, handleListGroups],
  [18, () => handleApiVersions()],
  [19, handleCreateTopics],
  [20, handleDeleteTopics],
  [22, handleInitProducerId],
  [32, handleDescribeConfigs],
]);

const MAX_QUEUED = 64;

export class KafkaServer {
  readonly #log: Log;
  readonly #options: KafkaServerOptions;
  readonly #say: (line: string) => void;
  readonly #connections = new Set<Connection>();
  #server: Server | null = null;
  #broker: Broker | null = null;
  #groups: GroupCoordinator | null = null;
  #offsets: OffsetStore | null = null;
  #address: { host: string; port: number } | null = null;

  constructor(log: Log, options: KafkaServerOptions) {
    this.#log = log;
    this.#options = options;
    this.#say = options.log ?? ((): void => {});
  }

  get address(): { host: string; port: number } {
    if (this.#address === null) throw new StrataError('INTERNAL', 'KafkaServer.address read before listen()');
    return this.#address;
  }

  /** host:port, as clients write bootstrap.servers. */
  get bootstrap(): string {
    const a = this.address;
    return `${a.host}:${a.port}`;
  }

  get groups(): GroupCoordinator {
    if (this.#groups === null) throw new StrataError('INTERNAL', 'KafkaServer.groups read before listen()');
    return this.#groups;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async listen(): Promise<{ host: string; port: number }> {
    if (this.#server !== null) throw new StrataError('INTERNAL', 'KafkaServer.listen() called twice');
    const host = this.#options.host ?? '127.0.0.1';
    // committed offsets first: a damaged offsets topic fails listen(), not the first client
    const offsets = OffsetStore.open(this.#log);
    const server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        offsets.close();
        reject(
          new StrataError('CONNECTOR_IO', `the Kafka listener cannot bind ${host}:${this.#options.port}: ${e.message}.`, {
            hint: e.code === 'EADDRINUSE' ? 'Another process (a Kafka broker?) uses the port; pick another with --kafka-port.' : undefined,
            cause: e,
          }),
        );
      };
      server.once('error', onError);
      server.listen(this.#options.port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (e) => this.#say(`kafka: listener error: ${e.message}`));
    this.#server = server;
    const port = (server.address() as AddressInfo).port;
    const advertisedHost = this.#options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    const advertisedPort = this.#options.advertisedPort ?? port;
    this.#groups = new GroupCoordinator({ log: this.#say, ...(this.#options.groups ?? {}) });
    this.#offsets = offsets;
    this.#broker = {
      log: this.#log,
      groups: this.#groups,
      offsets: this.#offsets,
      nodeId: this.#log.nodeId,
      advertisedHost,
      advertisedPort,
      clusterId: this.#log.clusterId,
      say: this.#say,
    };
    this.#address = { host: advertisedHost, port };
    return { host: advertisedHost, port };
  }

  #accept(socket: Socket): void {
    if (this.#broker === null) {
      socket.destroy();
      return;
    }
    const c = new Connection(socket, this.#broker, this.#options.maxRequestBytes ?? 100 * 1024 * 1024, this.#say, this.#options.logRequests ?? false, () => this.#connections.delete(c));
    this.#connections.add(c);
  }

  /** Stops listening, closes every connection, ends pending group requests. The log stays open. */
  async close(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    this.#server = null;
    this.#groups?.close();
    this.#offsets?.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const c of [...this.#connections]) c.destroy();
    await closed;
  }
}

/** One client connection: frames requests, handles them one at a time, writes responses in order. */
class Connection {
  readonly #socket: Socket;
  readonly #broker: Broker;
  readonly #maxRequest: number;
  readonly #say: (line: string) => void;
  readonly #logRequests: boolean;
  readonly #onClose: () => void;
  readonly #abort = new AbortController();
  readonly #clientHost: string;
  #chunks: Buffer[] = [];
  #buffered = 0;
  readonly #queue: Buffer[] = [];
  #busy = false;
  #closed = false;

  constructor(socket: Socket, broker: Broker, maxRequest: number, say: (line: string) => void, logRequests: boolean, onClose: () => void) {
    this.#socket = socket;
    this.#broker = broker;
    this.#maxRequest = maxRequest;
    this.#say = say;
    this.#logRequests = logRequests;
    this.#onClose = onClose;
    this.#clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    this.#queue.length = 0;
    this.#chunks = [];
    this.#socket.destroy();
    this.#onClose();
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= 4) {
      const size = this.#peekInt32();
      if (size < 0 || size > this.#maxRequest) {
        this.#say(`kafka: closing connection from ${this.#clientHost}: request of ${size} bytes (the limit is ${this.#maxRequest})`);
        this.destroy();
        return;
      }
      if (this.#buffered < 4 + size) break;
      const frame = this.#take(4 + size).subarray(4);
      this.#queue.push(frame);
    }
    if (this.#queue.length >= MAX_QUEUED) this.#socket.pause();
    void this.#pump();
  }

  #peekInt32(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.#chunks).readInt32BE(0);
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const c = this.#chunks[0]!;
        const k = Math.min(c.length, n - got);
        c.copy(out, got, 0, k);
        got += k;
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      }
    }
    this.#buffered -= n;
    return out;
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (!this.#closed && this.#queue.length > 0) {
        const frame = this.#queue.shift()!;
        if (this.#queue.length < MAX_QUEUED / 2 && this.#socket.isPaused()) this.#socket.resume();
        await this.#handle(frame);
      }
    } catch (e) {
      const why = e instanceof MalformedRequest ? e.message : `internal error: ${isStrataError(e) ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
      this.#say(`kafka: closing connection from ${this.#clientHost}: ${why}`);
      this.destroy();
    } finally {
      this.#busy = false;
    }
  }

  async #handle(frame: Buffer): Promise<void> {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const version = r.int16();
    const correlationId = r.int32();
    const clientId = r.string() ?? '';
    const api: ApiDef | undefined = APIS.get(apiKey);
    if (api === API_VERSIONS && version > api.maxVersion) {
      // KIP-511: answer in the v0 layout, with our range, so the client can retry
      await this.#send(correlationId, API_VERSIONS, 0, false, apiVersionsUnsupported()!);
      return;
    }
    if (api === undefined || version < api.minVersion || version > api.maxVersion) {
      this.#say(
        `kafka: closing connection from ${this.#clientHost} (client ${clientId}): ${api === undefined ? `API key ${apiKey} is not served` : `${api.name} v${version} is not served (v${api.minVersion}–v${api.maxVersion} are)`}`,
      );
      this.destroy();
      return;
    }
    const flexible = version >= api.flexibleFrom;
    if (flexible) skipTaggedFields(r);
    const body = decodeStruct(r, compiled(api, 'request', version));
    if (this.#logRequests) this.#say(`kafka: ${api.name} v${version} from ${clientId} (${this.#clientHost})`);
    const ctx: RequestContext = { apiKey, version, correlationId, clientId, clientHost: this.#clientHost, signal: this.#abort.signal };
    const handler = HANDLERS.get(apiKey)!;
    const result = await handler(this.#broker, ctx, body);
    if (result === null || this.#closed) return;
    await this.#send(correlationId, api, version, flexible && apiKey !== API_VERSIONS.key, result);
  }

  async #send(correlationId: number, api: ApiDef, version: number, headerTags: boolean, body: Exclude<ResponseBody, null>): Promise<void> {
    const w = new Writer();
    w.int32(correlationId);
    if (headerTags) w.uvarint(0);
    encodeStruct(w, compiled(api, 'response', version), body);
    const chunks = w.finish();
    if (this.#closed) return;
    const s = this.#socket;
    s.cork();
    let ok = true;
    for (const c of chunks) ok = s.write(c) && ok;
    s.uncork();
    if (!ok && !this.#closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          s.off('drain', done);
          s.off('close', done);
          resolve();
        };
        s.on('drain', done);
        s.on('close', done);
      });
    }
  }
}
