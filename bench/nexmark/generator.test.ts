import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INSERT } from '../../src/core/row-kind.js';
import type { Row } from '../../src/core/values.js';
import {
  A,
  AUCTION_COLUMNS,
  B,
  BID_COLUMNS,
  DEFAULT_BASE_TIME_MS,
  eventKind,
  FIRST_AUCTION_ID,
  FIRST_PERSON_ID,
  generateNexmark,
  lastBase0AuctionId,
  lastBase0PersonId,
  P,
  PERSON_COLUMNS,
  US_STATES,
  type NexmarkData,
} from './generator.js';

function rows(batches: NexmarkData['bid']): Row[] {
  const out: Row[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      assert.equal(b.kinds[i], INSERT);
      out.push(b.rows[i]!);
    }
  }
  return out;
}

describe('nexmark generator', () => {
  test('the same seed gives the same rows; another seed gives other rows', () => {
    const a = generateNexmark({ events: 5000, seed: 7 });
    const b = generateNexmark({ events: 5000, seed: 7 });
    const c = generateNexmark({ events: 5000, seed: 8 });
    assert.deepEqual(rows(a.bid), rows(b.bid));
    assert.deepEqual(rows(a.auction), rows(b.auction));
    assert.deepEqual(rows(a.person), rows(b.person));
    assert.notDeepEqual(rows(a.bid), rows(c.bid));
  });

  test('person : auction : bid is 1 : 3 : 46 per 50 events', () => {
    const d = generateNexmark({ events: 50 * 200, seed: 1 });
    assert.deepEqual(d.counts, { person: 200, auction: 600, bid: 9200 });
    assert.equal(rows(d.person).length, 200);
    assert.equal(rows(d.auction).length, 600);
    assert.equal(rows(d.bid).length, 9200);
    const kinds = [0, 0, 0];
    for (let e = 0; e < 50; e++) kinds[eventKind(e)]!++;
    assert.deepEqual(kinds, [1, 3, 46]);
  });

  test('chunks keep the three tables aligned: one batch per chunk per table', () => {
    const d = generateNexmark({ events: 10_000, seed: 1 });
    assert.equal(d.bid.length, Math.ceil(10_000 / 4450));
    assert.equal(d.person.length, d.bid.length);
    assert.equal(d.auction.length, d.bid.length);
    assert.equal(d.bid[0]!.length, 4094);
    assert.equal(d.auction[0]!.length, 267);
    assert.equal(d.person[0]!.length, 89);
  });

  test('ids are sequential like Nexmark GeneratorConfig', () => {
    assert.equal(lastBase0PersonId(0), 0);
    assert.equal(lastBase0PersonId(49), 0);
    assert.equal(lastBase0PersonId(50), 1);
    assert.equal(lastBase0AuctionId(1), 0);
    assert.equal(lastBase0AuctionId(3), 2);
    assert.equal(lastBase0AuctionId(10), 2);
    assert.equal(lastBase0AuctionId(51), 3);
    const d = generateNexmark({ events: 20_000, seed: 3 });
    const persons = rows(d.person);
    persons.forEach((p, i) => assert.equal(p[P.id], BigInt(FIRST_PERSON_ID + i)));
    const auctions = rows(d.auction);
    auctions.forEach((a, i) => assert.equal(a[A.id], BigInt(FIRST_AUCTION_ID + i)));
  });

  test('field types and ranges', () => {
    const d = generateNexmark({ events: 50_000, seed: 11 });
    const persons = rows(d.person);
    const auctions = rows(d.auction);
    const bids = rows(d.bid);
    for (const p of persons) {
      assert.equal(p.length, PERSON_COLUMNS.length);
      assert.ok((US_STATES as readonly string[]).includes(p[P.state] as string));
      assert.equal(typeof p[P.name], 'string');
      assert.match(p[P.emailAddress] as string, /@.*\.com$/);
      assert.equal(typeof p[P.dateTime], 'bigint');
    }
    const maxPerson = BigInt(FIRST_PERSON_ID + persons.length + 10);
    const maxAuction = BigInt(FIRST_AUCTION_ID + auctions.length + 10);
    let hotHits = 0;
    const auctionCounts = new Map<bigint, number>();
    for (const a of auctions) {
      assert.equal(a.length, AUCTION_COLUMNS.length);
      const cat = a[A.category] as bigint;
      assert.ok(cat >= 10n && cat <= 14n, `category ${cat}`);
      const seller = a[A.seller] as bigint;
      assert.ok(seller >= BigInt(FIRST_PERSON_ID) && seller <= maxPerson);
      assert.ok((a[A.reserve] as bigint) > (a[A.initialBid] as bigint));
      assert.ok((a[A.expires] as bigint) > (a[A.dateTime] as bigint));
      // Timestamps are whole milliseconds (TIMESTAMP(3)).
      assert.equal((a[A.dateTime] as bigint) % 1000n, 0n);
    }
    let prevTs = 0n;
    for (const b of bids) {
      assert.equal(b.length, BID_COLUMNS.length);
      const price = b[B.price] as bigint;
      assert.ok(price >= 100n && price <= 100_000_000n, `price ${price}`);
      const auction = b[B.auction] as bigint;
      assert.ok(auction >= BigInt(FIRST_AUCTION_ID) && auction <= maxAuction);
      auctionCounts.set(auction, (auctionCounts.get(auction) ?? 0) + 1);
      const bidder = b[B.bidder] as bigint;
      assert.ok(bidder >= BigInt(FIRST_PERSON_ID) && bidder <= maxPerson);
      if ((auction - BigInt(FIRST_AUCTION_ID)) % 100n === 0n) hotHits++;
      const ts = b[B.dateTime] as bigint;
      assert.ok(ts >= prevTs, 'event time never goes back');
      prevTs = ts;
      assert.equal(typeof b[B.channel], 'string');
      assert.match(b[B.url] as string, /^https:\/\/www\.nexmark\.com\//);
    }
    // About half of the bids go to hot auctions (hotAuctionRatio = 2).
    const hotShare = hotHits / bids.length;
    assert.ok(hotShare > 0.45 && hotShare < 0.6, `hot share ${hotShare}`);
    // Event time: 10 000 events per second from the base time.
    assert.equal(bids[0]![B.dateTime], BigInt(DEFAULT_BASE_TIME_MS) * 1000n);
    const last = bids[bids.length - 1]![B.dateTime] as bigint;
    assert.equal(last, BigInt(DEFAULT_BASE_TIME_MS + Math.floor((50_000 - 1) / 10)) * 1000n);
  });
});
