import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataServer } from '../../src/server/strata-server.js';
import { startMariaDb, type MariaDbServer } from '../../src/testing/mariadb.js';
import type { SchemaChangeBehavior } from '../../src/runtime/sync/evolution.js';

// Every DDL kind × every 'schema.change.behavior': one MariaDB, one CDAS per policy
// (source database ddl_<policy> → warehouse sr_<policy>), one table per DDL kind. Each
// table gets two rows, its DDL, then one more row; the checks say what the warehouse
// table looks like after, and that a table that goes on lost no row.

const POLICIES: readonly SchemaChangeBehavior[] = ['exception', 'evolve', 'try_evolve', 'lenient', 'ignore'];

type Outcome =
  | { readonly kind: 'failed' }
  | { readonly kind: 'rows'; readonly table?: string; readonly columns: readonly string[]; readonly rows: readonly string[] }
  | { readonly kind: 'gone' };

interface Case {
  readonly name: string;
  /** DDL (and DML) after the two first rows; `t` is replaced by the table name. */
  readonly ddl: readonly string[];
  readonly expect: (p: SchemaChangeBehavior) => Outcome;
  /** Run on one connection (SET SESSION). */
  readonly session?: boolean;
}

const failed: Outcome = { kind: 'failed' };
const ALL = ['id', 'a', 'b', 'c'];
const BASE = ['1|1|x|1', '2|2|y|2'];

