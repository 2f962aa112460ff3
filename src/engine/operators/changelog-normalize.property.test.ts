/**
 * Incremental equals recompute for ChangelogNormalizeOperator: a random upsert stream
 * (+I/+U upserts, -D deletes with full rows, key-only tombstones or unknown keys, -U
 * treated as delete, no-op updates), split into random steps, must leave the applied
 * output equal to the last row per key — and the output must be a well-formed changelog:
 * +I only for an absent key, -U/-D exactly the row present for the key, every -U
 * immediately followed by its +U, no no-op update pairs.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import type { StreamChangelogNormalize } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, UPSERT, ROW_KIND_SHORT, type RowKind } from '../../core/row-kind.js';
import { T, type SqlType } from '../../core/types.js';
import { keyOf, rowEquals, type Key, type Row, type Value } from '../../core/values.js';
import {
  applyChangelog,
  applyUpsertChangelog,
  describeMultisetDiff,
  formatChangelog,
  formatRow,
  multisetOf,
  Rng,
  type Multiset,
} from '../../testing/changelog.js';
import { decodeState, encodeState } from '../state/codec.js';
import { ChangelogNormalizeOperator } from './changelog-normalize.js';

// t(k1 INT, k2 STRING, v INT, note STRING)
const TYPES: SqlType[] = [T.int(false), T.string(false), T.int(), T.string()];
const CASES = 1200;

interface Config {
  readonly seed: number;
  readonly key: readonly number[];
  readonly updateBefore: boolean;
}

function nodeOf(c: Config): StreamChangelogNormalize {
  return {
    kind: 'changelog-normalize',
    id: 1,
    schema: { fields: TYPES.map((type, i) => ({ name: `f${i}`, type })) },
    mode: c.updateBefore ? ALL_CHANGES : UPSERT,
    upsertKey: c.key,
    input: 0,
    key: c.key,
  };
}

function randomKeyFields(rng: Rng): [number, string] {
  return [rng.int(4), rng.pick(['a', 'b'])];
}

function randomPayload(rng: Rng): [Value, Value] {
  return [rng.chance(0.15) ? null : rng.int(3), rng.chance(0.3) ? null : rng.pick(['x', 'y z'])];
}

/** An upsert stream: the last +I/+U per key is the row; -D and -U remove the key. */
function randomUpsertStream(rng: Rng, c: Config, n: number): ChangeBatch {
  const out = new ChangeBatch();
  const last = new Map<Key, Row>();
  for (let i = 0; i < n; i++) {
    const [k1, k2] = randomKeyFields(rng);
    const probe: Row = [k1, k2, null, null];
    const known = last.get(keyOf(probe, c.key));
    const op = rng.int(10);
    if (op < 6) {
      // An upsert; sometimes the same row again (a no-op update).
      const row: Row = known !== undefined && rng.chance(0.2) ? known : [k1, k2, ...randomPayload(rng)];
      out.push(rng.chance(0.5) ? INSERT : UPDATE_AFTER, row);
      last.set(keyOf(row, c.key), row);
    } else {
      // A delete: the full row, a key-only tombstone, or anything for an unknown key.
      const full = known !== undefined && rng.chance(0.5);
      const row: Row = full ? known : [k1, k2, ...randomPayload(rng)];
      out.push(rng.chance(0.8) ? DELETE : UPDATE_BEFORE, row);
      last.delete(keyOf(row, c.key));
    }
  }
  return out;
}

/** The recompute: the last row per key after the whole input so far. */
function lastRowPerKey(kinds: readonly RowKind[], rows: readonly Row[], key: readonly number[]): Multiset {
  const last = new Map<Key, Row>();
  for (let i = 0; i < rows.length; i++) {
    const k = keyOf(rows[i]!, key);
    if (kinds[i] === INSERT || kinds[i] === UPDATE_AFTER) last.set(k, rows[i]!);
    else last.delete(k);
  }
  return multisetOf([...last.values()]);
}

/**
 * Checks one step's output against the key → row view of the output so far (updated in
 * place). Returns '' or what is wrong.
 */
