import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ChangeBatch } from '../core/batch.js';
import { StrataError, toStrataError } from '../core/errors.js';
import { ROW_KIND_SHORT } from '../core/row-kind.js';
import type { Field } from '../core/schema.js';
import { formatValue } from '../core/values.js';
import type { SinkWriter } from '../engine/connector.js';
import { defaultRegistry } from '../connectors/registry.js';
import { Session, type StatementResult } from '../runtime/session.js';
import { StrataServer } from '../server/strata-server.js';
import { callServer } from './client.js';
import { renderProgressBar } from './progress-bar.js';

/**
 * The `strata` command line. Every failure ends in one line on stderr that says what,
 * where and what to do, and an exit code: 0 success, 1 runtime failure, 2 bad usage or SQL.
 */

const VERSION = '0.1.0';

const HELP = `strata ${VERSION}: a real-time layered data warehouse in one process

Usage:
  strata demo                   the seed's layered pipeline on generated data, with the
                                warehouse on :9030 and the HTTP API on :8030
  strata start [-f FILE.sql]... the server in the foreground (Ctrl-C stops it)
  strata sql -f FILE.sql | -e SQL   submit Flink SQL to a running server
  strata query "SQL"            one query against the warehouse, printed as a table
  strata run FILE.sql...        run a pipeline file locally, without a server
  strata explain FILE.sql...    parse, bind and plan without running; print the stream plan
  strata --version | --help

Run 'strata COMMAND --help' for a command's options.
`;

const COMMAND_HELP: Record<string, string> = {
  demo: `Usage: strata demo [--data-dir DIR] [--mysql-port 9030] [--http-port 8030]

Starts a Strata server and runs the seed tutorial's layered pipeline on generated orders
and customers (inserts, updates and deletes): ODS copies, the DWD join and the DWS
aggregate by region, each double-written into its warehouse table. Connect with
'mysql -h127.0.0.1 -P9030 -uroot' and query flink_cdc.dws_agg_by_region while it
changes. Ctrl-C stops it. The data directory defaults to a new temporary directory.
`,
  start: `Usage: strata start [-f FILE.sql]... [--data-dir DIR] [--host 127.0.0.1]
                    [--mysql-port 9030] [--kafka-port 9092] [--http-port 8030]

Runs the server in the foreground: the warehouse (DuckDB files in --data-dir, default
./strata-data), the MySQL protocol (StarRocks dialect), the Kafka protocol (topics of
the embedded log) and the HTTP API. Files given
with -f are submitted at start, like 'strata sql -f'. Ctrl-C stops it cleanly; a
restart with the same data directory keeps every table and its rows.
`,
  sql: `Usage: strata sql -f FILE.sql | -e "SQL" [--server http://127.0.0.1:8030]

Submits Flink SQL to a running server, like Flink's 'sql-client.sh -f': DDL changes the
server's catalog, each INSERT or STATEMENT SET starts a job there.
`,
  query: `Usage: strata query "SQL" [--server http://127.0.0.1:8030] [--json | --tsv]

Runs one query against the warehouse (StarRocks/MySQL dialect) and prints the result: a
table on a terminal, tab-separated values when piped (or --tsv), JSON with --json.
`,
  run: `Usage: strata run FILE.sql [FILE.sql...]

Runs the statements of each file in order, like Flink's 'sql-client.sh -f'. DDL shapes
the catalog; each INSERT or STATEMENT SET starts a job; a SELECT prints its changelog
(+I, -U, +U, -D) to standard output. Returns when every job has finished (bounded
sources) or on Ctrl-C.
`,
  explain: `Usage: strata explain FILE.sql [FILE.sql...]

Parses, binds and plans every INSERT, STATEMENT SET and SELECT of the files without
connecting to anything, and prints the stream plan: one line per operator with the
changes it emits (changelogMode=[I,UB,UA,D]).
`,
};

export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

const defaultIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

