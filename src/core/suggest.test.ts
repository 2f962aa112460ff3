import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestMatch, editDistance } from './suggest.js';

test('edit distance, exact and bounded', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
  assert.equal(editDistance('kitten', 'sitting', 1), 2, 'past the bound it answers max + 1');
  assert.equal(editDistance('a', 'abcdef', 2), 3);
});

test('closest match: nearest first, within the caller’s limit, case as asked', () => {
  const limit = (): number => 2;
  assert.equal(closestMatch('SELEC', ['SELECT', 'INSERT'], { limit }), 'SELECT');
  assert.equal(closestMatch('selec', ['SELECT', 'INSERT'], { limit }), undefined, 'case matters by default');
  assert.equal(closestMatch('selec', ['SELECT', 'INSERT'], { ignoreCase: true, limit }), 'SELECT');
  assert.equal(closestMatch('zzzzzz', ['SELECT'], { limit }), undefined);
  assert.equal(closestMatch('ab', ['ax', 'ay'], { limit }), 'ax', 'ties keep the first');
  assert.equal(closestMatch('x', [], { limit }), undefined);
});
