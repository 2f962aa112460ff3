/**
 * KeyedMultiset against a reference: the straightforward layout it replaced (per group,
 * a Map from `rowKey(row)` — or `keyOf(row, uniqueKey)` — to the entry, in Map
 * insertion order). Random adds, finds and removals over groups that grow long enough to
 * get fingerprints, hash indexes and every index level (values chosen so that the
 * fingerprint field repeats and long strings agree on their sampled characters), with
 * SQL-equal but not identical copies of rows (0 / -0, NaN, DECIMAL scales, byte copies),
 * holes and compaction, and snapshot / restore. After every operation the group's
 * entries (order, rows, counts, matches), `size` and `groupCount` must agree, and
 * snapshots must encode to the same bytes.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { keyOf, rowKey, type Key, type Row, type Value } from '../../core/values.js';
import { Rng } from '../../testing/changelog.js';
import { decodeState, encodeState } from './codec.js';
import { KeyedMultiset, type KeyedEntry } from './keyed-multiset.js';

interface RefEntry {
  readonly row: Row;
  count: number;
  matches: number;
}

/** The reference: entries keyed by their string encoding. */
class Reference {
  readonly groups = new Map<Key, Map<Key, RefEntry>>();
  readonly #uk: readonly number[] | null;
  size = 0;

  constructor(uk: readonly number[] | null) {
    this.#uk = uk;
  }

  entryKey(row: Row): Key {
    return this.#uk === null ? rowKey(row) : keyOf(row, this.#uk);
  }

  find(key: Key, row: Row): RefEntry | undefined {
    return this.groups.get(key)?.get(this.entryKey(row));
  }

  add(key: Key, row: Row): RefEntry {
    let g = this.groups.get(key);
    if (g === undefined) {
      g = new Map();
      this.groups.set(key, g);
    }
    const k = this.entryKey(row);
    let e = g.get(k);
    if (e === undefined) {
      e = { row, count: 1, matches: 0 };
      g.set(k, e);
    } else e.count++;
    this.size++;
    return e;
  }

  removeOne(key: Key, row: Row): void {
    const g = this.groups.get(key)!;
    const k = this.entryKey(row);
    const e = g.get(k)!;
    this.size--;
    if (--e.count > 0) return;
    g.delete(k);
    if (g.size === 0) this.groups.delete(key);
  }

  snapshot(): Map<Key, [Row, number, number][]> {
    const out = new Map<Key, [Row, number, number][]>();
    for (const [key, g] of this.groups) out.set(key, [...g.values()].map((e) => [e.row, e.count, e.matches]));
    return out;
  }
}

/** Strings of one length that agree on the characters a cheap hash reads (first, middle, last). */
function lookalike(rng: Rng, family: number): string {
  const n = 41;
  const cs: string[] = [];
  for (let i = 0; i < n; i++) cs.push('m');
  cs[0] = String.fromCharCode(97 + family);
  // Differ only away from the first, middle and last characters.
  for (let k = 0; k < 2; k++) cs[1 + rng.int(18)] = String.fromCharCode(97 + rng.int(4));
  return cs.join('');
}

const DECIMALS = ['1.5', '1.50', '-0.25', '0', '0.000', '12345678901234567890.1'];

/** One field value; a small domain per field so that rows repeat and fields collide. */
function randomValue(rng: Rng, field: number, phase: number): Value {
  if (rng.chance(0.04)) return null;
  switch (field) {
    case 1: {
      // The fingerprint's likely field: distinct at first, then mostly the same value.
      if (phase === 0) return rng.int(1000);
      return rng.pick<Value>([7, 7, 7, 8, NaN, -0, 0, 2.5]);
    }
    case 2:
      return rng.pick<Value>([1n, 2n, -3n, 2n ** 70n, true, false]);
    case 3:
      return rng.chance(0.8) ? lookalike(rng, rng.int(2)) : rng.pick(['', 'a', 'bb', 'a\u0000b']);
    default:
      return rng.chance(0.5) ? Decimal.parse(rng.pick(DECIMALS))! : new Uint8Array(rng.pick([[], [1], [1, 2], [0]]));
  }
}

