import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { T } from '../types.js';
import type { Value } from '../values.js';
import { jsonExists, jsonValue } from './json.js';
import { call } from './test-helpers.js';

const S = T.string();
const DOC = '{"a": {"b": [10, 12345678901234567890, 1.50, true, null, "x\\u00e9\\"y"], "c": "text"}, "key with space": 1, "n": -0}';

describe('JSON_VALUE', () => {
  const cases: [string, string | null][] = [
    ['$.a.c', 'text'],
    ['$.a.b[0]', '10'],
    ['$.a.b[1]', '12345678901234567890'],
    ['$.a.b[2]', '1.5'],
    ['$.a.b[3]', 'true'],
    ['$.a.b[4]', null],
    ['$.a.b[5]', 'xé"y'],
    ['$.a.b[9]', null],
    ['$.a', null],
    ['$.a.b', null],
    ['$.missing', null],
    ['$."key with space"', '1'],
    ["$['key with space']", '1'],
    ['lax $.a.c', 'text'],
    ['$.n', '0'],
    ['a.c', null],
  ];
  for (const [path, want] of cases) {
    test(`${path} → ${want === null ? 'NULL' : `'${want}'`}`, () => assert.equal(jsonValue(DOC, path), want));
  }
  test('malformed JSON gives NULL', () => {
    assert.equal(jsonValue('{"a": 1', '$.a'), null);
    assert.equal(jsonValue('{"a": 1} x', '$.a'), null);
    assert.equal(jsonValue("{'a': 1}", '$.a'), null);
  });
  test('through the registry, NULL in NULL out', () => {
    const args: [Value, typeof S][] = [
      ['{"id": 7}', S],
      ['$.id', S],
    ];
    assert.equal(call('JSON_VALUE', args), '7');
    assert.equal(call('JSON_VALUE', [[null, S], ['$.id', S]]), null);
  });
  test('lax member access over arrays', () => {
    assert.equal(jsonValue('{"a": [{"b": 1}]}', '$.a.b'), '1');
  });
});

describe('JSON_EXISTS', () => {
  test('paths that select something', () => {
    assert.equal(jsonExists(DOC, '$.a.b[1]'), true);
    assert.equal(jsonExists(DOC, '$.a.z'), false);
    assert.equal(jsonExists(DOC, '$.a.b[*]'), true);
    assert.equal(jsonExists('nope', '$'), false);
    assert.equal(call('JSON_EXISTS', [[DOC, S], ['$.a.c', S]]), true);
  });
});
