import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataError } from '../../core/errors.js';
import { Log, type LogOptions } from '../log.js';
import { Reader, Writer } from './codec.js';
import { compiled, decodeStruct, encodeStruct, skipTaggedFields, type ApiDef } from './schema.js';
import { KafkaServer, type KafkaServerOptions } from './server.js';

/**
 * Helpers for the wire tests and the benchmark: a broker on an ephemeral port over a
 * temporary log directory, a minimal raw protocol client built on our own schemas, a
 * kcat runner, and a bounded wait on a condition.
 */

export interface TestBroker {
  readonly dir: string;
  readonly log: Log;
  readonly server: KafkaServer;
  readonly bootstrap: string;
  readonly port: number;
  readonly lines: string[];
  /** Closes server and log (the directory stays, for a restart). */
  stop(): Promise<void>;
  /** stop(), then deletes the directory. */
  close(): Promise<void>;
}

export async function startBroker(
  options: { dir?: string; log?: LogOptions; server?: Omit<KafkaServerOptions, 'port'>; port?: number } = {},
): Promise<TestBroker> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'strata-kafka-'));
  const lines: string[] = [];
  const say = (l: string): void => {
    lines.push(l);
    if (process.env['STRATA_KAFKA_TEST_LOG'] === '1') process.stderr.write(l + '\n');
  };
  const log = await Log.open(dir, { retentionCheckIntervalMs: 0, cleanerIntervalMs: 0, log: say, ...(options.log ?? {}) });
  const server = new KafkaServer(log, { port: options.port ?? 0, log: say, groups: { minSessionTimeoutMs: 1000 }, ...(options.server ?? {}) });
  const addr = await server.listen();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server.close();
    await log.close();
  };
  return {
    dir,
    log,
    server,
    bootstrap: `${addr.host}:${addr.port}`,
    port: addr.port,
    lines,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` until it is true; throws after `timeoutMs` naming `what`. Never a timing assertion: only a bound. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new StrataError('INTERNAL', `timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface KcatResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs kcat with arguments and optional stdin; kills it after `timeoutMs`, or as soon as
 * `until(stdout, stderr)` holds (for runs that would not end by themselves).
 */
export function kcat(args: readonly string[], input?: string | Buffer, timeoutMs = 60_000, until?: (stdout: string, stderr: string) => boolean): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const check = (): void => {
      if (until !== undefined && until(Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8'))) child.kill('SIGTERM');
    };
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      check();
    });
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      check();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/**
 * A raw Kafka protocol client for tests: sends one request at a time with our own
 * schemas (so a test can send exactly the bytes it means, e.g. the same Produce twice)
 * and decodes the response with them.
 */
export class RawClient {
  readonly #socket: Socket;
  #buf = Buffer.alloc(0);
  #waiting: ((frame: Buffer | null) => void) | null = null;
  #closed = false;
  #correlation = 1;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (b: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, b]);
      this.#deliver();
    });
    const gone = (): void => {
      this.#closed = true;
      const w = this.#waiting;
      this.#waiting = null;
      w?.(null);
    };
    socket.on('close', gone);
    socket.on('error', gone);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #deliver(): void {
    if (this.#waiting === null || this.#buf.length < 4) return;
    const size = this.#buf.readInt32BE(0);
    if (this.#buf.length < 4 + size) return;
    const frame = this.#buf.subarray(4, 4 + size);
    this.#buf = this.#buf.subarray(4 + size);
    const w = this.#waiting;
    this.#waiting = null;
    w(frame);
  }

  /** Sends raw frame bytes (size prefix included). */
  sendRaw(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** The next response frame (without size), or null when the server closed the connection. */
  nextFrame(): Promise<Buffer | null> {
    return new Promise((resolve) => {
      if (this.#closed && this.#buf.length < 4) {
        resolve(null);
        return;
      }
      this.#waiting = resolve;
      this.#deliver();
    });
  }

  /** Encodes a request of `api` at `version` with our schema. */
  encode(api: ApiDef, version: number, body: Record<string, unknown>, clientId = 'raw-test'): Buffer {
    const w = new Writer();
    w.int16(api.key).int16(version).int32(this.#correlation++).string(clientId);
    if (version >= api.flexibleFrom) w.uvarint(0);
    encodeStruct(w, compiled(api, 'request', version), body);
    return w.toBuffer();
  }

  /** Sends a request and decodes its response (null when the server closed the connection). */
  async request(api: ApiDef, version: number, body: Record<string, unknown>): Promise<Record<string, unknown> | null> {
    this.sendRaw(this.encode(api, version, body));
    const frame = await this.nextFrame();
    if (frame === null) return null;
    const r = new Reader(frame);
    r.int32(); // correlation id
    if (version >= api.flexibleFrom && api.key !== 18) skipTaggedFields(r);
    return decodeStruct(r, compiled(api, 'response', version));
  }

  close(): void {
    this.#socket.destroy();
  }
}
