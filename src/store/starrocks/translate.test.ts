import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../core/errors.js';
import { T } from '../../core/types.js';
import type { Value } from '../../core/values.js';
import type { Pos, Query } from '../../sql/ast.js';
import { parseStatement } from '../../sql/parser.js';
import type { Warehouse, WarehouseTableDef } from '../api.js';
import { resultColumns, Translator, type TranslateHost, type TranslatedQuery } from './translate.js';
import type { ZoneSpec } from './variables.js';

const ORDERS: WarehouseTableDef = {
  database: 'shop',
  name: 'orders',
  columns: [
    { name: 'id', type: T.int(false), typeText: 'INT', comment: '', defaultValue: null, aggregation: null },
    { name: 'region', type: T.varchar(40), typeText: 'VARCHAR(40)', comment: '', defaultValue: null, aggregation: null },
    { name: 'day', type: T.date(), typeText: 'DATE', comment: '', defaultValue: null, aggregation: null },
  ],
  keyModel: 'PRIMARY',
  keyColumns: ['id'],
  comment: '',
  engine: 'olap',
  distribution: null,
  partitionText: null,
  properties: {},
};

/** A catalog-only warehouse: the translator reads table definitions, never data. */
function catalog(tables: readonly WarehouseTableDef[]): Warehouse {
  const no = (): Promise<never> => Promise.reject(new StrataError('INTERNAL', 'not in this test'));
  return {
    createDatabase: no,
    dropDatabase: no,
    listDatabases: () => [...new Set(tables.map((t) => t.database))],
    hasDatabase: (n) => tables.some((t) => t.database.toLowerCase() === n.toLowerCase()),
    createTable: no,
    dropTable: no,
    truncateTable: no,
    addColumn: no,
    dropColumn: no,
    getTable: (d, n) => tables.find((t) => t.database.toLowerCase() === d.toLowerCase() && t.name.toLowerCase() === n.toLowerCase()),
    listTables: (d) => tables.filter((t) => t.database === d).map((t) => t.name),
    apply: no,
    position: () => null,
    query: no,
    close: () => Promise.resolve(),
  };
}

function host(database: string | null, zone: ZoneSpec = { kind: 'name', name: 'UTC' }): TranslateHost {
  return {
    warehouse: catalog([ORDERS]),
    database,
    connectionId: 9,
    user: 'root',
    version: '5.1.0',
    zone,
    systemVariable: (name: string, _scope: unknown, pos: Pos): Value => {
      if (name === 'version') return '5.1.0';
      throw new StrataError('SQL_VALIDATION', `unknown system variable '${name}'`, { location: { line: pos.line, column: pos.column } });
    },
    userVariable: () => null,
    informationSchema: () => undefined,
  };
}

function translate(sql: string, h: TranslateHost = host('shop'), params: readonly Value[] | null = null): TranslatedQuery {
  const st = parseStatement(sql, { dialect: 'starrocks' });
  assert.equal(st.kind, 'query');
  return new Translator(h, sql, params).query((st as { query: Query }).query);
}

function fails(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StrataError, String(e));
    return e;
  }
  assert.fail('expected a StrataError');
}

