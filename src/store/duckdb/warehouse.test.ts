import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import { column, tableDef, tempDir } from './test-support.js';
import { DuckDbWarehouse, WAREHOUSE_FILE } from './warehouse.js';

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<StrataError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StrataError, `expected a StrataError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern !== undefined) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected a ${code} error`);
}

function throwsWith(f: () => unknown, code: string): void {
  assert.throws(f, (e: unknown) => e instanceof StrataError && e.code === code);
}

const ORDERS = tableDef(
  'shop',
  'Orders',
  [
    column('id', T.bigint()),
    column('customer', T.varchar(40), { comment: 'who', typeText: 'VARCHAR(40)' }),
    column('amount', T.decimal(10, 2), { defaultValue: '0' }),
  ],
  'PRIMARY',
  ['id'],
  {
    comment: 'orders table',
    distribution: { columns: ['id'], buckets: 4, random: false },
    partitionText: null,
    properties: { replication_num: '1', 'enable_persistent_index': 'true' },
  },
);

const EVENTS = tableDef('shop', 'events', [column('ts', T.timestamp(3)), column('kind', T.string()), column('n', T.int())], 'DUPLICATE', ['ts']);

async function rows(w: DuckDbWarehouse, sql: string): Promise<readonly Row[]> {
  return (await w.query(sql)).rows;
}

