import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatType, T, type SqlType } from '../types.js';
import type { Value } from '../values.js';
import { call, resultType } from './test-helpers.js';

const S = T.string();
const I = T.int();
const BI = T.bigint();

type Arg = readonly [Value, SqlType];
const s = (v: string | null): Arg => [v, S];
const i = (v: number | null): Arg => [v, I];

function table(name: string, cases: readonly [readonly Arg[], Value][]): void {
  describe(name, () => {
    for (const [args, want] of cases) {
      const label = args.map(([v]) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
      test(`${name}(${label}) = ${typeof want === 'string' ? `'${want}'` : String(want)}`, () => {
        assert.equal(call(name, args), want);
      });
    }
  });
}

table('CHAR_LENGTH', [
  [[s('hello')], 5],
  [[s('')], 0],
  [[s('héllo')], 5],
  [[s('😀😀')], 2],
  [[s(null)], null],
]);

table('UPPER', [
  [[s('aBc')], 'ABC'],
  [[s('straße')], 'STRASSE'],
  [[s(null)], null],
]);
table('LOWER', [[[s('AbC')], 'abc']]);
table('INITCAP', [
  [[s('hello wORLD')], 'Hello World'],
  [[s('a1b c-d')], 'A1b C-D'],
]);

table('TRIM', [
  [[s('  a b  ')], 'a b'],
  [[s('BOTH'), s('x'), s('xxaxx')], 'a'],
  [[s('LEADING'), s('xy'), s('xyxaxy')], 'axy'],
  [[s('TRAILING'), s(' '), s('  a  ')], '  a'],
  [[s('BOTH'), s('x'), s('xxxx')], ''],
  [[s('LEADING'), s('  a  ')], 'a  '],
  [[s('\ta ')], '\ta'],
]);
table('LTRIM', [
  [[s('  a  ')], 'a  '],
  [[s('xxa'), s('x')], 'a'],
]);
table('RTRIM', [
  [[s('  a  ')], '  a'],
  [[s('axyx'), s('xy')], 'a'],
]);

table('SUBSTRING', [
  [[s('hello'), i(2)], 'ello'],
  [[s('hello'), i(2), i(3)], 'ell'],
  [[s('hello'), i(0), i(2)], 'he'],
  [[s('hello'), i(-3)], 'llo'],
  [[s('hello'), i(-3), i(2)], 'll'],
  [[s('hello'), i(-10), i(2)], ''],
  [[s('hello'), i(6)], ''],
  [[s('hello'), i(2), i(100)], 'ello'],
  [[s('hello'), i(2), i(0)], ''],
  [[s('hello'), i(2), i(-1)], null],
  [[s(''), i(1)], ''],
  [[s('😀ab'), i(2), i(1)], 'a'],
  [[s('hello'), i(null)], null],
]);
table('SUBSTR', [[[s('hello'), i(3)], 'llo']]);
table('LEFT', [
  [[s('hello'), i(2)], 'he'],
  [[s('hello'), i(-1)], ''],
  [[s('hi'), i(5)], 'hi'],
]);
table('RIGHT', [
  [[s('hello'), i(2)], 'lo'],
  [[s('hello'), i(0)], ''],
  [[s('hi'), i(5)], 'hi'],
]);
table('OVERLAY', [
  [[s('abcdef'), s('XY'), i(3)], 'abXYef'],
  [[s('abcdef'), s('XY'), i(3), i(1)], 'abXYdef'],
  [[s('abc'), s('X'), i(9)], 'abc'],
]);

table('POSITION', [
  [[s('lo'), s('hello')], 4],
  [[s('x'), s('hello')], 0],
  [[s(''), s('hello')], 1],
  [[s('b'), s('😀ab')], 3],
]);
table('LOCATE', [
  [[s('l'), s('hello')], 3],
  [[s('l'), s('hello'), i(4)], 4],
  [[s('l'), s('hello'), i(5)], 0],
]);
table('INSTR', [
  [[s('hello'), s('l')], 3],
  [[s('hello'), s('l'), i(1), i(2)], 4],
  [[s('hello'), s('l'), i(-1)], 4],
  [[s('hello'), s('l'), i(-1), i(2)], 3],
  [[s('hello'), s('z')], 0],
]);

table('REPLACE', [
  [[s('a.b.c'), s('.'), s('$&')], 'a$&b$&c'],
  [[s('aaa'), s('aa'), s('b')], 'ba'],
  [[s('abc'), s(''), s('x')], 'xaxbxcx'],
]);

table('CONCAT', [
  [[s('a'), s('b'), s('c')], 'abc'],
  [[s('a'), s(null)], null],
  [[s('a')], 'a'],
]);
table('CONCAT_WS', [
  [[s('-'), s('a'), s(null), s('c')], 'a-c'],
  [[s(null), s('a')], null],
  [[s(','), s(null)], ''],
]);

table('LPAD', [
  [[s('hi'), i(5), s('??')], '???hi'],
  [[s('hello'), i(2), s('?')], 'he'],
  [[s('hi'), i(-1), s('?')], null],
  [[s('hi'), i(4), s('')], null],
  [[s('hi'), i(0), s('?')], ''],
]);
table('RPAD', [
  [[s('hi'), i(5), s('ab')], 'hiaba'],
  [[s('hello'), i(2), s('?')], 'he'],
]);
table('REPEAT', [
  [[s('ab'), i(3)], 'ababab'],
  [[s('ab'), i(0)], ''],
  [[s('ab'), i(-2)], ''],
]);
table('REVERSE', [
  [[s('abc')], 'cba'],
  [[s('a😀b')], 'b😀a'],
]);

table('SPLIT_INDEX', [
  [[s('a,b,c'), s(','), i(1)], 'b'],
  [[s('a,,c'), s(','), i(1)], ''],
  [[s('a,b'), s(','), i(5)], null],
  [[s('a,b'), s(','), i(-1)], null],
  [[s('a||b||c'), s('||'), i(2)], 'c'],
  [[s('a#b'), i(35), i(1)], 'b'],
  [[s(''), s(','), i(0)], null],
]);

table('REGEXP_REPLACE', [
  [[s('foobar'), s('oo|ar'), s('')], 'fb'],
  [[s('a1b22'), s('\\d+'), s('#')], 'a#b#'],
  [[s('ab'), s('(a)'), s('$1$1')], '$1$1b'],
  [[s('ab'), s('('), s('x')], null],
]);
table('REGEXP_EXTRACT', [
  [[s('foothebar'), s('foo(.*?)(bar)'), i(2)], 'bar'],
  [[s('foothebar'), s('foo(.*?)(bar)'), i(1)], 'the'],
  [[s('foothebar'), s('foo(.*?)(bar)')], 'foothebar'],
  [[s('foothebar'), s('foo(.*?)(bar)'), i(3)], null],
  [[s('xyz'), s('a(b)')], null],
  [[s('100-200'), s('(\\d+)-(\\d+)'), i(1)], '100'],
  [[s('ABC'), s('(?i)b'), i(0)], 'B'],
]);
table('REGEXP', [
  [[s('k1=v1;k2=v2'), s('k2=v\\d')], true],
  [[s('abc'), s('^b')], false],
  [[s('abc'), s('')], false],
  [[s('abc'), s('[')], false],
  [[s(null), s('a')], null],
]);

table('ASCII', [
  [[s('abc')], 97],
  [[s('')], 0],
]);
describe('CHR', () => {
  test('character of the low byte; empty for negatives', () => {
    assert.equal(call('CHR', [[65n, BI]]), 'A');
    assert.equal(call('CHR', [[321n, BI]]), 'A');
    assert.equal(call('CHR', [[-1n, BI]]), '');
    assert.equal(call('CHR', [[256n, BI]]), '\u0000');
  });
});

table('MD5', [[[s('hello')], '5d41402abc4b2a76b9719d911017c592']]);
table('SHA1', [[[s('hello')], 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d']]);
table('SHA256', [[[s('hello')], '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824']]);
table('SHA2', [
  [[s('hello'), i(224)], 'ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193'],
  [[s('hello'), i(7)], null],
]);
table('TO_BASE64', [[[s('hello world')], 'aGVsbG8gd29ybGQ=']]);
table('FROM_BASE64', [[[s('aGVsbG8gd29ybGQ=')], 'hello world']]);
table('PARSE_URL', [
  [[s('http://user:pw@example.com:8080/p/a?k1=v1&k2=v2#frag'), s('HOST')], 'example.com'],
  [[s('http://example.com/p/a?k1=v1&k2=v2#frag'), s('QUERY')], 'k1=v1&k2=v2'],
  [[s('http://example.com/p/a?k1=v1&k2=v2#frag'), s('QUERY'), s('k2')], 'v2'],
  [[s('http://example.com/p/a?k1=v1&k2=v2#frag'), s('PATH')], '/p/a'],
  [[s('http://example.com/p/a?k1=v1&k2=v2#frag'), s('REF')], 'frag'],
  [[s('not a url'), s('HOST')], null],
]);

table('STARTSWITH', [
  [[s('SparkSQL'), s('Spark')], true],
  [[s('SparkSQL'), s('spark')], false],
  [[s('abc'), s('')], true],
  [[s(null), s('a')], null],
]);
table('ENDSWITH', [
  [[s('SparkSQL'), s('SQL')], true],
  [[s('SparkSQL'), s('sql')], false],
]);
describe('STARTSWITH and ENDSWITH on bytes', () => {
  test('byte prefixes and suffixes', () => {
    const b = (...x: number[]): readonly [Value, SqlType] => [new Uint8Array(x), T.bytes()];
    assert.equal(call('STARTSWITH', [b(1, 2, 3), b(1, 2)]), true);
    assert.equal(call('ENDSWITH', [b(1, 2, 3), b(2, 3)]), true);
    assert.equal(call('ENDSWITH', [b(1), b(1, 2)]), false);
  });
});

describe('ENCODE, DECODE', () => {
  test('round trip through character sets', () => {
    const b = call('ENCODE', [s('héllo'), s('UTF-8')]) as Uint8Array;
    assert.equal(b.length, 6);
    assert.equal(call('DECODE', [[b, T.bytes()], s('UTF-8')]), 'héllo');
    const l = call('ENCODE', [s('é'), s('ISO-8859-1')]) as Uint8Array;
    assert.deepEqual([...l], [0xe9]);
    const be = call('ENCODE', [s('A'), s('UTF-16BE')]) as Uint8Array;
    assert.deepEqual([...be], [0, 65]);
    assert.equal(call('DECODE', [[be, T.bytes()], s('UTF-16BE')]), 'A');
    assert.throws(() => call('ENCODE', [s('a'), s('EBCDIC')]), /unsupported character set/);
  });
});

describe('UUID', () => {
  test('random version-4 UUIDs, CHAR(36) NOT NULL', () => {
    const a = call('UUID', []) as string;
    const b = call('UUID', []) as string;
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, b);
    assert.equal(formatType(resultType('UUID', [])), 'CHAR(36) NOT NULL');
  });
});

describe('string result types', () => {
  test('follow Flink', () => {
    assert.equal(formatType(resultType('UPPER', [T.char(3, false)])), 'CHAR(3) NOT NULL');
    assert.equal(formatType(resultType('SUBSTRING', [T.varchar(10, false), T.int(false)])), 'VARCHAR(10)');
    assert.equal(formatType(resultType('TRIM', [T.char(5, false)])), 'VARCHAR(5) NOT NULL');
    assert.equal(formatType(resultType('CHAR_LENGTH', [T.string(false)])), 'INT NOT NULL');
    assert.equal(formatType(resultType('CONCAT', [T.string(false), T.string(false)])), 'STRING NOT NULL');
    assert.equal(formatType(resultType('CONCAT_WS', [T.string(false), T.string()])), 'STRING NOT NULL');
    assert.equal(formatType(resultType('MD5', [S])), 'CHAR(32)');
  });
  test('bad arguments are validation errors', () => {
    assert.throws(() => resultType('UPPER', [I]), /cannot apply UPPER to INT; expected UPPER\(STRING\)/);
    assert.throws(() => resultType('SUBSTRING', [S, T.boolean()]), /expected SUBSTRING\(STRING, INT start\) or SUBSTRING\(STRING, INT start, INT length\)/);
    assert.throws(() => resultType('TRIM', [S, S, S], ['MIDDLE', ' ', 'x']), /unknown TRIM mode 'MIDDLE'/);
  });
});