/** An SQL-equal copy of a value that is not the same JS value where that is possible. */
function equalCopy(v: Value): Value {
  if (typeof v === 'number') return v === 0 ? (Object.is(v, -0) ? 0 : -0) : v;
  if (typeof v === 'bigint') return BigInt(v.toString());
  if (v instanceof Decimal) return Decimal.parse(v.toString() + (v.toString().includes('.') ? '0' : '.0'))!;
  if (v instanceof Uint8Array) return new Uint8Array(v);
  return v;
}

function randomRow(rng: Rng, group: number, phase: number): Row {
  return [group, randomValue(rng, 1, phase), randomValue(rng, 2, phase), randomValue(rng, 3, phase), randomValue(rng, 4, phase)];
}

function liveEntries(s: KeyedMultiset, key: Key): KeyedEntry[] {
  const g = s.group(key);
  if (g === undefined) return [];
  const out: KeyedEntry[] = [];
  for (const e of g.entries) if (e !== null) out.push(e);
  assert.equal(out.length, g.size, 'group.size counts the live entries');
  return out;
}

function runCase(seed: number, unique: boolean): number {
  const rng = new Rng(seed);
  const uk = unique ? rng.pick<readonly number[]>([[1], [3], [1, 2], [2, 3]]) : null;
  let sut = new KeyedMultiset(uk);
  const ref = new Reference(uk);
  const groups = 1 + rng.int(3);
  const ops = 150 + rng.int(300);
  const log: string[] = [];
  const fail = (what: string): never => assert.fail(`seed ${seed} (unique key ${JSON.stringify(uk)}): ${what}\nlast operations:\n${log.slice(-12).join('\n')}`);

  const check = (key: Key): void => {
    const got = liveEntries(sut, key);
    const want = [...(ref.groups.get(key)?.values() ?? [])];
    if (got.length !== want.length) fail(`group ${String(key)} has ${got.length} entries, expected ${want.length}`);
    for (let i = 0; i < want.length; i++) {
      const a = got[i]!;
      const b = want[i]!;
      if (a.row !== b.row || a.count !== b.count || a.matches !== b.matches) {
        fail(`group ${String(key)} entry ${i}: got ${rowKey(a.row)} ×${a.count} (${a.matches}), expected ${rowKey(b.row)} ×${b.count} (${b.matches})`);
      }
    }
    if (sut.size !== ref.size) fail(`size ${sut.size}, expected ${ref.size}`);
    if (sut.groupCount !== ref.groups.size) fail(`groupCount ${sut.groupCount}, expected ${ref.groups.size}`);
  };

  for (let step = 0; step < ops; step++) {
    const phase = step < 40 ? 0 : 1;
    const key: Key = rng.int(groups);
    const op = rng.int(10);
    const present = [...(ref.groups.get(key)?.values() ?? [])];
    if (op < 5 || present.length === 0) {
      // Add: a new row, or an equal copy of a present one.
      const row = present.length > 0 && rng.chance(0.3) ? rng.pick(present).row.map(equalCopy) : randomRow(rng, key as number, phase);
      log.push(`add ${String(key)} ${rowKey(row)}`);
      const old = ref.find(key, row);
      if (uk !== null && old !== undefined) {
        // Unique key: the caller replaces the present row.
        const e = sut.find(key, row);
        if (e === undefined || e.row !== old.row) fail(`find by unique key missed ${rowKey(old.row)}`);
        for (let c = old.count; c > 0; c--) sut.removeOne(key, e!);
        const oldRow = old.row;
        for (let c = old.count; c > 0; c--) ref.removeOne(key, oldRow);
      }
      const m = rng.int(5);
      sut.add(key, row).matches = m;
      ref.add(key, row).matches = m;
    } else if (op < 8) {
      // Remove one copy of a present row, found through an equal copy.
      const target = rng.pick(present);
      const probe = target.row.map(equalCopy);
      log.push(`remove ${String(key)} ${rowKey(probe)}`);
      const e = sut.find(key, probe);
      if (e === undefined || e.row !== target.row) fail(`find missed ${rowKey(target.row)}`);
      sut.removeOne(key, e!);
      ref.removeOne(key, target.row);
    } else if (op < 9) {
      // Look up a random row (usually absent).
      const row = randomRow(rng, key as number, phase);
      log.push(`find ${String(key)} ${rowKey(row)}`);
      const a = sut.find(key, row);
      const b = ref.find(key, row);
      if ((a === undefined) !== (b === undefined) || (a !== undefined && a.row !== b!.row)) {
        fail(`find ${rowKey(row)}: got ${a === undefined ? 'nothing' : rowKey(a.row)}, expected ${b === undefined ? 'nothing' : rowKey(b.row)}`);
      }
    } else {
      const bytes = encodeState(sut.snapshot());
      if (!Buffer.from(bytes).equals(Buffer.from(encodeState(ref.snapshot())))) fail('snapshots differ');
      if (rng.chance(0.3)) {
        // Restore into a fresh multiset; the reference keeps its (decoded-equal) rows.
        log.push('snapshot / restore');
        sut = new KeyedMultiset(uk);
        sut.restore(decodeState(bytes), 'test state');
        // Decoded rows are new objects: swap the reference's rows for them so identity checks still work.
        const decoded = sut.snapshot() as Map<Key, [Row, number, number][]>;
        ref.groups.clear();
        ref.size = 0;
        for (const [k, entries] of decoded) {
          for (const [row, count, matches] of entries) {
            for (let c = 0; c < count; c++) ref.add(k, row);
            ref.find(k, row)!.matches = matches;
          }
        }
      }
    }
    check(key);
  }
  for (let k = 0; k < groups; k++) check(k);
  return ops;
}