describe('Translator', () => {
  test('? parameters become typed literals', () => {
    assert.equal(
      translate('select id from orders where id = ? and region = ?', host('shop'), [7n, "it's"]).sql,
      `SELECT "id" FROM "shop"."orders" AS "orders" WHERE (("id" = 7) AND ("region" = 'it''s'))`,
    );
    const e = fails(() => translate('select ?'));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.deepEqual(e.location, { line: 1, column: 8 });
  });

  test('CTE names are not qualified; tables are, case-insensitively, by their created names', () => {
    assert.equal(
      translate('with x as (select * from ORDERS) select * from x').sql,
      'WITH "x" AS (SELECT * FROM "shop"."orders" AS "ORDERS") SELECT * FROM "x" AS "x"',
    );
    assert.equal(translate('select shop.orders.id from shop.orders').sql, 'SELECT "orders"."id" FROM "shop"."orders" AS "orders"');
  });

  test('unknown names and missing databases are located', () => {
    let e = fails(() => translate('select 1 from orders', host(null)));
    assert.equal(e.code, 'CATALOG_OBJECT_NOT_FOUND');
    assert.match(e.message, /^1:15: no database selected for table 'orders'/);
    e = fails(() => translate('select 1 from shop.nope'));
    assert.match(e.message, /^1:15: table 'shop.nope' does not exist/);
    e = fails(() => translate('select 1 from\n  nope.t'));
    assert.match(e.message, /^2:3: unknown database 'nope'/);
    e = fails(() => translate('select @@nope'));
    assert.deepEqual(e.location, { line: 1, column: 8 });
  });

  test("MySQL's result column names", () => {
    const t = translate("select id as x, o.region, 'str', @@version, (1 + 2) * 3, upper( region ) from orders o");
    assert.deepEqual(
      t.outputs.map((o) => (o.kind === 'expr' ? o.name : '*')),
      ['x', 'region', 'str', '@@version', '(1 + 2) * 3', 'upper( region )'],
    );
    assert.equal(
      t.sql,
      `SELECT "id" AS "x", "o"."region", 'str' AS "str", '5.1.0' AS "@@version", ((1 + 2) * 3) AS "(1 + 2) * 3", upper(CAST("region" AS VARCHAR)) AS "upper( region )" FROM "shop"."orders" AS "o"`,
    );
  });

  test('FROM dual is dropped; table functions and lookup joins are unsupported', () => {
    assert.equal(translate('select 1 + 1 from dual').sql, 'SELECT (1 + 1) AS "1 + 1"');
    assert.equal(fails(() => translate('select * from orders for system_time as of now() as o')).code, 'SQL_UNSUPPORTED');
    assert.equal(fails(() => translate("select * from orders where region similar to 'a'")).code, 'SQL_UNSUPPORTED');
  });

  test('session time zone: an IANA name or a fixed offset', () => {
    assert.equal(translate('select now()').sql, `SELECT date_trunc('second', timezone('UTC', now())) AS "now()"`);
    const h = host('shop', { kind: 'offset', minutes: 480 });
    assert.equal(translate('select now()', h).sql, `SELECT date_trunc('second', (timezone('UTC', now()) + INTERVAL '480' MINUTE)) AS "now()"`);
    assert.equal(
      translate("select unix_timestamp('2024-01-01 08:00:00')", h).sql,
      `SELECT CAST(epoch(timezone('UTC', CAST(TRY_CAST('2024-01-01 08:00:00' AS TIMESTAMP) AS TIMESTAMP) - INTERVAL '480' MINUTE)) AS BIGINT) AS "unix_timestamp('2024-01-01 08:00:00')"`,
    );
  });

  test('a DATE column plus whole days stays a DATE', () => {
    assert.equal(
      translate('select date_add(day, interval 2 week), day - interval 1 hour from orders').sql,
      `SELECT CAST(("day" + INTERVAL '2' WEEK) AS DATE) AS "date_add(day, interval 2 week)", ("day" - INTERVAL '1' HOUR) AS "day - interval 1 hour" FROM "shop"."orders" AS "orders"`,
    );
  });
});

describe('resultColumns', () => {
  test('plain columns keep the declared type and name their table; * expands in FROM order', () => {
    const t = translate('select *, region, length(region) from orders');
    const duck = [
      { name: 'id', type: T.int() },
      { name: 'region', type: T.string() },
      { name: 'day', type: T.date() },
      { name: 'region', type: T.string() },
      { name: 'length(region)', type: T.bigint() },
    ];
    assert.deepEqual(resultColumns(duck, t.outputs), [
      { name: 'id', type: T.int(false), database: 'shop', table: 'orders' },
      { name: 'region', type: T.varchar(40), database: 'shop', table: 'orders' },
      { name: 'day', type: T.date(), database: 'shop', table: 'orders' },
      { name: 'region', type: T.varchar(40), database: 'shop', table: 'orders' },
      { name: 'length(region)', type: T.bigint() },
    ]);
  });

  test("the outer side of a join is nullable; another kind from DuckDB wins; counts that do not match keep DuckDB's columns", () => {
    const t = translate('select b.id from orders a left join orders b on a.id = b.id');
    assert.deepEqual(resultColumns([{ name: 'id', type: T.int() }], t.outputs), [{ name: 'id', type: T.int(true), database: 'shop', table: 'orders' }]);
    assert.deepEqual(resultColumns([{ name: 'id', type: T.bigint() }], t.outputs), [{ name: 'id', type: T.bigint(), database: 'shop', table: 'orders' }]);
    const star = translate('select * from orders join orders o2 using (id)');
    const duck = [{ name: 'id', type: T.int() }];
    assert.deepEqual(resultColumns(duck, star.outputs), duck);
  });
});
