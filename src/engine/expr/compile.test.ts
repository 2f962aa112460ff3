import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { isStrataError } from '../../core/errors.js';
import { call, cast, inputRef, literal, type Expr } from '../../core/expr.js';
import { resolveFunction } from '../../core/functions/registry.js';
import { sameTypeIgnoringNull, T, type SqlType } from '../../core/types.js';
import { parseTimestamp, type Row, type Value } from '../../core/values.js';
import type { RowKind } from '../../core/row-kind.js';
import { compileCalc, compileCalcBatch, compileExpr, compilePredicate, exprText } from './compile.js';

/** A tiny binder: resolves the call and inserts casts where the registry asks for them. */
function fn(name: string, ...args: Expr[]): Expr {
  const r = resolveFunction(
    name,
    args.map((a) => a.type),
    args.map((a) => (a.kind === 'literal' ? a.value : undefined)),
  );
  const cargs = args.map((a, i) => (sameTypeIgnoringNull(a.type, r.argTypes[i]!) ? a : cast(a, r.argTypes[i]!)));
  return call(name, cargs, r.resultType);
}

const lit = (v: Value, t: SqlType): Expr => literal(v, t);
const B = T.boolean();
const I = T.int();
const S = T.string();

describe('compileExpr', () => {
  test('input references and literals', () => {
    assert.equal(compileExpr(inputRef(1, S))([1, 'x']), 'x');
    assert.equal(compileExpr(lit(7, I))([]), 7);
    assert.equal(compileExpr(lit(null, T.null()))([]), null);
  });

  test('nested calls with implicit casts', () => {
    // a + 1.5 where a INT: INT is cast to DECIMAL(10, 0), result DECIMAL(12, 1)
    const e = fn('+', inputRef(0, I), lit(Decimal.parse('1.5')!, T.decimal(2, 1)));
    assert.equal(e.type.kind, 'DECIMAL');
    assert.equal(String(compileExpr(e)([2])), '3.5');
    // UPPER(SUBSTRING(s, 2)) || '!'
    const s = fn('||', fn('UPPER', fn('SUBSTRING', inputRef(0, S), lit(2, I))), lit('!', T.char(1, false)));
    assert.equal(compileExpr(s)(['hello']), 'ELLO!');
    assert.equal(compileExpr(s)([null]), null);
  });

  test('a string compared with a number is cast to the number', () => {
    const e = fn('=', inputRef(0, S), lit(42, I));
    assert.equal(compileExpr(e)([' 42']), true);
    assert.equal(compileExpr(e)(['41']), false);
    assert.throws(() => compileExpr(e)(['forty-two']), /cannot cast 'forty-two' to INT/);
  });

  test('BIGINT against DOUBLE compares exactly', () => {
    const e = fn('=', inputRef(0, T.bigint()), lit(9223372036854775807, T.double()));
    assert.equal(compileExpr(e)([9223372036854775807n]), false);
    assert.equal(compileExpr(e)([9223372036854775807n + 1n]), true);
  });

  test('CASE: the first TRUE branch, else ELSE or NULL', () => {
    const c: Expr = {
      kind: 'case',
      whens: [
        { when: fn('>', inputRef(0, I), lit(10, I)), then: lit('big', S) },
        { when: fn('>', inputRef(0, I), lit(0, I)), then: lit('small', S) },
      ],
      otherwise: lit('none', S),
      type: S,
    };
    const f = compileExpr(c);
    assert.equal(f([11]), 'big');
    assert.equal(f([5]), 'small');
    assert.equal(f([0]), 'none');
    assert.equal(f([null]), 'none');
    const noElse: Expr = { kind: 'case', whens: [{ when: inputRef(0, B), then: lit(1, I) }], otherwise: null, type: I };
    assert.equal(compileExpr(noElse)([null]), null);
    assert.equal(compileExpr(noElse)([true]), 1);
    const threeWay: Expr = {
      kind: 'case',
      whens: [
        { when: fn('=', inputRef(0, I), lit(1, I)), then: lit('one', S) },
        { when: fn('=', inputRef(0, I), lit(2, I)), then: lit('two', S) },
        { when: fn('=', inputRef(0, I), lit(3, I)), then: lit('three', S) },
      ],
      otherwise: null,
      type: S,
    };
    assert.deepEqual([1, 2, 3, 4].map((v) => compileExpr(threeWay)([v])), ['one', 'two', 'three', null]);
  });

  test('CASE with constant conditions is simplified', () => {
    const c: Expr = {
      kind: 'case',
      whens: [
        { when: lit(false, B), then: fn('/', inputRef(0, I), lit(0, I)) },
        { when: lit(true, B), then: lit('always', S) },
        { when: inputRef(1, B), then: lit('never', S) },
      ],
      otherwise: null,
      type: S,
    };
    assert.equal(compileExpr(c)([1, true]), 'always');
  });

  test('the session time zone reaches functions and casts', () => {
    const instant = parseTimestamp('2024-01-01 00:00:00')!;
    const e = fn('DATE_FORMAT', inputRef(0, T.timestampLtz(3)), lit('HH:mm', S));
    assert.equal(compileExpr(e, { timeZone: 'Asia/Shanghai' })([instant]), '08:00');
    assert.equal(compileExpr(e)([instant]), '00:00');
    const c = cast(inputRef(0, T.timestampLtz(3)), S);
    assert.equal(compileExpr(c, { timeZone: '-02:00' })([instant]), '2023-12-31 22:00:00.000');
  });
});