describe('KeyedMultiset: equals the row-keyed reference', () => {
  test('multiset mode, 150 seeded cases', () => {
    let ops = 0;
    for (let i = 0; i < 150; i++) ops += runCase(1_000 + i, false);
    assert.ok(ops > 150 * 150);
  });

  test('unique-key mode, 150 seeded cases', () => {
    let ops = 0;
    for (let i = 0; i < 150; i++) ops += runCase(2_000 + i, true);
    assert.ok(ops > 150 * 150);
  });

  test('a long group of distinct rows that agree on every sampled character stays correct', () => {
    // Every row has the same fingerprint field and cheap string hash: the index must
    // escalate to whole-string hashing, and still find each row and no other.
    const s = new KeyedMultiset(null);
    const rows: Row[] = [];
    for (let i = 0; i < 200; i++) {
      const cs = new Array<string>(41).fill('m');
      cs[3] = String.fromCharCode(97 + (i % 26));
      cs[7] = String.fromCharCode(97 + Math.floor(i / 26));
      rows.push([1n, 5, cs.join('')]);
    }
    for (const r of rows) s.add(0, r);
    for (const r of rows) s.add(0, r.slice());
    assert.equal(s.size, 400);
    assert.equal(s.group(0)?.size, 200);
    for (const r of rows) assert.equal(s.find(0, r.slice())?.row, r);
    assert.equal(s.find(0, [1n, 5, 'm'.repeat(41)]), undefined);
    for (const r of rows.slice(0, 150)) {
      const e = s.find(0, r)!;
      s.removeOne(0, e);
      s.removeOne(0, e);
    }
    assert.deepEqual(
      [...s.group(0)!.entries].filter((e) => e !== null).map((e) => e!.row),
      rows.slice(150),
      'order kept through removals and compaction',
    );
  });
});
