import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { INSERT } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import { column, tableDef, tempDir } from './test-support.js';
import { DuckDbWarehouse } from './warehouse.js';

/** The DDL methods a database sync uses: renameColumn, modifyColumn, setPrimaryKey, renameTable. */

async function fresh(): Promise<DuckDbWarehouse> {
  const w = await DuckDbWarehouse.open(':memory:');
  await w.createDatabase('d', false);
  await w.createTable(tableDef('d', 't', [column('id', T.int(false)), column('v', T.int()), column('s', T.varchar(10))], 'PRIMARY', ['id']), false);
  await w.apply([{ database: 'd', table: 't', batch: ChangeBatch.of([INSERT, [1, 10, 'a']], [INSERT, [2, 20, 'b']]) }], { writer: 'w', position: 'p1' });
  return w;
}

async function rows(w: DuckDbWarehouse, sql: string): Promise<string[]> {
  const r = await w.query(sql);
  return r.rows.map((x) => x.map((v) => (v === null ? 'null' : String(v))).join('|'));
}

describe('warehouse DDL for schema evolution', () => {
  test('renameColumn keeps rows, key and applies by the new name', async () => {
    const w = await fresh();
    await w.renameColumn('d', 't', 'id', 'ident');
    assert.deepEqual(w.getTable('d', 't')!.keyColumns, ['ident']);
    await w.apply([{ database: 'd', table: 't', batch: ChangeBatch.of([INSERT, [1, 11, 'z']]) }], null);
    assert.deepEqual(await rows(w, 'SELECT ident, v, s FROM d.t ORDER BY 1'), ['1|11|z', '2|20|b']);
    await w.close();
  });

  test('modifyColumn widens a type in place of the old one and casts values', async () => {
    const w = await fresh();
    await w.modifyColumn('d', 't', column('v', T.bigint()));
    assert.equal(w.getTable('d', 't')!.columns[1]!.type.kind, 'BIGINT');
    assert.deepEqual(await rows(w, 'SELECT v FROM d.t ORDER BY 1'), ['10', '20']);
    await w.apply([{ database: 'd', table: 't', batch: ChangeBatch.of([INSERT, [3, 2n ** 40n, 'c']]) }], null);
    assert.deepEqual(await rows(w, 'SELECT v FROM d.t WHERE id = 3'), [String(2n ** 40n)]);
    await w.close();
  });

  test('modifyColumn that does not fit the values fails and leaves the table', async () => {
    const w = await fresh();
    await w.apply([{ database: 'd', table: 't', batch: ChangeBatch.of([INSERT, [3, 1000, 'c']]) }], null);
    await assert.rejects(w.modifyColumn('d', 't', column('v', T.tinyint())), (e: unknown) => e instanceof StrataError && e.code === 'SQL_VALIDATION');
    assert.equal(w.getTable('d', 't')!.columns[1]!.type.kind, 'INT');
    assert.deepEqual(await rows(w, 'SELECT count(*) FROM d.t'), ['3']);
    await w.close();
  });

  test('setPrimaryKey changes the key, moves it first; [] makes a DUPLICATE table', async () => {
    const w = await fresh();
    await w.setPrimaryKey('d', 't', ['s']);
    const def = w.getTable('d', 't')!;
    assert.equal(def.keyModel, 'PRIMARY');
    assert.deepEqual(def.keyColumns, ['s']);
    assert.equal(def.columns[0]!.name, 's');
    await w.apply([{ database: 'd', table: 't', batch: ChangeBatch.of([INSERT, ['a', 9, 99]]) }], null);
    assert.deepEqual(await rows(w, 'SELECT s, id, v FROM d.t ORDER BY 1'), ['a|9|99', 'b|2|20']);
    await w.setPrimaryKey('d', 't', []);
    assert.equal(w.getTable('d', 't')!.keyModel, 'DUPLICATE');
    await w.close();
  });

  test('setPrimaryKey refuses a key that existing rows repeat', async () => {
    const w = await fresh();
    await w.apply([{ database: 'd', table: 't', batch: ChangeBatch.of([INSERT, [3, 10, 'c']]) }], null);
    await assert.rejects(w.setPrimaryKey('d', 't', ['v']), /repeat a key/);
    assert.deepEqual(w.getTable('d', 't')!.keyColumns, ['id']);
    await w.close();
  });

  test('renameTable moves rows, definition and position, and survives a restart', async () => {
    const { dir, remove } = tempDir('alter');
    try {
      let w = await DuckDbWarehouse.open(dir);
      await w.createDatabase('d', false);
      await w.createTable(tableDef('d', 't', [column('id', T.int(false)), column('v', T.int())], 'PRIMARY', ['id']), false);
      await w.apply([{ database: 'd', table: 't', batch: ChangeBatch.of([INSERT, [1, 10]]) }], { writer: 'w', position: 'p9' });
      await w.renameTable('d', 't', 'u');
      assert.equal(w.getTable('d', 't'), undefined);
      assert.equal(w.position('d', 'u')?.position, 'p9');
      await w.close();
      w = await DuckDbWarehouse.open(dir);
      assert.deepEqual(w.listTables('d'), ['u']);
      assert.equal(w.position('d', 'u')?.position, 'p9');
      assert.deepEqual(await rows(w, 'SELECT id, v FROM d.u'), ['1|10']);
      await w.close();
    } finally {
      remove();
    }
  });
});
