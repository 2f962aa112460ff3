/**
 * A Nexmark event generator, after nexmark/nexmark's `NexmarkGenerator` and its model
 * generators (`PersonGenerator`, `AuctionGenerator`, `BidGenerator`), producing rows
 * directly in Strata's run-time representation (see src/core/types.ts): BIGINT and
 * TIMESTAMP(3) are bigints (timestamps in microseconds), VARCHAR is a string.
 *
 * What follows Nexmark exactly:
 * - event `i` (0-based) is a person when `i % 50 < 1`, an auction when `< 4`, else a
 *   bid: person : auction : bid = 1 : 3 : 46;
 * - ids are sequential from 1000 (`FIRST_PERSON_ID`, `FIRST_AUCTION_ID`) and derived
 *   from the event number (`lastBase0PersonId`, `lastBase0AuctionId`);
 * - a bid's auction is, with probability 1 - 1/hotAuctionRatio, the "hot" auction (the
 *   first of the last block of 100 auctions), else uniform over the last
 *   `numInFlightAuctions` auctions plus 10 not yet created; its bidder likewise (hot:
 *   the second person of the last block of 100, else one of the last `numActivePeople`
 *   people plus 10 not yet created); an auction's seller the same way (hot: the first
 *   person of the last block of 100);
 * - category is 10 + [0, 5); price is round(10^(6u) × 100), in [100, 10^8];
 * - event time is `baseTime + i × 10^6 / eventRate` µs (truncated to ms, TIMESTAMP(3));
 *   the default base time puts midnight at event 500 000, so per-day queries (q15, q17)
 *   see two days;
 *   an auction expires 1 ms to 2 × (the time until numInFlightAuctions more auctions)
 *   after it was created;
 * - person states come from AZ, CA, ID, OR, WA, WY, cities and names from Nexmark's
 *   lists; `extra` pads each row towards Nexmark's average sizes (person 200, auction
 *   500, bid 100 bytes).
 *
 * What differs: one seeded PRNG stream (mulberry32) instead of `new Random(eventId)`
 * per event, so values differ from Java's generator while their distributions match;
 * free-text fields (names of items, descriptions, e-mails, card numbers, `extra`, URLs)
 * are drawn from pools built once per seed, which keeps 2 M events in a few hundred MB;
 * bids carry `channel` and `url` as in Beam's and RisingWave's Nexmark (4 hot channels
 * half of the time, else one of 10 000 `channel-N`).
 *
 * The stream is cut into chunks of `eventsPerChunk` events (default 4450 = 89 × 50:
 * 89 persons, 267 auctions, 4094 bids); chunk `c` of each table is batch `c` of that
 * table, so a job that polls one batch per table per round sees the three tables
 * advance together, as one interleaved Nexmark stream would.
 */
import { ChangeBatch } from '../../src/core/batch.js';
import { INSERT, type RowKind } from '../../src/core/row-kind.js';
import type { Row } from '../../src/core/values.js';
import { mulberry32 } from '../../src/testing/changelog.js';

export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;
export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;
const HOT_RATIO_BLOCK = 100;
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;

export const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'] as const;
export const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'] as const;
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
export const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'] as const;
const CHANNELS = 10_000;

/** Columns of the three tables, in row order, with their Flink SQL types. */
export const PERSON_COLUMNS = [
  ['id', 'BIGINT'],
  ['name', 'VARCHAR'],
  ['emailAddress', 'VARCHAR'],
  ['creditCard', 'VARCHAR'],
  ['city', 'VARCHAR'],
  ['state', 'VARCHAR'],
  ['dateTime', 'TIMESTAMP(3)'],
  ['extra', 'VARCHAR'],
] as const;

export const AUCTION_COLUMNS = [
  ['id', 'BIGINT'],
  ['itemName', 'VARCHAR'],
  ['description', 'VARCHAR'],
  ['initialBid', 'BIGINT'],
  ['reserve', 'BIGINT'],
  ['dateTime', 'TIMESTAMP(3)'],
  ['expires', 'TIMESTAMP(3)'],
  ['seller', 'BIGINT'],
  ['category', 'BIGINT'],
  ['extra', 'VARCHAR'],
] as const;

