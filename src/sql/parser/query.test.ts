import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr, FromItem, Query, SetOperation, TableFunctionRef, TableRef } from '../ast.js';
import { parseQuery } from '../parser.js';
import { FLINK, STARROCKS, catchError, select, show, showFrom, showQuery } from './test-support.js';

function q(sql: string, options = FLINK): string {
  return showQuery(parseQuery(sql, options));
}

function from(sql: string, options = FLINK): FromItem {
  const s = select(sql, options);
  assert.ok(s.from !== null);
  return s.from;
}

describe('query: SELECT clauses', () => {
  test('all clauses in order', () => {
    const s = select(
      'SELECT DISTINCT a, b AS x, c y FROM t WHERE a > 1 GROUP BY a, b HAVING count(*) > 2 ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 5',
    );
    assert.equal(s.distinct, true);
    assert.deepEqual(
      s.items.map((i) => i.alias),
      [null, 'x', 'y'],
    );
    assert.equal(show(s.where as Expr), '(a > 1)');
    assert.equal(s.groupBy.map(show).join(','), 'a,b');
    assert.equal(show(s.having as Expr), '(count(*) > 2)');
    assert.equal(s.orderBy.length, 2);
    assert.equal(s.orderBy[0]?.desc, true);
    assert.equal(s.orderBy[0]?.nullsFirst, false);
    assert.equal(s.orderBy[1]?.desc, false);
    assert.equal(s.orderBy[1]?.nullsFirst, null);
    assert.equal(show(s.limit as Expr), '10');
    assert.equal(show(s.offset as Expr), '5');
  });

  test('SELECT ALL and a select without FROM', () => {
    const s = select('SELECT ALL 1 + 1');
    assert.equal(s.distinct, false);
    assert.equal(s.from, null);
  });

  test('* and t.* and db.t.* in the select list', () => {
    const s = select('SELECT *, t.*, db.t.*, `q`.* FROM t');
    assert.deepEqual(
      s.items.map((i) => show(i.expr)),
      ['*', 't.*', 'db.t.*', 'q.*'],
    );
  });

  test('FETCH FIRST n ROWS ONLY and OFFSET n ROWS', () => {
    const s = select('SELECT a FROM t ORDER BY a OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY');
    assert.equal(show(s.limit as Expr), '3');
    assert.equal(show(s.offset as Expr), '2');
  });

  test('starrocks LIMIT m, n is offset m, limit n', () => {
    const s = select('SELECT a FROM t LIMIT 5, 10', STARROCKS);
    assert.equal(show(s.offset as Expr), '5');
    assert.equal(show(s.limit as Expr), '10');
  });

  test('flink rejects LIMIT m, n with the Flink spelling in the hint', () => {
    const e = catchError(() => select('SELECT a FROM t LIMIT 5, 10'));
    assert.equal(e.code, 'SQL_SYNTAX');
    assert.match(e.message, /LIMIT n OFFSET m/);
  });

  test('starrocks string aliases', () => {
    const s = select("SELECT a AS 'x', b \"y\" FROM t", STARROCKS);
    assert.deepEqual(
      s.items.map((i) => i.alias),
      ['x', 'y'],
    );
  });

  test('the select of the MySQL client on connect', () => {
    const s = select('select @@version_comment limit 1', STARROCKS);
    assert.equal(show(s.items[0]?.expr as Expr), '@@.version_comment');
    assert.equal(show(s.limit as Expr), '1');
  });

  test('query hints after SELECT are accepted and ignored', () => {
    const s = select('SELECT /*+ BROADCAST(d) */ a FROM t');
    assert.equal(s.items.length, 1);
  });
});

