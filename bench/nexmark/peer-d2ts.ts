/**
 * The same Nexmark dataflows in two TypeScript differential-dataflow libraries, run in
 * this process as the peer of the benchmark:
 *
 * - `@electric-sql/d2ts` 0.1.8: `D2` with versions and frontiers. Each chunk of events
 *   is one version: `sendData(c, ...)` on every input the query reads, then
 *   `sendFrontier(c + 1)` on each, then `graph.run()`. Its `reduce` emits a version's
 *   result once the frontier has passed it, like Strata's per-batch commit.
 * - `@tanstack/db-ivm` 0.2.0 (d2ts's fork used by TanStack DB, without versions):
 *   `sendData(...)` per chunk on every input, then `graph.run()`.
 *
 * Rows are the generator's rows turned into plain arrays of JS numbers and strings
 * (bigint ids, prices and microsecond timestamps become numbers: exact, all < 2^53),
 * done before timing; each run gets fresh `[row, 1]` pairs, also built before timing.
 * The dataflows use the libraries' own operators (`map`, `filter`, `join`, `reduce`,
 * `output`), written the way their READMEs show; aggregates are `reduce` functions
 * that compute the SQL result of a group from its values and multiplicities.
 */
import * as d2ts from '@electric-sql/d2ts';
import * as ivm from '@tanstack/db-ivm';
import type { Row } from '../../src/core/values.js';
import type { NexmarkData } from './generator.js';
import type { NexmarkQuery, QueryName, TableName } from './queries.js';

export type PeerName = 'd2ts' | 'db-ivm';
export const PEERS: readonly PeerName[] = ['d2ts', 'db-ivm'];

/** A generated row with every bigint turned into a number. */
export type PeerRow = readonly (number | string)[];
/** Per table: one array of rows per chunk. */
export type PeerData = Readonly<Partial<Record<TableName, readonly (readonly PeerRow[])[]>>> & {
  /** Events per chunk (all three kinds), for the events-fed count. */
  readonly chunkEvents: readonly number[];
};

/** Turns the generated batches of `tables` into plain rows (before timing). */
export function toPeerData(data: NexmarkData, tables: readonly TableName[]): PeerData {
  const out: { -readonly [K in TableName]?: PeerRow[][] } = {};
  for (const t of tables) {
    out[t] = data[t].map((b) => b.rows.map(toPeerRow));
  }
  const chunkEvents = data.bid.map((b, i) => b.length + data.auction[i]!.length + data.person[i]!.length);
  return { ...out, chunkEvents };
}

function toPeerRow(r: Row): PeerRow {
  const out: (number | string)[] = new Array<number | string>(r.length);
  for (let i = 0; i < r.length; i++) {
    const v = r[i];
    out[i] = typeof v === 'bigint' ? Number(v) : (v as string);
  }
  return out;
}

// ---------------------------------------------------------------------------
// A thin, loosely typed view of the two libraries' shared operator API
// ---------------------------------------------------------------------------

/* The libraries' generic pipe/operator typings do not survive being passed around as
 * values; the dataflows below are typed at their callbacks instead. */
interface Stream {
  pipe(...ops: Op[]): Stream;
}
type Op = (s: Stream) => Stream;
type Pair = [unknown, number];

interface Lib {
  map<T, U>(f: (x: T) => U): Op;
  filter<T>(f: (x: T) => boolean): Op;
  join(other: Stream): Op;
  reduce<V, R>(f: (values: [V, number][]) => [R, number][]): Op;
  /** Calls `sink` with the (item, multiplicity) pairs of every output message. */
  output(sink: (items: readonly Pair[]) => void): Op;
}

const D2TS_LIB: Lib = {
  map: (f) => d2ts.map(f as (x: unknown) => unknown) as unknown as Op,
  filter: (f) => d2ts.filter(f as (x: unknown) => boolean) as unknown as Op,
  join: (other) => d2ts.join(other as unknown as d2ts.IStreamBuilder<[unknown, unknown]>) as unknown as Op,
  reduce: (f) => d2ts.reduce(f as (values: [unknown, number][]) => [unknown, number][]) as unknown as Op,
  output: (sink) =>
    d2ts.output<unknown>((m) => {
      if (m.type === d2ts.MessageType.DATA) sink(m.data.collection.getInner() as Pair[]);
    }) as unknown as Op,
};

