import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMariaDb, type MariaDbServer } from '../../../src/testing/mariadb.js';
import { crashSeed, CrashHarness, waitFor } from './harness.js';
import { fillUp, smallTmpfs } from './small-fs.js';
import { killAllStrataChildren } from './strata-process.js';

// Issue #6: a torn or corrupted checkpoint file is detected, the server says so and
// restores the previous one, and nothing is lost or applied twice; a full disk gives a
// clear error and a clean resume once space is back (a small tmpfs as the data
// directory). STRATA_CRASH_SEED=<n> reproduces a run.

const seed = crashSeed();
process.stderr.write(`crash torn-checkpoint test: seed ${seed} (reproduce with STRATA_CRASH_SEED=${seed})\n`);

let db: MariaDbServer | undefined;

before(async () => {
  db = await startMariaDb({ extraArgs: ['--innodb-flush-log-at-trx-commit=0', '--sync-binlog=0'] });
});

after(async () => {
  killAllStrataChildren();
  await db?.stop();
});

const TORN = /torn|corrupt|invalid|checksum|crc|truncat|damaged|bad|short/i;

/** The lines of `text` for which `needle` holds. */
function linesWith(text: string, needle: (line: string) => boolean): string[] {
  return text.split('\n').filter(needle);
}

test(`a torn (truncated) and a corrupted (flipped bytes) newest checkpoint are skipped, the previous one is restored (seed ${seed})`, async () => {
  assert.ok(db !== undefined, 'MariaDB is running');
  const h = await CrashHarness.open({ mode: 'double-writing', seed, db, checkpointInterval: '300ms', preload: { orders: 3000, customers: 300 } });
  await h.run(async () => {
    const rng = h.rng;
    const first = await h.setup();
    await h.waitRunning(first);
    const job = h.jobNames[0]!;
    let lastTorn = -1;
    for (const how of ['truncate', 'flip'] as const) {
      // Two complete checkpoints newer than any damaged one, so "the previous one" is sound.
      await waitFor(
        `two complete checkpoints of ${job} newer than chk-${lastTorn}`,
        async () => {
          const c = h.checkpoints(job).filter((x) => x.id > lastTorn);
          return c.length >= 2 ? true : `checkpoints: ${JSON.stringify(h.checkpoints(job).map((x) => x.stem))}`;
        },
        60_000,
      );
      await h.killAfter(rng.int(0, 800), `SIGKILL (before damaging the newest checkpoint: ${how})`);
      const files = h.checkpoints(job);
      const newest = files[files.length - 1]!;
      const previous = files[files.length - 2]!;
      const bytes = readFileSync(newest.path);
      if (how === 'truncate') {
        truncateSync(newest.path, Math.floor(bytes.length / 2));
      } else {
        const at = Math.floor(bytes.length / 2);
        for (let i = at; i < Math.min(bytes.length, at + 8); i++) bytes[i] = bytes[i]! ^ 0xff;
        writeFileSync(newest.path, bytes);
      }
      h.note(`${how}: damaged ${newest.stem} (${bytes.length} bytes); the previous complete one is ${previous.stem}`);
      lastTorn = newest.id;
      const p = await h.restart();
      const esc = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // The log names the damaged file and says why it was skipped ...
      await p.waitForOutput(new RegExp(`^.*${esc(newest.stem)}.*(?:${TORN.source}).*$`, 'im'), `a log line naming the damaged checkpoint ${newest.stem} as torn or corrupt`, 60_000);
      // ... and says which checkpoint it restored instead (and from where).
      await p.waitForOutput(
        new RegExp(`^.*restor.*(?:${esc(previous.stem)}|checkpoint\\s*#?0*${previous.id}\\b).*$`, 'im'),
        `a log line saying checkpoint ${previous.stem} was restored`,
        60_000,
      );
    }
    await new Promise((r) => setTimeout(r, rng.int(300, 1200)));
    await h.finalCheck();
  });
});

test(`a full disk (small tmpfs data directory) gives a clear error, and once space is back a restart resumes cleanly (seed ${seed})`, async () => {
  assert.ok(db !== undefined, 'MariaDB is running');
  const fs = await smallTmpfs(64);
  try {
    const dataDir = join(fs.dir, 'data');
    const h = await CrashHarness.open({ mode: 'single-writing', seed: (seed + 1) >>> 0, reproduceSeed: seed, db, checkpointInterval: '300ms', preload: { orders: 2000, customers: 200 }, dataDir, wrap: fs.wrap });
    await h.run(async () => {
      h.note(`data directory on a small tmpfs: ${fs.how}`);
      const p = await h.setup();
      await h.waitRunning(p);
      await h.flush();
      const from = p.output.length;
      const filler = fs.hostPath(join(fs.dir, 'filler'));
      const filled = fillUp(filler);
      h.note(`filled the tmpfs: ${filled} bytes of filler`);
      // The workload keeps running: checkpoints, topic appends and warehouse commits now fail.
      let clear = '';
      await waitFor(
        'a clear out-of-space error (server log or job error)',
        async () => {
          const lines = linesWith(p.output.slice(from), (l) => /ENOSPC|no space|disk is full|disk full|out of space|space left/i.test(l));
          if (lines.length > 0) {
            clear = lines[0]!;
            return true;
          }
          if (p.alive) {
            try {
              const failed = (await h.jobs()).find((j) => j.error !== null && /ENOSPC|no space|disk|space/i.test(j.error.message));
              if (failed !== undefined) {
                clear = `job ${failed.name} ${failed.state}: ${failed.error!.message}`;
                return true;
              }
            } catch {
              // the server may be down
            }
          }
          return `no out-of-space error yet; server ${p.alive ? 'running' : 'exited'}; output since the disk filled:\n${p.output.slice(from).slice(-2000)}`;
        },
        60_000,
        200,
      );
      h.note(`the error: ${clear}`);
      assert.doesNotMatch(p.output.slice(from), /^\s+at .+:\d+:\d+\)?$/m, 'the out-of-space error is a message, not a stack trace');
      // Some more writes land on the full disk (warehouse commits, topic appends), then space is back.
      await new Promise((r) => setTimeout(r, h.rng.int(500, 2000)));
      rmSync(filler);
      h.note('space is back');
      // A restart on the same data directory resumes cleanly: nothing lost, nothing applied twice.
      if (p.alive) await h.kill('SIGKILL (space is back)');
      await h.restart();
      await new Promise((r) => setTimeout(r, h.rng.int(300, 1200)));
      await h.finalCheck();
    });
  } finally {
    await fs.close();
  }
});