const CASES: readonly Case[] = [
  {
    name: 'add_col',
    ddl: ['ALTER TABLE t ADD COLUMN n INT DEFAULT 7 AFTER a', "INSERT INTO t (id, a, b, c, n) VALUES (3, 3, 'z', 3, 9)"],
    expect: (p) =>
      p === 'exception'
        ? failed
        : p === 'ignore'
          ? { kind: 'rows', columns: ALL, rows: [...BASE, '3|3|z|3'] }
          : { kind: 'rows', columns: p === 'lenient' ? [...ALL, 'n'] : ['id', 'a', 'n', 'b', 'c'], rows: p === 'lenient' ? ['1|1|x|1|7', '2|2|y|2|7', '3|3|z|3|9'] : ['1|1|7|x|1', '2|2|7|y|2', '3|3|9|z|3'] },
  },
  {
    name: 'drop_col',
    ddl: ['ALTER TABLE t DROP COLUMN c', "INSERT INTO t (id, a, b) VALUES (3, 3, 'z')"],
    expect: (p) =>
      p === 'exception'
        ? failed
        : p === 'evolve' || p === 'try_evolve'
          ? { kind: 'rows', columns: ['id', 'a', 'b'], rows: ['1|1|x', '2|2|y', '3|3|z'] }
          : { kind: 'rows', columns: ALL, rows: [...BASE, '3|3|z|null'] },
  },
  {
    name: 'rename_col',
    ddl: ['ALTER TABLE t RENAME COLUMN a TO a2', "INSERT INTO t (id, a2, b, c) VALUES (3, 30, 'z', 3)"],
    expect: (p) =>
      p === 'exception'
        ? failed
        : p === 'evolve' || p === 'try_evolve'
          ? { kind: 'rows', columns: ['id', 'a2', 'b', 'c'], rows: [...BASE, '3|30|z|3'] }
          : p === 'lenient'
            ? { kind: 'rows', columns: [...ALL, 'a2'], rows: ['1|1|x|1|null', '2|2|y|2|null', '3|null|z|3|30'] }
            : { kind: 'rows', columns: ALL, rows: [...BASE, '3|null|z|3'] },
  },
  {
    name: 'widen',
    ddl: ['ALTER TABLE t MODIFY a BIGINT', "INSERT INTO t VALUES (3, 1099511627776, 'z', 3)"],
    expect: (p) => (p === 'exception' || p === 'ignore' ? failed : { kind: 'rows', columns: ALL, rows: [...BASE, '3|1099511627776|z|3'] }),
  },
  {
    name: 'narrow',
    ddl: ['ALTER TABLE t MODIFY c SMALLINT', "INSERT INTO t VALUES (3, 3, 'z', 5)"],
    expect: (p) => (p === 'exception' ? failed : { kind: 'rows', columns: ALL, rows: [...BASE, '3|3|z|5'] }),
  },
  {
    name: 'nullability',
    ddl: ['ALTER TABLE t MODIFY b VARCHAR(10) NULL', 'INSERT INTO t VALUES (3, 3, NULL, 3)'],
    expect: (p) => (p === 'exception' || p === 'ignore' ? failed : { kind: 'rows', columns: ALL, rows: [...BASE, '3|3|null|3'] }),
  },
  {
    name: 'change_pk',
    ddl: ['ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)', "INSERT INTO t VALUES (1, 99, 'z', 3)"],
    expect: (p) =>
      p === 'exception'
        ? failed
        : p === 'ignore'
          ? { kind: 'rows', columns: ALL, rows: ['1|99|z|3', '2|2|y|2'] }
          : { kind: 'rows', columns: ALL, rows: ['1|1|x|1', '1|99|z|3', '2|2|y|2'] },
  },
  {
    name: 'drop_pk',
    ddl: ['ALTER TABLE t DROP PRIMARY KEY', "INSERT INTO t VALUES (1, 5, 'z', 3)"],
    expect: (p) =>
      p === 'exception'
        ? failed
        : p === 'ignore'
          ? { kind: 'rows', columns: ALL, rows: ['1|5|z|3', '2|2|y|2'] }
          : { kind: 'rows', columns: ALL, rows: ['1|1|x|1', '1|5|z|3', '2|2|y|2'] },
  },
  {
    name: 'add_pk',
    ddl: ['ALTER TABLE t DROP PRIMARY KEY', 'ALTER TABLE t ADD PRIMARY KEY (a)', "INSERT INTO t VALUES (3, 3, 'z', 3)", "UPDATE t SET id = 10 WHERE a = 1"],
    // The new key moves to the front of the warehouse table (StarRocks: key columns first).
    expect: (p) => (p === 'exception' ? failed : { kind: 'rows', columns: p === 'ignore' ? ALL : ['a', 'id', 'b', 'c'], rows: p === 'ignore' ? ['2|2|y|2', '3|3|z|3', '10|1|x|1'] : ['1|10|x|1', '2|2|y|2', '3|3|z|3'] }),
  },
  {
    name: 'rename_table',
    ddl: ['RENAME TABLE t TO t_renamed', "INSERT INTO t_renamed VALUES (3, 3, 'z', 3)"],
    expect: (p) =>
      p === 'exception'
        ? failed
        : { kind: 'rows', table: p === 'evolve' || p === 'try_evolve' ? 'rename_table_renamed' : 'rename_table', columns: ALL, rows: [...BASE, '3|3|z|3'] },
  },
  {
    name: 'drop_table',
    ddl: ['DROP TABLE t'],
    expect: (p) => (p === 'exception' ? failed : p === 'evolve' || p === 'try_evolve' ? { kind: 'gone' } : { kind: 'rows', columns: ALL, rows: BASE }),
  },
  {
    name: 'truncate',
    ddl: ['TRUNCATE TABLE t', "INSERT INTO t VALUES (3, 3, 'z', 3)"],
    expect: (p) =>
      p === 'exception'
        ? failed
        : p === 'evolve' || p === 'try_evolve'
          ? { kind: 'rows', columns: ALL, rows: ['3|3|z|3'] }
          : { kind: 'rows', columns: ALL, rows: [...BASE, '3|3|z|3'] },
  },
  {
    name: 'invisible_ddl',
    session: true,
    ddl: ['SET SESSION sql_log_bin = 0', 'ALTER TABLE t ADD COLUMN z INT', 'SET SESSION sql_log_bin = 1', "INSERT INTO t VALUES (3, 3, 'z', 3, 3)"],
    expect: () => failed,
  },
];

let db: MariaDbServer;
let strata: StrataServer;
const dir = mkdtempSync(join(tmpdir(), 'strata-cdas-ddl-'));

