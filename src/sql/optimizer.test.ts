import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRegistry } from '../connectors/registry.js';
import { clearValuesSink, getValuesSinkChanges, getValuesSinkRows, registerValuesData } from '../connectors/values/store.js';
import { ChangeBatch } from '../core/batch.js';
import type { StreamPlan } from '../core/plan.js';
import { DELETE, INSERT, ROW_KIND_SHORT, UPDATE_AFTER, UPDATE_BEFORE } from '../core/row-kind.js';
import type { Row } from '../core/values.js';
import { Job } from '../engine/job.js';
import { Session } from '../runtime/session.js';
import { debugRow, multisetOf, Rng, sortedRows } from '../testing/changelog.js';
import { Binder } from './binder.js';
import { explainPlan } from './explain.js';
import type { LogicalNode, LogicalSink } from './logical.js';
import { conjuncts, isDeterministic, optimize, optimizeSinks } from './optimizer.js';
import { parseStatement } from './parser.js';
import { Planner } from './planner.js';

const registry = defaultRegistry();

const DDL = `
CREATE TABLE l (id INT NOT NULL, x INT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
  WITH ('connector' = 'values', 'data-id' = 'opt_l', 'changelog-mode' = 'I,UB,UA,D');
CREATE TABLE r (rid INT NOT NULL, lid INT, x INT, tag STRING, PRIMARY KEY (rid) NOT ENFORCED)
  WITH ('connector' = 'values', 'data-id' = 'opt_r', 'changelog-mode' = 'I,UB,UA,D');
CREATE TABLE e (k INT, v INT, w STRING) WITH ('connector' = 'values', 'data-id' = 'opt_e');
CREATE TABLE u (k INT NOT NULL, a INT, b STRING, PRIMARY KEY (k) NOT ENFORCED)
  WITH ('connector' = 'values', 'data-id' = 'opt_u', 'changelog-mode' = 'I,UA,D');
CREATE TABLE auction (id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT,
  dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR) WITH ('connector' = 'datagen');
CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime TIMESTAMP(3),
  extra VARCHAR) WITH ('connector' = 'datagen');
CREATE TABLE person (id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR,
  dateTime TIMESTAMP(3), extra VARCHAR) WITH ('connector' = 'datagen');
CREATE TABLE s2 (a INT, b INT) WITH ('connector' = 'values', 'sink-id' = 'opt_s2');
CREATE TABLE s3 (a INT, b INT, c INT) WITH ('connector' = 'values', 'sink-id' = 'opt_s3');
CREATE TABLE s4 (a INT, b STRING, c INT, d STRING) WITH ('connector' = 'values', 'sink-id' = 'opt_s4');
CREATE TABLE ss (a STRING, b STRING) WITH ('connector' = 'values', 'sink-id' = 'opt_ss');
CREATE TABLE up (rid INT, tag STRING, name STRING, PRIMARY KEY (rid) NOT ENFORCED)
  WITH ('connector' = 'values', 'sink-id' = 'opt_up', 'sink-changelog-mode' = 'upsert');
CREATE TABLE q4 (id BIGINT, final BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE q3 (name VARCHAR, city VARCHAR, state VARCHAR, id BIGINT) WITH ('connector' = 'blackhole');
`;

function newSession(): Session {
  const s = new Session({ registry });
  s.explain(DDL);
  return s;
}

/** The bound (unoptimized) sinks of an INSERT or a STATEMENT SET. */
function bind(session: Session, sql: string): LogicalSink[] {
  const st = parseStatement(sql, { dialect: 'flink' });
  const binder = new Binder(session.catalog);
  if (st.kind === 'insert') return [binder.bindInsert(st)];
  if (st.kind === 'statement-set') return st.inserts.map((i) => binder.bindInsert(i));
  return assert.fail(`not an INSERT: ${sql}`);
}

/** Plans sinks as they are (no optimizer). */
function planRaw(sinks: readonly LogicalSink[]): StreamPlan {
  const p = new Planner(registry);
  for (const s of sinks) p.countReferences(s.input);
  for (const s of sinks) p.addSink(s);
  return p.finish();
}

/** EXPLAIN text of an INSERT as Strata plans it (with the optimizer). */
function explain(sql: string): string {
  return explainPlan(Planner.plan(bind(newSession(), sql), registry));
}

/** The plan line matching `re`, with the lines of its subtree (by indentation). */
function subtree(plan: string, re: RegExp): string[] {
  const lines = plan.split('\n');
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `no line matches ${re} in\n${plan}`);
  const depth = (l: string): number => l.search(/[A-Z]/);
  const d = depth(lines[i]!);
  const out = [lines[i]!];
  for (let j = i + 1; j < lines.length && lines[j]!.trim() !== '' && depth(lines[j]!) > d; j++) out.push(lines[j]!);
  return out;
}

