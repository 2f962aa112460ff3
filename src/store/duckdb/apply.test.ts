import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, isAccumulate, type RowKind } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import { compareRows, keyOf, rowEquals, rowKey, type Key, type Row } from '../../core/values.js';
import { Rng } from '../../testing/changelog.js';
import type { TableChanges } from '../api.js';
import { consolidateByKey, consolidateMultiset, integralRange } from './apply.js';
import { column, tableDef } from './test-support.js';
import { DuckDbWarehouse } from './warehouse.js';

describe('consolidateByKey', () => {
  test('the last change of a key wins; retractions become deletes', () => {
    const b = ChangeBatch.of(
      [INSERT, [1n, 'a']],
      [INSERT, [2n, 'b']],
      [UPDATE_BEFORE, [1n, 'a']],
      [UPDATE_AFTER, [1n, 'a2']],
      [DELETE, [2n, 'b']],
      [INSERT, [3n, 'c']],
    );
    const c = consolidateByKey(b, [0]);
    assert.deepEqual([...c.picks], [3, 4, 5]);
    assert.deepEqual([...c.ops], [0, 1, 0]);
    assert.equal(c.upserts, 2);
  });

  test('no repeated keys: every change in order', () => {
    const c = consolidateByKey(ChangeBatch.of([INSERT, [1, 'x', 1]], [DELETE, [1, 'y', 1]], [INSERT, [2, 'x', 1]]), [0, 1]);
    assert.deepEqual([...c.picks], [0, 1, 2]);
    assert.deepEqual([...c.ops], [0, 1, 0]);
  });

  test('bigint keys beyond 2^53 stay distinct', () => {
    const big = 2n ** 60n;
    const c = consolidateByKey(ChangeBatch.of([INSERT, [big]], [INSERT, [big + 1n]], [DELETE, [big]]), [0]);
    assert.deepEqual([...c.picks].sort(), [1, 2]);
  });

  test('Decimal keys compare by value', () => {
    const c = consolidateByKey(ChangeBatch.of([INSERT, [new Decimal(10n, 1)]], [INSERT, [new Decimal(100n, 2)]]), [0]);
    assert.deepEqual([...c.picks], [1]);
  });
});

describe('consolidateMultiset', () => {
  test('a retraction cancels a pending append of the same row, else deletes an existing one', () => {
    const b = ChangeBatch.of(
      [INSERT, [1, 'a']],
      [DELETE, [1, 'a']], // cancels the append
      [DELETE, [1, 'a']], // deletes an existing copy
      [DELETE, [2, null]],
      [UPDATE_BEFORE, [2, null]],
      [INSERT, [2, null]], // appended after the deletes
      [INSERT, [3, 'c']],
    );
    const c = consolidateMultiset(b);
    assert.deepEqual([...c.appends], [5, 6]);
    assert.deepEqual([...c.deletePicks], [0, 3], 'one representative change per distinct row');
    assert.deepEqual([...c.deleteCounts], [1, 2]);
  });
});

// ---------------------------------------------------------------------------
// Property tests: random changelogs in random batch splits against a model
// ---------------------------------------------------------------------------

const KEYED_COLUMNS = [
  column('k1', T.bigint()),
  column('k2', T.string()),
  column('v', T.string()),
  column('amount', T.decimal(12, 3)),
  column('at', T.timestamp(6)),
];

function randomValueRow(rng: Rng, k1: bigint, k2: string): Row {
  const v = rng.chance(0.2) ? null : rng.pick(['x', 'y', 'z', '', '𝄞']) + rng.int(5);
  const amount = rng.chance(0.2) ? null : new Decimal(BigInt(rng.range(-99999, 99999)), 3);
  const at = rng.chance(0.2) ? null : BigInt(rng.range(-1_000_000, 1_000_000)) * 1_000_003n;
  return [k1, k2, v, amount, at];
}

/** Splits `n` items into consecutive batch sizes (some empty). */
function randomSplit(rng: Rng, n: number): number[] {
  const sizes: number[] = [];
  let left = n;
  while (left > 0) {
    const s = rng.chance(0.1) ? 0 : Math.min(left, rng.range(1, Math.max(1, Math.ceil(n / 2))));
    sizes.push(s);
    left -= s;
  }
  return sizes;
}

function sortRows(rows: readonly Row[]): Row[] {
  return [...rows].sort(compareRows);
}

