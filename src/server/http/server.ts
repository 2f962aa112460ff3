import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StrataError, toStrataError } from '../../core/errors.js';

/**
 * The HTTP API on :8030 (DESIGN §8). Routes:
 *
 *   POST /api/v1/sql     {"sql": "...", "file"?: "x.sql"}  submit Flink SQL statements
 *   POST /api/v1/query   {"sql": "..."}                    one warehouse query → {columns, rows}
 *   GET  /api/v1/jobs                                      each job, its state, source positions and lag
 *   POST /api/v1/flush                                     returns once every job applied every
 *                                                          source change committed before the call
 *   POST /api/v1/checkpoint                                checkpoints every running job now
 *                                                          → {checkpoints: [{job, id}]}
 *   GET  /metrics                                          Prometheus text
 *
 * Errors are `{ "message", "errorCode", "details" }` with 400 for user errors (SQL, usage,
 * options), 404 for unknown routes, 500 otherwise. Messages never carry stack traces or
 * secrets (they come from StrataError, whose texts are written for users).
 */
export interface HttpBackend {
  submitSql(sql: string, file: string | undefined): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  jobs(): unknown;
  flush(): Promise<unknown>;
  checkpoint(): Promise<unknown>;
  metrics(): string;
}

export interface HttpServerOptions {
  readonly host?: string;
  readonly port: number;
  /** Largest accepted request body (bytes). */
  readonly maxBody?: number;
}

export class HttpServer {
  readonly #backend: HttpBackend;
  readonly #options: HttpServerOptions;
  #server: Server | null = null;

  constructor(backend: HttpBackend, options: HttpServerOptions) {
    this.#backend = backend;
    this.#options = options;
  }

  listen(): Promise<{ host: string; port: number }> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => sendError(res, toStrataError(e)));
    });
    server.keepAliveTimeout = 5000;
    this.#server = server;
    const host = this.#options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        reject(
          new StrataError('USAGE', `cannot listen for HTTP on ${host}:${this.#options.port}: ${e.code ?? e.message}`, {
            hint: e.code === 'EADDRINUSE' ? 'Another process uses the port; pick another with --http-port.' : undefined,
          }),
        );
      });
      server.listen(this.#options.port, host, () => {
        const addr = server.address();
        const port = typeof addr === 'object' && addr !== null ? addr.port : this.#options.port;
        resolve({ host, port });
      });
    });
  }

  close(): Promise<void> {
    const s = this.#server;
    if (s === null) return Promise.resolve();
    this.#server = null;
    return new Promise((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '') || '/'}`;
    switch (route) {
      case 'POST /api/v1/sql': {
        const body = await readJson(req, this.#options.maxBody);
        const sql = requireString(body, 'sql');
        const file = typeof body['file'] === 'string' ? body['file'] : undefined;
        return sendJson(res, 200, await this.#backend.submitSql(sql, file));
      }
      case 'POST /api/v1/query': {
        const body = await readJson(req, this.#options.maxBody);
        return sendJson(res, 200, await this.#backend.query(requireString(body, 'sql')));
      }
      case 'GET /api/v1/jobs':
        return sendJson(res, 200, this.#backend.jobs());
      case 'POST /api/v1/flush':
        return sendJson(res, 200, await this.#backend.flush());
      case 'POST /api/v1/checkpoint':
        return sendJson(res, 200, await this.#backend.checkpoint());
      case 'GET /metrics': {
        const text = this.#backend.metrics();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(text);
        return;
      }
      case 'GET /':
      case 'GET /api/v1':
        return sendJson(res, 200, {
          name: 'strata',
          routes: ['POST /api/v1/sql', 'POST /api/v1/query', 'GET /api/v1/jobs', 'POST /api/v1/flush', 'POST /api/v1/checkpoint', 'GET /metrics'],
        });
      default:
        return sendJson(res, 404, {
          message: `no route ${route}`,
          errorCode: 'NOT_FOUND',
          details: { routes: ['POST /api/v1/sql', 'POST /api/v1/query', 'GET /api/v1/jobs', 'POST /api/v1/flush', 'GET /metrics'] },
        });
    }
  }
}

function requireString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') {
    throw new StrataError('USAGE', `the request body needs a non-empty string field "${key}"`, { hint: `Send e.g. {"${key}": "SELECT 1"}.` });
  }
  return v;
}

async function readJson(req: IncomingMessage, maxBody = 16 * 1024 * 1024): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > maxBody) throw new StrataError('USAGE', `the request body is larger than ${maxBody} bytes`);
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new StrataError('USAGE', 'the request body is not valid JSON', { hint: 'Send {"sql": "..."} with Content-Type: application/json.' });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new StrataError('USAGE', 'the request body must be a JSON object', { hint: 'Send {"sql": "..."}.' });
  }
  return v as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, e: StrataError): void {
  const status = e.domain === 'user' ? 400 : e.domain === 'external' ? 502 : 500;
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, {
    message: e.message,
    errorCode: e.code,
    details: {
      ...(e.location !== undefined ? { location: e.location } : {}),
      ...(e.details ?? {}),
    },
  });
}
