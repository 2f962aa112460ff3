import { StrataError } from '../core/errors.js';

/**
 * Where a job's input stood when a micro-batch committed: the job's name and, per source
 * (in plan order), how many changes the job has consumed from it since it first started.
 * Tokens of one job lie on one chain (every count only grows), so "at or before" is a
 * total order among them. Exactly-once sinks store the token with the data; see
 * docs/design/20261121_checkpoints.md.
 */
export interface CommitToken {
  readonly job: string;
  /**
   * The job's lineage: chosen when the job first starts without a checkpoint and kept in
   * its checkpoints. A sink compares tokens of the same run only, so a new job that happens
   * to reuse a name never mistakes an old job's commits for its own.
   */
  readonly run: string;
  readonly totals: readonly number[];
}

const PREFIX = 'strata-commit/1 ';

/** `strata-commit/1 <run> <totals joined by ','> <job>`: the job name last, as it may hold anything. */
export function formatToken(t: CommitToken): string {
  return `${PREFIX}${t.run} ${t.totals.join(',')} ${t.job}`;
}

/** The token in `text`, or null when `text` is not a commit token (another writer's position). */
export function parseToken(text: string): CommitToken | null {
  if (!text.startsWith(PREFIX)) return null;
  const rest = text.slice(PREFIX.length);
  const sp0 = rest.indexOf(' ');
  if (sp0 <= 0) return null;
  const run = rest.slice(0, sp0);
  const sp = rest.indexOf(' ', sp0 + 1);
  if (sp < 0) return null;
  const nums = rest.slice(sp0 + 1, sp);
  const job = rest.slice(sp + 1);
  const totals: number[] = [];
  if (nums.length > 0) {
    for (const n of nums.split(',')) {
      if (!/^\d+$/.test(n)) return null;
      totals.push(Number(n));
    }
  }
  return { job, run, totals };
}

/**
 * True when `a` is at or before `b` on one job run's chain (every count of `a` <= the same
 * count of `b`); false for tokens of different jobs or runs.
 */
export function tokenAtOrBefore(a: CommitToken, b: CommitToken): boolean {
  if (a.job !== b.job || a.run !== b.run) return false;
  if (a.totals.length !== b.totals.length) {
    throw new StrataError('INTERNAL', `commit tokens of job '${a.job}' have ${a.totals.length} and ${b.totals.length} sources`);
  }
  for (let i = 0; i < a.totals.length; i++) if (a.totals[i]! > b.totals[i]!) return false;
  return true;
}

/** Orders tokens along their chain (by the sum of counts, which grows with every commit). */
export function compareTokens(a: CommitToken, b: CommitToken): number {
  let sa = 0;
  let sb = 0;
  for (const n of a.totals) sa += n;
  for (const n of b.totals) sb += n;
  return sa - sb;
}

/** True when both tokens name the same point. */
export function sameToken(a: CommitToken, b: CommitToken): boolean {
  return a.job === b.job && a.run === b.run && a.totals.length === b.totals.length && a.totals.every((n, i) => n === b.totals[i]);
}