function assertSameRows(got: readonly Row[], expected: readonly Row[], seed: number): void {
  const g = sortRows(got);
  const e = sortRows(expected);
  assert.equal(g.length, e.length, `seed ${seed}: ${g.length} rows, expected ${e.length}`);
  for (let i = 0; i < g.length; i++) {
    assert.ok(rowEquals(g[i]!, e[i]!), `seed ${seed}: row ${i}: got [${g[i]!.map(String).join(', ')}], expected [${e[i]!.map(String).join(', ')}]`);
  }
}

/** Applies `changes` (kind, row) in random batch splits; sometimes two batches in one apply call. */
async function applyInSplits(
  w: DuckDbWarehouse,
  rng: Rng,
  database: string,
  table: string,
  changes: readonly [RowKind, Row][],
): Promise<number> {
  const sizes = randomSplit(rng, changes.length);
  let at = 0;
  let calls = 0;
  let pending: TableChanges[] = [];
  for (const size of sizes) {
    const batch = new ChangeBatch();
    for (let i = 0; i < size; i++) batch.push(changes[at + i]![0], changes[at + i]![1]);
    at += size;
    pending.push({ database, table, batch });
    if (pending.length >= 2 || rng.chance(0.7)) {
      await w.apply(pending, { writer: 'prop', position: String(at) });
      calls++;
      pending = [];
    }
  }
  if (pending.length > 0) {
    await w.apply(pending, { writer: 'prop', position: String(at) });
    calls++;
  }
  return calls;
}

describe('apply property tests', () => {
  test('PRIMARY KEY: 200 seeded changelogs in random batch splits end in the model state', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('p', false);
      let applies = 0;
      for (let seed = 1; seed <= 200; seed++) {
        const rng = new Rng(seed);
        const compositeKey = seed % 2 === 0;
        const name = `t${seed}`;
        await w.createTable(tableDef('p', name, KEYED_COLUMNS, 'PRIMARY', compositeKey ? ['k1', 'k2'] : ['k1']), false);
        const keyIdx = compositeKey ? [0, 1] : [0];
        const model = new Map<Key, Row>();
        const changes: [RowKind, Row][] = [];
        const length = rng.range(0, 60);
        const keySpace = rng.range(1, 12);
        for (let i = 0; i < length; i++) {
          const k1 = BigInt(rng.int(keySpace)) * (rng.chance(0.1) ? 2n ** 58n : 1n);
          const k2 = compositeKey ? rng.pick(['a', 'b']) : 'same';
          const row = randomValueRow(rng, k1, k2);
          const key = keyOf(row, keyIdx);
          const r = rng.next();
          let kind: RowKind;
          if (r < 0.35) kind = INSERT;
          else if (r < 0.6) kind = UPDATE_AFTER;
          else if (r < 0.8) kind = DELETE;
          else kind = UPDATE_BEFORE;
          changes.push([kind, row]);
          if (isAccumulate(kind)) model.set(key, row);
          else model.delete(key);
        }
        applies += await applyInSplits(w, rng, 'p', name, changes);
        const got = (await w.query(`SELECT * FROM p.${name}`)).rows;
        assertSameRows(got, [...model.values()], seed);
        if (changes.length > 0) assert.equal(w.position('p', name)?.position, String(changes.length), `seed ${seed}: position`);
      }
      assert.ok(applies >= 200);
    } finally {
      await w.close();
    }
  });

  test('DUPLICATE KEY: 200 seeded changelogs in random batch splits end in the model multiset', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('d', false);
      for (let seed = 1; seed <= 200; seed++) {
        const rng = new Rng(10_000 + seed);
        const name = `t${seed}`;
        await w.createTable(tableDef('d', name, KEYED_COLUMNS, 'DUPLICATE', ['k1']), false);
        // A small pool of rows (with NULLs) so that retractions hit existing copies.
        const pool: Row[] = [];
        for (let i = 0; i < rng.range(1, 6); i++) pool.push(randomValueRow(rng, BigInt(rng.int(3)), rng.pick(['a', 'b'])));
        const model = new Map<Key, { row: Row; count: number }>();
        const changes: [RowKind, Row][] = [];
        const length = rng.range(0, 60);
        for (let i = 0; i < length; i++) {
          const row = rng.pick(pool);
          const key = rowKey(row);
          const kind: RowKind = rng.pick([INSERT, INSERT, UPDATE_AFTER, DELETE, UPDATE_BEFORE]);
          changes.push([kind, row]);
          const e = model.get(key);
          if (isAccumulate(kind)) {
            if (e === undefined) model.set(key, { row, count: 1 });
            else e.count++;
          } else if (e !== undefined) {
            if (--e.count === 0) model.delete(key);
          }
        }
        await applyInSplits(w, rng, 'd', name, changes);
        const expected: Row[] = [];
        for (const { row, count } of model.values()) for (let i = 0; i < count; i++) expected.push(row);
        assertSameRows((await w.query(`SELECT * FROM d.${name}`)).rows, expected, seed);
      }
    } finally {
      await w.close();
    }
  });

  test('PRIMARY KEY: large batches cross data-chunk boundaries (2048 rows)', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('p', false);
      await w.createTable(tableDef('p', 'big', KEYED_COLUMNS, 'PRIMARY', ['k1']), false);
      const rng = new Rng(7);
      const model = new Map<Key, Row>();
      for (let round = 0; round < 3; round++) {
        const batch = new ChangeBatch();
        for (let i = 0; i < 5000; i++) {
          const k = BigInt(rng.int(6000));
          const row = randomValueRow(rng, k, 's');
          const kind: RowKind = rng.chance(0.25) ? DELETE : INSERT;
          batch.push(kind, row);
          if (kind === DELETE) model.delete(k);
          else model.set(k, row);
        }
        await w.apply([{ database: 'p', table: 'big', batch }], null);
      }
      assertSameRows((await w.query('SELECT * FROM p.big')).rows, [...model.values()], 7);
    } finally {
      await w.close();
    }
  });
});