const IVM_LIB: Lib = {
  map: (f) => ivm.map(f as (x: unknown) => unknown) as unknown as Op,
  filter: (f) => ivm.filter(f as (x: unknown) => boolean) as unknown as Op,
  join: (other) => ivm.join(other as unknown as ivm.IStreamBuilder<[unknown, unknown]>) as unknown as Op,
  reduce: (f) => ivm.reduce(f as (values: [unknown, number][]) => [unknown, number][]) as unknown as Op,
  output: (sink) => ivm.output<unknown>((m) => sink(m.getInner() as Pair[])) as unknown as Op,
};

/** The inputs of one graph and how to push a chunk through it. */
interface Harness {
  readonly inputs: Partial<Record<TableName, Stream>>;
  finalize(): void;
  /** Sends chunk `c` (pairs per table) and runs the graph until it is quiet. */
  step(c: number, chunk: Partial<Record<TableName, Pair[]>>): void;
}

function d2tsHarness(tables: readonly TableName[]): Harness {
  const graph = new d2ts.D2({ initialFrontier: 0 });
  const inputs: Partial<Record<TableName, d2ts.RootStreamBuilder<unknown>>> = {};
  for (const t of tables) inputs[t] = graph.newInput<unknown>();
  return {
    inputs: inputs as unknown as Partial<Record<TableName, Stream>>,
    finalize: () => graph.finalize(),
    step: (c, chunk) => {
      for (const t of tables) {
        const pairs = chunk[t];
        const input = inputs[t]!;
        if (pairs !== undefined && pairs.length > 0) input.sendData(c, new d2ts.MultiSet(pairs));
        input.sendFrontier(c + 1);
      }
      graph.run();
    },
  };
}

function ivmHarness(tables: readonly TableName[]): Harness {
  const graph = new ivm.D2();
  const inputs: Partial<Record<TableName, ivm.RootStreamBuilder<unknown>>> = {};
  for (const t of tables) inputs[t] = graph.newInput<unknown>();
  return {
    inputs: inputs as unknown as Partial<Record<TableName, Stream>>,
    finalize: () => graph.finalize(),
    step: (_c, chunk) => {
      for (const t of tables) {
        const pairs = chunk[t];
        if (pairs !== undefined && pairs.length > 0) inputs[t]!.sendData(new ivm.MultiSet(pairs));
      }
      graph.run();
    },
  };
}

// ---------------------------------------------------------------------------
// The dataflows
// ---------------------------------------------------------------------------

type Num = number;
type Str = string;
/** Rows by column position (see generator.ts P, A, B). */
type PersonRow = readonly [Num, Str, Str, Str, Str, Str, Num, Str];
type AuctionRow = readonly [Num, Str, Str, Num, Num, Num, Num, Num, Num, Str];
type BidRow = readonly [Num, Num, Num, Str, Str, Num, Str];

const MICROS_PER_MS = 1000;

/** `DATE_FORMAT(ts, 'yyyy-MM-dd')` of a TIMESTAMP in microseconds (wall clock, UTC arithmetic). */
export function dayOf(micros: number): string {
  return new Date(Math.floor(micros / MICROS_PER_MS)).toISOString().slice(0, 10);
}

