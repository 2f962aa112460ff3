import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import type { JoinType, StreamJoin } from '../../core/plan.js';
import { ALL_CHANGES } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import { applyBatch, formatChangelog, parseChangelog, sortedRows, formatRows } from '../../testing/changelog.js';
import { decodeState, encodeState } from '../state/codec.js';
import { JoinOperator } from './join.js';

// orders(id INT, city STRING, amt INT) JOIN cities(city STRING, pop INT) ON o.city = c.city
const LEFT: SqlType[] = [T.int(), T.string(), T.int()];
const RIGHT: SqlType[] = [T.string(), T.int()];
const OUT: SqlType[] = [...LEFT, ...RIGHT];

interface NodeOptions {
  readonly leftUniqueKey?: readonly number[];
  readonly rightUniqueKey?: readonly number[];
}

function joinNode(joinType: JoinType, opts: NodeOptions = {}): StreamJoin {
  const names = ['id', 'city', 'amt', 'city0', 'pop'];
  return {
    kind: 'join',
    id: 3,
    schema: { fields: OUT.map((type, i) => ({ name: names[i]!, type })) },
    mode: ALL_CHANGES,
    upsertKey: null,
    joinType,
    left: 1,
    right: 2,
    leftKeys: [1],
    rightKeys: [0],
    condition: null,
    leftUniqueKey: opts.leftUniqueKey ?? null,
    rightUniqueKey: opts.rightUniqueKey ?? null,
  };
}

/** Drives a join one step at a time in the text notation. */
class Harness {
  op: JoinOperator;
  readonly all = new ChangeBatch();
  readonly #make: () => JoinOperator;

  constructor(joinType: JoinType, condition: ((row: Row) => boolean) | null = null, opts: NodeOptions = {}) {
    this.#make = () => new JoinOperator(joinNode(joinType, opts), LEFT.length, RIGHT.length, condition);
    this.op = this.#make();
  }

  /** Feeds changes to the left input; returns the output in the text notation. */
  left(text: string): string {
    return this.#step(0, parseChangelog(text, LEFT));
  }

  right(text: string): string {
    return this.#step(1, parseChangelog(text, RIGHT));
  }

  #step(port: number, batch: ChangeBatch): string {
    const out = new ChangeBatch();
    this.op.process(port, batch, out);
    this.op.finishBatch(out);
    this.all.append(out);
    return formatChangelog(out, OUT);
  }

  /** The join's current result: every output so far applied, sorted. */
  result(): string {
    return formatRows(sortedRows(applyBatch(this.all)), OUT);
  }

  /** Replaces the operator with a fresh one restored from an encoded snapshot. */
  restart(): void {
    const bytes = encodeState(this.op.snapshotState());
    this.op = this.#make();
    this.op.restoreState(decodeState(bytes));
  }
}

/** Dedents a template literal of changelog lines. */
function lines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