describe('constant folding', () => {
  test('deterministic literal subtrees are evaluated once', () => {
    // UPPER('a') || 'b' folds; evaluation needs no row at all.
    const e = fn('||', fn('UPPER', lit('a', S)), lit('b', S));
    assert.equal(compileExpr(e)([]), 'Ab');
  });
  test('non-deterministic functions are not folded', () => {
    const e = fn('RAND');
    const f = compileExpr(e);
    const values = new Set([f([]), f([]), f([]), f([])]);
    assert.ok(values.size > 1);
    const u = compileExpr(fn('UUID'));
    assert.notEqual(u([]), u([]));
  });
  test('a constant that fails is left to fail per row', () => {
    const bad = fn('/', lit(1, I), lit(0, I));
    const f = compileExpr(bad); // compiling does not throw
    assert.throws(() => f([]), (e: unknown) => isStrataError(e) && e.code === 'RUNTIME' && /division by zero in 1 \/ 0/.test(e.message));
    const p = compilePredicate(fn('AND', fn('=', inputRef(0, I), lit(1, I)), fn('=', bad, lit(1, I))));
    assert.equal(p([2]), false); // short-circuit: never evaluated
  });
});

describe('three-valued logic', () => {
  const V: (boolean | null)[] = [true, false, null];
  const and = fn('AND', inputRef(0, B), inputRef(1, B));
  const or = fn('OR', inputRef(0, B), inputRef(1, B));
  const not = fn('NOT', inputRef(0, B));
  const fAnd = compileExpr(and);
  const fOr = compileExpr(or);
  const fNot = compileExpr(not);
  const expectAnd = (a: boolean | null, b: boolean | null): boolean | null => (a === false || b === false ? false : a === null || b === null ? null : true);
  const expectOr = (a: boolean | null, b: boolean | null): boolean | null => (a === true || b === true ? true : a === null || b === null ? null : false);
  for (const a of V) {
    for (const b of V) {
      test(`${a} AND ${b} = ${expectAnd(a, b)}; ${a} OR ${b} = ${expectOr(a, b)}`, () => {
        assert.equal(fAnd([a, b]), expectAnd(a, b));
        assert.equal(fOr([a, b]), expectOr(a, b));
      });
    }
    test(`NOT ${a}, IS tests, and the predicate of ${a}`, () => {
      assert.equal(fNot([a]), a === null ? null : !a);
      const is = (name: string): Value => compileExpr(fn(name, inputRef(0, B)))([a]);
      assert.equal(is('IS TRUE'), a === true);
      assert.equal(is('IS NOT TRUE'), a !== true);
      assert.equal(is('IS FALSE'), a === false);
      assert.equal(is('IS NOT FALSE'), a !== false);
      assert.equal(is('IS NULL'), a === null);
      assert.equal(is('IS NOT NULL'), a !== null);
      assert.equal(compilePredicate(inputRef(0, B))([a]), a === true);
    });
  }
  test('AND and OR short-circuit', () => {
    const boom = fn('=', fn('/', inputRef(1, I), lit(0, I)), lit(1, I));
    assert.equal(compileExpr(fn('AND', inputRef(0, B), boom))([false, 1]), false);
    assert.equal(compileExpr(fn('OR', inputRef(0, B), boom))([true, 1]), true);
    assert.throws(() => compileExpr(fn('AND', inputRef(0, B), boom))([true, 1]), /division by zero/);
  });
  test('constant predicates', () => {
    assert.equal(compilePredicate(lit(true, B))([]), true);
    assert.equal(compilePredicate(lit(null, B))([]), false);
  });
});

describe('IN with a constant list', () => {
  test('hash lookup with SQL NULL semantics', () => {
    const e = fn('IN', inputRef(0, I), lit(1, I), lit(2, I), lit(null, I));
    const f = compileExpr(e);
    assert.equal(f([1]), true);
    assert.equal(f([3]), null);
    assert.equal(f([null]), null);
    const g = compileExpr(fn('IN', inputRef(0, S), lit('a', S), lit('b', S)));
    assert.equal(g(['b']), true);
    assert.equal(g(['c']), false);
  });
});