class UsageError extends StrataError {
  constructor(message: string, hint = "Run 'strata --help' for usage.") {
    super('USAGE', message, { hint });
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    const err = toStrataError(e);
    io.stderr(`strata: error: ${err.message}\n`);
    if (err.domain === 'internal' && process.env['STRATA_DEBUG'] === '1' && err.cause instanceof Error) {
      io.stderr(`${err.cause.stack ?? ''}\n`);
    }
    return err.exitCode;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.stdout(HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    io.stdout(`strata ${VERSION}\n`);
    return 0;
  }
  switch (cmd) {
    case 'run':
      return run(rest, io);
    case 'explain':
      return explain(rest, io);
    case 'demo':
      return demo(rest, io);
    case 'start':
      return start(rest, io);
    case 'sql':
      return sql(rest, io);
    case 'query':
      return query(rest, io);
    default:
      throw new UsageError(`unknown command '${cmd}'`, `Commands: demo, start, sql, query, run, explain. Run 'strata --help'.`);
  }
}

function parse(cmd: string, args: readonly string[]): { files: string[]; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { help: { type: 'boolean', short: 'h' }, file: { type: 'string', short: 'f', multiple: true } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${cmd}: ${(e as Error).message}`, `Run 'strata ${cmd} --help'.`);
  }
  const files = [...(parsed.values.file ?? []), ...parsed.positionals];
  return { files, help: parsed.values.help === true };
}

function readSql(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code ?? String(e)}`, 'Check the path.');
  }
}

async function explain(args: readonly string[], io: CliIo): Promise<number> {
  const { files, help } = parse('explain', args);
  if (help) {
    io.stdout(COMMAND_HELP['explain']!);
    return 0;
  }
  if (files.length === 0) throw new UsageError('explain: no SQL file given', "Usage: strata explain FILE.sql");
  const session = new Session({ registry: defaultRegistry() });
  for (const f of files) io.stdout(session.explain(readSql(f), f));
  return 0;
}

/** Prints each change of a SELECT as `+I[v1, v2]`, like Flink's print connector. */
function printSink(fields: readonly Field[], io: CliIo): SinkWriter {
  const types = fields.map((f) => f.type);
  return {
    open: async () => {},
    write: (b: ChangeBatch) => {
      let s = '';
      for (let i = 0; i < b.length; i++) {
        const row = b.rows[i]!;
        s += `${ROW_KIND_SHORT[b.kinds[i]!]}[${row.map((v, j) => formatValue(v, types[j]!) ?? 'null').join(', ')}]\n`;
      }
      io.stdout(s);
    },
    commit: async () => {},
    close: async () => {},
  };
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { files, help } = parse('run', args);
  if (help) {
    io.stdout(COMMAND_HELP['run']!);
    return 0;
  }
  if (files.length === 0) throw new UsageError('run: no SQL file given', 'Usage: strata run FILE.sql');
  const session = new Session({
    registry: defaultRegistry(),
    querySink: (fields) => printSink(fields, io),
    log: (line) => io.stderr(`${line}\n`),
  });
  const results: StatementResult[] = [];
  for (const f of files) results.push(...(await session.execute(readSql(f), f)));
  for (const r of results) {
    if (r.kind === 'rows') io.stdout(formatRows(r.columns, r.rows));
    if (r.kind === 'explain') io.stdout(r.text);
  }
  const stop = (): void => {
    for (const j of session.jobs) void j.cancel();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const j of session.jobs) await j.done();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const failed = session.jobs.find((j) => j.state === 'FAILED');
  if (failed !== undefined) {
    io.stderr(`strata: error: job '${failed.name}' failed: ${failed.error?.message ?? 'unknown error'}\n`);
    return 1;
  }
  return 0;
}