describe('query: set operations', () => {
  test('UNION ALL, INTERSECT binds tighter, left-associative', () => {
    assert.equal(q('SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3'), '[SELECT 1 UNION ALL [SELECT 2 INTERSECT SELECT 3]]');
    assert.equal(q('SELECT 1 EXCEPT SELECT 2 UNION SELECT 3'), '[[SELECT 1 EXCEPT SELECT 2] UNION SELECT 3]');
    assert.equal(q('SELECT 1 INTERSECT SELECT 2 INTERSECT SELECT 3'), '[[SELECT 1 INTERSECT SELECT 2] INTERSECT SELECT 3]');
  });

  test('UNION DISTINCT is not ALL', () => {
    const r = parseQuery('SELECT 1 UNION DISTINCT SELECT 2', FLINK) as SetOperation;
    assert.equal(r.kind, 'set-operation');
    assert.equal(r.all, false);
  });

  test('ORDER BY and LIMIT after a set operation belong to it', () => {
    assert.equal(q('SELECT a FROM x UNION ALL SELECT a FROM y ORDER BY a LIMIT 3'), '[SELECT a FROM x UNION ALL SELECT a FROM y] ORDER BY a LIMIT 3');
  });

  test('parenthesized queries', () => {
    assert.equal(q('(SELECT 1) UNION (SELECT 2 LIMIT 1)'), '[SELECT 1 UNION SELECT 2 LIMIT 1]');
    assert.equal(q('((SELECT a FROM t)) ORDER BY a'), 'SELECT a FROM t ORDER BY a');
  });

  test('starrocks MINUS is EXCEPT', () => {
    assert.equal(q('SELECT 1 MINUS SELECT 2', STARROCKS), '[SELECT 1 EXCEPT SELECT 2]');
  });

  test('VALUES', () => {
    assert.equal(q("VALUES (1, 'a'), (2, 'b')"), "VALUES (1, 'a'), (2, 'b')");
  });
});

describe('query: WITH', () => {
  test('common table expressions with column lists', () => {
    const s = select('WITH a (x, y) AS (SELECT 1, 2), b AS (SELECT x FROM a) SELECT * FROM b');
    assert.deepEqual(
      s.with.map((c) => [c.name, c.columns]),
      [
        ['a', ['x', 'y']],
        ['b', null],
      ],
    );
    assert.equal(showQuery(s.with[1]?.query as Query), 'SELECT x FROM a');
  });

  test('a WITH over a set operation is visible in every branch', () => {
    assert.equal(q('WITH c AS (SELECT 1) SELECT * FROM c UNION ALL SELECT * FROM c'), '[WITH c SELECT * FROM c UNION ALL WITH c SELECT * FROM c]');
  });
});

