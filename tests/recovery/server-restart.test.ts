import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataServer } from '../../src/server/strata-server.js';

/**
 * Checkpoints through the server: layers written by one job (a STATEMENT SET) commit in one
 * warehouse transaction and show one position in information_schema.strata_position; a
 * reader never sees them disagree; a restart on the same data directory brings the job back
 * from the session journal and its checkpoint, and the end state equals an uninterrupted run.
 */

const ROWS = 6000;

function pipeline(mysqlPort: number, httpPort: number): string {
  const sr = (table: string): string =>
    `'connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:${mysqlPort}', 'load-url' = '127.0.0.1:${httpPort}', 'database-name' = 'w', 'table-name' = '${table}', 'username' = 'root', 'password' = ''`;
  return `
SET 'execution.checkpointing.interval' = '50ms';
CREATE TABLE gen (id INT, region STRING, v BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'datagen', 'seed' = '5', 'number-of-rows' = '${ROWS}', 'rows-per-second' = '20000',
  'fields.id.min' = '1', 'fields.id.max' = '500', 'fields.region.length' = '1', 'fields.v.min' = '1', 'fields.v.max' = '100',
  'changelog.update-ratio' = '0.3', 'changelog.delete-ratio' = '0.1');
CREATE TABLE ods (id INT, region STRING, v BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (${sr('ods')});
CREATE TABLE dws (region STRING, cnt BIGINT, total BIGINT, PRIMARY KEY (region) NOT ENFORCED) WITH (${sr('dws')});
BEGIN STATEMENT SET;
INSERT INTO ods SELECT * FROM gen;
INSERT INTO dws SELECT region, COUNT(*), SUM(v) FROM gen GROUP BY region;
END;
`;
}

const DDL = [
  'CREATE DATABASE IF NOT EXISTS w',
  'CREATE TABLE IF NOT EXISTS w.ods (id INT, region STRING, v BIGINT) PRIMARY KEY (id) DISTRIBUTED BY HASH(id)',
  'CREATE TABLE IF NOT EXISTS w.dws (region STRING, cnt BIGINT, total BIGINT) PRIMARY KEY (region) DISTRIBUTED BY HASH(region)',
];

async function rows(s: StrataServer, sql: string): Promise<string[]> {
  const out = await s.warehouseQuery(sql);
  const last = out[out.length - 1]!;
  assert.equal(last.kind, 'rows');
  return last.kind === 'rows' ? last.rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|')) : [];
}

async function start(dir: string, ports?: { mysql: number; http: number; kafka: number }, log?: string[]): Promise<StrataServer> {
  return StrataServer.start({
    dataDir: dir,
    mysqlPort: ports?.mysql ?? 0,
    httpPort: ports?.http ?? 0,
    kafkaPort: ports?.kafka ?? 0,
    ...(log !== undefined ? { log: (l: string) => log.push(l) } : {}),
  });
}

async function finalState(s: StrataServer): Promise<{ ods: string[]; dws: string[] }> {
  return { ods: await rows(s, 'SELECT * FROM w.ods ORDER BY id'), dws: await rows(s, 'SELECT * FROM w.dws ORDER BY region') };
}

test('one job writes its layers in one transaction, survives restarts, and ends equal to an uninterrupted run', async () => {
  const dirA = mkdtempSync(join(tmpdir(), 'strata-restart-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'strata-restart-b-'));
  try {
    // The reference: one uninterrupted run.
    const ref = await start(dirA);
    for (const d of DDL) await ref.warehouseQuery(d);
    await ref.submit(pipeline(ref.mysqlAddress.port, ref.httpAddress.port));
    await ref.session.jobs[0]!.done();
    assert.equal(ref.session.jobs[0]!.state, 'FINISHED', ref.session.jobs[0]!.error?.message);
    const expected = await finalState(ref);
    await ref.stop();
    assert.ok(expected.ods.length > 100);

    // The same pipeline, stopped twice while it runs and started again on its data directory.
    let s = await start(dirB);
    const ports = { mysql: s.mysqlAddress.port, http: s.httpAddress.port, kafka: s.kafkaAddress.port };
    for (const d of DDL) await s.warehouseQuery(d);
    await s.submit(pipeline(ports.mysql, ports.http));
    let disagreements = 0;
    let reads = 0;
    for (let restart = 0; restart < 2; restart++) {
      const until = Date.now() + 120;
      while (Date.now() < until) {
        // Both layers in one statement: the DWS totals must always match the ODS rows.
        const [r] = await rows(s, 'SELECT (SELECT COALESCE(SUM(v), 0) FROM w.ods) AS a, (SELECT COALESCE(SUM(total), 0) FROM w.dws) AS b');
        const [a, b] = r!.split('|');
        reads++;
        if (a !== b) disagreements++;
      }
      await s.flush();
      const pos = await rows(s, "SELECT TABLE_NAME, POSITION FROM information_schema.strata_position WHERE TABLE_SCHEMA = 'w' ORDER BY TABLE_NAME");
      assert.equal(pos.length, 2, pos.join('\n'));
      assert.match(pos[0]!, /^dws\|strata-commit\/1 /);
      assert.equal(pos[0]!.split('|')[1], pos[1]!.split('|')[1], 'ODS and DWS reflect different positions');
      await s.stop();
      const log: string[] = [];
      s = await start(dirB, ports, log);
      assert.equal(s.session.jobs.length, 1, log.join('\n'));
      assert.ok(log.some((l) => /restored 5 statements from the session journal, 1 jobs running/.test(l)), log.join('\n'));
      assert.notEqual(s.session.jobs[0]!.restoredFrom, null);
    }
    await s.session.jobs[0]!.done();
    assert.equal(s.session.jobs[0]!.state, 'FINISHED', s.session.jobs[0]!.error?.message);
    assert.deepEqual(await finalState(s), expected);
    assert.equal(disagreements, 0, `${disagreements} of ${reads} reads saw ODS and DWS disagree`);
    await s.stop();
  } finally {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  }
});
