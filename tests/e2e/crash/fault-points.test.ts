import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDbServer } from '../../../src/testing/mariadb.js';
import { crashSeed, CrashHarness } from './harness.js';
import type { WritingMode } from './pipeline.js';
import { exitText, killAllStrataChildren } from './strata-process.js';

// Issue #6: each named fault point of docs/design/20261121_checkpoints.md crashes the
// server once per run (STRATA_FAULT=<name>:<n> on one start, then a restart without it),
// and the final check holds: every table equals what MariaDB's rows imply, every topic
// equals its table. The n-th pass (1..3) comes from the seed: STRATA_CRASH_SEED=<n>
// reproduces a run.

const seed = crashSeed();
process.stderr.write(`crash fault-point test: seed ${seed} (reproduce with STRATA_CRASH_SEED=${seed})\n`);

/** Each fault point, in the writing mode that passes it. */
const FAULTS: readonly { readonly name: string; readonly mode: WritingMode }[] = [
  { name: 'checkpoint.after-state-write', mode: 'single-writing' },
  { name: 'checkpoint.before-rename', mode: 'double-writing' },
  { name: 'checkpoint.after-rename', mode: 'single-writing' },
  { name: 'sink.after-warehouse-commit', mode: 'double-writing' },
  { name: 'log.after-append', mode: 'single-writing' },
  { name: 'routine-load.after-commit', mode: 'single-writing' },
];

let db: MariaDbServer | undefined;

before(async () => {
  db = await startMariaDb({ extraArgs: ['--innodb-flush-log-at-trx-commit=0', '--sync-binlog=0'] });
});

after(async () => {
  killAllStrataChildren();
  await db?.stop();
});

for (const [i, { name, mode }] of FAULTS.entries()) {
  test(`fault point ${name} crashes the server once, and a restart loses nothing and applies nothing twice (${mode}, seed ${seed})`, async () => {
    assert.ok(db !== undefined, 'MariaDB is running');
    const h = await CrashHarness.open({ mode, seed: (seed + i) >>> 0, reproduceSeed: seed, db, checkpointInterval: '300ms', preload: { orders: 3000, customers: 300 } });
    await h.run(async () => {
      const rng = h.rng;
      // A first start that runs for a while and is killed: the faulty start is a recovery.
      const first = await h.setup();
      await h.waitRunning(first);
      await h.killAfter(rng.int(200, 1500));
      // The faulty start: it must kill itself at the named point.
      const n = rng.int(1, 3);
      const fault = `${name}:${n}`;
      const p = h.spawn(fault);
      const exit = await p.waitExit(`the fault point ${fault} killing the server`, 90_000);
      h.note(`${p.label}: ${exitText(exit)}`);
      assert.equal(exit.signal, 'SIGKILL', `the faulty start died by SIGKILL at the fault point, not by ${exitText(exit)}:\n${p.tail()}`);
      assert.match(p.output, new RegExp(`fault point '${name.replaceAll('.', '\\.')}' reached`), `the server said it reached ${name}`);
      // A clean restart on the same data directory, more workload, then the check.
      const q = await h.restart();
      await h.waitRunning(q);
      await new Promise((r) => setTimeout(r, rng.int(300, 1500)));
      await h.finalCheck();
    });
  });
}
