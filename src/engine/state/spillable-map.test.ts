import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Key } from '../../core/values.js';
import type { StateValue } from './codec.js';
import { SpillableMap, type SpillCodec } from './spillable-map.js';
import { SpillStore } from './spill-store.js';
import { StateBudget } from './state-budget.js';

interface Counter {
  n: number;
}

const CODEC: SpillCodec<Counter> = {
  encode: (v) => [v.n],
  decode: (_k, s) => ({ n: (s as readonly StateValue[])[0] as number }),
  weigh: () => 100,
  rows: (v) => v.n,
};

const store = new SpillStore();
after(() => store.close());

function make(limitBytes: number): { map: SpillableMap<Counter>; budget: StateBudget } {
  const budget = new StateBudget({ limitBytes, store });
  return { map: new SpillableMap(CODEC, { budget, label: 'test map' }), budget };
}

function statesOf(map: SpillableMap<Counter>): Map<Key, StateValue> {
  const out = new Map<Key, StateValue>();
  for (const [k, s] of map.states()) {
    assert.equal(out.has(k), false, `key ${String(k)} listed twice`);
    out.set(k, s);
  }
  return out;
}

describe('SpillableMap', () => {
  test('past the budget entries go to disk and come back on get, mutations kept', () => {
    const { map, budget } = make(1000);
    for (let i = 0; i < 100; i++) map.set(i, { n: 1 });
    budget.check();
    assert.equal(map.size, 100);
    assert.ok(map.hotSize <= 10, `${map.hotSize} entries in memory with room for 10`);
    assert.equal(map.hotRows() + map.spilledRows(), 100);
    for (let i = 0; i < 100; i += 7) map.get(i)!.n += i;
    budget.check();
    for (let i = 0; i < 100; i++) assert.equal(map.get(i)?.n, 1 + (i % 7 === 0 ? i : 0), `key ${i}`);
    assert.equal(map.get(100), undefined);
    assert.equal(map.get('0'), undefined, 'keys are compared as Map keys');
    assert.equal(statesOf(map).size, 100);
  });

  test('a deleted key stays deleted although its disk copy is removed only later', () => {
    const { map, budget } = make(500);
    for (let i = 0; i < 50; i++) map.set(`k${i}`, { n: i });
    budget.check();
    assert.ok(map.spilledRows() > 0);
    // Read back from disk (the disk copy stays), then deleted in memory.
    assert.equal(map.get('k3')?.n, 3);
    map.delete('k3');
    assert.equal(map.get('k3'), undefined);
    assert.equal(map.size, 49);
    const s = statesOf(map);
    assert.equal(s.has('k3'), false, 'not in the snapshot');
    assert.equal(s.size, 49);
    // Re-created, evicted again: the new value wins.
    map.set('k3', { n: 333 });
    for (let i = 0; i < 50; i++) if (i !== 3) map.get(`k${i}`);
    budget.check();
    assert.equal(map.get('k3')?.n, 333);
  });

  test('recently used entries stay in memory', () => {
    const { map, budget } = make(2000);
    for (let i = 0; i < 15; i++) map.set(i, { n: 1 });
    budget.check(); // first eviction: oldest first; recency is tracked from now on
    for (let round = 0; round < 20; round++) {
      map.get(0);
      map.get(1);
      for (let i = 0; i < 10; i++) map.set(1000 * (round + 1) + i, { n: 1 });
      budget.check();
    }
    assert.ok(map.hotSize < 50, `${map.hotSize} of ${map.size} entries in memory`);
    // Keys 0 and 1 were used every round: still in memory (no disk read needed).
    const before = map.spilledRows();
    map.get(0);
    map.get(1);
    assert.equal(map.spilledRows(), before, 'keys 0 and 1 were hot');
  });

  test('clear() empties both tiers', () => {
    const { map, budget } = make(300);
    for (let i = 0; i < 40; i++) map.set(i, { n: 1 });
    budget.check();
    map.clear();
    assert.equal(map.size, 0);
    assert.equal(map.get(5), undefined);
    assert.equal(statesOf(map).size, 0);
  });
});
