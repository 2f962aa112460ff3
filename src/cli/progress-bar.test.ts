import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SourceProgress } from '../engine/connector.js';
import { renderProgressBar } from './progress-bar.js';

const snap = (rowsRead: number, rowsEstimated: number | null, tablesDone = 0, tablesTotal = 2): SourceProgress => ({
  phase: 'snapshot',
  tablesTotal,
  tablesDone,
  rowsRead,
  rowsEstimated,
});

describe('renderProgressBar', () => {
  test('a known estimate gives a filled bar, a percentage and the counts', () => {
    const line = renderProgressBar(snap(450_123, 1_000_000, 1), { label: 'orders', width: 100 });
    assert.equal(line, 'orders snapshot [################.....................]   45%  450,123 / ~1,000,000 rows  1/2 tables');
  });

  test('past the estimate the percentage stays at 99 until the stream phase', () => {
    const line = renderProgressBar(snap(1_200, 1_000), { width: 80 });
    assert.match(line, / 99% /);
    assert.doesNotMatch(line, /100%/);
    assert.equal(renderProgressBar({ phase: 'stream', tablesTotal: 2, tablesDone: 2, rowsRead: 1_200, rowsEstimated: 1_000 }, { label: 'orders' }), 'orders streaming  1,200 rows snapshotted  2/2 tables');
  });

  test('without an estimate the bar is indeterminate and moves with the frame', () => {
    const a = renderProgressBar(snap(12_345, null, 0, 1), { width: 60, frame: 0 });
    const b = renderProgressBar(snap(12_345, null, 0, 1), { width: 60, frame: 5 });
    assert.match(a, /^snapshot \[<=> +\]  12,345 rows  0\/1 table$/);
    assert.notEqual(a, b);
    assert.equal(a.length, b.length);
  });

  test('the line never exceeds the width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.option(fc.integer({ min: 0, max: 1e9 })),
        fc.integer({ min: 1, max: 300 }),
        fc.string({ maxLength: 60 }),
        fc.integer(),
        (rows, est, width, label, frame) => {
          const line = renderProgressBar(snap(rows, est), { width, label, frame });
          assert.ok(line.length <= Math.max(20, width), `${line.length} > ${width}: ${line}`);
        },
      ),
    );
  });
});