describe('JoinOperator: inner', () => {
  test('left row first, then its partner', () => {
    const h = new Harness('inner');
    assert.equal(h.left('+I 1 beijing 10'), '');
    assert.equal(h.right('+I beijing 100'), '+I 1 beijing 10 beijing 100');
    assert.equal(h.op.stateSize(), 2);
  });

  test('right row first, then its partner', () => {
    const h = new Harness('inner');
    assert.equal(h.right("+I 'new york' 8"), '');
    assert.equal(h.left("+I 1 'new york' 10"), "+I 1 'new york' 10 'new york' 8");
  });

  test('deleting a join partner retracts the joined row (with -D, never -U)', () => {
    const h = new Harness('inner');
    h.left('+I 1 beijing 10');
    h.right('+I beijing 100');
    assert.equal(h.right('-D beijing 100'), '-D 1 beijing 10 beijing 100');
    assert.equal(h.right('+U beijing 100'), '+I 1 beijing 10 beijing 100');
    assert.equal(h.left('-U 1 beijing 10'), '-D 1 beijing 10 beijing 100');
    assert.equal(h.result(), '');
    assert.equal(h.op.stateSize(), 1);
  });

  test('an update moving a row to another join key', () => {
    const h = new Harness('inner');
    h.right('+I beijing 100\n+I shanghai 200');
    assert.equal(h.left('+I 1 beijing 10'), '+I 1 beijing 10 beijing 100');
    assert.equal(
      h.left('-U 1 beijing 10\n+U 1 shanghai 10'),
      lines(`
        -D 1 beijing 10 beijing 100
        +I 1 shanghai 10 shanghai 200
      `),
    );
    assert.equal(h.result(), '1 shanghai 10 shanghai 200');
  });

  test('duplicate keys: 2 left × 3 right = 6 rows; deleting one left removes 3', () => {
    const h = new Harness('inner');
    h.left('+I 1 beijing 10\n+I 2 beijing 20');
    assert.equal(
      h.right('+I beijing 1\n+I beijing 2\n+I beijing 2'),
      lines(`
        +I 1 beijing 10 beijing 1
        +I 2 beijing 20 beijing 1
        +I 1 beijing 10 beijing 2
        +I 2 beijing 20 beijing 2
        +I 1 beijing 10 beijing 2
        +I 2 beijing 20 beijing 2
      `),
    );
    assert.equal(
      h.left('-D 1 beijing 10'),
      lines(`
        -D 1 beijing 10 beijing 1
        -D 1 beijing 10 beijing 2
        -D 1 beijing 10 beijing 2
      `),
    );
    assert.equal(
      h.result(),
      lines(`
        2 beijing 20 beijing 1
        2 beijing 20 beijing 2
        2 beijing 20 beijing 2
      `),
    );
  });

  test('identical rows on both sides are counted, not merged', () => {
    const h = new Harness('inner');
    h.left('+I 1 beijing 10\n+I 1 beijing 10');
    assert.equal(h.right('+I beijing 5'), '+I 1 beijing 10 beijing 5\n+I 1 beijing 10 beijing 5');
    assert.equal(h.left('-D 1 beijing 10'), '-D 1 beijing 10 beijing 5');
    assert.equal(h.result(), '1 beijing 10 beijing 5');
    assert.equal(h.op.stateSize(), 2);
  });

  test('NULL join keys never match', () => {
    const h = new Harness('inner');
    assert.equal(h.left('+I 1 null 10'), '');
    assert.equal(h.right('+I null 100'), '');
    assert.equal(h.left('-D 1 null 10'), '');
    assert.equal(h.op.stateSize(), 0, 'an inner side keeps no NULL-key rows');
  });

  test('a retraction of a row that is not in state emits nothing', () => {
    const h = new Harness('inner');
    h.right('+I beijing 100');
    assert.equal(h.left('-D 9 beijing 99'), '');
    assert.equal(h.left('+I 1 beijing 10'), '+I 1 beijing 10 beijing 100');
  });

  test('a non-equi condition decides matches', () => {
    // ON o.city = c.city AND o.amt < c.pop
    const h = new Harness('inner', (r) => (r[2] as number) < (r[4] as number));
    h.left('+I 1 beijing 10\n+I 2 beijing 50');
    assert.equal(h.right('+I beijing 30'), '+I 1 beijing 10 beijing 30');
    assert.equal(h.right('-U beijing 30\n+U beijing 60'), lines(`
      -D 1 beijing 10 beijing 30
      +I 1 beijing 10 beijing 60
      +I 2 beijing 50 beijing 60
    `));
    assert.equal(h.left('-D 2 beijing 50'), '-D 2 beijing 50 beijing 60');
  });
});

