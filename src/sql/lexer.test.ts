import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../core/errors.js';
import { tokenize, type Token } from './lexer.js';
import type { Dialect } from './parser.js';

/** `kind:value` of every token but eof. */
function kinds(text: string, dialect: Dialect = 'flink'): string[] {
  return tokenize(text, dialect)
    .filter((t) => t.kind !== 'eof')
    .map((t) => `${t.kind}:${t.value}`);
}

function lexError(text: string, dialect: Dialect = 'flink'): StrataError {
  try {
    tokenize(text, dialect);
  } catch (e) {
    assert.ok(e instanceof StrataError, `expected a StrataError, got ${String(e)}`);
    assert.equal(e.code, 'SQL_SYNTAX');
    return e;
  }
  assert.fail(`expected a syntax error for ${JSON.stringify(text)}`);
}

describe('lexer: words and identifiers', () => {
  test('words keep their case; upper is for keyword tests', () => {
    const [t] = tokenize('SeLeCt', 'flink');
    assert.equal(t?.kind, 'word');
    assert.equal(t?.value, 'SeLeCt');
    assert.equal(t?.upper, 'SELECT');
  });

  test('backticked identifiers, with `` as an escaped backtick', () => {
    assert.deepEqual(kinds('`a``b` `order id`'), ['quoted:a`b', 'quoted:order id']);
  });

  test('identifiers may contain digits, _, $ and non-ASCII letters', () => {
    assert.deepEqual(kinds('a1 _x $y 订单'), ['word:a1', 'word:_x', 'word:$y', 'word:订单']);
  });

  test('full-width and no-break spaces and a BOM are white space', () => {
    assert.deepEqual(kinds('\ufeffSELECT\u3000a,\u00a0b'), ['word:SELECT', 'word:a', 'op:,', 'word:b']);
  });

  test('qualified names are words separated by dots', () => {
    assert.deepEqual(kinds('`cat`.db.`t`'), ['quoted:cat', 'op:.', 'word:db', 'op:.', 'quoted:t']);
  });
});

describe('lexer: literals', () => {
  test('numbers: integers, decimals, leading dot, exponents', () => {
    assert.deepEqual(kinds('42 3.14 .5 1e3 1.5E-2 7.'), ['number:42', 'number:3.14', 'number:.5', 'number:1e3', 'number:1.5E-2', 'number:7.']);
  });

  test("flink strings: '' escapes a quote and backslash is literal", () => {
    assert.deepEqual(kinds("'it''s' 'a\\nb'"), ["string:it's", 'string:a\\nb']);
  });

  test('starrocks strings: double quotes and MySQL backslash escapes', () => {
    assert.deepEqual(kinds(`"x" 'a\\nb' 'q\\'s' "d\\"q" '\\\\' 'z\\0' "a""b"`, 'starrocks'), [
      'string:x',
      'string:a\nb',
      "string:q's",
      'string:d"q',
      'string:\\',
      'string:z\0',
      'string:a"b',
    ]);
  });

  test('starrocks keeps \\% and \\_ for LIKE', () => {
    assert.deepEqual(kinds("'a\\%b\\_'", 'starrocks'), ['string:a\\%b\\_']);
  });

  test('a string may span lines', () => {
    const toks = tokenize("'a\nb' x", 'flink');
    assert.equal(toks[0]?.value, 'a\nb');
    assert.equal(toks[1]?.line, 2);
    assert.equal(toks[1]?.column, 4);
  });

  test("binary literals X'..' keep the hex digits", () => {
    assert.deepEqual(kinds("X'0AFF' x''"), ['binary:0AFF', 'binary:']);
  });

  test('character set introducers are ignored', () => {
    assert.deepEqual(kinds("_utf8mb4'abc' _latin1\"d\"", 'starrocks'), ['string:abc', 'string:d']);
  });

  test('a double-quoted text in flink is an error that says what to use', () => {
    const e = lexError('SELECT "a"');
    assert.match(e.message, /double-quoted text is not allowed/);
    assert.match(e.message, /single quotes/);
    assert.match(e.message, /backticks/);
    assert.equal(e.location?.column, 8);
  });
});