function checkWellFormed(out: ChangeBatch, view: Map<Key, Row>, c: Config): string {
  for (let i = 0; i < out.length; i++) {
    const kind = out.kinds[i]!;
    const row = out.rows[i]!;
    const k = keyOf(row, c.key);
    const cur = view.get(k);
    const where = `output change #${i} ${ROW_KIND_SHORT[kind]} ${formatRow(row, TYPES)}`;
    switch (kind) {
      case INSERT:
        if (cur !== undefined) return `${where}: +I for a key that has a row`;
        view.set(k, row);
        break;
      case UPDATE_BEFORE: {
        if (!c.updateBefore) return `${where}: -U although the output mode has no UPDATE_BEFORE`;
        if (cur === undefined || !rowEquals(cur, row)) return `${where}: -U of a row that is not the key's row`;
        const next = i + 1 < out.length ? out.rows[i + 1]! : null;
        if (next === null || out.kinds[i + 1] !== UPDATE_AFTER || keyOf(next, c.key) !== k) {
          return `${where}: -U not followed by a +U of the same key`;
        }
        if (rowEquals(next, row)) return `${where}: a no-op update pair`;
        view.delete(k);
        break;
      }
      case UPDATE_AFTER:
        if (c.updateBefore) {
          if (cur !== undefined || i === 0 || out.kinds[i - 1] !== UPDATE_BEFORE) return `${where}: +U without its -U`;
        } else {
          if (cur === undefined) return `${where}: +U for a key without a row`;
          if (rowEquals(cur, row)) return `${where}: a no-op update`;
        }
        view.set(k, row);
        break;
      case DELETE:
        if (cur === undefined || !rowEquals(cur, row)) return `${where}: -D of a row that is not the key's row`;
        view.delete(k);
        break;
    }
  }
  return '';
}

function runCase(seed: number): boolean {
  const rng = new Rng(seed);
  const c: Config = { seed, key: rng.chance(0.5) ? [0] : [0, 1], updateBefore: rng.chance(0.8) };
  const input = randomUpsertStream(rng, c, rng.int(31));
  const make = (): ChangelogNormalizeOperator => new ChangelogNormalizeOperator(nodeOf(c));
  let op = make();
  let shadow: ChangelogNormalizeOperator | null = null;
  const restoreAt = rng.chance(0.35) ? rng.int(6) : -1;
  const seenKinds: RowKind[] = [];
  const seenRows: Row[] = [];
  const outKinds: RowKind[] = [];
  const outRows: Row[] = [];
  const view = new Map<Key, Row>();
  const log: string[] = [];
  const fail = (what: string): never =>
    assert.fail(
      `seed ${seed}: key ${JSON.stringify(c.key)}, update-before ${c.updateBefore}\n${what}\nsteps so far:\n${log.join('\n')}`,
    );

  let at = 0;
  let step = 0;
  let restored = false;
  while (at < input.length) {
    if (step === restoreAt) {
      shadow = op;
      op = make();
      op.restoreState(decodeState(encodeState(shadow.snapshotState())));
      log.push('-- snapshot / restore --');
      restored = true;
    }
    const n = Math.min(1 + rng.int(6), input.length - at);
    const batch = new ChangeBatch(input.kinds.slice(at, at + n) as RowKind[], input.rows.slice(at, at + n));
    at += n;
    const out = new ChangeBatch();
    op.process(0, batch, out);
    op.finishBatch(out);
    log.push(`step ${step}:\n  input:\n    ${formatChangelog(batch, TYPES).replaceAll('\n', '\n    ')}`);
    if (out.length > 0) log.push(`  output:\n    ${formatChangelog(out, TYPES).replaceAll('\n', '\n    ')}`);
    if (shadow !== null) {
      const sout = new ChangeBatch();
      shadow.process(0, batch, sout);
      shadow.finishBatch(sout);
      if (formatChangelog(sout, TYPES) !== formatChangelog(out, TYPES)) {
        fail(`after restore, step ${step} emitted differently; the original emitted:\n${formatChangelog(sout, TYPES)}`);
      }
    }
    seenKinds.push(...batch.kinds);
    seenRows.push(...batch.rows);
    outKinds.push(...out.kinds);
    outRows.push(...out.rows);

    const bad = checkWellFormed(out, view, c);
    if (bad !== '') fail(`step ${step}: ${bad}`);
    let actual: Multiset;
    try {
      actual = c.updateBefore ? applyChangelog(outKinds, outRows) : applyUpsertChangelog(outKinds, outRows, c.key);
    } catch (e) {
      return fail(`step ${step}: the output is not a valid changelog: ${(e as Error).message}`);
    }
    const expected = lastRowPerKey(seenKinds, seenRows, c.key);
    // The upsert application keys entries by the key; compare as plain multisets of rows.
    const diff = describeMultisetDiff(expected, multisetOf([...actual.values()].map((e) => e.row)), TYPES);
    if (diff !== '') fail(`step ${step}: incremental result differs from recompute:\n${diff}`);
    if (op.stateSize() !== expected.size) fail(`step ${step}: stateSize() is ${op.stateSize()}, expected ${expected.size}`);
    step++;
  }
  return restored;
}

describe('ChangelogNormalizeOperator: incremental equals recompute', () => {
  test(`${CASES} seeded cases`, () => {
    let restores = 0;
    for (let i = 0; i < CASES; i++) if (runCase(50_000 + i)) restores++;
    assert.ok(restores > CASES / 10, `only ${restores} cases restored a snapshot`);
  });
});
