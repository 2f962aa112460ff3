import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { isStrataError } from '../../core/errors.js';
import { call, inputRef, literal, type Expr } from '../../core/expr.js';
import type { StreamCalc } from '../../core/plan.js';
import { ALL_CHANGES } from '../../core/row-kind.js';
import { schemaOf } from '../../core/schema.js';
import { T, type SqlType } from '../../core/types.js';
import { formatChangelog, parseChangelog } from '../../testing/changelog.js';
import { CalcOperator } from './calc.js';

const IN_TYPES: SqlType[] = [T.int(), T.string(), T.int()];

function calcNode(projections: Expr[], condition: Expr | null, outTypes: SqlType[]): StreamCalc {
  return {
    id: 7,
    kind: 'calc',
    input: 1,
    schema: schemaOf(outTypes.map((type, i) => ({ name: `f${i}`, type }))),
    mode: ALL_CHANGES,
    upsertKey: null,
    projections,
    condition,
  };
}

// WHERE amount > 10, SELECT id, UPPER(city), amount * 2
const condition = call('>', [inputRef(2, T.int()), literal(10, T.int(false))], T.boolean());
const projections: Expr[] = [
  inputRef(0, T.int()),
  call('UPPER', [inputRef(1, T.string())], T.string()),
  call('*', [inputRef(2, T.int()), literal(2, T.int(false))], T.int()),
];
const OUT_TYPES: SqlType[] = [T.int(), T.string(), T.int()];

describe('CalcOperator', () => {
  test('filters and projects every kind of change, keeping its kind', () => {
    const op = new CalcOperator(calcNode(projections, condition, OUT_TYPES));
    const out = new ChangeBatch();
    const input = parseChangelog(
      ['+I 1 beijing 20', '+I 2 shanghai 5', '-U 1 beijing 20', '+U 1 beijing 30', '-D 1 beijing 30', '+U 2 shanghai 11', '-D 3 null null'].join('\n'),
      IN_TYPES,
    );
    op.process(0, input, out);
    op.finishBatch(out);
    assert.equal(formatChangelog(out, OUT_TYPES), ['+I 1 BEIJING 40', '-U 1 BEIJING 40', '+U 1 BEIJING 60', '-D 1 BEIJING 60', '+U 2 SHANGHAI 22'].join('\n'));
  });

  test('no condition: every row is projected', () => {
    const op = new CalcOperator(calcNode([inputRef(1, T.string()), inputRef(0, T.int())], null, [T.string(), T.int()]));
    const out = new ChangeBatch();
    op.process(0, parseChangelog('+I 1 a 1\n-D 2 b 2', IN_TYPES), out);
    assert.equal(formatChangelog(out, [T.string(), T.int()]), '+I a 1\n-D b 2');
  });

  test('identity projection passes the row objects through', () => {
    const op = new CalcOperator(calcNode([inputRef(0, T.int()), inputRef(1, T.string()), inputRef(2, T.int())], null, IN_TYPES));
    const input = parseChangelog('+I 1 a 1\n-U 1 a 1', IN_TYPES);
    const out = new ChangeBatch();
    op.process(0, input, out);
    assert.equal(out.rows[0], input.rows[0]);
    assert.deepEqual(out.kinds, input.kinds);
  });

  test('appends to what is already in the output batch', () => {
    const op = new CalcOperator(calcNode(projections, condition, OUT_TYPES));
    const out = parseChangelog('+I 9 X 9', OUT_TYPES);
    op.process(0, parseChangelog('+I 1 a 50', IN_TYPES), out);
    assert.equal(formatChangelog(out, OUT_TYPES), '+I 9 X 9\n+I 1 A 100');
  });

  test('is stateless', () => {
    const op = new CalcOperator(calcNode(projections, condition, OUT_TYPES));
    assert.equal(op.snapshotState(), null);
    assert.equal(op.stateSize(), 0);
  });

  test('an evaluation error names the node', () => {
    const div = call('/', [inputRef(0, T.int()), inputRef(2, T.int())], T.int());
    const op = new CalcOperator(calcNode([div], null, [T.int()]));
    assert.throws(
      () => op.process(0, parseChangelog('+I 1 a 0', IN_TYPES), new ChangeBatch()),
      (e: unknown) => isStrataError(e) && e.code === 'RUNTIME' && /^calc node 7: division by zero in \$0 \/ \$2/.test(e.message),
    );
  });

  test('uses the session time zone', () => {
    const f = call('DATE_FORMAT', [inputRef(0, T.timestampLtz(3)), literal('HH:mm', T.string())], T.string());
    const op = new CalcOperator(calcNode([f], null, [T.string()]), { timeZone: 'Asia/Shanghai' });
    const out = new ChangeBatch();
    op.process(0, parseChangelog("+I '2024-01-01 00:00:00'", [T.timestampLtz(3)]), out);
    assert.equal(out.rows[0]![0], '08:00');
  });
});
