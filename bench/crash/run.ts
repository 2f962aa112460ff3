import { parseArgs } from 'node:util';
import { StrataError } from '../../src/core/errors.js';
import { startMariaDb } from '../../src/testing/mariadb.js';
import { CrashHarness } from '../../tests/e2e/crash/harness.js';
import type { WritingMode } from '../../tests/e2e/crash/pipeline.js';
import { killAllStrataChildren } from '../../tests/e2e/crash/strata-process.js';

/**
 * The crash benchmark of issue #6: for each seed, the seed pipeline under the random
 * MariaDB workload is SIGKILLed `--kills` times at random moments and restarted on the same
 * data directory; then the final check (every table equals what MariaDB implies, every
 * topic its table). Prints pass/fail per seed and the recovery time, p50 / p99:
 *
 * - running: from the restart (spawn of `strata start`) to every job RUNNING again
 *   (GET /api/v1/jobs), checkpoint restored and replay started;
 * - flush: from the restart to the first POST /api/v1/flush returning, i.e. the job has
 *   caught up with everything MariaDB committed before that call.
 *
 * Restarts that are themselves killed early (during the restore) are not timed.
 *
 *   node dist/bench/crash/run.js [--kills 50] [--seeds 10] [--seed-base 1]
 *       [--mode both|single-writing|double-writing] [--interval 500ms]
 *       [--orders 20000] [--customers 2000] [--json]
 */

interface SeedResult {
  readonly seed: number;
  readonly mode: WritingMode;
  readonly kills: number;
  readonly pass: boolean;
  readonly error: string | null;
  readonly runningMs: number[];
  readonly flushMs: number[];
  readonly seconds: number;
  readonly statements: number;
}

function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

const ms = (v: number | null): string => (v === null ? '—' : `${Math.round(v)} ms`);

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        kills: { type: 'string', default: '50' },
        seeds: { type: 'string', default: '10' },
        'seed-base': { type: 'string', default: '1' },
        mode: { type: 'string', default: 'both' },
        interval: { type: 'string', default: '500ms' },
        orders: { type: 'string', default: '20000' },
        customers: { type: 'string', default: '2000' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (e) {
    throw new StrataError('USAGE', `bench/crash: ${(e as Error).message}`, { hint: 'See the usage at the top of bench/crash/run.ts.' });
  }
  const v = parsed.values;
  const int = (name: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new StrataError('USAGE', `bench/crash: --${name} must be a non-negative integer, got '${text}'`);
    return n;
  };
  const kills = int('kills', v.kills);
  const seeds = int('seeds', v.seeds);
  const base = int('seed-base', v['seed-base']);
  const orders = int('orders', v.orders);
  const customers = int('customers', v.customers);
  if (v.mode !== 'both' && v.mode !== 'single-writing' && v.mode !== 'double-writing') {
    throw new StrataError('USAGE', `bench/crash: --mode must be both, single-writing or double-writing, got '${v.mode}'`);
  }
  const modeOf = (i: number): WritingMode => (v.mode === 'both' ? (i % 2 === 0 ? 'single-writing' : 'double-writing') : (v.mode as WritingMode));

  const db = await startMariaDb({ extraArgs: ['--innodb-flush-log-at-trx-commit=0', '--sync-binlog=0'] });
  const results: SeedResult[] = [];
  try {
    for (let i = 0; i < seeds; i++) {
      const seed = base + i;
      const mode = modeOf(i);
      const runningMs: number[] = [];
      const flushMs: number[] = [];
      const t0 = performance.now();
      process.stderr.write(`seed ${seed} (${mode}): ${kills} kills…\n`);
      const h = await CrashHarness.open({ mode, seed, db, checkpointInterval: v.interval, preload: { orders, customers } });
      let error: string | null = null;
      try {
        await h.run(async () => {
          await h.setup();
          await h.randomKills(kills, {
            flushAfterRestart: true,
            onRecovered: (r) => {
              runningMs.push(r.runningMs);
              if (r.flushMs !== null) flushMs.push(r.flushMs);
            },
          });
          await h.finalCheck();
        });
      } catch (e) {
        error = (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' | ');
      }
      const r: SeedResult = { seed, mode, kills: h.kills, pass: error === null, error, runningMs, flushMs, seconds: (performance.now() - t0) / 1000, statements: h.workload.stats.statements };
      results.push(r);
      process.stderr.write(
        `seed ${seed} (${mode}): ${r.pass ? 'PASS' : 'FAIL'} after ${r.kills} kills in ${r.seconds.toFixed(1)} s; running p50 ${ms(percentile(runningMs, 50))}, flush p50 ${ms(percentile(flushMs, 50))}${error !== null ? `\n  ${error}` : ''}\n`,
      );
    }
  } finally {
    killAllStrataChildren();
    await db.stop();
  }

  const allRunning = results.flatMap((r) => r.runningMs);
  const allFlush = results.flatMap((r) => r.flushMs);
  if (v.json) {
    process.stdout.write(JSON.stringify({ results, runningP50: percentile(allRunning, 50), runningP99: percentile(allRunning, 99), flushP50: percentile(allFlush, 50), flushP99: percentile(allFlush, 99) }, null, 1) + '\n');
  } else {
    const lines = [
      `Crash recovery: ${seeds} seeds × ${kills} kills, checkpoint interval ${v.interval}, preload ${orders} orders / ${customers} customers`,
      '',
      '| seed | mode | kills | result | recovery to RUNNING p50 / p99 | to first flush p50 / p99 | statements | wall |',
      '|---|---|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| ${r.seed} | ${r.mode} | ${r.kills} | ${r.pass ? 'pass' : `FAIL: ${r.error ?? ''}`} | ${ms(percentile(r.runningMs, 50))} / ${ms(percentile(r.runningMs, 99))} | ${ms(percentile(r.flushMs, 50))} / ${ms(percentile(r.flushMs, 99))} | ${r.statements} | ${r.seconds.toFixed(1)} s |`,
      ),
      `| all | | ${results.reduce((a, r) => a + r.kills, 0)} | ${results.filter((r) => r.pass).length}/${results.length} pass | ${ms(percentile(allRunning, 50))} / ${ms(percentile(allRunning, 99))} | ${ms(percentile(allFlush, 50))} / ${ms(percentile(allFlush, 99))} | | |`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  return results.every((r) => r.pass) ? 0 : 1;
}

process.exitCode = await main().catch((e: unknown) => {
  process.stderr.write(`bench/crash: ${e instanceof Error ? e.message : String(e)}\n`);
  return e instanceof StrataError && e.domain === 'user' ? 2 : 1;
});