/** Builds the dataflow of `q` on `inputs` and returns the stream whose items are the sink's rows. */
function buildDataflow(name: QueryName, lib: Lib, inputs: Partial<Record<TableName, Stream>>): Stream {
  const person = inputs.person;
  const auction = inputs.auction;
  const bid = inputs.bid;
  switch (name) {
    case 'q0':
      return bid!.pipe(lib.map((b: BidRow) => [b[0], b[1], b[2], b[5], b[6]]));
    case 'q1':
      // DECIMAL(23, 3) compared by its unscaled value: 0.908 × price × 1000 = price × 908.
      return bid!.pipe(lib.map((b: BidRow) => [b[0], b[1], b[2] * 908, b[5], b[6]]));
    case 'q2':
      return bid!.pipe(
        lib.filter((b: BidRow) => b[0] % 123 === 0),
        lib.map((b: BidRow) => [b[0], b[2]]),
      );
    case 'q3': {
      const sellers = person!.pipe(
        lib.filter((p: PersonRow) => p[5] === 'OR' || p[5] === 'ID' || p[5] === 'CA'),
        lib.map((p: PersonRow) => [p[0], [p[1], p[4], p[5]]]),
      );
      return auction!.pipe(
        lib.filter((a: AuctionRow) => a[8] === 10),
        lib.map((a: AuctionRow) => [a[7], a[0]]),
        lib.join(sellers),
        lib.map(([, [id, p]]: [Num, [Num, [Str, Str, Str]]]) => [p[0], p[1], p[2], id]),
      );
    }
    case 'q8': {
      const sellers = auction!.pipe(lib.map((a: AuctionRow) => [a[7], a[0]]));
      return person!.pipe(
        lib.map((p: PersonRow) => [p[0], [p[1], p[6]]]),
        lib.join(sellers),
        lib.map(([id, [p]]: [Num, [[Str, Num], Num]]) => [id, p[0], p[1]]),
      );
    }
    case 'q4': {
      const bids = bid!.pipe(lib.map((b: BidRow) => [b[0], [b[2], b[5]]]));
      return auction!.pipe(
        lib.map((a: AuctionRow) => [a[0], [a[5], a[6], a[8]]]),
        lib.join(bids),
        lib.filter(([, [a, b]]: [Num, [[Num, Num, Num], [Num, Num]]]) => b[1] >= a[0] && b[1] <= a[1]),
        lib.map(([id, [a, b]]: [Num, [[Num, Num, Num], [Num, Num]]]) => [id, [a[2], b[0]]]),
        // MAX(price) per (auction, category); the category depends on the auction.
        lib.reduce((values: [[Num, Num], number][]) => {
          let max = -Infinity;
          let category = 0;
          for (const [[c, price], m] of values) {
            if (m > 0 && price > max) {
              max = price;
              category = c;
            }
          }
          return max === -Infinity ? [] : [[[category, max], 1]];
        }),
        lib.map(([, [category, final]]: [Num, [Num, Num]]) => [category, final]),
        // AVG(final) per category, BIGINT: truncated toward zero.
        lib.reduce((values: [Num, number][]) => {
          let sum = 0;
          let count = 0;
          for (const [v, m] of values) {
            sum += v * m;
            count += m;
          }
          return count === 0 ? [] : [[Math.trunc(sum / count), 1]];
        }),
        lib.map(([category, avg]: [Num, Num]) => [category, avg]),
      );
    }
    case 'q15':
      return bid!.pipe(
        lib.map((b: BidRow) => [dayOf(b[5]), [b[1], b[0], b[2]]]),
        lib.reduce((values: [[Num, Num, Num], number][]) => {
          const bids = [0, 0, 0, 0];
          const bidders = [new Set<Num>(), new Set<Num>(), new Set<Num>(), new Set<Num>()];
          const auctions = [new Set<Num>(), new Set<Num>(), new Set<Num>(), new Set<Num>()];
          for (const [[bidder, auction, price], m] of values) {
            if (m <= 0) continue;
            const rank = price < 10_000 ? 1 : price < 1_000_000 ? 2 : 3;
            bids[0]! += m;
            bids[rank]! += m;
            bidders[0]!.add(bidder);
            bidders[rank]!.add(bidder);
            auctions[0]!.add(auction);
            auctions[rank]!.add(auction);
          }
          if (bids[0] === 0) return [];
          return [[[...bids, ...bidders.map((s) => s.size), ...auctions.map((s) => s.size)], 1]];
        }),
        lib.map(([day, stats]: [Str, Num[]]) => [day, ...stats]),
      );
    case 'q17':
      return bid!.pipe(
        lib.map((b: BidRow) => {
          const day = dayOf(b[5]);
          return [`${b[0]}|${day}`, [b[0], day, b[2]]];
        }),
        lib.reduce((values: [[Num, Str, Num], number][]) => {
          let n = 0;
          let r1 = 0;
          let r2 = 0;
          let r3 = 0;
          let min = Infinity;
          let max = -Infinity;
          let sum = 0;
          let auction = 0;
          let day = '';
          for (const [[a, d, price], m] of values) {
            if (m <= 0) continue;
            auction = a;
            day = d;
            n += m;
            if (price < 10_000) r1 += m;
            else if (price < 1_000_000) r2 += m;
            else r3 += m;
            if (price < min) min = price;
            if (price > max) max = price;
            sum += price * m;
          }
          if (n === 0) return [];
          return [[[auction, day, n, r1, r2, r3, min, max, Math.trunc(sum / n), sum], 1]];
        }),
        lib.map(([, row]: [Str, unknown[]]) => row),
      );
  }
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

export interface PeerRun {
  readonly peer: PeerName;
  /** Events fed (all three kinds, like Strata's count); less than the stream when the budget ran out. */
  readonly events: number;
  readonly complete: boolean;
  /** Output (item, multiplicity) entries: the changes the dataflow emitted. */
  readonly changesOut: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  /** With `collect`: the final output as canonical row text → multiplicity. */
  readonly result?: ReadonlyMap<string, number>;
}

export interface PeerRunOptions {
  /** Keep the final output (for checking). */
  readonly collect?: boolean;
  /** Stop feeding once this much CPU time was spent (the rate over the events fed is reported). */
  readonly budgetMs?: number;
}

/** Runs `q` on `peer` over `data` (built with the query's tables) once. */
export function runPeerQuery(peer: PeerName, q: NexmarkQuery, data: PeerData, options: PeerRunOptions = {}): PeerRun {
  const tables = q.tables;
  const chunks = data.chunkEvents.length;
  // Fresh input pairs for this run, before timing.
  const pairs: Partial<Record<TableName, Pair[][]>> = {};
  for (const t of tables) pairs[t] = data[t]!.map((rows) => rows.map((r): Pair => [r, 1]));

  const lib = peer === 'd2ts' ? D2TS_LIB : IVM_LIB;
  const collect = options.collect === true;
  const result = new Map<string, number>();
  let changesOut = 0;
  const sink = (items: readonly Pair[]): void => {
    for (let i = 0; i < items.length; i++) {
      const [item, m] = items[i]!;
      changesOut += m < 0 ? -m : m;
      if (collect) {
        const k = (item as readonly unknown[]).map(String).join('|');
        const n = (result.get(k) ?? 0) + m;
        if (n === 0) result.delete(k);
        else result.set(k, n);
      }
    }
  };

  const budget = options.budgetMs ?? Infinity;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const h = peer === 'd2ts' ? d2tsHarness(tables) : ivmHarness(tables);
  buildDataflow(q.name, lib, h.inputs).pipe(lib.output(sink));
  h.finalize();
  let events = 0;
  let c = 0;
  for (; c < chunks; c++) {
    const chunk: Partial<Record<TableName, Pair[]>> = {};
    for (const t of tables) chunk[t] = pairs[t]![c]!;
    h.step(c, chunk);
    events += data.chunkEvents[c]!;
    if (budget !== Infinity && (c & 7) === 7) {
      const u = process.cpuUsage(cpu0);
      if ((u.user + u.system) / 1000 > budget) {
        c++;
        break;
      }
    }
  }
  const wallMs = performance.now() - wall0;
  const u = process.cpuUsage(cpu0);
  const cpuMs = (u.user + u.system) / 1000;
  return {
    peer,
    events,
    complete: c >= chunks,
    changesOut,
    cpuMs,
    wallMs,
    ...(collect ? { result } : {}),
  };
}