before(async () => {
  db = await startMariaDb();
  strata = await StrataServer.start({ dataDir: dir, mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
  await strata.submit(`CREATE CATALOG src WITH ('hostname' = '127.0.0.1', 'port' = '${db.port}', 'username' = '${db.cdcUser}', 'password' = '${db.cdcPassword}');`);
  let sid = 9100;
  for (const p of POLICIES) {
    await db.query(`CREATE DATABASE ddl_${p}`);
    for (const c of CASES) {
      await db.query(`CREATE TABLE ddl_${p}.${c.name} (id INT NOT NULL PRIMARY KEY, a INT, b VARCHAR(10) NOT NULL, c INT)`);
      await db.query(`INSERT INTO ddl_${p}.${c.name} VALUES (1, 1, 'x', 1), (2, 2, 'y', 2)`);
    }
    await db.query(`CREATE TABLE ddl_${p}.control (id INT PRIMARY KEY)`);
    await db.query(`CREATE TABLE ddl_${p}.skip_me (id INT PRIMARY KEY)`);
    await db.query(`CREATE TABLE ddl_${p}.skip_me2 (id INT PRIMARY KEY)`);
    await strata.submit(
      `CREATE DATABASE IF NOT EXISTS sr_${p} WITH ('schema.change.behavior' = '${p}') ` +
        `AS DATABASE src.ddl_${p} INCLUDING ALL TABLES EXCLUDING TABLE 'skip_me.*' /*+ OPTIONS('server-id' = '${sid++}') */;`,
    );
  }
  await strata.sync.flush();
  for (const p of POLICIES) {
    for (const c of CASES) {
      const conn = await db.connect();
      try {
        await conn.query(`USE ddl_${p}`);
        for (const sql of c.ddl) await conn.query(sql.replace(/\bt\b/g, c.name).replace(/\bt_renamed\b/g, `${c.name}_renamed`));
      } finally {
        await conn.end();
      }
    }
    // DDL on tables the sync does not capture, and a new table it does.
    await db.query(`ALTER TABLE ddl_${p}.skip_me ADD COLUMN z INT, DROP PRIMARY KEY`);
    await db.query(`DROP TABLE ddl_${p}.skip_me2`);
    await db.query(`CREATE TABLE ddl_${p}.created (id INT PRIMARY KEY, v VARCHAR(5))`);
    await db.query(`INSERT INTO ddl_${p}.created VALUES (1, 'new')`);
    await db.query(`INSERT INTO ddl_${p}.control VALUES (1), (2)`);
  }
  await strata.sync.flush();
});

after(async () => {
  await strata?.stop();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function tableRows(database: string, table: string, columns: readonly string[]): Promise<string[]> {
  const r = await strata.warehouse.query(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${database}"."${table}" ORDER BY ${columns.length > 1 ? '1, 2' : '1'}`);
  return r.rows.map((row) => row.map((v) => (v === null ? 'null' : String(v))).join('|'));
}

for (const p of POLICIES) {
  describe(`schema.change.behavior = ${p}`, () => {
    const job = (): ReturnType<StrataServer['sync']['jobs']>[number] => strata.sync.jobs().find((j) => j.name === `sync:sr_${p}`)!;

    for (const c of CASES) {
      test(`${c.name}`, async () => {
        const want = c.expect(p);
        const info = job().tables.find((t) => t.source === c.name || t.source === `${c.name}_renamed`);
        assert.ok(info !== undefined, `no table ${c.name} in ${JSON.stringify(job().tables.map((t) => t.source))}`);
        if (want.kind === 'failed') {
          assert.equal(info.state, 'FAILED', `expected ${c.name} to stop under ${p}; it is ${info.state}`);
          assert.match(info.error!, new RegExp(`ddl_${p}\\.${c.name}`));
          assert.match(info.error!, /binlog position \S+:\d+/);
          assert.match(info.error!, new RegExp(`policy '${p}'`));
          if (c.name === 'invisible_ddl') assert.match(info.error!, /sql_log_bin = 0/);
          else if (p === 'exception') assert.match(info.error!, /DDL: /);
          return;
        }
        assert.notEqual(info.state, 'FAILED', info.error ?? '');
        if (want.kind === 'gone') {
          assert.equal(strata.warehouse.getTable(`sr_${p}`, c.name), undefined);
          return;
        }
        const table = want.table ?? c.name;
        const def = strata.warehouse.getTable(`sr_${p}`, table);
        assert.ok(def !== undefined, `warehouse table sr_${p}.${table} missing`);
        assert.deepEqual(def.columns.map((x) => x.name), want.columns);
        assert.deepEqual(await tableRows(`sr_${p}`, table, want.columns), want.rows);
      });
    }

    test('a new matching table is picked up; uncaptured tables never disturb; other tables go on', async () => {
      assert.deepEqual(await tableRows(`sr_${p}`, 'created', ['id', 'v']), ['1|new']);
      assert.deepEqual(await tableRows(`sr_${p}`, 'control', ['id']), ['1', '2']);
      assert.equal(strata.warehouse.getTable(`sr_${p}`, 'skip_me'), undefined);
      assert.equal(job().state, 'RUNNING');
      const control = job().tables.find((t) => t.source === 'control')!;
      assert.equal(control.state, 'RUNNING');
    });
  });
}