/** A plain text table, like the MySQL client's. */
export function formatRows(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+\n';
  const fmt = (cells: readonly string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |\n';
  return line + fmt(columns) + line + rows.map(fmt).join('') + line + `${rows.length} row${rows.length === 1 ? '' : 's'} in set\n`;
}

// ---------------------------------------------------------------------------
// Server commands
// ---------------------------------------------------------------------------

interface ServerArgs {
  files: string[];
  dataDir: string | undefined;
  host: string;
  mysqlPort: number;
  httpPort: number;
  kafkaPort: number;
  help: boolean;
}

function port(cmd: string, name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${cmd}: --${name} must be a port number (0-65535), got '${v}'`, `Run 'strata ${cmd} --help'.`);
  return n;
}

function parseServerArgs(cmd: string, args: readonly string[]): ServerArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        help: { type: 'boolean', short: 'h' },
        file: { type: 'string', short: 'f', multiple: true },
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        'mysql-port': { type: 'string' },
        'http-port': { type: 'string' },
        'kafka-port': { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${cmd}: ${(e as Error).message}`, `Run 'strata ${cmd} --help'.`);
  }
  const v = parsed.values;
  return {
    files: v.file ?? [],
    dataDir: v['data-dir'],
    host: v.host ?? '127.0.0.1',
    mysqlPort: port(cmd, 'mysql-port', v['mysql-port'], 9030),
    httpPort: port(cmd, 'http-port', v['http-port'], 8030),
    kafkaPort: port(cmd, 'kafka-port', v['kafka-port'], 9092),
    help: v.help === true,
  };
}

/**
 * On a terminal: one line, redrawn four times a second, showing the snapshot progress of
 * every source still reading existing rows; a final line when all of them stream.
 */
function showSnapshotProgress(server: StrataServer, io: CliIo): () => void {
  if (process.stderr.isTTY !== true) return () => {};
  let shown = false;
  const timer = setInterval(() => {
    const lines: string[] = [];
    for (const j of server.session.jobs) {
      for (const s of j.graph.sources) {
        const p = s.reader.progress?.() ?? null;
        if (p !== null && p.phase === 'snapshot') lines.push(renderProgressBar(p, { label: `${j.name} ${s.node.table.path[s.node.table.path.length - 1]}`, width: process.stderr.columns ?? 80 }));
      }
    }
    if (lines.length > 0) {
      io.stderr(`\r\x1b[K${lines[0]}${lines.length > 1 ? ` (+${lines.length - 1} more)` : ''}`);
      shown = true;
    } else if (shown) {
      io.stderr('\r\x1b[Kstrata: snapshots done, streaming changes\n');
      shown = false;
    }
  }, 250);
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs until SIGINT/SIGTERM, then stops the server cleanly. */
async function serveUntilSignal(server: StrataServer, io: CliIo): Promise<number> {
  const stopProgress = showSnapshotProgress(server, io);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      stopProgress();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.stderr('strata: stopping\n');
  await server.stop();
  return 0;
}

async function start(args: readonly string[], io: CliIo): Promise<number> {
  const a = parseServerArgs('start', args);
  if (a.help) {
    io.stdout(COMMAND_HELP['start']!);
    return 0;
  }
  const texts = a.files.map((f) => ({ f, text: readSql(f) }));
  const server = await StrataServer.start({
    dataDir: a.dataDir ?? 'strata-data',
    host: a.host,
    mysqlPort: a.mysqlPort,
    httpPort: a.httpPort,
    kafkaPort: a.kafkaPort,
    log: (line) => io.stderr(`strata: ${line}\n`),
  });
  try {
    for (const { f, text } of texts) await server.submit(text, f);
  } catch (e) {
    await server.stop();
    throw e;
  }
  io.stderr('strata: ready (Ctrl-C stops)\n');
  return serveUntilSignal(server, io);
}

async function sql(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        help: { type: 'boolean', short: 'h' },
        file: { type: 'string', short: 'f', multiple: true },
        execute: { type: 'string', short: 'e', multiple: true },
        server: { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`sql: ${(e as Error).message}`, "Run 'strata sql --help'.");
  }
  const v = parsed.values;
  if (v.help === true) {
    io.stdout(COMMAND_HELP['sql']!);
    return 0;
  }
  const scripts: { text: string; file?: string }[] = [
    ...(v.file ?? []).map((f) => ({ text: readSql(f), file: f })),
    ...(v.execute ?? []).map((text) => ({ text })),
  ];
  if (scripts.length === 0) throw new UsageError('sql: nothing to submit', 'Usage: strata sql -f FILE.sql | -e "SQL".');
  const server = v.server ?? 'http://127.0.0.1:8030';
  for (const s of scripts) {
    const out = (await callServer(server, '/api/v1/sql', s.file !== undefined ? { sql: s.text, file: s.file } : { sql: s.text })) as {
      results: { kind: string; message?: string; columns?: string[]; rows?: string[][]; plan?: string; job?: string }[];
    };
    for (const r of out.results) {
      if (r.kind === 'rows') io.stdout(formatRows(r.columns ?? [], r.rows ?? []));
      else if (r.kind === 'explain') io.stdout(r.plan ?? '');
      else if (r.kind === 'job') io.stdout(`[INFO] Submitting SQL update statement to the cluster...\n[INFO] SQL update statement has been successfully submitted to the cluster:\nJob ID: ${r.job}\n\n`);
      else io.stdout(`${r.message ?? '[INFO] Execute statement succeeded.'}\n\n`);
    }
  }
  return 0;
}

