import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDbServer } from '../../../src/testing/mariadb.js';
import { crashSeed, CrashHarness } from './harness.js';
import { killAllStrataChildren } from './strata-process.js';

// Issue #6: `kill -9` at random moments loses nothing and applies nothing twice, in both
// writing modes of the seed pipeline. At least 20 kills in all (12 single-writing + 10
// double-writing); STRATA_CRASH_KILLS=<single>,<double> changes the counts,
// STRATA_CRASH_SEED=<n> reproduces a run, STRATA_CRASH_VERBOSE=1 prints every start and kill.

const seed = crashSeed();
process.stderr.write(`crash kill test: seed ${seed} (reproduce with STRATA_CRASH_SEED=${seed})\n`);
const [singleKills, doubleKills] = (process.env['STRATA_CRASH_KILLS'] ?? '12,10').split(',').map(Number) as [number, number];

let db: MariaDbServer | undefined;

before(async () => {
  db = await startMariaDb({ extraArgs: ['--innodb-flush-log-at-trx-commit=0', '--sync-binlog=0'] });
});

after(async () => {
  killAllStrataChildren();
  await db?.stop();
});

for (const [mode, kills] of [
  ['single-writing', singleKills],
  ['double-writing', doubleKills],
] as const) {
  test(`${kills} random SIGKILLs of strata start lose nothing and apply nothing twice (${mode}, seed ${seed})`, async () => {
    assert.ok(db !== undefined, 'MariaDB is running');
    const h = await CrashHarness.open({ mode, seed, db, checkpointInterval: '500ms', preload: { orders: 20_000, customers: 2_000 } });
    await h.run(async () => {
      await h.setup();
      await h.randomKills(kills);
      await h.finalCheck();
      assert.equal(h.kills, kills, 'every planned kill happened');
      assert.ok(h.workload.stats.statements > 0, 'the workload ran');
    });
  });
}