describe('JoinOperator: outer', () => {
  test('left join: padding, un-padding on first match, re-padding when the last match goes', () => {
    const h = new Harness('left');
    assert.equal(h.left('+I 1 beijing 10'), '+I 1 beijing 10 null null');
    assert.equal(h.right('+I shanghai 1'), '', 'right rows without a partner are not emitted');
    assert.equal(
      h.right('+I beijing 100'),
      lines(`
        -D 1 beijing 10 null null
        +I 1 beijing 10 beijing 100
      `),
    );
    assert.equal(h.right('+I beijing 200'), '+I 1 beijing 10 beijing 200', 'a second match does not touch the padding');
    assert.equal(h.right('-D beijing 100'), '-D 1 beijing 10 beijing 100');
    assert.equal(
      h.right('-D beijing 200'),
      lines(`
        -D 1 beijing 10 beijing 200
        +I 1 beijing 10 null null
      `),
    );
    assert.equal(h.left('-D 1 beijing 10'), '-D 1 beijing 10 null null');
    assert.equal(h.result(), '');
    assert.equal(h.op.stateSize(), 1);
  });

  test('left join: a left row arriving to existing matches is not padded', () => {
    const h = new Harness('left');
    h.right('+I beijing 100');
    assert.equal(h.left('+I 1 beijing 10'), '+I 1 beijing 10 beijing 100');
    assert.equal(h.left('-D 1 beijing 10'), '-D 1 beijing 10 beijing 100');
  });

  test('left join: duplicate padded rows are un-padded together', () => {
    const h = new Harness('left');
    h.left('+I 1 beijing 10\n+I 1 beijing 10');
    assert.equal(
      h.right('+I beijing 100'),
      lines(`
        -D 1 beijing 10 null null
        -D 1 beijing 10 null null
        +I 1 beijing 10 beijing 100
        +I 1 beijing 10 beijing 100
      `),
    );
    assert.equal(
      h.right('-D beijing 100'),
      lines(`
        -D 1 beijing 10 beijing 100
        -D 1 beijing 10 beijing 100
        +I 1 beijing 10 null null
        +I 1 beijing 10 null null
      `),
    );
  });

  test('left join: NULL keys are padded and never matched', () => {
    const h = new Harness('left');
    assert.equal(h.left('+I 1 null 10'), '+I 1 null 10 null null');
    assert.equal(h.right('+I null 100'), '');
    assert.equal(h.left('-D 1 null 10'), '-D 1 null 10 null null');
    assert.equal(h.op.stateSize(), 0, 'the right (inner) side drops its NULL-key row; the left one is gone');
  });

  test('left join: the condition decides padding', () => {
    const h = new Harness('left', (r) => (r[2] as number) < (r[4] as number));
    assert.equal(h.left('+I 1 beijing 10'), '+I 1 beijing 10 null null');
    assert.equal(h.right('+I beijing 5'), '', 'a key match that fails the condition does not un-pad');
    assert.equal(h.right('+I beijing 50'), '-D 1 beijing 10 null null\n+I 1 beijing 10 beijing 50');
    assert.equal(h.right('-D beijing 5'), '', 'removing a non-match changes nothing');
    assert.equal(h.right('-D beijing 50'), '-D 1 beijing 10 beijing 50\n+I 1 beijing 10 null null');
  });

  test('right join', () => {
    const h = new Harness('right');
    assert.equal(h.left('+I 1 beijing 10'), '');
    assert.equal(h.right('+I beijing 100'), '+I 1 beijing 10 beijing 100');
    assert.equal(h.right('+I shanghai 200'), '+I null null null shanghai 200');
    assert.equal(h.left('+I 2 shanghai 20'), '-D null null null shanghai 200\n+I 2 shanghai 20 shanghai 200');
    assert.equal(h.left('-D 1 beijing 10'), '-D 1 beijing 10 beijing 100\n+I null null null beijing 100');
    assert.equal(h.right('+I null 7'), '+I null null null null 7');
    assert.equal(
      h.result(),
      lines(`
        null null null null 7
        null null null beijing 100
        2 shanghai 20 shanghai 200
      `),
    );
  });

  test('full join pads and un-pads both sides', () => {
    const h = new Harness('full');
    assert.equal(h.left('+I 1 beijing 10'), '+I 1 beijing 10 null null');
    assert.equal(h.right('+I shanghai 200'), '+I null null null shanghai 200');
    assert.equal(h.right('+I beijing 100'), '-D 1 beijing 10 null null\n+I 1 beijing 10 beijing 100');
    assert.equal(h.left('+I 2 shanghai 20'), '-D null null null shanghai 200\n+I 2 shanghai 20 shanghai 200');
    assert.equal(
      h.left('-U 1 beijing 10\n+U 1 shanghai 10'),
      lines(`
        -D 1 beijing 10 beijing 100
        +I null null null beijing 100
        +I 1 shanghai 10 shanghai 200
      `),
    );
    assert.equal(
      h.right('-D shanghai 200'),
      lines(`
        -D 2 shanghai 20 shanghai 200
        +I 2 shanghai 20 null null
        -D 1 shanghai 10 shanghai 200
        +I 1 shanghai 10 null null
      `),
    );
    assert.equal(
      h.result(),
      lines(`
        null null null beijing 100
        1 shanghai 10 null null
        2 shanghai 20 null null
      `),
    );
  });

  test('full join with NULL keys on both sides', () => {
    const h = new Harness('full');
    assert.equal(h.left('+I 1 null 10'), '+I 1 null 10 null null');
    assert.equal(h.right('+I null 5'), '+I null null null null 5');
    assert.equal(h.right('-D null 5'), '-D null null null null 5');
    assert.equal(h.left('-D 1 null 10'), '-D 1 null 10 null null');
    assert.equal(h.op.stateSize(), 0);
  });
});