describe('lexer: operators, comments and hints', () => {
  test('multi-character operators', () => {
    assert.deepEqual(kinds('<= >= <> != <=> || && => < > = ! ?'), [
      'op:<=',
      'op:>=',
      'op:<>',
      'op:!=',
      'op:<=>',
      'op:||',
      'op:&&',
      'op:=>',
      'op:<',
      'op:>',
      'op:=',
      'op:!',
      'op:?',
    ]);
  });

  test('-- and /* */ comments are skipped anywhere', () => {
    assert.deepEqual(kinds('a -- c1\n/* c2\n c3 */ b/**/c'), ['word:a', 'word:b', 'word:c']);
  });

  test('# is a comment only in starrocks', () => {
    assert.deepEqual(kinds('a # c\nb', 'starrocks'), ['word:a', 'word:b']);
    const e = lexError('a # c');
    assert.match(e.message, /unexpected character '#'/);
  });

  test('a /*+ hint */ is a token, not a comment', () => {
    const toks = tokenize("t /*+ OPTIONS('a'='b') */ x", 'flink');
    assert.equal(toks[1]?.kind, 'hint');
    assert.equal(toks[1]?.value, " OPTIONS('a'='b') ");
    assert.equal(toks[2]?.value, 'x');
  });

  test('starrocks @ and @@ variables', () => {
    assert.deepEqual(kinds('@@version_comment @@session.tx_isolation @v', 'starrocks'), [
      'variable:@@version_comment',
      'variable:@@session.tx_isolation',
      'variable:@v',
    ]);
  });
});

describe('lexer: positions', () => {
  test('line and column of each token, 1-based, across lines', () => {
    const toks = tokenize('SELECT a,\n  b\r\nFROM t', 'flink');
    const at = (t: Token | undefined): string => `${t?.value}@${t?.line}:${t?.column}`;
    assert.deepEqual(toks.map(at), ['SELECT@1:1', 'a@1:8', ',@1:9', 'b@2:3', 'FROM@3:1', 't@3:6', '@3:7']);
  });

  test('offsets are 0-based and end is exclusive', () => {
    const toks = tokenize('ab  cd', 'flink');
    assert.equal(toks[1]?.start, 4);
    assert.equal(toks[1]?.end, 6);
  });

  test('eof is placed right after the last token, not after trailing comments', () => {
    const toks = tokenize('a\n-- trailing\n\n', 'flink');
    const eof = toks[toks.length - 1];
    assert.equal(eof?.kind, 'eof');
    assert.equal(eof?.line, 1);
    assert.equal(eof?.column, 2);
  });
});

describe('lexer: errors', () => {
  const cases: [string, Dialect, number, number, RegExp][] = [
    ["SELECT 'abc", 'flink', 1, 8, /unterminated string literal starting here/],
    ['SELECT "abc', 'starrocks', 1, 8, /unterminated string literal/],
    ['a /* never\nclosed', 'flink', 1, 3, /unterminated comment/],
    ['a /*+ OPTIONS(', 'flink', 1, 3, /unterminated hint/],
    ['x\n  `abc', 'flink', 2, 3, /unterminated quoted identifier/],
    ['``', 'flink', 1, 1, /empty quoted identifier/],
    ['1e+', 'flink', 1, 1, /malformed number '1e\+'/],
    ['12abc', 'flink', 1, 1, /malformed number '12abc'/],
    ["X'0G'", 'flink', 1, 4, /invalid character 'G' in binary literal/],
    ["X'ABC'", 'flink', 1, 1, /odd number of hexadecimal digits/],
    ['a ~~ ^ \\', 'flink', 1, 8, /unexpected character '\\'/],
    ['@x', 'flink', 1, 1, /unexpected character '@'/],
  ];
  for (const [text, dialect, line, column, re] of cases) {
    test(`${JSON.stringify(text)} → ${re.source}`, () => {
      const e = lexError(text, dialect);
      assert.match(e.message, re);
      assert.equal(e.location?.line, line);
      assert.equal(e.location?.column, column);
      assert.equal(e.exitCode, 2);
    });
  }

  test('the file name is part of the location', () => {
    try {
      tokenize("'x", 'flink', 'demo.sql');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof StrataError);
      assert.equal(e.location?.file, 'demo.sql');
      assert.match(e.message, /^demo\.sql:1:1: /);
    }
  });
});

describe('lexer: speed-minded shape', () => {
  test('a large script lexes into the expected number of tokens', () => {
    const stmt = "INSERT INTO t SELECT a, b + 1, 'x' FROM s WHERE c <> -1;\n";
    const toks = tokenize(stmt.repeat(2000), 'flink');
    // 19 tokens per statement, plus eof
    assert.equal(toks.length, 19 * 2000 + 1);
  });
});