describe('DuckDbWarehouse DDL', () => {
  test('databases: create, list, case-insensitive lookup, IF [NOT] EXISTS, drop', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('Shop', false);
      await w.createDatabase('shop', true);
      await rejectsWith(w.createDatabase('SHOP', false), 'CATALOG_OBJECT_EXISTS', /Shop already exists/);
      await rejectsWith(w.createDatabase('_strata', false), 'SQL_VALIDATION', /reserved/);
      await rejectsWith(w.createDatabase('', false), 'SQL_VALIDATION');
      await w.createDatabase('ads', false);
      assert.deepEqual(w.listDatabases(), ['Shop', 'ads']);
      assert.equal(w.hasDatabase('SHOP'), true);
      assert.equal(w.hasDatabase('nope'), false);
      throwsWith(() => w.listTables('nope'), 'CATALOG_OBJECT_NOT_FOUND');
      await rejectsWith(w.dropDatabase('nope', false, false), 'CATALOG_OBJECT_NOT_FOUND');
      await w.dropDatabase('nope', true, false);
      await w.dropDatabase('ADS', false, true);
      assert.deepEqual(w.listDatabases(), ['Shop']);
    } finally {
      await w.close();
    }
  });

  test('tables: create normalizes the definition, IF NOT EXISTS, errors name database and table', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await rejectsWith(w.createTable(ORDERS, false), 'CATALOG_OBJECT_NOT_FOUND', /database shop does not exist/);
      await w.createDatabase('shop', false);
      assert.equal(await w.createTable(ORDERS, false), true);
      assert.equal(await w.createTable(ORDERS, true), false);
      await rejectsWith(w.createTable({ ...ORDERS, name: 'ORDERS' }, false), 'CATALOG_OBJECT_EXISTS', /shop\.Orders already exists/);
      const def = w.getTable('SHOP', 'orders');
      assert.ok(def !== undefined);
      assert.equal(def.name, 'Orders');
      assert.equal(def.columns[0]!.type.nullable, false, 'PRIMARY KEY columns become NOT NULL');
      assert.equal(def.columns[1]!.type.nullable, true);
      assert.equal(def.columns[1]!.comment, 'who');
      assert.deepEqual(def.properties, ORDERS.properties);
      assert.deepEqual(def.distribution, ORDERS.distribution);
      assert.deepEqual(w.listTables('shop'), ['Orders']);
      assert.equal(w.getTable('shop', 'nope'), undefined);
      assert.equal(w.getTable('nope', 'orders'), undefined);

      const bad = (patch: Partial<typeof ORDERS>) => w.createTable({ ...ORDERS, name: 'bad', ...patch }, false);
      await rejectsWith(bad({ keyColumns: ['nope'] }), 'SQL_VALIDATION', /key column nope of table shop\.bad/);
      await rejectsWith(bad({ keyColumns: [] }), 'SQL_VALIDATION', /names no key column/);
      await rejectsWith(bad({ columns: [column('id', T.bigint()), column('ID', T.int())] }), 'SQL_VALIDATION', /appears twice/);
      await rejectsWith(bad({ columns: [column('id', T.bigint()), column('d', T.decimal(70, 2))] }), 'SQL_VALIDATION', /precision/);
      await rejectsWith(bad({ columns: [column('id', T.bigint()), column('d', T.decimal(10, 12))] }), 'SQL_VALIDATION', /scale/);
      await rejectsWith(bad({ columns: [column('id', T.bigint()), column('n', T.null())] }), 'SQL_VALIDATION', /NULL/);
      await rejectsWith(bad({ columns: [column('id', T.bigint()), column('__strata_op', T.int())] }), 'SQL_VALIDATION', /reserved/);
      await rejectsWith(bad({ columns: [column('id', T.bigint()), column('v', T.int(), { aggregation: 'SUM' })] }), 'SQL_VALIDATION', /aggregation/);
      await rejectsWith(bad({ distribution: { columns: ['zz'], buckets: 1, random: false } }), 'SQL_VALIDATION', /distribution column zz/);
      assert.deepEqual(w.listTables('shop'), ['Orders'], 'failed creates leave nothing behind');

      await rejectsWith(w.dropTable('shop', 'nope', false), 'CATALOG_OBJECT_NOT_FOUND', /shop\.nope does not exist/);
      await w.dropTable('shop', 'nope', true);
      await w.dropTable('SHOP', 'ORDERS', false);
      assert.deepEqual(w.listTables('shop'), []);
      await rejectsWith(w.query('SELECT * FROM "shop"."Orders"'), 'CATALOG_OBJECT_NOT_FOUND');
    } finally {
      await w.close();
    }
  });

  test('addColumn at the end, FIRST and AFTER; dropColumn; apply follows the new layout', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('shop', false);
      await w.createTable(ORDERS, false);
      await w.apply([{ database: 'shop', table: 'orders', batch: ChangeBatch.of([INSERT, [1n, 'ann', new Decimal(150n, 2)]]) }], null);

      await w.addColumn('shop', 'orders', column('note', T.string(), { defaultValue: "'none'" }), { after: null, first: false });
      await w.addColumn('shop', 'orders', column('region', T.int(false), { defaultValue: '7' }), { after: null, first: true });
      await w.addColumn('shop', 'orders', column('flag', T.boolean()), { after: 'ID', first: false });
      await rejectsWith(w.addColumn('shop', 'orders', column('NOTE', T.int()), { after: null, first: false }), 'CATALOG_OBJECT_EXISTS');
      await rejectsWith(w.addColumn('shop', 'orders', column('x', T.int()), { after: 'zz', first: false }), 'CATALOG_OBJECT_NOT_FOUND', /zz/);
      await rejectsWith(
        w.addColumn('shop', 'orders', column('y', T.int(), { defaultValue: 'rand()' }), { after: null, first: false }),
        'SQL_UNSUPPORTED',
        /DEFAULT rand\(\)/,
      );
      const def = w.getTable('shop', 'orders')!;
      assert.deepEqual(
        def.columns.map((c) => c.name),
        ['region', 'id', 'flag', 'customer', 'amount', 'note'],
      );
      const r = await w.query('SELECT * FROM "shop"."orders"');
      assert.deepEqual(
        r.columns.map((c) => c.name),
        ['region', 'id', 'flag', 'customer', 'amount', 'note'],
      );
      assert.deepEqual(r.rows.length, 1);
      const [region, id, flag, customer, amount, note] = r.rows[0]!;
      assert.deepEqual([region, id, flag, customer, note], [7, 1n, null, 'ann', 'none']);
      assert.ok(amount instanceof Decimal && amount.equals(new Decimal(15n, 1)));

      // The old width is now wrong; the new one works.
      await rejectsWith(
        w.apply([{ database: 'shop', table: 'orders', batch: ChangeBatch.of([INSERT, [2n, 'bob', null]]) }], null),
        'RUNTIME',
        /change #1 has 3 values, but the table has 6 columns/,
      );
      await w.apply([{ database: 'shop', table: 'orders', batch: ChangeBatch.of([INSERT, [1, 2n, true, 'bob', null, 'n']]) }], null);

      await rejectsWith(w.dropColumn('shop', 'orders', 'id'), 'SQL_VALIDATION', /key column/);
      await rejectsWith(w.dropColumn('shop', 'orders', 'zz'), 'CATALOG_OBJECT_NOT_FOUND');
      await w.dropColumn('shop', 'orders', 'FLAG');
      assert.deepEqual(
        w.getTable('shop', 'orders')!.columns.map((c) => c.name),
        ['region', 'id', 'customer', 'amount', 'note'],
      );
      await w.apply([{ database: 'shop', table: 'orders', batch: ChangeBatch.of([UPDATE_AFTER, [3, 2n, 'bobby', null, 'n2']]) }], null);
      assert.deepEqual(await rows(w, 'SELECT region, id, customer, note FROM "shop"."orders" ORDER BY id'), [
        [7, 1n, 'ann', 'none'],
        [3, 2n, 'bobby', 'n2'],
      ]);
    } finally {
      await w.close();
    }
  });

  test('truncate empties the table and keeps its position', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('shop', false);
      await w.createTable(EVENTS, false);
      await w.apply([{ database: 'shop', table: 'events', batch: ChangeBatch.of([INSERT, [1n, 'a', 1]], [INSERT, [2n, 'b', 2]]) }], { writer: 'j', position: 'p1' });
      await w.truncateTable('shop', 'EVENTS');
      assert.deepEqual(await rows(w, 'SELECT count(*) FROM shop.events'), [[0n]]);
      assert.equal(w.position('shop', 'events')?.position, 'p1');
      await rejectsWith(w.truncateTable('shop', 'nope'), 'CATALOG_OBJECT_NOT_FOUND');
    } finally {
      await w.close();
    }
  });
});

