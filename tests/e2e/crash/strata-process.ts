import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError } from '../../../src/core/errors.js';

/**
 * `node bin/strata.js start` as a child process, for crash tests: spawned, read, killed
 * with SIGKILL, and restarted on the same data directory by the harness.
 *
 * The ports are fixed for the life of a data directory and given on the command line:
 * the pipeline text the server journals names them (the starrocks sink's `jdbc-url` and
 * `load-url`, `properties.bootstrap.servers`, the Routine Load broker list), so a restart
 * on other ports would point the restored jobs elsewhere. The server's own log lines
 * ("MySQL protocol on H:P", "HTTP API on http://H:P", "Kafka protocol on H:P") are read
 * back and checked against them.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'strata.js');

export interface StrataPorts {
  readonly mysql: number;
  readonly http: number;
  readonly kafka: number;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Every child still running, so an `after` hook (or process exit) can kill them all. */
const live = new Set<StrataProcess>();
let exitHook = false;

/** SIGKILLs every Strata child this process started that is still running. */
export function killAllStrataChildren(): void {
  for (const p of live) p.killNow();
}

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', killAllStrataChildren);
}

/** A free TCP port on 127.0.0.1, picked by the OS (then released for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function freePorts(): Promise<StrataPorts> {
  const mysql = await freePort();
  let http = await freePort();
  while (http === mysql) http = await freePort();
  let kafka = await freePort();
  while (kafka === mysql || kafka === http) kafka = await freePort();
  return { mysql, http, kafka };
}

export interface SpawnOptions {
  readonly dataDir: string;
  readonly ports: StrataPorts;
  /** `STRATA_FAULT` for this start only. */
  readonly fault?: string;
  /** A label for log lines (e.g. `start #3`). */
  readonly label: string;
  /** Receives every output line of the child, prefixed with the label. */
  readonly onLine?: (line: string) => void;
  /** Wraps the command (e.g. `['nsenter', '-t', pid, ...]`); default none. */
  readonly wrap?: readonly string[];
}

export class StrataProcess {
  readonly child: ChildProcess;
  readonly label: string;
  readonly ports: StrataPorts;
  readonly startedAt = performance.now();
  readonly exited: Promise<ExitInfo>;
  #exit: ExitInfo | null = null;
  #out = '';
  #waiters: (() => void)[] = [];

  private constructor(child: ChildProcess, options: SpawnOptions) {
    this.child = child;
    this.label = options.label;
    this.ports = options.ports;
    const onLine = options.onLine;
    let partial = '';
    const take = (d: Buffer): void => {
      const s = d.toString();
      this.#out += s;
      if (onLine !== undefined) {
        partial += s;
        let nl = partial.indexOf('\n');
        while (nl >= 0) {
          onLine(`[${this.label}] ${partial.slice(0, nl)}`);
          partial = partial.slice(nl + 1);
          nl = partial.indexOf('\n');
        }
      }
      this.#notify();
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        live.delete(this);
        if (onLine !== undefined && partial !== '') onLine(`[${this.label}] ${partial}`);
        this.#notify();
        resolve(this.#exit);
      });
    });
  }

  static spawn(options: SpawnOptions): StrataProcess {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['STRATA_FAULT'];
    if (options.fault !== undefined) env['STRATA_FAULT'] = options.fault;
    const args = [
      BIN,
      'start',
      '--data-dir',
      options.dataDir,
      '--host',
      '127.0.0.1',
      '--mysql-port',
      String(options.ports.mysql),
      '--http-port',
      String(options.ports.http),
      '--kafka-port',
      String(options.ports.kafka),
    ];
    const wrap = options.wrap ?? [];
    const cmd = wrap.length > 0 ? wrap[0]! : process.execPath;
    const argv = wrap.length > 0 ? [...wrap.slice(1), process.execPath, ...args] : args;
    const child = spawn(cmd, argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const p = new StrataProcess(child, options);
    live.add(p);
    installExitHook();
    return p;
  }

  /** Everything the child wrote to stdout and stderr so far. */
  get output(): string {
    return this.#out;
  }

  /** The last `n` characters of the output, for failure messages. */
  tail(n = 4000): string {
    return this.#out.length <= n ? this.#out : '…' + this.#out.slice(-n);
  }

  get exit(): ExitInfo | null {
    return this.#exit;
  }

  get alive(): boolean {
    return this.#exit === null;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  #notify(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Resolves at the next output or exit, or after `ms`. */
  #changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /**
   * Waits until the output matches `re` (searched from `from`); fails after `ms` or when
   * the child exits first, with the output's tail.
   */
  async waitForOutput(re: RegExp, what: string, ms: number, from = 0): Promise<RegExpExecArray> {
    const until = performance.now() + ms;
    for (;;) {
      const m = re.exec(this.#out.slice(from));
      if (m !== null) return m;
      if (this.#exit !== null) {
        throw new StrataError('RUNTIME', `${this.label}: the server exited (${exitText(this.#exit)}) before ${what}; its output:\n${this.tail()}`);
      }
      const left = until - performance.now();
      if (left <= 0) throw new StrataError('RUNTIME', `${this.label}: ${what} did not happen within ${ms} ms; its output:\n${this.tail()}`);
      await this.#changed(Math.min(left, 250));
    }
  }

  /**
   * Waits for the listening lines and the ready line, and checks the ports are the ones
   * asked for.
   */
  async waitListening(ms: number): Promise<void> {
    const mysql = await this.waitForOutput(/MySQL protocol on [^:\s]+:(\d+)/, 'the MySQL port is listening', ms);
    const http = await this.waitForOutput(/HTTP API on http:\/\/[^:\s]+:(\d+)/, 'the HTTP port is listening', ms);
    const kafka = await this.waitForOutput(/Kafka protocol on [^:\s]+:(\d+)/, 'the Kafka port is listening', ms);
    const got = { mysql: Number(mysql[1]), http: Number(http[1]), kafka: Number(kafka[1]) };
    if (got.mysql !== this.ports.mysql || got.http !== this.ports.http || got.kafka !== this.ports.kafka) {
      throw new StrataError('RUNTIME', `${this.label}: the server listens on ${JSON.stringify(got)}, not on the ports asked for ${JSON.stringify(this.ports)}`);
    }
  }

  /** Waits until the child has exited; fails after `ms`. */
  async waitExit(what: string, ms: number): Promise<ExitInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    const r = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (r === null) throw new StrataError('RUNTIME', `${this.label}: ${what} did not happen within ${ms} ms; its output:\n${this.tail()}`);
    return r;
  }

  /** SIGKILL without waiting. */
  killNow(): void {
    if (this.#exit === null && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<ExitInfo> {
    this.killNow();
    return this.waitExit('exit after SIGKILL', 30_000);
  }
}

export function exitText(e: ExitInfo): string {
  return e.signal !== null ? `signal ${e.signal}` : `exit code ${e.code}`;
}
