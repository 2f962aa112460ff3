import { readFileSync } from 'node:fs';
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

/**
 * The `strata` command line. Every failure ends in one line on stderr that says what,
 * where and what to do, and an exit code: 0 success, 1 runtime failure, 2 bad usage or SQL.
 */

const VERSION = '0.1.0';

const HELP = `strata ${VERSION}: a real-time layered data warehouse in one process

Usage:
  strata demo                   run the seed's layered pipeline on generated data
  strata run FILE.sql...        run a pipeline file in the foreground (Ctrl-C stops it)
  strata explain FILE.sql...    parse, bind and plan without running; print the stream plan
  strata --version | --help

Run 'strata COMMAND --help' for a command's options.
`;

const COMMAND_HELP: Record<string, string> = {
  demo: `Usage: strata demo

Runs examples/demo.sql: the seed tutorial's layers on generated orders and customers
(10,000 orders at 2,000 per second), joined (DWD) and aggregated by region (DWS); the
DWS changelog is printed as it changes.
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
    case 'demo': {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout(COMMAND_HELP['demo']!);
        return 0;
      }
      if (rest.length > 0) throw new UsageError(`demo: unexpected argument '${rest[0]}'`, "Run 'strata demo --help'.");
      const demo = fileURLToPath(new URL('../../../examples/demo.sql', import.meta.url));
      io.stderr(`strata demo: running ${demo}\n(ODS orders and customers from datagen -> DWD join -> DWS aggregate by region, printed below)\n`);
      return run([demo], io);
    }
    default:
      throw new UsageError(`unknown command '${cmd}'`, `Commands: demo, run, explain. Run 'strata --help'.`);
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