async function query(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        help: { type: 'boolean', short: 'h' },
        server: { type: 'string' },
        json: { type: 'boolean' },
        tsv: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`query: ${(e as Error).message}`, "Run 'strata query --help'.");
  }
  const v = parsed.values;
  if (v.help === true) {
    io.stdout(COMMAND_HELP['query']!);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError('query: give exactly one SQL string', 'Usage: strata query "SELECT ...".');
  const out = (await callServer(v.server ?? 'http://127.0.0.1:8030', '/api/v1/query', { sql: parsed.positionals[0] })) as {
    columns: { name: string; type: string }[];
    rows: unknown[][];
    affectedRows?: number;
  };
  if (v.json === true) {
    io.stdout(JSON.stringify(out) + '\n');
    return 0;
  }
  const cells = out.rows.map((r) => r.map((x) => (x === null ? 'NULL' : typeof x === 'string' ? x : JSON.stringify(x))));
  const names = out.columns.map((c) => c.name);
  if (v.tsv === true || !process.stdout.isTTY) {
    io.stdout([names, ...cells].map((r) => r.map((c) => c.replace(/[\t\n\\]/g, (m) => (m === '\t' ? '\\t' : m === '\n' ? '\\n' : '\\\\'))).join('\t')).join('\n') + '\n');
  } else {
    io.stdout(names.length === 0 ? `Query OK, ${out.affectedRows ?? 0} rows affected\n` : formatRows(names, cells));
  }
  return 0;
}

async function demo(args: readonly string[], io: CliIo): Promise<number> {
  const a = parseServerArgs('demo', args);
  if (a.help) {
    io.stdout(COMMAND_HELP['demo']!);
    return 0;
  }
  const dataDir = a.dataDir ?? mkdtempSync(join(tmpdir(), 'strata-demo-'));
  const server = await StrataServer.start({
    dataDir,
    host: a.host,
    mysqlPort: a.mysqlPort,
    httpPort: a.httpPort,
    kafkaPort: a.kafkaPort,
    log: (line) => io.stderr(`strata: ${line}\n`),
  });
  try {
    const dir = fileURLToPath(new URL('../../../examples/', import.meta.url));
    for (const o of await server.warehouseQuery(readSql(join(dir, 'demo-warehouse.sql')))) void o;
    const pipeline = readSql(join(dir, 'demo.sql'))
      .replaceAll('127.0.0.1:9030', `${server.mysqlAddress.host}:${server.mysqlAddress.port}`)
      .replaceAll('127.0.0.1:8030', `${server.httpAddress.host}:${server.httpAddress.port}`);
    await server.submit(pipeline, join(dir, 'demo.sql'));
  } catch (e) {
    await server.stop();
    throw e;
  }
  const m = server.mysqlAddress;
  io.stdout(
    `Strata demo is running: generated orders and customers flow through ODS -> DWD -> DWS.\n\n` +
      `  mysql -h${m.host} -P${m.port} -uroot -e 'select * from flink_cdc.dws_agg_by_region'\n` +
      `  npx strata query --server http://${server.httpAddress.host}:${server.httpAddress.port} 'select * from flink_cdc.dws_agg_by_region'\n` +
      `  curl http://${server.httpAddress.host}:${server.httpAddress.port}/api/v1/jobs\n\n` +
      `Data directory: ${dataDir}. Ctrl-C stops.\n`,
  );
  return serveUntilSignal(server, io);
}