describe('query: FROM', () => {
  test('tables with and without AS, qualified names', () => {
    assert.equal(showFrom(from('SELECT 1 FROM `cat`.db.t AS x')), 'cat.db.t x');
    assert.equal(showFrom(from('SELECT 1 FROM t x')), 't x');
    assert.equal(showFrom(from('SELECT 1 FROM t')), 't');
  });

  test('every join type, ON and USING', () => {
    assert.equal(
      showFrom(from('SELECT 1 FROM a JOIN b ON a.k = b.k INNER JOIN c USING (k) LEFT JOIN d ON TRUE LEFT OUTER JOIN e ON TRUE')),
      '{{{{a INNER b ON (a.k = b.k)} INNER c USING (k)} LEFT d ON TRUE} LEFT e ON TRUE}',
    );
    assert.equal(
      showFrom(from('SELECT 1 FROM a RIGHT JOIN b ON x RIGHT OUTER JOIN c ON y FULL JOIN d ON z FULL OUTER JOIN e ON w CROSS JOIN f')),
      '{{{{{a RIGHT b ON x} RIGHT c ON y} FULL d ON z} FULL e ON w} CROSS f}',
    );
  });

  test('comma joins are cross joins; JOIN binds tighter than the comma', () => {
    assert.equal(showFrom(from('SELECT 1 FROM a, b JOIN c ON x, d')), '{{a CROSS {b INNER c ON x}} CROSS d}');
  });

  test('parenthesized joins', () => {
    assert.equal(showFrom(from('SELECT 1 FROM a JOIN (b JOIN c ON x) ON y')), '{a INNER {b INNER c ON x} ON y}');
  });

  test('subqueries with alias and column aliases', () => {
    const f = from('SELECT 1 FROM (SELECT a, b FROM t) AS s (x, y)');
    assert.equal(f.kind, 'subquery');
    if (f.kind === 'subquery') {
      assert.equal(f.alias, 's');
      assert.deepEqual(f.columnAliases, ['x', 'y']);
      assert.equal(f.lateral, false);
    }
  });

  test('OPTIONS hints after a table name', () => {
    const f = from("SELECT 1 FROM kafka_t /*+ OPTIONS('scan.startup.mode'='earliest-offset', 'a' = 'b') */ AS k") as TableRef;
    assert.equal(f.kind, 'table');
    assert.deepEqual(
      f.hints.map((h) => [h.key, h.value]),
      [
        ['scan.startup.mode', 'earliest-offset'],
        ['a', 'b'],
      ],
    );
    assert.equal(f.alias, 'k');
  });

  test('other hints are ignored, OPTIONS among them is kept', () => {
    const f = from("SELECT 1 FROM t /*+ LOOKUP('table'='t', 'retry-strategy'='fixed_delay'), OPTIONS('x'='y') */") as TableRef;
    assert.deepEqual(
      f.hints.map((h) => h.key),
      ['x'],
    );
  });

  test('lookup join: FOR SYSTEM_TIME AS OF before the alias', () => {
    const f = from('SELECT 1 FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.cid = c.id');
    assert.equal(f.kind, 'join');
    if (f.kind !== 'join') return;
    const right = f.right as TableRef;
    assert.equal(right.kind, 'table');
    assert.equal(show(right.forSystemTimeAsOf as Expr), 'o.proc_time');
    assert.equal(right.alias, 'c');
  });

  test('window TVF with positional arguments', () => {
    const s = select(
      "SELECT window_start, window_end, SUM(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end",
    );
    const f = s.from as TableFunctionRef;
    assert.equal(f.kind, 'table-function');
    assert.deepEqual(f.name.parts, ['TUMBLE']);
    assert.equal(f.lateral, false);
    assert.equal(f.args.length, 3);
    const [a0, a1, a2] = f.args;
    assert.equal(a0?.kind === 'table-arg' ? a0.name.parts.join('.') : '', 'bid');
    assert.deepEqual(a1?.kind === 'descriptor-arg' ? a1.columns : [], ['bidtime']);
    assert.equal(a2?.kind === 'expr-arg' ? show(a2.expr) : '', "INTERVAL '10' MINUTE");
  });

  test('window TVF with named arguments', () => {
    const f = from(
      "SELECT * FROM TABLE(HOP(DATA => TABLE bid, TIMECOL => DESCRIPTOR(bidtime), SLIDE => INTERVAL '5' MINUTES, SIZE => INTERVAL '10' MINUTES)) AS w",
    ) as TableFunctionRef;
    assert.equal(f.alias, 'w');
    assert.deepEqual(
      f.args.map((a) => a.kind),
      ['table-arg', 'descriptor-arg', 'expr-arg', 'expr-arg'],
    );
    assert.deepEqual(
      f.args.map((a) => (a.kind === 'expr-arg' ? a.name : null)),
      [null, null, 'SLIDE', 'SIZE'],
    );
  });

  test('LATERAL TABLE with alias and column aliases, in a LEFT JOIN ... ON TRUE', () => {
    const f = from('SELECT a, w FROM t LEFT JOIN LATERAL TABLE(split_words(s)) AS T(w, n) ON TRUE');
    assert.equal(f.kind, 'join');
    if (f.kind !== 'join') return;
    assert.equal(f.joinType, 'left');
    const r = f.right as TableFunctionRef;
    assert.equal(r.kind, 'table-function');
    assert.equal(r.lateral, true);
    assert.equal(r.alias, 'T');
    assert.deepEqual(r.columnAliases, ['w', 'n']);
    assert.equal(r.args[0]?.kind === 'expr-arg' ? show(r.args[0].expr) : '', 's');
  });

  test('comma LATERAL TABLE', () => {
    assert.equal(showFrom(from('SELECT 1 FROM t, LATERAL TABLE(f(x)) u')), '{t CROSS LATERAL TABLE(f(...)) u}');
  });

  test('the DWD join of the demo', () => {
    const s = select(
      'SELECT o.order_id, c.customer_name FROM customers_src c JOIN orders_src o ON c.customer_id=o.customer_id WHERE c.customer_id <> -1',
    );
    assert.equal(showFrom(s.from as FromItem), '{customers_src c INNER orders_src o ON (c.customer_id = o.customer_id)}');
    assert.equal(show(s.where as Expr), '(c.customer_id <> (- 1))');
  });

  test('implicit aliases never swallow a clause keyword', () => {
    assert.equal(q('SELECT a FROM t WHERE a = 1'), 'SELECT a FROM t WHERE (a = 1)');
    assert.equal(q('SELECT a FROM t GROUP BY a'), 'SELECT a FROM t GROUP BY a');
    assert.equal(q('SELECT a FROM t ORDER BY a'), 'SELECT a FROM t ORDER BY a');
    assert.equal(q('SELECT a FROM t LIMIT 1'), 'SELECT a FROM t LIMIT 1');
    assert.equal(q('SELECT a FROM t UNION SELECT 1'), '[SELECT a FROM t UNION SELECT 1]');
  });

  test('a join without ON names what is missing', () => {
    const e = catchError(() => select('SELECT 1 FROM a JOIN b WHERE x'));
    assert.match(e.message, /expected ON or USING after the joined table, found 'WHERE'/);
  });
});
