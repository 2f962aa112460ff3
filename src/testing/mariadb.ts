/**
 * A throwaway MariaDB server for tests and benchmarks: a temp datadir, ROW binlog with
 * full row images and full TABLE_MAP metadata, loopback only.
 *
 * Installs nothing: `scripts/ensure-system-deps.mjs` installs `mariadb-server` before
 * `npm test`. The first start on a machine runs `mariadb-install-db` once into a cached
 * template directory (os.tmpdir()/strata-mariadb-template-<version>); every start copies
 * that template (about 20 MB) so a server is up in well under a second.
 *
 * The server's default character set is utf8mb4 (MariaDB's own default is latin1).
 *
 * Accounts: `root` with an empty password (socket and 127.0.0.1), and the replication user
 * `cdc` / `cdcpass` on '%' with SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE,
 * REPLICATION CLIENT and BINLOG MONITOR, as Flink CDC documents for its user.
 *
 * As root, mariadbd runs as the `mysql` user (it refuses root) and the temp dirs are owned by
 * it. `stop()` shuts the server down and removes its directory; `kill()` SIGKILLs it and keeps
 * the directory so that `restart()` recovers it; servers still running when the process
 * exits are killed and their directories removed.
 */
import { StrataError } from '../core/errors.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { Connection, ConnectionOptions } from 'mysql2/promise';

export interface StartMariaDbOptions {
  /** TCP port; default: a free port picked by the OS. */
  readonly port?: number;
  /** `--server-id`; default 1. */
  readonly serverId?: number;
  /** More mariadbd arguments, e.g. `--default-time-zone=+08:00`, `--log-bin-compress=ON`. */
  readonly extraArgs?: readonly string[];
}

export interface MariaDbServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly serverId: number;
  /** The datadir; the binlog files (`mysql-bin.000001`, …) are in it. */
  readonly dataDir: string;
  readonly socket: string;
  /** The replication user: `cdc` / `cdcpass`. */
  readonly cdcUser: string;
  readonly cdcPassword: string;
  /** The server version, e.g. `10.11.19-MariaDB-0+deb12u1-log`. */
  readonly version: string;
  /** Path of a binlog file of this server. */
  binlogPath(file: string): string;
  /** Runs SQL as root through one shared mysql2 connection; rows for a SELECT, [] otherwise. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A new mysql2 connection as root over TCP (the caller closes it). */
  connect(extra?: ConnectionOptions): Promise<Connection>;
  /** `SHOW MASTER STATUS`: the current binlog file and position. */
  masterStatus(): Promise<{ file: string; pos: number }>;
  /** Clean shutdown; removes the directory. */
  stop(): Promise<void>;
  /** SIGKILL; keeps the directory for restart(). */
  kill(): void;
  /** Shuts down (if running) and starts again on the same port and datadir. */
  restart(): Promise<void>;
}

const CDC_USER = 'cdc';
const CDC_PASSWORD = 'cdcpass';
const INNODB_ARGS = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M'];

