import { ChangeBatch } from '../core/batch.js';
import { StrataError, toStrataError } from '../core/errors.js';
import type { Field } from '../core/schema.js';
import type { SqlType } from '../core/types.js';
import type { SinkWriter } from '../engine/connector.js';
import { defaultRegistry } from '../connectors/registry.js';
import { appendValuesData, getValuesSinkChanges, getValuesSinkRows, resetValuesConnector } from '../connectors/values/store.js';
import { Session } from '../runtime/session.js';
import { applyBatch, formatChangelog, formatRows, multisetOf, parseChangelog, sortedRows } from './changelog.js';

/**
 * A small sqllogictest-style runner for streaming SQL. A file is a list of records
 * separated by blank lines; `#` lines are comments. Records:
 *
 *   statement ok                      the SQL below runs without error (an INSERT starts a job)
 *   statement error <text>            the SQL below fails; the message contains <text>
 *                                     (and the error's code, line and column when written
 *                                     as `statement error SQL_VALIDATION 3:14 <text>`)
 *   changes <table>                   the change lines below (`+I 1 beijing`, `-U ...`) are
 *                                     pushed as ONE batch into `values` source <table>; the
 *                                     runner then waits until every job has processed it
 *   check <table> changelog           expected changes written to `values` sink <table> since
 *   ----                              the previous `check ... changelog` of that table, in order
 *   <changes>
 *   check <table> rows                expected rows of sink <table> (materialized by its
 *   ----                              primary key, else as a multiset), sorted
 *   <rows>
 *   query rows | query changelog      a SELECT over the tables; waits until its job is idle
 *   <sql>                             (or finished) and compares the sorted final rows, or
 *   ----                              the changelog in order
 *   <expected>
 *   explain                           the stream plan of the statement below
 *   <sql>
 *   ----
 *   <plan>
 *
 * Tables read by `changes` must use `'connector' = 'values'`, `'bounded' = 'false'` and a
 * `'data-id'`; sinks checked by `check` must use `'connector' = 'values'`.
 */

export interface SltFailure {
  readonly line: number;
  readonly message: string;
}

interface Rec {
  readonly line: number;
  readonly header: string;
  readonly body: string;
  readonly expected: string | null;
}

function parseRecords(text: string): Rec[] {
  const lines = text.split('\n');
  const recs: Rec[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.trim() === '' || l.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    const start = i + 1;
    const header = l.trim();
    i++;
    const body: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && lines[i]!.trim() !== '----') body.push(lines[i++]!);
    let expected: string | null = null;
    if (i < lines.length && lines[i]!.trim() === '----') {
      i++;
      const exp: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '') exp.push(lines[i++]!);
      expected = exp.join('\n');
    }
    recs.push({ line: start, header, body: body.join('\n'), expected });
  }
  return recs;
}

