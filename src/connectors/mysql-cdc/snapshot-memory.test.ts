import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { T } from '../../core/types.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { cdcOptions, descriptor, newReader } from './test-support.js';

/**
 * A 1,000,000-row table snapshot, drained with `poll`, stays under the stated memory bound
 * (docs/design/20261121_mysql-cdc.md: at most 300 MB of heap growth over the reader's start,
 * whatever the table size; the reader holds at most max(4 × chunk size, 16,384) rows plus one
 * chunk being reconciled). The snapshot is spooled (stateDir) as in a checkpointing job.
 * Progress reports the rows read against the table statistics' estimate.
 */

const ROWS = 1_000_000;
const HEAP_BOUND = 300 * 1024 * 1024;

let db: MariaDbServer;
let stateDir: string;

before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE app');
  stateDir = mkdtempSync(join(tmpdir(), 'strata-cdc-mem-'));
});
after(async () => {
  await db?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('mysql-cdc snapshot memory', () => {
  test(`a ${ROWS.toLocaleString('en-US')}-row snapshot stays under ${HEAP_BOUND / 1024 / 1024} MB of heap growth`, async (t) => {
    await db.query('CREATE TABLE app.big (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40), c DECIMAL(12,2))');
    await db.query(`INSERT INTO app.big SELECT seq, seq % 1000, CONCAT('row-', seq), seq / 100 FROM app.seq_1_to_${ROWS}`);
    await db.query('ANALYZE TABLE app.big');
    const fields = [{ name: 'id', type: T.int(false) }, { name: 'a', type: T.int(false) }, { name: 'b', type: T.varchar(40) }, { name: 'c', type: T.decimal(12, 2) }];
    const reader = newReader(descriptor(fields, [0], cdcOptions(db, 'app', 'big')), stateDir);
    const base = process.memoryUsage();
    await reader.open();
    let maxHeap = base.heapUsed;
    let maxRss = base.rss;
    let rows = 0;
    let idSum = 0;
    let sawProgress = false;
    try {
      for (;;) {
        const b = reader.poll(8192);
        if (b !== null) {
          rows += b.length;
          for (let i = 0; i < b.length; i++) idSum += b.rows[i]![0] as number;
          const m = process.memoryUsage();
          if (m.heapUsed > maxHeap) maxHeap = m.heapUsed;
          if (m.rss > maxRss) maxRss = m.rss;
          const p = reader.progress();
          if (p !== null && p.phase === 'snapshot' && p.rowsRead > 0 && p.rowsRead < ROWS) {
            sawProgress = true;
            assert.ok(p.rowsEstimated !== null && p.rowsEstimated > ROWS / 2 && p.rowsEstimated < ROWS * 2, `estimate ${p.rowsEstimated}`);
            assert.equal(p.tablesTotal, 1);
          }
        } else if ((reader.snapshotOffsets() as { phase: string }).phase === 'binlog') {
          break;
        } else {
          await reader.ready();
        }
      }
    } finally {
      await reader.close();
    }
    assert.equal(rows, ROWS);
    assert.equal(idSum, (ROWS * (ROWS + 1)) / 2);
    assert.ok(sawProgress, 'progress was reported during the snapshot');
    assert.deepEqual(reader.progress(), { phase: 'stream', tablesTotal: 1, tablesDone: 1, rowsRead: ROWS, rowsEstimated: reader.progress()!.rowsEstimated });
    const growth = maxHeap - base.heapUsed;
    t.diagnostic(`heap growth ${(growth / 1048576).toFixed(0)} MB, RSS growth ${((maxRss - base.rss) / 1048576).toFixed(0)} MB`);
    assert.ok(growth < HEAP_BOUND, `heap grew by ${(growth / 1048576).toFixed(0)} MB (RSS by ${((maxRss - base.rss) / 1048576).toFixed(0)} MB)`);
  });
});