describe('compileCalc', () => {
  const rows: Row[] = [
    [1, 'a', 10],
    [2, 'b', null],
    [3, 'c', 30],
  ];
  test('filter then project', () => {
    const calc = compileCalc([inputRef(1, S), fn('*', inputRef(2, I), lit(2, I))], fn('>', inputRef(0, I), lit(1, I)));
    assert.deepEqual(
      rows.map((r) => calc(r)),
      [null, ['b', null], ['c', 60]],
    );
  });
  test('identity projection returns the input row', () => {
    const calc = compileCalc([inputRef(0, I), inputRef(1, S), inputRef(2, I)], null);
    assert.equal(calc(rows[0]!), rows[0]);
  });
  test('field reordering', () => {
    const calc = compileCalc([inputRef(2, I), inputRef(0, I)], fn('IS NOT NULL', inputRef(2, I)));
    assert.deepEqual(
      rows.map((r) => calc(r)),
      [[10, 1], null, [30, 3]],
    );
  });
  test('a NULL condition filters the row out', () => {
    const calc = compileCalc([inputRef(0, I)], fn('>', inputRef(2, I), lit(0, I)));
    assert.equal(calc(rows[1]!), null);
  });
});

describe('compileCalcBatch: the generated loop equals compileCalc row by row', () => {
  const rows: Row[] = [[1, 'a', 10], [2, 'b', null], [3, 'c', 30], [0, null, 5], [4, 'd', 40, 'wider']];
  const kinds: RowKind[] = [0, 1, 2, 3, 0];
  const cases: [string, Expr[], Expr | null][] = [
    ['filter then project', [inputRef(1, S), fn('*', inputRef(2, I), lit(2, I))], fn('>', inputRef(0, I), lit(1, I))],
    ['identity (a wider row is cut)', [inputRef(0, I), inputRef(1, S), inputRef(2, I)], null],
    ['identity with a filter', [inputRef(0, I), inputRef(1, S), inputRef(2, I)], fn('IS NOT NULL', inputRef(1, S))],
    ['reordering', [inputRef(2, I), inputRef(0, I)], fn('IS NOT NULL', inputRef(2, I))],
    ['constants, folded calls and a prefix of the fields', [inputRef(0, I), lit('k', S), fn('+', lit(1, I), lit(2, I)), lit(null, T.null())], null],
    ['condition constant TRUE', [inputRef(1, S)], fn('=', lit(1, I), lit(1, I))],
    ['condition constant FALSE', [inputRef(1, S)], fn('=', lit(1, I), lit(2, I))],
    ['condition constant NULL', [inputRef(1, S)], fn('>', lit(null, I), lit(2, I))],
    ['no projections', [], fn('>', inputRef(0, I), lit(1, I))],
    ['out-of-range field', [inputRef(3, S)], null],
  ];
  for (const [name, projections, condition] of cases) {
    test(name, () => {
      const calc = compileCalc(projections, condition);
      const wantKinds: RowKind[] = [];
      const wantRows: Row[] = [];
      rows.forEach((r, i) => {
        const out = calc(r);
        if (out !== null) {
          wantKinds.push(kinds[i]!);
          wantRows.push(out);
        }
      });
      const gotKinds: RowKind[] = [3];
      const gotRows: Row[] = [['already there']];
      compileCalcBatch(projections, condition)(kinds, rows, gotKinds, gotRows);
      assert.deepEqual(gotKinds, [3, ...wantKinds]);
      assert.deepEqual(gotRows, [['already there'], ...wantRows]);
      // Identity projections pass the row objects through, as compileCalc does.
      gotRows.slice(1).forEach((r, i) => assert.equal(rows.includes(r), rows.includes(wantRows[i]!), `row ${i}: same object or a copy`));
    });
  }

  test('an evaluation error stops the batch after the rows before it, as row by row', () => {
    const calc = compileCalcBatch([fn('/', inputRef(2, I), inputRef(0, I))], null);
    const outKinds: RowKind[] = [];
    const outRows: Row[] = [];
    assert.throws(
      () => calc(kinds, rows, outKinds, outRows),
      (e: unknown) => isStrataError(e) && e.code === 'RUNTIME' && /division by zero/.test(e.message),
    );
    assert.deepEqual(outRows, [[10], [null], [10]]);
  });

  test('query text never becomes code: strange literals are values', () => {
    const nasty = "'); process.exit(7); ('";
    const calc = compileCalcBatch([lit(nasty, S), inputRef(0, I)], fn('<>', inputRef(1, S), lit(nasty, S)));
    const outRows: Row[] = [];
    calc([0], [[1, 'a']], [], outRows);
    assert.deepEqual(outRows, [[nasty, 1]]);
  });
});

describe('exprText', () => {
  test('prints SQL-like text', () => {
    const e = fn('AND', fn('IS NOT NULL', inputRef(0, I)), fn('LIKE', inputRef(1, S), lit("it's%", S)));
    assert.equal(exprText(e), "$0 IS NOT NULL AND $1 LIKE 'it''s%'");
    assert.equal(exprText(fn('NEGATE', inputRef(0, I))), '-$0');
    assert.equal(exprText(cast(inputRef(0, I), S, true)), 'TRY_CAST($0 AS STRING)');
  });
});