/** The lines of the join's left and right input subtrees. */
function joinInputs(plan: string, joinRe: RegExp = /Join\(/): { join: string; left: string[]; right: string[] } {
  const sub = subtree(plan, joinRe);
  const d = sub[0]!.search(/[A-Z]/) + 3;
  const starts = sub.map((l, i) => (l.search(/[A-Z]/) === d ? i : -1)).filter((i) => i >= 0);
  assert.equal(starts.length, 2, `expected two join inputs in\n${sub.join('\n')}`);
  return { join: sub[0]!, left: sub.slice(starts[0]!, starts[1]!), right: sub.slice(starts[1]!) };
}

describe('filter pushdown', () => {
  test('a comma join with a WHERE equality becomes an equi-join (Nexmark q4 as written)', () => {
    const plan = explain(`INSERT INTO q4
      SELECT Q.category, AVG(Q.final) FROM (
        SELECT MAX(B.price) AS final, A.category
        FROM auction A, bid B
        WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
        GROUP BY A.id, A.category) Q
      GROUP BY Q.category`);
    assert.match(plan, /Join\(joinType=\[InnerJoin\], where=\[=\(id, auction\) AND \(>=\(dateTime0, dateTime\)\) AND \(<=\(dateTime0, expires\)\)\]/);
    assert.doesNotMatch(plan, /where=\[true\]/);
    // No filter is left above the join: the aggregate's input Calc only projects.
    assert.match(plan, /\+- Calc\(select=\[id, category, price\], changelogMode=\[I\]\)\n\s+\+- Join\(/);
    // Each side carries only what the join and the aggregate use.
    const { left, right } = joinInputs(plan);
    assert.match(left[0]!, /Calc\(select=\[id, dateTime, expires, category\]/);
    assert.match(right[0]!, /Calc\(select=\[auction, price, dateTime\]/);
  });

  test('the same query with JOIN ... ON plans identically', () => {
    const comma = explain(`INSERT INTO q4 SELECT Q.category, AVG(Q.final) FROM (SELECT MAX(B.price) AS final, A.category
      FROM auction A, bid B WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.category) Q GROUP BY Q.category`);
    const on = explain(`INSERT INTO q4 SELECT Q.category, AVG(Q.final) FROM (SELECT MAX(B.price) AS final, A.category
      FROM auction A JOIN bid B ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.category) Q GROUP BY Q.category`);
    assert.equal(comma, on);
  });

  test('conditions on one side of an inner join filter that input (Nexmark q3)', () => {
    const plan = explain(`INSERT INTO q3 SELECT P.name, P.city, P.state, A.id
      FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
      WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')`);
    const { join, left, right } = joinInputs(plan);
    assert.match(join, /where=\[=\(seller, id0\)\]/);
    assert.match(left[0]!, /Calc\(select=\[id, seller\], where=\[=\(category, /);
    assert.match(left[1]!, /TableSourceScan\(table=\[\[default_catalog, default_database, auction\]\]/);
    assert.match(right[0]!, /Calc\(select=\[id, name, city, state\], where=\[.*=\(state, CAST\('OR'/);
    // Above the join only the output projection remains.
    assert.match(plan, /Sink\(table=\[default_catalog\.default_database\.q3\][^\n]*\n\+- Calc\(select=\[name, city, state, id\], changelogMode=\[I\]\)\n\s+\+- Join/);
  });

  test('a LEFT join: WHERE on the left input is pushed, WHERE on the right input stays above', () => {
    const plan = explain('INSERT INTO s3 SELECT l.id, r.rid, r.x FROM l LEFT JOIN r ON l.id = r.lid WHERE r.x IS NULL AND l.x > 1');
    assert.match(plan, /Calc\(select=\[id, rid, x0 AS x\], where=\[IS NULL\(x0\)\], changelogMode=\[I,D\]\)\n\s+\+- Join\(joinType=\[LeftOuterJoin\], where=\[=\(id, lid\)\]/);
    const { left, right } = joinInputs(plan);
    // l.x is only read by the pushed filter: the join's left input no longer carries it.
    assert.match(left[0]!, /Calc\(select=\[id\], where=\[>\(x, 1\)\]/);
    assert.match(right[0]!, /Calc\(select=\[rid, lid, x\], changelogMode/);
    assert.doesNotMatch(right.join('\n'), /where=/);
  });

  test('a LEFT join: ON conditions on the right input filter it, ON conditions on the left input stay in ON', () => {
    const plan = explain("INSERT INTO s2 SELECT l.id, r.rid FROM l LEFT JOIN r ON l.id = r.lid AND r.tag = 'a' AND l.x > 0");
    const { join, left, right } = joinInputs(plan);
    assert.match(join, /joinType=\[LeftOuterJoin\], where=\[=\(id, lid\) AND >\(x, 0\)\]/);
    assert.doesNotMatch(left.join('\n'), /where=/);
    assert.match(right[0]!, /Calc\(select=\[rid, lid\], where=\[=\(tag, CAST\('a' AS STRING NOT NULL\)\)\]/);
  });

  test('a RIGHT join mirrors the LEFT join; a FULL join moves nothing', () => {
    const right = explain("INSERT INTO s2 SELECT l.id, r.rid FROM l RIGHT JOIN r ON l.id = r.lid AND l.name <> 'n' AND r.x > 0 WHERE r.tag = 'a' AND l.x IS NULL");
    const rj = joinInputs(right);
    assert.match(rj.join, /joinType=\[RightOuterJoin\], where=\[=\(id, lid\) AND >\(x0, 0\)\]/);
    assert.match(rj.left[0]!, /where=\[<>\(name, /);
    assert.match(rj.right[0]!, /where=\[=\(tag, /);
    assert.match(right, /where=\[IS NULL\(x\)\][^\n]*\n\s+\+- Join\(joinType=\[RightOuterJoin\]/);

    const full = explain("INSERT INTO s2 SELECT l.id, r.rid FROM l FULL JOIN r ON l.id = r.lid AND r.tag = 'a' AND l.x > 0 WHERE l.x > 1 AND r.x > 1");
    const fj = joinInputs(full);
    assert.match(fj.join, /joinType=\[FullOuterJoin\], where=\[=\(id, lid\) AND \(=\(tag, CAST\('a' AS STRING NOT NULL\)\)\) AND \(>\(x, 0\)\)\]/);
    assert.doesNotMatch([...fj.left, ...fj.right].join('\n'), /where=/);
    assert.match(full, /where=\[\(>\(x, 1\)\) AND \(>\(x0, 1\)\)\][^\n]*\n\s+\+- Join\(joinType=\[FullOuterJoin\]/);
  });

  test('a condition on both sides of an inner join joins the condition; one on no column stays put', () => {
    const plan = explain('INSERT INTO s2 SELECT l.id, r.rid FROM l, r WHERE l.id = r.lid AND l.x < r.x AND 1 = 1');
    assert.match(plan, /Join\(joinType=\[InnerJoin\], where=\[=\(id, lid\) AND <\(x, x0\)\]/);
  });

  test('HAVING on a group key becomes a WHERE below the aggregate; HAVING on an aggregate stays', () => {
    const plan = explain('INSERT INTO s3 SELECT lid, x, CAST(COUNT(*) AS INT) FROM r GROUP BY lid, x HAVING lid > 1 AND COUNT(*) > 2 AND lid + x < 10');
    const agg = subtree(plan, /GroupAggregate\(/);
    assert.match(agg[1]!, /Calc\(select=\[lid, x\], where=\[\(>\(lid, 1\)\) AND \(<\(\+\(lid, x\), 10\)\)\]/);
    assert.match(plan, /where=\[>\(EXPR\$0, CAST\(2 AS BIGINT NOT NULL\)\)\][^\n]*\n\s+\+- GroupAggregate/);
    // A global aggregate keeps every HAVING above it.
    const global = explain('INSERT INTO s2 SELECT CAST(COUNT(*) AS INT), 1 FROM r HAVING COUNT(*) > 1');
    assert.match(global, /where=\[>\(EXPR\$0, CAST\(1 AS BIGINT NOT NULL\)\)\][^\n]*\n\s+\+- GroupAggregate/);
  });

  test('a filter over UNION ALL goes into every input', () => {
    const plan = explain('INSERT INTO s2 SELECT a, b FROM (SELECT id AS a, x AS b FROM l UNION ALL SELECT k AS a, v AS b FROM e) WHERE a > 3');
    const union = subtree(plan, /Union\(/);
    assert.equal(union.filter((l) => /Calc\(select=\[[^\]]*\], where=\[>\(/.test(l)).length, 2, union.join('\n'));
    assert.doesNotMatch(plan.split('Union(')[0]!, /where=/);
  });

  test('filters go through projects by substitution', () => {
    const plan = explain('INSERT INTO s2 SELECT t.y, r.rid FROM (SELECT id, x * 2 AS y FROM l) t JOIN r ON t.id = r.lid WHERE t.y > 4');
    const { left } = joinInputs(plan);
    assert.match(left[0]!, /Calc\(select=\[id, \*\(x, 2\) AS y\], where=\[>\(\*\(x, 2\), 4\)\]/);
  });

  test('non-deterministic conditions do not move', () => {
    const plan = explain('INSERT INTO s2 SELECT l.id, r.rid FROM l JOIN r ON l.id = r.lid AND RAND() < 0.5 WHERE RAND_INTEGER(3) = 1 AND l.x > 0');
    const { join, left, right } = joinInputs(plan);
    assert.match(join, /where=\[=\(id, lid\) AND <\(RAND\(\), /);
    assert.match(plan, /where=\[=\(RAND_INTEGER\(3\), 1\)\][^\n]*\n\s+\+- Join/);
    assert.match(left[0]!, /where=\[>\(x, 0\)\]/);
    assert.doesNotMatch(right.join('\n'), /where=/);
    // A condition on a non-deterministic projected column stays above the project, at the logical level.
    const sinks = bind(newSession(), 'INSERT INTO s2 SELECT id, CAST(y AS INT) FROM (SELECT id, RAND_INTEGER(10) AS y FROM l) t WHERE y > 5 AND id > 1');
    const top = optimize(sinks[0]!.input);
    const filters: string[] = [];
    const walk = (n: LogicalNode, underRand: boolean): void => {
      if (n.kind === 'filter') filters.push(`${conjuncts(n.condition).map((c) => (isDeterministic(c) ? 'det' : 'nd')).join(',')}:${underRand ? 'below' : 'above'}`);
      const hasRand = n.kind === 'project' && n.exprs.some((x) => !isDeterministic(x));
      if (n.kind === 'scan') return;
      if (n.kind === 'join') {
        walk(n.left, underRand);
        walk(n.right, underRand);
      } else if (n.kind === 'union') n.inputs.forEach((i) => walk(i, underRand));
      else walk(n.input, underRand || hasRand);
    };
    walk(top, false);
    // `y > 5` reads RAND_INTEGER's column: it stays above that project; `id > 1` goes below it.
    assert.deepEqual(filters.sort(), ['det:above', 'det:below']);
  });

  test('an equality of expressions of each side becomes join keys computed below the join', () => {
    const plan = explain('INSERT INTO s2 SELECT l.id, e.v FROM l JOIN e ON l.id + 1 = e.k AND CAST(l.x AS BIGINT) = CAST(e.v AS BIGINT) + 1');
    const { join, left, right } = joinInputs(plan);
    assert.match(join, /where=\[=\(\$f3, k\) AND =\(\$f4, \$f3\)\]/);
    // l.x is only read by a key expression: the key column replaces it.
    assert.match(left[0]!, /Calc\(select=\[id, \+\(id, 1\) AS \$f3, CAST\(x AS BIGINT\) AS \$f4\]/);
    assert.match(right[0]!, /Calc\(select=\[k, v, \+\(CAST\(v AS BIGINT\), CAST\(1 AS BIGINT NOT NULL\)\) AS \$f3\]/);
    assert.match(plan, /Sink[^\n]*\n\+- Calc\(select=\[id, v\]/);
  });
});

describe('projection pruning', () => {
  test('the seed demo: the DWD join keeps a unique key on both inputs and no UpsertMaterialize appears', () => {
    const s = newSession();
    s.explain(`CREATE TABLE orders_src (order_id INT NOT NULL, order_revenue FLOAT NOT NULL, order_region STRING NOT NULL, customer_id INT NOT NULL,
        PRIMARY KEY (order_id) NOT ENFORCED) WITH ('connector' = 'values', 'data-id' = 'o', 'changelog-mode' = 'I,UB,UA,D');
      CREATE TABLE customers_src (customer_id INT NOT NULL, customer_age FLOAT NOT NULL, customer_name STRING NOT NULL,
        PRIMARY KEY (customer_id) NOT ENFORCED) WITH ('connector' = 'values', 'data-id' = 'c', 'changelog-mode' = 'I,UB,UA,D');
      CREATE TABLE dwd (order_id INT, order_region STRING, customer_name STRING, PRIMARY KEY (order_id) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'k:9092', 'key.format' = 'json', 'value.format' = 'json');`);
    // Only three columns are used: order_id (the sink key) must survive the pruning of orders_src.
    const sql = `INSERT INTO dwd SELECT o.order_id, o.order_region, c.customer_name
      FROM customers_src c JOIN orders_src o ON c.customer_id = o.customer_id WHERE c.customer_id <> -1`;
    const plan = explainPlan(Planner.plan(bind(s, sql), registry));
    const { join, left, right } = joinInputs(plan);
    assert.match(join, /leftInputSpec=\[HasUniqueKey\], rightInputSpec=\[HasUniqueKey\]/);
    assert.match(left[0]!, /Calc\(select=\[customer_id, customer_name\], where=\[<>\(customer_id, -1\)\]/);
    assert.match(right[0]!, /Calc\(select=\[order_id, order_region, customer_id\]/);
    assert.doesNotMatch(plan, /UpsertMaterialize/);
  });

  test('a pruned input keeps its primary key even when nothing above reads it', () => {
    const plan = explain('INSERT INTO ss SELECT r.tag, l.name FROM r JOIN l ON r.lid = l.id');
    const { join, left, right } = joinInputs(plan);
    assert.match(join, /leftInputSpec=\[HasUniqueKey\], rightInputSpec=\[HasUniqueKey\]/);
    assert.match(left[0]!, /Calc\(select=\[rid, lid, tag\]/);
    assert.match(right[0]!, /Calc\(select=\[id, name\]/);
  });

  test('an upsert source is pruned above its ChangelogNormalize, which still sees whole rows', () => {
    const plan = explain('INSERT INTO s2 SELECT u.a, l.x FROM u JOIN l ON u.k = l.id');
    const { left } = joinInputs(plan);
    assert.match(left[0]!, /Calc\(select=\[k, a\], changelogMode=\[I,UB,UA,D\]\)/);
    assert.match(left[1]!, /ChangelogNormalize\(key=\[k\]/);
    assert.match(left[2]!, /TableSourceScan\(table=\[\[default_catalog, default_database, u\]\], fields=\[k, a, b\]/);
  });

  test('an upsert sink fed by a pruned join keyed like the sink needs no UpsertMaterialize', () => {
    const plan = explain('INSERT INTO up SELECT r.rid, r.tag, l.name FROM r JOIN l ON r.lid = l.id');
    assert.doesNotMatch(plan, /UpsertMaterialize/);
    assert.match(plan, /leftInputSpec=\[HasUniqueKey\], rightInputSpec=\[HasUniqueKey\]/);
  });

  test('a node shared by two consumers stays one node and keeps the columns both use', () => {
    const sinks = bind(newSession(), `INSERT INTO s3 WITH c AS (SELECT rid, lid, x, tag FROM r WHERE x > 0)
      SELECT a.lid, a.x, b.rid FROM c a JOIN c b ON a.lid = b.lid WHERE a.x < b.x AND b.tag = 'z'`);
    const opt = optimizeSinks(sinks)[0]!.input;
    const joins: LogicalNode[] = [];
    const find = (n: LogicalNode): void => {
      if (n.kind === 'join') joins.push(n);
      if (n.kind === 'scan') return;
      if (n.kind === 'join') {
        find(n.left);
        find(n.right);
      } else if (n.kind === 'union') n.inputs.forEach(find);
      else find(n.input);
    };
    find(opt);
    assert.equal(joins.length, 1);
    const j = joins[0]!;
    assert.ok(j.kind === 'join');
    // The CTE's filter (x > 0 over r) is reached from both sides of the join, as one object.
    const cteFilters = (n: LogicalNode, out = new Set<LogicalNode>()): Set<LogicalNode> => {
      if (n.kind === 'filter' && n.input.kind === 'scan') out.add(n);
      if (n.kind === 'project' || n.kind === 'filter') cteFilters(n.input, out);
      return out;
    };
    const fromLeft = [...cteFilters(j.left)];
    const fromRight = [...cteFilters(j.right)];
    assert.equal(fromLeft.length, 1);
    assert.equal(fromRight.length, 1);
    assert.equal(fromLeft[0], fromRight[0]);
    // The stream plan shares it too: one Calc for the CTE, reused.
    const plan = explainPlan(Planner.plan(sinks, registry));
    assert.match(plan, /Reused\(id=\[\d+\]\)/);
    assert.equal((plan.match(/where=\[>\(x, 0\)\]/g) ?? []).length, 1, plan);
    // b.tag = 'z' is one consumer's condition: it is not pushed into the shared node.
    assert.match(plan, /where=\[=\(tag, CAST\('z'/);
  });
});

describe('contract', () => {
  const QUERIES = [
    'INSERT INTO s2 SELECT l.id, r.rid FROM l LEFT JOIN r ON l.id = r.lid WHERE r.x IS NULL',
    "INSERT INTO s2 SELECT l.id, r.rid FROM l, r WHERE l.id = r.lid AND r.tag = 'a'",
    'INSERT INTO s2 SELECT l.id, e.v FROM l JOIN e ON l.id + 1 = e.k WHERE e.v > 0',
    'INSERT INTO s3 SELECT lid, x, CAST(COUNT(*) AS INT) FROM r GROUP BY lid, x HAVING lid > 1',
    'INSERT INTO s2 SELECT a, b FROM (SELECT id AS a, x AS b FROM l UNION ALL SELECT k, v FROM e) WHERE a > 3',
    `BEGIN STATEMENT SET;
     INSERT INTO s2 SELECT l.id, r.rid FROM l JOIN r ON l.id = r.lid WHERE l.x > 0;
     INSERT INTO up SELECT r.rid, r.tag, l.name FROM r JOIN l ON r.lid = l.id;
     END`,
  ];

  for (const sql of QUERIES) {
    test(`idempotent, and the output schema is unchanged: ${sql.replace(/\s+/g, ' ').slice(0, 70)}`, () => {
      const sinks = bind(newSession(), sql);
      const once = optimizeSinks(sinks);
      const twice = optimizeSinks(once);
      once.forEach((s, i) => assert.deepEqual(s.input.fields, sinks[i]!.input.fields));
      assert.equal(explainPlan(planRaw(twice)), explainPlan(planRaw(once)));
      assert.deepEqual(twice, once);
    });
  }

  test('deterministic: the same input gives the same plan', () => {
    const a = explain(QUERIES[1]!);
    const b = explain(QUERIES[1]!);
    assert.equal(a, b);
  });

  test('a sink reading a shared node and that node reaching two sinks stay shared', () => {
    const sinks = bind(newSession(), QUERIES[5]!);
    const plan = explainPlan(Planner.plan(sinks, registry));
    // The two sinks read r and l: each source appears once.
    assert.equal((plan.match(/TableSourceScan\(table=\[\[default_catalog, default_database, r\]\]/g) ?? []).length, 1, plan);
    assert.equal((plan.match(/TableSourceScan\(table=\[\[default_catalog, default_database, l\]\]/g) ?? []).length, 1, plan);
  });
});

// ---------------------------------------------------------------------------
// Differential: the optimized plan gives the same changelog as the bound plan, and its
// final rows equal a recomputation over the final contents of the sources.
// ---------------------------------------------------------------------------

interface TableGen {
  readonly id: string;
  readonly pk: boolean;
  readonly row: (rng: Rng, key: number) => Row;
}

const GENS: readonly TableGen[] = [
  { id: 'opt_l', pk: true, row: (g, k) => [k, g.chance(0.2) ? null : g.range(-1, 3), g.pick(['n0', 'n1', 'n2'])] },
  { id: 'opt_r', pk: true, row: (g, k) => [k, g.chance(0.1) ? null : g.range(0, 6), g.chance(0.2) ? null : g.range(0, 4), g.pick(['a', 'b', null])] },
  { id: 'opt_e', pk: false, row: (g) => [g.range(0, 7), g.range(-2, 3), g.pick(['p', 'q'])] },
  { id: 'opt_u', pk: true, row: (g, k) => [k, g.range(0, 3), g.pick(['s', 't'])] },
];

/** Random changelogs (several batches) per table, and each table's final rows. */
function generate(seed: number): { batches: Map<string, ChangeBatch[]>; finals: Map<string, Row[]> } {
  const g = new Rng(seed);
  const batches = new Map<string, ChangeBatch[]>();
  const finals = new Map<string, Row[]>();
  for (const t of GENS) {
    // Rows by primary key (or by a serial number for a table without one).
    const live = new Map<number, Row>();
    const bs: ChangeBatch[] = [];
    let serial = 0;
    for (let b = 0; b < 6; b++) {
      const batch = new ChangeBatch();
      for (let i = 0; i < 8; i++) {
        const keys = [...live.keys()];
        // A table without a primary key is insert-only.
        const op = keys.length === 0 || !t.pk ? 0 : g.int(3);
        if (op === 0) {
          const k = t.pk ? g.range(0, 9) : serial++;
          if (live.has(k)) continue;
          const row = t.row(g, k);
          live.set(k, row);
          batch.push(INSERT, row);
        } else if (op === 1) {
          const k = g.pick(keys);
          batch.push(DELETE, live.get(k)!);
          live.delete(k);
        } else {
          const k = g.pick(keys);
          const row = t.row(g, k);
          // An upsert source sends no UPDATE_BEFORE.
          if (t.id !== 'opt_u') batch.push(UPDATE_BEFORE, live.get(k)!);
          batch.push(UPDATE_AFTER, row);
          live.set(k, row);
        }
      }
      bs.push(batch);
    }
    batches.set(t.id, bs);
    finals.set(t.id, [...live.values()]);
  }
  return { batches, finals };
}

/** Runs a plan to the end; returns the sink's changes at each commit (micro-batch). */
async function run(plan: StreamPlan, sinkId: string): Promise<string[][]> {
  const abort = new AbortController();
  const ctx = { jobName: 'opt-test', signal: abort.signal, log: (): void => {} };
  const commits: string[][] = [];
  let seen = 0;
  const onCommit = (): void => {
    const ch = getValuesSinkChanges(sinkId);
    const step: string[] = [];
    for (let i = seen; i < ch.rows.length; i++) step.push(`${ROW_KIND_SHORT[ch.kinds[i]!]}${debugRow(ch.rows[i]!)}`);
    seen = ch.rows.length;
    if (step.length > 0) commits.push(step);
  };
  const job = new Job(
    plan,
    { createSource: (n) => registry.createSource(n.table, ctx), createSink: (n) => registry.createSink(n.table, ctx), evalContext: { timeZone: 'UTC' } },
    { name: 'opt-test', onCommit },
  );
  await job.start();
  await job.done();
  if (job.error !== null) throw job.error;
  assert.equal(job.state, 'FINISHED');
  return commits;
}

const DIFF_QUERIES = [
  'INSERT INTO s3 SELECT l.id, r.rid, r.x FROM l LEFT JOIN r ON l.id = r.lid WHERE r.x IS NULL',
  "INSERT INTO s3 SELECT l.id, r.rid, l.x FROM l LEFT JOIN r ON l.id = r.lid AND r.tag = 'a' AND l.x > 0 WHERE l.x IS NOT NULL",
  "INSERT INTO s3 SELECT l.id, r.rid, r.x FROM l RIGHT JOIN r ON l.id = r.lid AND l.name <> 'n1' WHERE r.tag = 'b' OR l.x IS NULL",
  "INSERT INTO s3 SELECT l.id, r.rid, r.x FROM l RIGHT JOIN r ON l.id = r.lid AND l.name <> 'n1' WHERE r.tag = 'b' AND l.x IS NULL",
  'INSERT INTO s3 SELECT l.id, r.rid, r.x FROM l FULL JOIN r ON l.id = r.lid AND r.x > 1 WHERE l.x > 0 OR r.x IS NULL',
  // The next two are cross joins when bound and keyed joins when optimized: a keyed join
  // visits matching rows in another order, so only each micro-batch's changes are compared.
  'UNORDERED INSERT INTO s3 SELECT l.id, r.rid, e.v FROM l, r, e WHERE l.id = r.lid AND r.x = e.k AND e.v > 0 AND l.name <> \'n2\'',
  'UNORDERED INSERT INTO s2 SELECT l.id, e.v FROM l JOIN e ON l.id + 1 = e.k AND CAST(l.x AS BIGINT) <= e.v',
  "INSERT INTO s4 SELECT t.id, t.n, r.rid, r.tag FROM (SELECT id, x * 2 AS y, UPPER(name) AS n FROM l) t JOIN r ON t.id = r.lid WHERE t.y > 0 AND t.n <> 'N1'",
  'INSERT INTO s3 SELECT lid, x, CAST(SUM(rid) AS INT) FROM r GROUP BY lid, x HAVING lid > 1 AND COUNT(*) >= 1 AND (x IS NULL OR x < 3)',
  "INSERT INTO s2 SELECT a, b FROM (SELECT id AS a, x AS b FROM l UNION ALL SELECT k AS a, v AS b FROM e) WHERE a > 2 AND b IS NOT NULL",
  'INSERT INTO s3 WITH c AS (SELECT lid, x, rid FROM r WHERE x > 0) SELECT a.lid, b.x, b.rid FROM c a JOIN c b ON a.lid = b.lid WHERE a.x < b.x',
  'INSERT INTO s2 SELECT u.a, l.x FROM u JOIN l ON u.k = l.id WHERE u.b = \'s\'',
  'INSERT INTO up SELECT r.rid, r.tag, l.name FROM r JOIN l ON r.lid = l.id WHERE l.x >= 0',
  'INSERT INTO s2 SELECT CAST(COUNT(*) AS INT), CAST(COUNT(*) AS INT) FROM l, r',
  // Inputs of which nothing is read keep one column.
  'INSERT INTO s2 SELECT CAST(COUNT(*) AS INT), 1 FROM (SELECT x FROM l) a, (SELECT w FROM e) b',
  'INSERT INTO s2 SELECT CAST(COUNT(*) AS INT), CAST(SUM(1) AS INT) FROM (SELECT id AS a FROM l UNION ALL SELECT k FROM e)',
  'INSERT INTO s2 SELECT g, CAST(n AS INT) FROM (SELECT lid AS g, COUNT(*) AS n FROM (SELECT r.lid FROM r LEFT JOIN l ON r.lid = l.id WHERE l.name IS NULL OR r.x > 2) GROUP BY lid) WHERE g < 5',
];

describe('optimized plans compute what the bound plans compute', () => {
  for (const [qi, text] of DIFF_QUERIES.entries()) {
    const unordered = text.startsWith('UNORDERED ');
    const sql = unordered ? text.slice('UNORDERED '.length) : text;
    test(`query ${qi}: ${sql.slice(12, 90)}`, async () => {
      let changes = 0;
      for (const seed of [1, 2, 3, 4, 5]) {
        const session = newSession();
        const [sink] = bind(session, sql) as [LogicalSink];
        const sinkId = sink.table.options['sink-id']!;
        const withId = (id: string): LogicalSink => ({ ...sink, table: { ...sink.table, options: { ...sink.table.options, 'sink-id': id } } });
        const { batches, finals } = generate(seed * 7919 + qi);
        const load = (incremental: boolean): void => {
          for (const [id, bs] of batches) registerValuesData(id, incremental ? bs : [new ChangeBatch(finals.get(id)!.map(() => INSERT), finals.get(id)!)]);
        };
        const runs: Record<string, { commits: string[][]; rows: string[] }> = {};
        for (const [name, optimized, incremental] of [
          ['bound', false, true],
          ['optimized', true, true],
          ['recomputed', true, false],
        ] as const) {
          const id = `${sinkId}_${name}`;
          clearValuesSink(id);
          load(incremental);
          const s = withId(id);
          const commits = await run(optimized ? Planner.plan([s], registry) : planRaw([s]), id);
          runs[name] = { commits, rows: sortedRows(multisetOf(getValuesSinkRows(id))).map(debugRow) };
        }
        const ctx = `seed ${seed}, query: ${sql}`;
        const bound = runs['bound']!.commits;
        const opt = runs['optimized']!.commits;
        if (unordered) {
          const sorted = (cs: string[][]): string[][] => cs.map((c) => [...c].sort());
          assert.deepEqual(sorted(opt), sorted(bound), `micro-batch changes differ (${ctx})`);
        } else {
          assert.deepEqual(opt, bound, `changelog differs (${ctx})`);
        }
        assert.deepEqual(runs['optimized']!.rows, runs['recomputed']!.rows, `final rows differ from a recomputation (${ctx})`);
        changes += bound.flat().length;
      }
      assert.ok(changes > 0, 'the data exercises the query');
    });
  }
});

describe('random joins with random conditions', () => {
  const ON_EXTRA = ["r.tag = 'a'", 'l.x > 0', 'r.x IS NOT NULL', 'l.x < r.x', "l.name <> 'n1'", 'COALESCE(r.x, 0) >= 1', '1 = 1'];
  const WHERE = [
    'r.x IS NULL',
    'l.x IS NULL',
    "r.tag = 'b'",
    "l.name <> 'n2'",
    'l.x <= r.x',
    'l.x > 0 OR r.x IS NULL',
    'l.id > 1',
    'r.rid < 8',
    'COALESCE(l.x, r.x, -5) > -1',
  ];

  test('the optimized plan gives the bound plan\'s changes and a recomputation\'s rows', async () => {
    const seed = 20261121;
    const g = new Rng(seed);
    let changes = 0;
    for (let q = 0; q < 40; q++) {
      const jt = g.pick(['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', ',']);
      const on = ['l.id = r.lid', ...ON_EXTRA.filter(() => g.chance(0.25))];
      const where = WHERE.filter(() => g.chance(0.3));
      const from = jt === ',' ? 'l, r' : `l ${jt} r ON ${on.join(' AND ')}`;
      const conds = jt === ',' ? [...on, ...where] : where;
      const whereSql = conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
      const sql = g.chance(0.3)
        ? `INSERT INTO s3 SELECT lid, CAST(c AS INT), CAST(m AS INT) FROM (SELECT r.lid AS lid, COUNT(*) AS c, MAX(l.x) AS m FROM ${from}${whereSql} GROUP BY r.lid) WHERE lid > 0`
        : `INSERT INTO s3 SELECT l.id, r.rid, ${g.pick(['l.x', 'r.x'])} FROM ${from}${whereSql}`;
      const session = newSession();
      const [sink] = bind(session, sql) as [LogicalSink];
      const withId = (id: string): LogicalSink => ({ ...sink, table: { ...sink.table, options: { ...sink.table.options, 'sink-id': id } } });
      const { batches, finals } = generate(seed + q);
      const results: Record<string, { commits: string[][]; rows: string[] }> = {};
      for (const [name, optimized, incremental] of [
        ['bound', false, true],
        ['optimized', true, true],
        ['recomputed', true, false],
      ] as const) {
        for (const [id, bs] of batches) registerValuesData(id, incremental ? bs : [new ChangeBatch(finals.get(id)!.map(() => INSERT), finals.get(id)!)]);
        const id = `rand_${name}`;
        clearValuesSink(id);
        const commits = await run(optimized ? Planner.plan([withId(id)], registry) : planRaw([withId(id)]), id);
        results[name] = { commits, rows: sortedRows(multisetOf(getValuesSinkRows(id))).map(debugRow) };
      }
      const ctx = `seed ${seed}, query ${q}: ${sql}`;
      // A comma join is a cross join when bound: compare each micro-batch's changes as a multiset.
      const norm = (cs: string[][]): string[][] => (jt === ',' ? cs.map((c) => [...c].sort()) : cs);
      assert.deepEqual(norm(results['optimized']!.commits), norm(results['bound']!.commits), `changelog differs (${ctx})`);
      assert.deepEqual(results['optimized']!.rows, results['recomputed']!.rows, `final rows differ from a recomputation (${ctx})`);
      changes += results['bound']!.commits.flat().length;
    }
    assert.ok(changes > 100, `the data exercises the queries (${changes} changes)`);
  });
});