describe('DuckDbWarehouse persistence', () => {
  test('a restart with the same directory finds databases, tables, definitions, rows and positions', async () => {
    const tmp = tempDir('warehouse');
    try {
      const dir = path.join(tmp.dir, 'nested', 'data');
      let w = await DuckDbWarehouse.open(dir);
      assert.ok(fs.existsSync(path.join(dir, WAREHOUSE_FILE)));
      await w.createDatabase('Shop', false);
      await w.createDatabase('empty', false);
      await w.createTable(ORDERS, false);
      await w.createTable(EVENTS, false);
      await w.apply(
        [
          { database: 'shop', table: 'orders', batch: ChangeBatch.of([INSERT, [1n, 'ann', new Decimal(150n, 2)]], [INSERT, [2n, 'bob', null]]) },
          { database: 'shop', table: 'events', batch: ChangeBatch.of([INSERT, [5n, 'x', 1]]) },
        ],
        { writer: 'job-1', position: 'binlog.000001:1234' },
      );
      await w.addColumn('shop', 'orders', column('note', T.string()), { after: null, first: false });
      const before = {
        dbs: w.listDatabases(),
        tables: w.listTables('shop'),
        orders: w.getTable('shop', 'orders'),
        events: w.getTable('shop', 'events'),
        pos: w.position('shop', 'orders'),
        pos2: w.position('shop', 'events'),
      };
      assert.equal(before.pos?.writer, 'job-1');
      await w.close();
      await rejectsWith(w.query('SELECT 1'), 'RUNTIME', /closed/);

      w = await DuckDbWarehouse.open(dir);
      try {
        assert.deepEqual(w.listDatabases(), before.dbs);
        assert.deepEqual(w.listTables('shop'), before.tables);
        assert.deepEqual(w.getTable('shop', 'orders'), before.orders);
        assert.deepEqual(w.getTable('shop', 'events'), before.events);
        assert.deepEqual(w.position('shop', 'orders'), before.pos);
        assert.deepEqual(w.position('shop', 'events'), before.pos2);
        assert.deepEqual(await rows(w, 'SELECT id, customer, note FROM "Shop"."Orders" ORDER BY id'), [
          [1n, 'ann', null],
          [2n, 'bob', null],
        ]);
        // Applying after a restart works (staging is per process).
        await w.apply([{ database: 'shop', table: 'orders', batch: ChangeBatch.of([DELETE, [1n, null, null, null]]) }], { writer: 'job-1', position: 'p2' });
        assert.deepEqual(await rows(w, 'SELECT id FROM shop.orders'), [[2n]]);
        assert.equal(w.position('shop', 'orders')?.position, 'p2');
        assert.equal(w.position('shop', 'events')?.position, 'binlog.000001:1234');
        assert.deepEqual(await rows(w, 'SELECT count(*) FROM _strata.positions'), [[3n]], 'the position log appends');
        await w.dropDatabase('empty', false, false);
      } finally {
        await w.close();
      }
      w = await DuckDbWarehouse.open(dir);
      try {
        assert.deepEqual(w.listDatabases(), ['Shop']);
        assert.equal(w.position('shop', 'orders')?.position, 'p2');
        assert.equal(w.position('shop', 'events')?.position, 'binlog.000001:1234');
        assert.deepEqual(await rows(w, 'SELECT name, position FROM _strata.positions ORDER BY name'), [
          ['Orders', 'p2'],
          ['events', 'binlog.000001:1234'],
        ], 'open compacts the position log to one row per table');
      } finally {
        await w.close();
      }
    } finally {
      tmp.remove();
    }
  });

  test('opening an open directory again is refused; after close it opens', async () => {
    const tmp = tempDir('warehouse-lock');
    try {
      const w = await DuckDbWarehouse.open(tmp.dir);
      await rejectsWith(DuckDbWarehouse.open(tmp.dir), 'RUNTIME', /already open in this process/);
      await w.close();
      const again = await DuckDbWarehouse.open(path.join(tmp.dir, '.'));
      await again.close();
    } finally {
      tmp.remove();
    }
  });
});