describe('JoinOperator: unique-key state', () => {
  test('left side keyed by id (a map, not a multiset)', () => {
    const h = new Harness('left', null, { leftUniqueKey: [0] });
    h.right('+I beijing 100\n+I shanghai 200');
    assert.equal(h.left('+I 1 beijing 10'), '+I 1 beijing 10 beijing 100');
    assert.equal(
      h.left('-U 1 beijing 10\n+U 1 shanghai 11'),
      lines(`
        -D 1 beijing 10 beijing 100
        +I 1 shanghai 11 shanghai 200
      `),
    );
    assert.equal(h.left('-D 1 shanghai 11'), '-D 1 shanghai 11 shanghai 200');
    assert.equal(h.op.stateSize(), 2);
  });

  test('a retraction is matched by unique key and retracts the stored row', () => {
    const h = new Harness('inner', null, { leftUniqueKey: [0] });
    h.right('+I beijing 100');
    h.left('+I 1 beijing 10');
    // A tombstone-like retraction whose other fields differ: the stored row is retracted.
    assert.equal(h.left('-D 1 beijing 99'), '-D 1 beijing 10 beijing 100');
    assert.equal(h.result(), '');
  });

  test('an accumulate for a present unique key replaces the row', () => {
    const h = new Harness('left', null, { leftUniqueKey: [0], rightUniqueKey: [0] });
    h.right('+I beijing 100');
    h.left('+I 1 beijing 10');
    assert.equal(h.left('+I 1 beijing 20'), '-D 1 beijing 10 beijing 100\n+I 1 beijing 20 beijing 100');
    assert.equal(
      h.right('+I beijing 300'),
      lines(`
        -D 1 beijing 20 beijing 100
        +I 1 beijing 20 null null
        -D 1 beijing 20 null null
        +I 1 beijing 20 beijing 300
      `),
    );
    assert.equal(h.result(), '1 beijing 20 beijing 300');
    assert.equal(h.op.stateSize(), 2);
  });

  test('join key contains the unique key: one row per join key', () => {
    const h = new Harness('full', null, { rightUniqueKey: [0] });
    h.left('+I 1 beijing 10\n+I 2 beijing 20');
    assert.equal(
      h.right('+I beijing 100'),
      lines(`
        -D 1 beijing 10 null null
        +I 1 beijing 10 beijing 100
        -D 2 beijing 20 null null
        +I 2 beijing 20 beijing 100
      `),
    );
    assert.equal(
      h.right('-U beijing 100\n+U beijing 101'),
      lines(`
        -D 1 beijing 10 beijing 100
        +I 1 beijing 10 null null
        -D 2 beijing 20 beijing 100
        +I 2 beijing 20 null null
        -D 1 beijing 10 null null
        +I 1 beijing 10 beijing 101
        -D 2 beijing 20 null null
        +I 2 beijing 20 beijing 101
      `),
    );
  });
});

describe('JoinOperator: state', () => {
  test('a restored snapshot continues exactly like the original', () => {
    for (const jt of ['inner', 'left', 'right', 'full'] as const) {
      const a = new Harness(jt, (r) => (r[2] as number) !== 13);
      const b = new Harness(jt, (r) => (r[2] as number) !== 13);
      const script: [0 | 1, string][] = [
        [0, '+I 1 beijing 10\n+I 1 beijing 10\n+I 2 null 5'],
        [1, '+I beijing 100\n+I shanghai 7\n+I null 1'],
        [0, '+I 3 shanghai 13'],
        [1, '+I beijing 100'],
        [0, '-D 1 beijing 10'],
        [1, '-D shanghai 7\n-D beijing 100'],
        [0, '-U 2 null 5\n+U 2 beijing 5'],
      ];
      for (let i = 0; i < script.length; i++) {
        const [port, text] = script[i]!;
        const x = port === 0 ? a.left(text) : a.right(text);
        if (i === 3) b.restart();
        const y = port === 0 ? b.left(text) : b.right(text);
        assert.equal(y, x, `${jt} join, step ${i}`);
        assert.equal(b.op.stateSize(), a.op.stateSize());
      }
      assert.equal(b.result(), a.result());
    }
  });

  test('a snapshot is a copy: later changes do not alter it', () => {
    const h = new Harness('left');
    h.left('+I 1 beijing 10');
    const snap = h.op.snapshotState();
    const before = encodeState(snap);
    h.right('+I beijing 100');
    h.left('+I 1 beijing 10');
    assert.deepEqual(encodeState(snap), before);
  });

  test('restoring foreign state fails with a STATE error', () => {
    const op = new JoinOperator(joinNode('inner'), 3, 2, null);
    assert.throws(() => op.restoreState(new Map()), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
    const left = new JoinOperator(joinNode('left'), 3, 2, null);
    assert.throws(
      () => op.restoreState(left.snapshotState()),
      (e: unknown) => e instanceof StrataError && e.code === 'STATE' && /inner join/.test(e.message),
    );
    assert.throws(
      () => op.restoreState({ v: 1, joinType: 'inner', left: new Map([['k', [[1, 2]]]]), right: new Map() }),
      (e: unknown) => e instanceof StrataError && e.code === 'STATE',
    );
  });

  test('a port other than 0 and 1 is an internal error', () => {
    const op = new JoinOperator(joinNode('inner'), 3, 2, null);
    assert.throws(() => op.process(2, new ChangeBatch(), new ChangeBatch()), StrataError);
  });
});