function findBinary(name: string, extra: readonly string[]): string {
  for (const p of extra) if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  if (r.status === 0 && p !== '') return p;
  throw new StrataError('USAGE', `${name} not found: run 'node scripts/ensure-system-deps.mjs' (apt-get install mariadb-server) first`);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function runAsUserArgs(): string[] {
  return isRoot ? ['--user=mysql'] : [];
}

function chownToMysql(path: string): void {
  if (!isRoot) return;
  const r = spawnSync('chown', ['-R', 'mysql:mysql', path]);
  if (r.status !== 0) throw new StrataError('CONNECTOR_IO', `chown -R mysql:mysql ${path} failed`);
}

let cachedTemplate: string | null = null;

/** The datadir template for this mariadbd version, made once per machine. */
function templateDir(mariadbd: string): string {
  if (cachedTemplate !== null && existsSync(join(cachedTemplate, 'mysql'))) return cachedTemplate;
  const v = spawnSync(mariadbd, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const tag = (/Ver\s+(\S+)/.exec(v)?.[1] ?? 'unknown').replace(/[^A-Za-z0-9.+-]/g, '_');
  const dir = join(tmpdir(), `strata-mariadb-template-${tag}${isRoot ? '' : '-' + String(process.getuid?.() ?? 0)}`);
  if (!existsSync(join(dir, 'mysql'))) {
    const work = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    mkdirSync(work, { recursive: true });
    chownToMysql(work);
    const installDb = findBinary('mariadb-install-db', ['/usr/bin/mariadb-install-db', '/usr/local/mysql/scripts/mariadb-install-db']);
    const r = spawnSync(
      installDb,
      [
        '--no-defaults',
        ...runAsUserArgs(),
        `--datadir=${work}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        ...INNODB_ARGS,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) {
      rmSync(work, { recursive: true, force: true });
      throw new StrataError('CONNECTOR_IO', `mariadb-install-db failed (exit ${r.status}): ${(r.stdout + r.stderr).slice(-2000)}`);
    }
    try {
      renameSync(work, dir);
    } catch {
      // Another process made it first.
      rmSync(work, { recursive: true, force: true });
    }
  }
  cachedTemplate = dir;
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface Live {
  child: ChildProcess | null;
  baseDir: string;
  removed: boolean;
}

const live = new Set<Live>();
let exitHookInstalled = false;

function killAllSync(): void {
  for (const l of live) {
    if (l.child !== null && l.child.exitCode === null && l.child.pid !== undefined) {
      try {
        process.kill(l.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!l.removed) rmSync(l.baseDir, { recursive: true, force: true });
  }
  live.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAllSync();
      process.kill(process.pid, sig);
    });
  }
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<MariaDbServer> {
  const mariadbd = findBinary('mariadbd', ['/usr/sbin/mariadbd']);
  const template = templateDir(mariadbd);
  const port = options.port ?? (await freePort());
  const serverId = options.serverId ?? 1;
  const baseDir = mkdtempSync(join(tmpdir(), 'strata-mariadb-'));
  const dataDir = join(baseDir, 'data');
  const cp = spawnSync('cp', ['-a', template, dataDir]);
  if (cp.status !== 0) throw new StrataError('CONNECTOR_IO', `copying the MariaDB template ${template} failed: ${cp.stderr.toString()}`);
  const socket = join(baseDir, 'mysqld.sock');
  // Its own tmpdir: a starting mariadbd deletes the '#sql*' temp files it finds in its tmpdir,
  // which would include other running servers' temporary tables in a shared /tmp.
  const tmp = join(baseDir, 'tmp');
  mkdirSync(tmp);
  chownToMysql(baseDir);
  const errorLog = join(baseDir, 'error.log');
  const args = [
    '--no-defaults',
    ...runAsUserArgs(),
    `--datadir=${dataDir}`,
    `--socket=${socket}`,
    `--tmpdir=${tmp}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--pid-file=${join(baseDir, 'mysqld.pid')}`,
    `--log-error=${errorLog}`,
    '--skip-name-resolve',
    `--server-id=${serverId}`,
    `--log-bin=${join(dataDir, 'mysql-bin')}`,
    '--binlog-format=ROW',
    '--binlog-row-image=FULL',
    '--binlog-row-metadata=FULL',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    ...INNODB_ARGS,
    ...(options.extraArgs ?? []),
  ];
  const state: Live = { child: null, baseDir, removed: false };
  live.add(state);
  installExitHook();

  let shared: Connection | null = null;
  const rootOptions = (): ConnectionOptions => ({ socketPath: socket, user: 'root', password: '', multipleStatements: true });

  const launch = async (): Promise<void> => {
    const child = spawn(mariadbd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 8000) stderr += d.toString();
    });
    state.child = child;
    // Wait until it accepts connections (or dies).
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8').slice(-3000) : '';
        throw new StrataError('CONNECTOR_IO', `mariadbd exited during start (code ${child.exitCode}): ${stderr}${log}`);
      }
      try {
        const c = await mysql.createConnection(rootOptions());
        await c.end();
        return;
      } catch {
        if (attempt > 600) {
          child.kill('SIGKILL');
          throw new StrataError('CONNECTOR_IO', `mariadbd did not accept connections within 30 s; see ${errorLog}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  await launch();
  const setup = await mysql.createConnection(rootOptions());
  const [vrows] = await setup.query('SELECT VERSION() AS v');
  const version = String((vrows as Array<{ v: string }>)[0]?.v ?? '');
  await setup.query(
    `CREATE USER '${CDC_USER}'@'%' IDENTIFIED BY '${CDC_PASSWORD}';` +
      `GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '${CDC_USER}'@'%';`,
  );
  await setup.end();

  const closeShared = async (): Promise<void> => {
    const c = shared;
    shared = null;
    if (c !== null) {
      try {
        await c.end();
      } catch {
        c.destroy();
      }
    }
  };

  const shutdown = async (): Promise<void> => {
    await closeShared();
    const child = state.child;
    if (child === null) return;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await waitExit(child);
    }
    state.child = null;
  };

  const server: MariaDbServer = {
    host: '127.0.0.1',
    port,
    serverId,
    dataDir,
    socket,
    cdcUser: CDC_USER,
    cdcPassword: CDC_PASSWORD,
    version,
    binlogPath: (file) => join(dataDir, file),
    async query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      if (shared === null) shared = await mysql.createConnection(rootOptions());
      const [rows] = await shared.query(sql, params as unknown[] | undefined);
      return Array.isArray(rows) ? (rows as T[]) : [];
    },
    connect: (extra = {}) => mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', ...extra }),
    async masterStatus() {
      const rows = await server.query<{ File: string; Position: number | string }>('SHOW MASTER STATUS');
      const r = rows[0];
      if (r === undefined) throw new StrataError('CONNECTOR_IO', 'SHOW MASTER STATUS returned no row: is the binlog enabled?');
      return { file: r.File, pos: Number(r.Position) };
    },
    async stop() {
      await shutdown();
      rmSync(baseDir, { recursive: true, force: true });
      state.removed = true;
      live.delete(state);
    },
    kill() {
      const c = shared;
      shared = null;
      c?.destroy();
      const child = state.child;
      if (child !== null && child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
    },
    async restart() {
      await shutdown();
      // A killed server's child may still be exiting.
      await launch();
    },
  };
  return server;
}
