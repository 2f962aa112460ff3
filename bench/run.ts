/**
 * The Nexmark benchmark: Strata against @electric-sql/d2ts and @tanstack/db-ivm in the
 * same process, on the same pre-generated events.
 *
 *   node dist/bench/run.js [--events N] [--query q0,q3,...] [--runs N] [--peer d2ts,db-ivm|none]
 *                          [--peer-budget-s S] [--check-events N] [--seed S] [--json]
 *
 * Throughput is events per second per core of process CPU time: events / (user + system
 * CPU seconds), measured around each run. Each query runs once to warm up, then `--runs`
 * times (default 3); the median run is reported. Before timing, every query runs on a
 * small stream (`--check-events`, default 50 000) through Strata and each peer, and the
 * final results are compared (row count and an order-independent checksum).
 */
import os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { checksum, describeDifference, multisetOf } from './nexmark/checksum.js';
import { DEFAULT_BASE_TIME_MS, generateNexmark, type NexmarkData } from './nexmark/generator.js';
import { PEERS, runPeerQuery, toPeerData, type PeerName, type PeerRun } from './nexmark/peer-d2ts.js';
import { findQuery, PEER_FACTOR_TARGET, QUERIES, TARGETS, type NexmarkQuery } from './nexmark/queries.js';
import { registerNexmarkData, runStrataQuery, strataResultRows, type RunMeasurement } from './nexmark/strata.js';

interface Args {
  events: number;
  queries: NexmarkQuery[];
  runs: number;
  peers: PeerName[];
  peerBudgetMs: number;
  checkEvents: number;
  seed: number;
  json: boolean;
}