describe('DuckDbWarehouse apply', () => {
  test('PRIMARY: upsert and delete by key, batch consolidated per key', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('shop', false);
      await w.createTable(ORDERS, false);
      const t = (batch: ChangeBatch) => w.apply([{ database: 'shop', table: 'orders', batch }], null);
      await t(ChangeBatch.of([INSERT, [1n, 'a', null]], [INSERT, [2n, 'b', null]], [INSERT, [3n, 'c', null]]));
      await t(
        ChangeBatch.of(
          [UPDATE_BEFORE, [1n, 'a', null]],
          [UPDATE_AFTER, [1n, 'a2', null]],
          [INSERT, [4n, 'd', null]],
          [DELETE, [4n, 'd', null]], // -D after +I in the same batch: deleted
          [DELETE, [2n, 'b', null]],
          [INSERT, [2n, 'b2', null]], // +I after -D: present
          [DELETE, [9n, 'absent', null]], // delete of an absent key: no-op
          [UPDATE_BEFORE, [3n, 'c', null]], // -U alone: delete
        ),
      );
      assert.deepEqual(await rows(w, 'SELECT id, customer FROM shop.orders ORDER BY id'), [
        [1n, 'a2'],
        [2n, 'b2'],
      ]);
      // Only the key of a delete matters: other values that do not fit the columns are ignored.
      await t(ChangeBatch.of([DELETE, [2n, 42, 'not a decimal']]));
      assert.deepEqual(await rows(w, 'SELECT id FROM shop.orders'), [[1n]]);
      // ... but an upsert's values are checked.
      await rejectsWith(t(ChangeBatch.of([INSERT, [3n, 42, null]])), 'RUNTIME', /column customer \(VARCHAR\(40\)\): expected a string, got 42 \(number\)/);
    } finally {
      await w.close();
    }
  });

  test('DUPLICATE: appends, and -U/-D delete one equal row (NULL equals NULL)', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('shop', false);
      await w.createTable(EVENTS, false);
      const t = (batch: ChangeBatch) => w.apply([{ database: 'shop', table: 'events', batch }], null);
      await t(ChangeBatch.of([INSERT, [1n, 'a', 1]], [INSERT, [1n, 'a', 1]], [INSERT, [1n, 'a', 1]], [INSERT, [2n, null, null]], [INSERT, [2n, null, null]]));
      await t(ChangeBatch.of([DELETE, [1n, 'a', 1]], [UPDATE_BEFORE, [2n, null, null]], [DELETE, [7n, 'none', 0]], [INSERT, [3n, 'c', 3]], [DELETE, [3n, 'c', 3]]));
      assert.deepEqual(await rows(w, 'SELECT ts, kind, n FROM shop.events ORDER BY ALL'), [
        [1n, 'a', 1],
        [1n, 'a', 1],
        [2n, null, null],
      ]);
    } finally {
      await w.close();
    }
  });

  test('AGGREGATE: SUM, MAX, MIN, REPLACE, REPLACE_IF_NOT_NULL per key; retractions are refused', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('ads', false);
      await w.createTable(
        tableDef(
          'ads',
          'stats',
          [
            column('day', T.date()),
            column('site', T.string()),
            column('clicks', T.bigint(), { aggregation: 'SUM' }),
            column('revenue', T.decimal(12, 2), { aggregation: 'sum' }),
            column('top', T.int(), { aggregation: 'MAX' }),
            column('low', T.int(), { aggregation: 'MIN' }),
            column('last', T.string(), { aggregation: 'REPLACE' }),
            column('lastnn', T.string(), { aggregation: 'REPLACE_IF_NOT_NULL' }),
          ],
          'AGGREGATE',
          ['day', 'site'],
        ),
        false,
      );
      const t = (batch: ChangeBatch) => w.apply([{ database: 'ads', table: 'stats', batch }], null);
      await t(
        ChangeBatch.of(
          [INSERT, [1, 'a', 1n, new Decimal(100n, 2), 5, 5, 'x', 'x']],
          [INSERT, [1, 'a', 2n, new Decimal(250n, 2), 9, 3, 'y', null]],
          [INSERT, [1, null, 1n, null, null, null, null, null]],
        ),
      );
      await t(ChangeBatch.of([INSERT, [1, 'a', 10n, null, 7, 1, null, 'z']], [INSERT, [1, null, 4n, new Decimal(1n, 2), 2, 2, 'w', 'w']]));
      const r = await rows(w, 'SELECT day, site, clicks, revenue, top, low, last, lastnn FROM ads.stats ORDER BY site NULLS LAST');
      assert.equal(r.length, 2);
      assert.deepEqual(r[0]!.slice(0, 3), [1, 'a', 13n]);
      assert.ok((r[0]![3] as Decimal).equals(new Decimal(350n, 2)));
      assert.deepEqual(r[0]!.slice(4), [9, 1, null, 'z']);
      assert.deepEqual(r[1]!.slice(0, 3), [1, null, 5n]);
      assert.ok((r[1]![3] as Decimal).equals(new Decimal(1n, 2)));
      assert.deepEqual(r[1]!.slice(4), [2, 2, 'w', 'w']);
      await rejectsWith(t(ChangeBatch.of([DELETE, [1, 'a', 1n, null, null, null, null, null]])), 'RUNTIME', /AGGREGATE KEY tables only take inserts/);
    } finally {
      await w.close();
    }
  });

  test('unknown tables fail before anything is written', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('shop', false);
      await w.createTable(EVENTS, false);
      await rejectsWith(
        w.apply(
          [
            { database: 'shop', table: 'events', batch: ChangeBatch.of([INSERT, [1n, 'a', 1]]) },
            { database: 'shop', table: 'nope', batch: ChangeBatch.of([INSERT, [1n]]) },
          ],
          { writer: 'j', position: 'p' },
        ),
        'CATALOG_OBJECT_NOT_FOUND',
        /shop\.nope/,
      );
      assert.deepEqual(await rows(w, 'SELECT count(*) FROM shop.events'), [[0n]]);
      assert.equal(w.position('shop', 'events'), null);
    } finally {
      await w.close();
    }
  });

  for (const failure of ['NOT NULL violation in the merge', 'NOT NULL violation in a direct append', 'wrong row width', 'value of the wrong type'] as const) {
    test(`atomicity: a failing second table (${failure}) leaves both tables and positions unchanged`, async () => {
      const w = await DuckDbWarehouse.open(':memory:');
      try {
        await w.createDatabase('shop', false);
        await w.createTable(ORDERS, false);
        const strictPk = tableDef('shop', 'strict', [column('k', T.int()), column('v', T.string(false))], 'PRIMARY', ['k']);
        const strictDup = tableDef('shop', 'strict', [column('k', T.int()), column('v', T.string(false))], 'DUPLICATE', []);
        await w.createTable(failure === 'NOT NULL violation in a direct append' ? strictDup : strictPk, false);
        await w.apply(
          [
            { database: 'shop', table: 'orders', batch: ChangeBatch.of([INSERT, [1n, 'ann', null]]) },
            { database: 'shop', table: 'strict', batch: ChangeBatch.of([INSERT, [1, 'one']]) },
          ],
          { writer: 'job', position: 'p1' },
        );
        const p1 = w.position('shop', 'orders');
        const bad: Row =
          failure === 'wrong row width' ? [2, 'two', 'extra'] : failure === 'value of the wrong type' ? ['two', 'two'] : [2, null];
        const e = await rejectsWith(
          w.apply(
            [
              { database: 'shop', table: 'orders', batch: ChangeBatch.of([UPDATE_AFTER, [1n, 'ANN', null]], [INSERT, [2n, 'bob', null]]) },
              { database: 'shop', table: 'strict', batch: ChangeBatch.of([INSERT, [3, 'three']], [INSERT, bad]) },
            ],
            { writer: 'job', position: 'p2' },
          ),
          'RUNTIME',
        );
        assert.match(e.message, /shop\.strict/);
        if (failure.startsWith('NOT NULL')) assert.match(e.message, /NOT NULL/);
        if (failure === 'value of the wrong type') assert.match(e.message, /change #2, column k \(INT NOT NULL\): expected an integral number/);
        assert.deepEqual(await rows(w, 'SELECT id, customer FROM shop.orders'), [[1n, 'ann']]);
        assert.deepEqual(await rows(w, 'SELECT k, v FROM shop.strict'), [[1, 'one']]);
        assert.deepEqual(w.position('shop', 'orders'), p1);
        assert.equal(w.position('shop', 'strict')?.position, 'p1');
        assert.deepEqual(await rows(w, `SELECT position FROM _strata.positions ORDER BY name`), [['p1'], ['p1']]);
        // The warehouse is still usable and staging holds nothing from the failed apply.
        await w.apply(
          [
            { database: 'shop', table: 'orders', batch: ChangeBatch.of([INSERT, [5n, 'eve', null]]) },
            { database: 'shop', table: 'strict', batch: ChangeBatch.of([INSERT, [5, 'five']]) },
          ],
          { writer: 'job', position: 'p3' },
        );
        assert.deepEqual(await rows(w, 'SELECT id FROM shop.orders ORDER BY id'), [[1n], [5n]]);
        assert.deepEqual(await rows(w, 'SELECT k FROM shop.strict ORDER BY k'), [[1], [5]]);
        assert.equal(w.position('shop', 'strict')?.position, 'p3');
      } finally {
        await w.close();
      }
    });
  }

  test('position reflects the last apply that named a position, per table', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('shop', false);
      await w.createTable(ORDERS, false);
      await w.createTable(EVENTS, false);
      assert.equal(w.position('shop', 'orders'), null);
      const before = Date.now();
      await w.apply([{ database: 'shop', table: 'orders', batch: ChangeBatch.of([INSERT, [1n, 'a', null]]) }], { writer: 'w1', position: 'cp-1' });
      const p = w.position('SHOP', 'ORDERS');
      assert.ok(p !== null);
      assert.equal(p.writer, 'w1');
      assert.equal(p.position, 'cp-1');
      assert.ok(p.committedAt >= before && p.committedAt <= Date.now());
      await w.apply([{ database: 'shop', table: 'events', batch: new ChangeBatch() }], { writer: 'w2', position: 'cp-9' });
      assert.equal(w.position('shop', 'events')?.position, 'cp-9', 'an empty batch still records the position');
      await w.apply([{ database: 'shop', table: 'orders', batch: ChangeBatch.of([INSERT, [2n, 'b', null]]) }], null);
      assert.equal(w.position('shop', 'orders')?.position, 'cp-1', 'an apply without a position keeps the old one');
      await w.dropTable('shop', 'orders', false);
      assert.equal(w.position('shop', 'orders'), null);
    } finally {
      await w.close();
    }
  });

  test('applies and DDL are serialized: concurrent calls all land', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.createDatabase('shop', false);
      await w.createTable(EVENTS, false);
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) {
        calls.push(w.apply([{ database: 'shop', table: 'events', batch: ChangeBatch.of([INSERT, [BigInt(i), 'k', i]]) }], { writer: 'w', position: String(i) }));
        if (i === 10) calls.push(w.addColumn('shop', 'events', column('extra', T.int()), { after: null, first: false }));
      }
      const results = await Promise.allSettled(calls);
      // Applies queued after the ALTER have the old width and fail; the ones before it land.
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(ok, 12);
      assert.deepEqual(await rows(w, 'SELECT count(*) FROM shop.events'), [[11n]]);
      assert.equal(w.position('shop', 'events')?.position, '10');
    } finally {
      await w.close();
    }
  });
});

