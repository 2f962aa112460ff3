import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checksum, describeDifference, multisetOf } from './checksum.js';
import { DEFAULT_BASE_TIME_MS, generateNexmark } from './generator.js';
import { PEERS, runPeerQuery, toPeerData } from './peer-d2ts.js';
import { QUERIES } from './queries.js';
import { registerNexmarkData, runStrataQuery, strataResultRows } from './strata.js';

// A small stream across midnight, so the per-day queries see two days.
const MIDNIGHT_MS = Math.ceil(DEFAULT_BASE_TIME_MS / 86_400_000) * 86_400_000;
const EVENTS = 9000;

describe('nexmark: Strata and the peers compute the same results', () => {
  const data = generateNexmark({ events: EVENTS, seed: 5, baseTimeMs: MIDNIGHT_MS - EVENTS / 20 });
  for (const q of QUERIES) {
    test(q.name, async () => {
      registerNexmarkData(data);
      await runStrataQuery(q, data, 'values');
      const strata = multisetOf(strataResultRows(q));
      assert.ok(strata.size > 0, `${q.name} produced no rows; the check would be vacuous`);
      const peerData = toPeerData(data, q.tables);
      for (const p of PEERS) {
        const run = runPeerQuery(p, q, peerData, { collect: true });
        assert.ok(run.complete);
        assert.deepEqual(checksum(run.result!), checksum(strata), `${q.name} on ${p}: ${describeDifference(strata, run.result!)}`);
      }
    });
  }

  test('the checksum tells results apart', () => {
    const a = checksum(multisetOf(['1|x', '2|y']));
    assert.deepEqual(a, checksum(multisetOf(['2|y', '1|x'])));
    assert.notDeepEqual(a, checksum(multisetOf(['1|x', '2|z'])));
    assert.notDeepEqual(a, checksum(multisetOf(['1|x', '2|y', '2|y'])));
  });
});