describe('PRIMARY KEY append fast path (insert-only batches of new keys)', () => {
  test('integralRange: min and max of the picked keys; null for NULL or non-integer keys', () => {
    const rows: Row[] = [[5n], [-3n], [2n ** 60n], [7]];
    assert.deepEqual(integralRange(rows, [0, 1, 2, 3], 0), { min: '-3', max: String(2n ** 60n) });
    assert.deepEqual(integralRange(rows, [3], 0), { min: '7', max: '7' });
    assert.equal(integralRange([[1n], [null]], [0, 1], 0), null);
    assert.equal(integralRange([[1.5]], [0], 0), null);
    assert.equal(integralRange([], [], 0), null);
  });

  test('new keys are appended; an insert of a stored key still upserts (no duplicate key)', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('p', false);
      for (const keyType of [T.bigint(false), T.int(false)]) {
        const name = keyType.kind === 'BIGINT' ? 'big' : 'small';
        await w.createTable(tableDef('p', name, [column('k', keyType), column('v', T.string())], 'PRIMARY', ['k']), false);
        const key = (i: number): bigint | number => (keyType.kind === 'BIGINT' ? BigInt(i) : i);
        const model = new Map<number, string>();
        const insertBatch = (ids: readonly number[], tag: string): ChangeBatch => {
          const b = new ChangeBatch();
          for (const i of ids) {
            b.push(INSERT, [key(i), `${tag}${i}`]);
            model.set(i, `${tag}${i}`);
          }
          return b;
        };
        const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
        const steps: ChangeBatch[] = [
          insertBatch(range(1, 3000), 'a'), // empty table: appended (crosses 2048-row chunks)
          insertBatch(range(3001, 3100), 'b'), // above every stored key: appended
          insertBatch(range(-50, -1), 'c'), // below every stored key: appended
          insertBatch([2990, 3200, 3201], 'd'), // 2990 is stored: the merge upserts it
          insertBatch([3150, 3150, 3160], 'e'), // a gap between stored keys, a key twice in the batch: the last wins
          insertBatch([1], 'f'), // one stored key
        ];
        // A delete in the batch takes the merge too.
        const mixed = new ChangeBatch();
        mixed.push(INSERT, [key(5000), 'g5000']);
        mixed.push(DELETE, [key(2), 'a2']);
        model.set(5000, 'g5000');
        model.delete(2);
        steps.push(mixed);
        for (const b of steps) await w.apply([{ database: 'p', table: name, batch: b }], null);
        const got = (await w.query(`SELECT k, v FROM p.${name}`)).rows;
        const dupes = (await w.query(`SELECT count(*) - count(DISTINCT k) FROM p.${name}`)).rows[0]![0];
        assert.equal(Number(dupes), 0, `${name}: no key twice`);
        const expected: Row[] = [...model].map(([k, v]) => [key(k), v]);
        assertSameRows(got, expected, 0);
      }
    } finally {
      await w.close();
    }
  });
});