export const BID_COLUMNS = [
  ['auction', 'BIGINT'],
  ['bidder', 'BIGINT'],
  ['price', 'BIGINT'],
  ['channel', 'VARCHAR'],
  ['url', 'VARCHAR'],
  ['dateTime', 'TIMESTAMP(3)'],
  ['extra', 'VARCHAR'],
] as const;

/** Column positions, for code that reads generated rows. */
export const P = { id: 0, name: 1, emailAddress: 2, creditCard: 3, city: 4, state: 5, dateTime: 6, extra: 7 } as const;
export const A = { id: 0, itemName: 1, description: 2, initialBid: 3, reserve: 4, dateTime: 5, expires: 6, seller: 7, category: 8, extra: 9 } as const;
export const B = { auction: 0, bidder: 1, price: 2, channel: 3, url: 4, dateTime: 5, extra: 6 } as const;

export interface NexmarkOptions {
  /** Total events (persons + auctions + bids). */
  readonly events: number;
  /** PRNG seed (default 42). The same seed and options give the same rows. */
  readonly seed?: number;
  /** Events per chunk (default 4450: 4094 bids, 267 auctions, 89 persons). */
  readonly eventsPerChunk?: number;
  /** Events per second of event time (Nexmark's first-event rate; default 10 000). */
  readonly eventRate?: number;
  /** Event time of event 0, in ms since the epoch (default 2024-01-01 23:59:10 UTC: at 10 000 events/s, event 500 000 is at midnight). */
  readonly baseTimeMs?: number;
  /** Nexmark's numActivePeople (default 1000). */
  readonly numActivePeople?: number;
  /** Nexmark's numInFlightAuctions (default 100). */
  readonly numInFlightAuctions?: number;
  /** Nexmark's hotAuctionRatio (default 2: half of the bids go to the hot auction). */
  readonly hotAuctionRatio?: number;
  /** Nexmark's hotBiddersRatio (default 4). */
  readonly hotBiddersRatio?: number;
  /** Nexmark's hotSellersRatio (default 4). */
  readonly hotSellersRatio?: number;
}

export interface NexmarkData {
  readonly events: number;
  readonly seed: number;
  /** One batch per chunk per table (a batch may be empty for a short last chunk). */
  readonly person: readonly ChangeBatch[];
  readonly auction: readonly ChangeBatch[];
  readonly bid: readonly ChangeBatch[];
  readonly counts: { readonly person: number; readonly auction: number; readonly bid: number };
}

export const DEFAULT_BASE_TIME_MS = Date.UTC(2024, 0, 1, 23, 59, 10);

/** The last person id (base 0) at event `eventId`: the current one if the event is a person. */
export function lastBase0PersonId(eventId: number): number {
  const epoch = Math.floor(eventId / TOTAL_PROPORTION);
  let offset = eventId % TOTAL_PROPORTION;
  if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
  return epoch * PERSON_PROPORTION + offset;
}

/** The last auction id (base 0) at event `eventId`: the current one if the event is an auction. */
export function lastBase0AuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / TOTAL_PROPORTION);
  let offset = eventId % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) {
    epoch--;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    offset = AUCTION_PROPORTION - 1;
  } else {
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}

/** 0 = person, 1 = auction, 2 = bid. */
export function eventKind(eventId: number): 0 | 1 | 2 {
  const o = eventId % TOTAL_PROPORTION;
  return o < PERSON_PROPORTION ? 0 : o < PERSON_PROPORTION + AUCTION_PROPORTION ? 1 : 2;
}