describe('DuckDbWarehouse query', () => {
  test('errors keep DuckDB text and map to codes', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      const e1 = await rejectsWith(w.query('SELECT * FROM nope'), 'CATALOG_OBJECT_NOT_FOUND', /^query failed: Catalog Error: Table with name nope does not exist/);
      assert.ok(e1.message.length > 20);
      await rejectsWith(w.query('SELECT nope FROM (SELECT 1 AS a)'), 'SQL_VALIDATION', /Binder Error/);
      await rejectsWith(w.query('SELEC 1'), 'SQL_VALIDATION', /Parser Error/);
      await rejectsWith(w.query("SELECT 'x'::INTEGER"), 'RUNTIME', /Conversion Error/);
    } finally {
      await w.close();
    }
  });

  test('parameters are bound by JS type', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      const r = await w.query('SELECT $1 + 1, $2 * 2, $3 || \'!\', $4, $5 + 0.5, $6, $7 IS NULL, octet_length($8)', [
        41,
        2n ** 40n,
        'hi',
        true,
        new Decimal(125n, 2),
        2.5,
        null,
        new Uint8Array([0, 1, 2]),
      ]);
      const row = r.rows[0]!;
      assert.equal(row[0], 42);
      assert.equal(row[1], 2n ** 41n);
      assert.equal(row[2], 'hi!');
      assert.equal(row[3], true);
      assert.ok(row[4] instanceof Decimal && row[4].equals(new Decimal(175n, 2)));
      assert.equal(row[5], 2.5);
      assert.equal(row[6], true);
      assert.equal(row[7], 3n);
    } finally {
      await w.close();
    }
  });
});