function usage(msg: string): never {
  process.stderr.write(
    `${msg}\nusage: node dist/bench/run.js [--events N] [--query q0,q1,...] [--runs N] [--peer d2ts,db-ivm|none] ` +
      `[--peer-budget-s S] [--check-events N] [--seed S] [--json]\nqueries: ${QUERIES.map((q) => q.name).join(', ')}\n`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    events: 1_000_000,
    queries: [...QUERIES],
    runs: 3,
    peers: [...PEERS],
    peerBudgetMs: 20_000,
    checkEvents: 50_000,
    seed: 42,
    json: false,
  };
  const num = (name: string, v: string | undefined): number => {
    const n = Number((v ?? '').replace(/_/g, ''));
    if (v === undefined || !Number.isFinite(n) || n < 0) usage(`${name} needs a non-negative number, got '${v ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--events':
        a.events = Math.floor(num(flag, value()));
        break;
      case '--query':
      case '--queries': {
        const names = (value() ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        a.queries = names.map((n) => findQuery(n) ?? usage(`unknown query '${n}'`));
        break;
      }
      case '--runs':
        a.runs = Math.max(1, Math.floor(num(flag, value())));
        break;
      case '--peer':
      case '--peers': {
        const v = value() ?? '';
        a.peers = v === 'none' ? [] : v.split(',').map((s) => (PEERS.includes(s as PeerName) ? (s as PeerName) : usage(`unknown peer '${s}'`)));
        break;
      }
      case '--peer-budget-s':
        a.peerBudgetMs = num(flag, value()) * 1000;
        break;
      case '--check-events':
        a.checkEvents = Math.floor(num(flag, value()));
        break;
      case '--seed':
        a.seed = Math.floor(num(flag, value()));
        break;
      case '--json':
        a.json = true;
        break;
      case '--help':
      case '-h':
        usage('Nexmark benchmark: Strata vs d2ts / db-ivm.');
        break;
      default:
        usage(`unknown argument '${arg}'`);
    }
  }
  return a;
}

/** `global.gc` without needing --expose-gc on the command line. */
function findGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

const gc = findGc();
/** The first midnight after the generator's default base time. */
const MIDNIGHT_MS = Math.ceil(DEFAULT_BASE_TIME_MS / 86_400_000) * 86_400_000;
function collectGarbage(): void {
  if (gc !== null) gc();
}

/** Main-thread GC pauses (perf_hooks 'gc' entries), to report how much of a run was GC. */
const gcPauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, duration: e.duration });
}).observe({ entryTypes: ['gc'] });

/** Sum of GC pauses that started in [t0, t1] (waits for pending entries first). */
async function gcMsBetween(t0: number, t1: number): Promise<number> {
  await new Promise<void>((resolve) => setTimeout(resolve, 20));
  let ms = 0;
  for (const g of gcPauses) if (g.start >= t0 && g.start <= t1) ms += g.duration;
  if (gcPauses.length > 10_000) gcPauses.splice(0, gcPauses.length - 1000);
  return ms;
}

/** Runs `f`, returning its result and the GC pause time during it. */
async function withGc<T>(f: () => T | Promise<T>): Promise<T & { gcMs: number }> {
  const t0 = performance.now();
  const r = await f();
  const t1 = performance.now();
  return { ...r, gcMs: await gcMsBetween(t0, t1) };
}

function median<T>(xs: readonly T[], by: (x: T) => number): T {
  const s = [...xs].sort((a, b) => by(a) - by(b));
  return s[Math.floor((s.length - 1) / 2)]!;
}

const perCore = (events: number, cpuMs: number): number => (cpuMs > 0 ? events / (cpuMs / 1000) : 0);

function fmtRate(r: number | null): string {
  if (r === null) return '—';
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(r >= 1e5 ? 0 : 1)} K`;
  return r.toFixed(0);
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

interface CheckResult {
  readonly query: string;
  readonly strata: { rows: number; sum: number } | null;
  readonly strataError?: string;
  readonly peers: { peer: PeerName; rows: number; sum: number; match: boolean; diff?: string }[];
}

interface QueryResult {
  readonly query: string;
  readonly title: string;
  readonly class: NexmarkQuery['class'];
  readonly adaptation: string;
  readonly events: number;
  readonly strata: (RunMeasurement & { gcMs: number; perCore: number; runs: number[] }) | null;
  readonly strataError?: string;
  readonly peers: { peer: PeerName; run: (PeerRun & { gcMs: number; perCore: number; runs: number[] }) | null; error?: string }[];
  readonly target: number;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

async function checkQuery(q: NexmarkQuery, data: NexmarkData, peers: readonly PeerName[]): Promise<CheckResult> {
  let strataRows: Map<string, number> | null = null;
  let strataError: string | undefined;
  try {
    await runStrataQuery(q, data, 'values');
    strataRows = multisetOf(strataResultRows(q));
  } catch (e) {
    strataError = errorText(e);
  }
  const strataSum = strataRows === null ? null : checksum(strataRows);
  const peerData = peers.length > 0 ? toPeerData(data, q.tables) : null;
  const out: CheckResult['peers'] = [];
  for (const p of peers) {
    const run = runPeerQuery(p, q, peerData!, { collect: true });
    const sum = checksum(run.result!);
    const match = strataSum !== null && strataSum.rows === sum.rows && strataSum.sum === sum.sum;
    out.push({
      peer: p,
      rows: sum.rows,
      sum: sum.sum,
      match,
      ...(!match && strataRows !== null ? { diff: describeDifference(strataRows, run.result!) } : {}),
    });
  }
  return { query: q.name, strata: strataSum, ...(strataError !== undefined ? { strataError } : {}), peers: out };
}

async function benchStrata(q: NexmarkQuery, data: NexmarkData, runs: number, log: (s: string) => void): Promise<NonNullable<QueryResult['strata']>> {
  collectGarbage();
  const warm = await runStrataQuery(q, data, 'blackhole');
  log(`  strata ${q.name} warm-up: ${fmtRate(perCore(warm.events, warm.cpuMs))} ev/s/core (${warm.cpuMs.toFixed(0)} ms CPU, ${warm.wallMs.toFixed(0)} ms wall)`);
  const ms: (RunMeasurement & { gcMs: number })[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const m = await withGc(() => runStrataQuery(q, data, 'blackhole'));
    log(
      `  strata ${q.name} run ${i + 1}: ${fmtRate(perCore(m.events, m.cpuMs))} ev/s/core (${m.cpuMs.toFixed(0)} ms CPU, ${m.wallMs.toFixed(0)} ms wall, ` +
        `${m.gcMs.toFixed(0)} ms GC pauses, ${fmtInt(m.changesOut)} changes out)`,
    );
    ms.push(m);
  }
  const med = median(ms, (m) => m.cpuMs);
  return { ...med, perCore: perCore(med.events, med.cpuMs), runs: ms.map((m) => perCore(m.events, m.cpuMs)) };
}

async function benchPeer(
  p: PeerName,
  q: NexmarkQuery,
  data: NexmarkData,
  runs: number,
  budgetMs: number,
  log: (s: string) => void,
): Promise<PeerRun & { gcMs: number; perCore: number; runs: number[] }> {
  const peerData = toPeerData(data, q.tables);
  collectGarbage();
  const warm = runPeerQuery(p, q, peerData, { budgetMs: Math.min(budgetMs, 3000) });
  log(`  ${p} ${q.name} warm-up: ${fmtRate(perCore(warm.events, warm.cpuMs))} ev/s/core over ${fmtInt(warm.events)} events`);
  const rs: (PeerRun & { gcMs: number })[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const r = await withGc(() => runPeerQuery(p, q, peerData, { budgetMs }));
    log(
      `  ${p} ${q.name} run ${i + 1}: ${fmtRate(perCore(r.events, r.cpuMs))} ev/s/core (${r.cpuMs.toFixed(0)} ms CPU, ${r.wallMs.toFixed(0)} ms wall, ${r.gcMs.toFixed(0)} ms GC pauses, ` +
        `${fmtInt(r.events)} events${r.complete ? '' : ', stopped at the CPU budget'}, ${fmtInt(r.changesOut)} changes out)`,
    );
    rs.push(r);
  }
  const med = median(rs, (r) => -perCore(r.events, r.cpuMs));
  return { ...med, perCore: perCore(med.events, med.cpuMs), runs: rs.map((r) => perCore(r.events, r.cpuMs)) };
}

function machine(): { cpu: string; cores: number; node: string; os: string; memoryGb: number; date: string } {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    date: new Date().toISOString(),
  };
}

function markdown(args: Args, results: readonly QueryResult[], checks: readonly CheckResult[], m: ReturnType<typeof machine>): string {
  const lines: string[] = [];
  lines.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}. Date: ${m.date}.`);
  lines.push(
    `Events: ${fmtInt(args.events)} Nexmark events (seed ${args.seed}; person : auction : bid = 1 : 3 : 46), in chunks of 4450 events ` +
      `(one source batch per table per chunk). Median of ${args.runs} runs after a warm-up. ` +
      'Rate = events / process CPU seconds (user + system), all three event kinds counted as in Nexmark, whether the query reads them or not.',
  );
  lines.push('');
  const peerCols = args.peers;
  const head = ['query', 'class', 'events', 'Strata ev/s/core', ...peerCols.map((p) => `${p} ev/s/core`), 'ratio (Strata / best peer)', 'target', 'met (rate / vs peer)'];
  const numeric = new Set([2, 3, ...peerCols.map((_, i) => 4 + i), 4 + peerCols.length]);
  lines.push(`| ${head.join(' | ')} |`);
  lines.push(`|${head.map((_, i) => (numeric.has(i) ? '---:' : '---')).join('|')}|`);
  for (const r of results) {
    const s = r.strata?.perCore ?? null;
    const peerRates = r.peers.map((p) => (p.run === null ? null : p.run.perCore));
    const peerCells = r.peers.map((p) => {
      if (p.run === null) return `error`;
      return `${fmtRate(p.run.perCore)}${p.run.complete ? '' : ` (first ${fmtInt(p.run.events)} ev)`}`;
    });
    const best = peerRates.reduce<number | null>((b, x) => (x === null ? b : b === null || x > b ? x : b), null);
    const ratio = s !== null && best !== null && best > 0 ? s / best : null;
    const target = `≥ ${fmtRate(r.target)}${peerCols.length > 0 ? `, ≥ ${PEER_FACTOR_TARGET}× peer` : ''}`;
    let met = '—';
    if (s !== null) {
      const absOk = s >= r.target;
      const peerOk = ratio === null ? null : ratio >= PEER_FACTOR_TARGET;
      met = `${absOk ? 'yes' : 'no'}${peerOk === null ? '' : ` / ${peerOk ? 'yes' : 'no'}`}`;
    }
    const strataCell = s === null ? `FAILED` : fmtRate(s);
    lines.push(
      `| ${[r.query, r.class, fmtInt(r.events), strataCell, ...peerCells, ratio === null ? '—' : `${ratio.toFixed(1)}×`, target, met].join(' | ')} |`,
    );
  }
  lines.push('');
  lines.push('Details (median run):');
  lines.push('');
  lines.push('| query | what | Strata CPU ms | wall ms | GC pauses ms | rows read | changes out | runs (ev/s/core) |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    if (r.strata === null) {
      lines.push(`| ${r.query} | ${r.title} | — | — | — | — | — | error: ${(r.strataError ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
      continue;
    }
    lines.push(
      `| ${r.query} | ${r.title} | ${r.strata.cpuMs.toFixed(0)} | ${r.strata.wallMs.toFixed(0)} | ${r.strata.gcMs.toFixed(0)} | ${fmtInt(r.strata.rowsIn)} | ${fmtInt(r.strata.changesOut)} | ${r.strata.runs.map(fmtRate).join(', ')} |`,
    );
  }
  if (peerCols.length > 0) {
    lines.push('');
    lines.push('| query | peer | CPU ms | wall ms | GC pauses ms | events fed | changes out | runs (ev/s/core) |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---|');
    for (const r of results) {
      for (const p of r.peers) {
        if (p.run === null) {
          lines.push(`| ${r.query} | ${p.peer} | — | — | — | — | — | error: ${(p.error ?? '').replace(/\|/g, '\\|')} |`);
          continue;
        }
        lines.push(
          `| ${r.query} | ${p.peer} | ${p.run.cpuMs.toFixed(0)} | ${p.run.wallMs.toFixed(0)} | ${p.run.gcMs.toFixed(0)} | ${fmtInt(p.run.events)}${p.run.complete ? '' : ' (budget)'} | ${fmtInt(p.run.changesOut)} | ${p.run.runs.map(fmtRate).join(', ')} |`,
        );
      }
    }
  }
  if (checks.length > 0) {
    lines.push('');
    lines.push(`Correctness check on ${fmtInt(args.checkEvents)} events (final result rows, checksum):`);
    lines.push('');
    lines.push(`| query | Strata | ${args.peers.join(' | ')} |`);
    lines.push(`|---|---|${args.peers.map(() => '---').join('|')}|`);
    for (const c of checks) {
      const s = c.strata === null ? `error: ${(c.strataError ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')}` : `${fmtInt(c.strata.rows)} rows, ${c.strata.sum.toString(16)}`;
      const ps = c.peers.map((p) => `${fmtInt(p.rows)} rows, ${p.sum.toString(16)} ${p.match ? '✓ match' : `✗ MISMATCH (${(p.diff ?? '').replace(/\|/g, '\\|')})`}`);
      lines.push(`| ${c.query} | ${s} | ${ps.join(' | ')} |`);
    }
  }
  lines.push('');
  lines.push('Adaptations of the canonical Nexmark queries:');
  lines.push('');
  for (const r of results) lines.push(`- ${r.query} (${r.title}): ${r.adaptation === '' ? 'as in Nexmark.' : r.adaptation + '.'}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  const m = machine();
  log(`nexmark: ${m.cpu}, ${m.cores} cores, Node ${m.node}; ${fmtInt(args.events)} events, queries ${args.queries.map((q) => q.name).join(',')}, peers ${args.peers.join(',') || 'none'}${gc === null ? ' (no gc between runs)' : ''}`);

  const checks: CheckResult[] = [];
  if (args.checkEvents > 0) {
    // Centred on midnight, so the per-day queries see two days.
    const small = generateNexmark({ events: args.checkEvents, seed: args.seed, baseTimeMs: MIDNIGHT_MS - Math.floor(args.checkEvents / 20) });
    registerNexmarkData(small);
    for (const q of args.queries) {
      const c = await checkQuery(q, small, args.peers);
      checks.push(c);
      log(
        `check ${q.name}: strata ${c.strata === null ? `error: ${c.strataError ?? ''}` : `${c.strata.rows} rows ${c.strata.sum.toString(16)}`}; ` +
          c.peers.map((p) => `${p.peer} ${p.rows} rows ${p.sum.toString(16)} ${p.match ? 'match' : 'MISMATCH ' + (p.diff ?? '')}`).join('; '),
      );
    }
  }

  const t0 = performance.now();
  const data = generateNexmark({ events: args.events, seed: args.seed });
  log(`generated ${fmtInt(data.events)} events in ${(performance.now() - t0).toFixed(0)} ms (${fmtInt(data.counts.person)} persons, ${fmtInt(data.counts.auction)} auctions, ${fmtInt(data.counts.bid)} bids)`);
  registerNexmarkData(data);

  const results: QueryResult[] = [];
  for (const q of args.queries) {
    log(`${q.name} (${q.title}):`);
    let strata: QueryResult['strata'] = null;
    let strataError: string | undefined;
    try {
      strata = await benchStrata(q, data, args.runs, log);
    } catch (e) {
      strataError = errorText(e);
      log(`  strata ${q.name} FAILED: ${strataError}`);
    }
    const peers: QueryResult['peers'] = [];
    for (const p of args.peers) {
      try {
        peers.push({ peer: p, run: await benchPeer(p, q, data, args.runs, args.peerBudgetMs, log) });
      } catch (e) {
        const error = errorText(e);
        log(`  ${p} ${q.name} FAILED: ${error}`);
        peers.push({ peer: p, run: null, error });
      }
    }
    results.push({
      query: q.name,
      title: q.title,
      class: q.class,
      adaptation: q.adaptation,
      events: data.events,
      strata,
      ...(strataError !== undefined ? { strataError } : {}),
      peers,
      target: TARGETS[q.class],
    });
  }

  if (args.json) {
    process.stdout.write(`${JSON.stringify({ machine: m, args: { ...args, queries: args.queries.map((q) => q.name) }, results, checks }, null, 2)}\n`);
  } else {
    process.stdout.write(`${markdown(args, results, checks, m)}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`nexmark benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