/** Runs one .slt file; resolves with the failures (empty when all records pass). */
export async function runSlt(text: string, file: string): Promise<SltFailure[]> {
  resetValuesConnector();
  const session = new Session({ registry: defaultRegistry(), querySink: (fields) => collectingSink(fields) });
  const failures: SltFailure[] = [];
  const seenChanges = new Map<string, number>();
  const querySinks: CollectingSink[] = [];
  const collectingSink = (fields: readonly Field[]): SinkWriter => {
    const s = new CollectingSink(fields);
    querySinks.push(s);
    return s;
  };
  const idle = async (): Promise<void> => {
    for (const j of session.jobs) await j.whenIdle();
  };
  const fail = (r: Rec, message: string): void => {
    failures.push({ line: r.line, message: `${file}:${r.line}: ${r.header}\n${message}` });
  };
  const tableOf = (name: string): { id: string; types: SqlType[]; sinkId: string } => {
    const obj = session.catalog.get(session.catalog.resolveTablePath(name.split('.')));
    if (obj.kind !== 'table') throw new StrataError('SQL_VALIDATION', `${name} is a view`);
    const o = obj.descriptor.options;
    return {
      id: o['data-id'] ?? '',
      sinkId: o['sink-id'] ?? obj.descriptor.path.join('.'),
      types: obj.descriptor.schema.fields.map((f) => f.type),
    };
  };

  for (const r of parseRecords(text)) {
    const words = r.header.split(/\s+/);
    try {
      switch (words[0]) {
        case 'statement': {
          if (words[1] === 'ok') {
            await session.execute(r.body, file);
            await idle();
          } else if (words[1] === 'error') {
            const want = words.slice(2);
            let err: StrataError | null = null;
            try {
              await session.execute(r.body, file);
            } catch (e) {
              err = toStrataError(e);
            }
            if (err === null) {
              fail(r, 'expected an error, but the statement succeeded');
              break;
            }
            let rest = want;
            if (rest[0] !== undefined && /^[A-Z_]+$/.test(rest[0])) {
              if (err.code !== rest[0]) fail(r, `expected error code ${rest[0]}, got ${err.code}: ${err.message}`);
              rest = rest.slice(1);
            }
            if (rest[0] !== undefined && /^\d+:\d+$/.test(rest[0])) {
              const [line, col] = rest[0].split(':').map(Number);
              // Locations are relative to the statement text (its first line is line 1).
              const loc = err.location;
              if (loc === undefined || loc.line !== line || loc.column !== col) {
                fail(r, `expected the error at ${line}:${col} of the statement, got ${loc === undefined ? 'no location' : `${loc.line}:${loc.column}`}: ${err.message}`);
              }
              rest = rest.slice(1);
            }
            const needle = rest.join(' ');
            if (!err.message.includes(needle)) fail(r, `expected the error to contain "${needle}", got: ${err.message}`);
          } else fail(r, `unknown record '${r.header}'`);
          break;
        }
        case 'changes': {
          const t = tableOf(words[1]!);
          const batch = parseChangelog(r.body, t.types, { file, firstLine: r.line + 1 });
          appendValuesData(t.id, batch);
          await idle();
          const failed = session.jobs.find((j) => j.state === 'FAILED');
          if (failed !== undefined) fail(r, `job ${failed.name} failed: ${failed.error?.message}`);
          break;
        }
        case 'check': {
          const t = tableOf(words[1]!);
          const what = words[2];
          await idle();
          let actual: string;
          if (what === 'changelog') {
            const all = getValuesSinkChanges(t.sinkId);
            const from = seenChanges.get(t.sinkId) ?? 0;
            seenChanges.set(t.sinkId, all.length);
            actual = formatChangelog(new ChangeBatch(all.kinds.slice(from), all.rows.slice(from)), t.types);
          } else if (what === 'rows') {
            const rows = getValuesSinkRows(t.sinkId);
            actual = formatRows(sortedRows(multisetOf(rows)), t.types);
          } else {
            fail(r, "expected 'check <table> changelog' or 'check <table> rows'");
            break;
          }
          compare(r, actual, fail);
          break;
        }
        case 'query': {
          const mode = words[1];
          const before = querySinks.length;
          const results = await session.execute(r.body, file);
          const q = results.find((x) => x.kind === 'query');
          if (q === undefined || q.kind !== 'query') {
            fail(r, 'the SQL is not a query');
            break;
          }
          await q.job.whenIdle();
          await q.job.cancel();
          const sink = querySinks[before]!;
          const types = sink.fields.map((f) => f.type);
          const actual = mode === 'changelog' ? formatChangelog(sink.changes, types) : formatRows(sortedRows(applyBatch(sink.changes)), types);
          session.jobs.splice(session.jobs.indexOf(q.job), 1);
          compare(r, actual, fail);
          break;
        }
        case 'explain': {
          const text = session.explain(r.body, file);
          compare(r, text.trimEnd(), fail);
          break;
        }
        default:
          fail(r, `unknown record '${r.header}'`);
      }
    } catch (e) {
      fail(r, `unexpected error: ${toStrataError(e).message}`);
    }
  }
  for (const j of session.jobs) await j.cancel();
  return failures;
}

function compare(r: Rec, actual: string, fail: (r: Rec, m: string) => void): void {
  const norm = (s: string): string =>
    s
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l !== '')
      .join('\n');
  const expected = norm(r.expected ?? '');
  if (norm(actual) !== expected) fail(r, `expected:\n${expected}\nactual:\n${norm(actual)}`);
}

/** Collects the changes of a SELECT in order. */
class CollectingSink implements SinkWriter {
  readonly changes = new ChangeBatch();
  constructor(readonly fields: readonly Field[]) {}
  open(): Promise<void> {
    return Promise.resolve();
  }
  write(batch: ChangeBatch): void {
    this.changes.append(batch);
  }
  commit(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
