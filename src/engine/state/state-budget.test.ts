import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../core/errors.js';
import { approxRowBytes, stateBudgetFromSetting, StateBudget, type SpillableTier } from './state-budget.js';

/** A tier that only counts: `bytes` in memory, evicts in 100-byte steps. */
class FakeTier implements SpillableTier {
  evicted = 0;
  busy = false;
  constructor(
    readonly label: string,
    public bytes: number,
  ) {}
  hotBytes(): number {
    return this.bytes;
  }
  hotRows(): number {
    return this.bytes / 100;
  }
  spilledRows(): number {
    return this.evicted / 100;
  }
  evictable(): boolean {
    return !this.busy && this.bytes > 0;
  }
  evict(bytes: number): number {
    const n = Math.min(this.bytes, Math.ceil(bytes / 100) * 100);
    this.bytes -= n;
    this.evicted += n;
    return n;
  }
}

describe('StateBudget', () => {
  test("'state.memory-budget': sizes with units, 'unlimited' and empty mean no budget, anything else is an error", async () => {
    const b = stateBudgetFromSetting('256mb');
    assert.equal(b?.limitBytes, 256 * 1024 * 1024);
    await b?.close();
    assert.equal(stateBudgetFromSetting('64 KB')?.limitBytes, 64 * 1024);
    assert.equal(stateBudgetFromSetting('1g')?.limitBytes, 1024 ** 3);
    assert.equal(stateBudgetFromSetting('4096')?.limitBytes, 4096);
    assert.equal(stateBudgetFromSetting(undefined), undefined);
    assert.equal(stateBudgetFromSetting('unlimited'), undefined);
    assert.equal(stateBudgetFromSetting(' '), undefined);
    for (const bad of ['12 parsecs', '-1mb', '0', '1.5gb']) {
      assert.throws(
        () => stateBudgetFromSetting(bad),
        (e: unknown) => e instanceof StrataError && e.code === 'SQL_VALIDATION' && e.message.includes(`'${bad}'`) && e.message.includes("'256mb'"),
        bad,
      );
    }
  });

  test('under the budget nothing is evicted; over it, the largest evictable tier goes first, down to 85%', async () => {
    const budget = new StateBudget({ limitBytes: 10_000 });
    const small = new FakeTier('small', 2_000);
    const large = new FakeTier('large', 7_000);
    budget.register(small);
    budget.register(large);
    budget.check();
    assert.equal(large.evicted + small.evicted, 0, 'under the budget');
    large.bytes = 9_000;
    budget.check();
    assert.equal(small.evicted, 0);
    assert.ok(budget.hotBytes() <= 8_500, `${budget.hotBytes()} bytes left`);
    assert.equal(large.evicted, 2_500);
    // A busy tier is skipped even when it is the largest.
    large.busy = true;
    small.bytes = 5_000;
    budget.check();
    assert.equal(large.evicted, 2_500);
    assert.ok(small.evicted > 0);
    const st = budget.stats();
    assert.equal(st.evictions, 2);
    assert.equal(st.tiers.length, 2);
    assert.equal(st.hotBytes, small.bytes + large.bytes);
    assert.equal(st.spilledRows, (small.evicted + large.evicted) / 100);
    await budget.close();
  });

  test('an unlimited budget never evicts', async () => {
    const budget = new StateBudget({ limitBytes: Infinity });
    const t = new FakeTier('t', 1e12);
    budget.register(t);
    budget.check();
    assert.equal(t.evicted, 0);
    assert.equal(budget.bounded, false);
    await budget.close();
  });

  test('row size estimates grow with the values', () => {
    assert.ok(approxRowBytes([1, 2]) < approxRowBytes([1, 'a string of some length']));
    assert.ok(approxRowBytes(['x'.repeat(100)]) >= 100);
  });
});
