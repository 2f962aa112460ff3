import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import { formatChangelog, parseChangelog } from '../../testing/changelog.js';
import { UnionOperator } from './union.js';

const TYPES = [T.int(), T.string()];

describe('UnionOperator', () => {
  test('passes every change of every port through unchanged, in call order', () => {
    const op = new UnionOperator();
    const a = parseChangelog('+I 1 a\n-U 1 a\n+U 1 b', TYPES);
    const b = parseChangelog('-D 2 null\n+I 3 c', TYPES);
    const c = parseChangelog('+I 4 d', TYPES);
    const out = new ChangeBatch();
    op.process(0, a, out);
    op.process(1, b, out);
    op.process(2, c, out);
    op.finishBatch(out);
    assert.equal(formatChangelog(out, TYPES), '+I 1 a\n-U 1 a\n+U 1 b\n-D 2 null\n+I 3 c\n+I 4 d');
    assert.equal(out.rows[0], a.rows[0], 'rows are shared, not copied');
    assert.equal(a.length, 3, 'the input batch is left as it was');
  });

  test('has no state', () => {
    const op = new UnionOperator();
    op.process(0, parseChangelog('+I 1 a', TYPES), new ChangeBatch());
    assert.equal(op.stateSize(), 0);
    assert.equal(op.snapshotState(), null);
  });
});