class Random {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  double(): number {
    return this.#next();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }
}

/**
 * A flat copy of `s`. Strings built with `+` are ropes in V8; a rope shared by many rows
 * (a pooled value) is walked again each time a row containing it is hashed or copied,
 * which real input (decoded from bytes) never costs. `Array.prototype.join` builds a
 * flat string.
 */
function flat(s: string): string {
  return s.split('').join('');
}

function nextString(r: Random, maxLength: number): string {
  let len = 3 + r.int(maxLength - 3);
  const cs: string[] = [];
  while (len-- > 0) cs.push(r.int(13) === 0 ? ' ' : String.fromCharCode(97 + r.int(26)));
  return flat(cs.join('').trim());
}

function nextExactString(r: Random, length: number): string {
  const cs: string[] = [];
  for (let i = 0; i < length; i++) cs.push(String.fromCharCode(97 + r.int(26)));
  return cs.join('');
}

/** A string such that currentSize + its length is on average `average` (Nexmark's nextExtra). */
function nextExtra(r: Random, currentSize: number, average: number): string {
  if (currentSize > average) return '';
  const want = average - currentSize;
  const delta = Math.round(want * 0.2);
  const size = want - delta + (delta === 0 ? 0 : r.int(2 * delta));
  return nextExactString(r, size);
}

function pool(n: number, make: () => string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(flat(make()));
  return out;
}

function price(r: Random): number {
  return Math.round(Math.pow(10, r.double() * 6) * 100);
}

/** Reverses a string (Beam builds channel URLs from reversed binary channel numbers). */
function reversed(s: string): string {
  return s.split('').reverse().join('');
}

/**
 * Generates `events` Nexmark events as +I change batches per table, deterministically
 * from the seed. Cost: about a second per million events; do it before timing.
 */
export function generateNexmark(options: NexmarkOptions): NexmarkData {
  const events = Math.max(0, Math.floor(options.events));
  const seed = options.seed ?? 42;
  const chunk = Math.max(1, Math.floor(options.eventsPerChunk ?? 4450));
  const rate = options.eventRate ?? 10_000;
  const delayUs = 1_000_000 / rate;
  const baseMs = options.baseTimeMs ?? DEFAULT_BASE_TIME_MS;
  const numActivePeople = options.numActivePeople ?? 1000;
  const numInFlight = options.numInFlightAuctions ?? 100;
  const hotAuctionRatio = options.hotAuctionRatio ?? 2;
  const hotBiddersRatio = options.hotBiddersRatio ?? 4;
  const hotSellersRatio = options.hotSellersRatio ?? 4;
  const eventsForInFlight = Math.floor((numInFlight * TOTAL_PROPORTION) / AUCTION_PROPORTION);

  const r = new Random(seed);
  // Pools of free text, built first so they depend on the seed only.
  const names: string[] = [];
  for (const f of FIRST_NAMES) for (const l of LAST_NAMES) names.push(flat(`${f} ${l}`));
  const emails = pool(4096, () => `${nextString(r, 7)}@${nextString(r, 5)}.com`);
  const cards = pool(4096, () => {
    const parts: string[] = [];
    for (let i = 0; i < 4; i++) parts.push(String(r.int(10000)).padStart(4, '0'));
    return parts.join(' ');
  });
  const itemNames = pool(4096, () => nextString(r, 20));
  const descriptions = pool(4096, () => nextString(r, 100));
  const personExtras = pool(1024, () => nextExtra(r, 60, 200));
  const auctionExtras = pool(1024, () => nextExtra(r, 8 + 10 + 50 + 40, 500));
  const bidExtras = pool(1024, () => nextExtra(r, 32, 100));
  const channelNames: string[] = [];
  const channelUrls: string[] = [];
  for (let c = 0; c < CHANNELS; c++) {
    channelNames.push(flat(`channel-${c}`));
    channelUrls.push(flat(`https://www.nexmark.com/${nextString(r, 5)}/item.htm?query=1&channel_id=${reversed(c.toString(2))}`));
  }
  const hotUrls = HOT_CHANNELS.map(() => flat(`https://www.nexmark.com/${nextString(r, 5)}/item.htm?query=1`));

  const personBatches: ChangeBatch[] = [];
  const auctionBatches: ChangeBatch[] = [];
  const bidBatches: ChangeBatch[] = [];
  let nPerson = 0;
  let nAuction = 0;
  let nBid = 0;

  /** A person id (base 0) among the active people plus a few not yet created. */
  const nextBase0PersonId = (eventId: number): number => {
    const numPeople = lastBase0PersonId(eventId) + 1;
    const active = Math.min(numPeople, numActivePeople);
    return numPeople - active + r.int(active + PERSON_ID_LEAD);
  };

  for (let from = 0; from < events; from += chunk) {
    const to = Math.min(events, from + chunk);
    const pk: RowKind[] = [];
    const pr: Row[] = [];
    const ak: RowKind[] = [];
    const ar: Row[] = [];
    const bk: RowKind[] = [];
    const br: Row[] = [];
    for (let e = from; e < to; e++) {
      const tsMs = baseMs + Math.floor((e * delayUs) / 1000);
      const ts = BigInt(tsMs) * 1000n;
      const kind = eventKind(e);
      if (kind === 0) {
        const id = lastBase0PersonId(e) + FIRST_PERSON_ID;
        pk.push(INSERT);
        pr.push([
          BigInt(id),
          names[r.int(names.length)]!,
          emails[r.int(emails.length)]!,
          cards[r.int(cards.length)]!,
          US_CITIES[r.int(US_CITIES.length)]!,
          US_STATES[r.int(US_STATES.length)]!,
          ts,
          personExtras[r.int(personExtras.length)]!,
        ]);
        nPerson++;
      } else if (kind === 1) {
        const id = lastBase0AuctionId(e) + FIRST_AUCTION_ID;
        const seller =
          (r.int(hotSellersRatio) > 0
            ? Math.floor(lastBase0PersonId(e) / HOT_RATIO_BLOCK) * HOT_RATIO_BLOCK
            : nextBase0PersonId(e)) + FIRST_PERSON_ID;
        const category = FIRST_CATEGORY_ID + r.int(NUM_CATEGORIES);
        const initialBid = price(r);
        const futureMs = baseMs + Math.floor(((e + eventsForInFlight) * delayUs) / 1000);
        const horizonMs = futureMs - tsMs;
        const expiresMs = tsMs + 1 + r.int(Math.max(horizonMs * 2, 1));
        const reserve = initialBid + price(r);
        ak.push(INSERT);
        ar.push([
          BigInt(id),
          itemNames[r.int(itemNames.length)]!,
          descriptions[r.int(descriptions.length)]!,
          BigInt(initialBid),
          BigInt(reserve),
          ts,
          BigInt(expiresMs) * 1000n,
          BigInt(seller),
          BigInt(category),
          auctionExtras[r.int(auctionExtras.length)]!,
        ]);
        nAuction++;
      } else {
        let auction: number;
        if (r.int(hotAuctionRatio) > 0) {
          auction = Math.floor(lastBase0AuctionId(e) / HOT_RATIO_BLOCK) * HOT_RATIO_BLOCK;
        } else {
          const max = lastBase0AuctionId(e);
          const min = Math.max(max - numInFlight, 0);
          auction = min + r.int(max - min + 1 + AUCTION_ID_LEAD);
        }
        auction += FIRST_AUCTION_ID;
        const bidder =
          (r.int(hotBiddersRatio) > 0
            ? Math.floor(lastBase0PersonId(e) / HOT_RATIO_BLOCK) * HOT_RATIO_BLOCK + 1
            : nextBase0PersonId(e)) + FIRST_PERSON_ID;
        const p = price(r);
        let channel: string;
        let url: string;
        if (r.int(2) === 0) {
          const h = r.int(HOT_CHANNELS.length);
          channel = HOT_CHANNELS[h]!;
          url = hotUrls[h]!;
        } else {
          const c = r.int(CHANNELS);
          channel = channelNames[c]!;
          url = channelUrls[c]!;
        }
        bk.push(INSERT);
        br.push([BigInt(auction), BigInt(bidder), BigInt(p), channel, url, ts, bidExtras[r.int(bidExtras.length)]!]);
        nBid++;
      }
    }
    personBatches.push(new ChangeBatch(pk, pr));
    auctionBatches.push(new ChangeBatch(ak, ar));
    bidBatches.push(new ChangeBatch(bk, br));
  }
  return {
    events,
    seed,
    person: personBatches,
    auction: auctionBatches,
    bid: bidBatches,
    counts: { person: nPerson, auction: nAuction, bid: nBid },
  };
}
