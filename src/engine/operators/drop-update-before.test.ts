import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { T } from '../../core/types.js';
import { formatChangelog, parseChangelog } from '../../testing/changelog.js';
import { DropUpdateBeforeOperator } from './drop-update-before.js';

const TYPES = [T.int(), T.string()];

describe('DropUpdateBeforeOperator', () => {
  test('removes -U and keeps +I, +U, -D in order', () => {
    const op = new DropUpdateBeforeOperator();
    const out = new ChangeBatch();
    op.process(0, parseChangelog('+I 1 a\n-U 1 a\n+U 1 b\n-U 1 b\n-D 1 b\n+I 2 c', TYPES), out);
    op.process(0, parseChangelog('-U 2 c', TYPES), out);
    op.finishBatch(out);
    assert.equal(formatChangelog(out, TYPES), '+I 1 a\n+U 1 b\n-D 1 b\n+I 2 c');
    assert.equal(op.stateSize(), 0);
  });
});
