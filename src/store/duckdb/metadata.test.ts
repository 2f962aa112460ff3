import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StrataError } from '../../core/errors.js';
import { T } from '../../core/types.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { bootstrapMetadata, compactPositions, decodeTableDef, encodeTableDef, loadMetadata, PositionWriter } from './metadata.js';
import { column, tableDef } from './test-support.js';

describe('table definitions as JSON', () => {
  test('encode → decode is the identity', () => {
    const def = tableDef(
      'Shop',
      'Orders',
      [
        column('id', T.bigint(false)),
        column('name', T.varchar(40), { comment: 'a "quoted" comment', defaultValue: "'x'" }),
        column('amount', T.decimal(65, 30)),
        column('at', T.timestamp(3), { typeText: 'DATETIME(3)' }),
        column('n', T.int(), { aggregation: 'SUM' }),
      ],
      'AGGREGATE',
      ['id', 'name'],
      {
        comment: 'c',
        engine: 'OLAP',
        distribution: { columns: ['id'], buckets: null, random: false },
        partitionText: 'PARTITION BY date_trunc(\'day\', at)',
        properties: { replication_num: '1', 'bloom_filter_columns': 'name' },
      },
    );
    assert.deepEqual(decodeTableDef(encodeTableDef(def), 'Shop.Orders'), def);
    const random = { ...def, distribution: { columns: [], buckets: 8, random: true } };
    assert.deepEqual(decodeTableDef(encodeTableDef(random), 'x'), random);
  });

  test('a damaged definition is a STATE error naming the table', () => {
    for (const bad of ['{', '[]', '{"columns": 3}', JSON.stringify({ database: 'a', name: 'b', columns: [{ name: 'x', type: { kind: 'NOPE', nullable: true } }], keyModel: 'PRIMARY', keyColumns: [] })]) {
      assert.throws(
        () => decodeTableDef(bad, 'shop.orders'),
        (e: unknown) => e instanceof StrataError && e.code === 'STATE' && /table shop\.orders is damaged/.test(e.message),
      );
    }
  });
});

describe('position log', () => {
  test('the newest row per table wins; compaction keeps only it; the sequence continues', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      await bootstrapMetadata(conn);
      await bootstrapMetadata(conn); // idempotent
      const w = await PositionWriter.prepare(conn, 0);
      for (const [t, p] of [['A', 'a1'], ['B', 'b1'], ['A', 'a2'], ['A', 'a3'], ['B', 'b2']] as const) {
        await w.write('db', t, { writer: 'w', position: p, committedAt: 1000 });
      }
      let meta = await loadMetadata(conn);
      assert.equal(meta.positionSeq, 5);
      assert.deepEqual(meta.positions.map((p) => `${p.table}=${p.position.position}`).sort(), ['A=a3', 'B=b2']);
      await compactPositions(conn);
      const left = (await conn.runAndReadAll('SELECT name, position, seq FROM _strata.positions ORDER BY name')).getRows();
      assert.deepEqual(left, [
        ['A', 'a3', 4n],
        ['B', 'b2', 5n],
      ]);
      const w2 = await PositionWriter.prepare(conn, meta.positionSeq);
      await w2.write('db', 'B', { writer: 'w', position: 'b3', committedAt: 2000 });
      meta = await loadMetadata(conn);
      assert.equal(meta.positionSeq, 6);
      assert.deepEqual(meta.positions.find((p) => p.table === 'B')?.position, { writer: 'w', position: 'b3', committedAt: 2000 });
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
