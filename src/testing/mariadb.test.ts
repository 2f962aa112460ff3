import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startMariaDb } from './mariadb.js';

test('startMariaDb: a ROW binlog server with the cdc user; restart keeps data; stop removes the datadir', async () => {
  const db = await startMariaDb({ serverId: 7 });
  try {
    assert.equal(db.host, '127.0.0.1');
    assert.ok(db.port > 0);
    assert.match(db.version, /MariaDB/);
    const vars = await db.query<{ Variable_name: string; Value: string }>(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'server_id', 'log_bin')",
    );
    const v = Object.fromEntries(vars.map((r) => [r.Variable_name, r.Value]));
    assert.deepEqual(v, { binlog_format: 'ROW', binlog_row_image: 'FULL', binlog_row_metadata: 'FULL', log_bin: 'ON', server_id: '7' });
    const status = await db.masterStatus();
    assert.match(status.file, /^mysql-bin\.\d{6}$/);
    assert.ok(existsSync(db.binlogPath(status.file)));

    // The replication user can log in over TCP and holds the replication grants.
    const cdc = await db.connect({ user: db.cdcUser, password: db.cdcPassword });
    const [grants] = await cdc.query('SHOW GRANTS');
    await cdc.end();
    const text = JSON.stringify(grants);
    assert.match(text, /REPLICATION SLAVE/);
    assert.match(text, /SELECT/);

    await db.query('CREATE DATABASE t1; CREATE TABLE t1.x (id INT PRIMARY KEY); INSERT INTO t1.x VALUES (1), (2)');
    db.kill();
    await db.restart();
    const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM t1.x');
    assert.equal(Number(rows[0]?.n), 2);
  } finally {
    await db.stop();
  }
  assert.equal(existsSync(db.dataDir), false);
});
