import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter, systemClock } from './rate-limiter.js';

test('available grows with time at the given rate', () => {
  const r = new RateLimiter(4);
  r.reset(1000, 0);
  assert.equal(r.available(1000, 0), 0);
  assert.equal(r.available(1249, 0), 0);
  assert.equal(r.available(1250, 0), 1);
  assert.equal(r.available(2000, 0), 4);
  assert.equal(r.available(2000, 3), 1);
  assert.equal(r.available(2000, 4), 0);
});

test('delayUntilNext names the instant the next row is due', () => {
  const r = new RateLimiter(4);
  r.reset(1000, 0);
  assert.equal(r.delayUntilNext(1000, 0), 250);
  assert.equal(r.delayUntilNext(1100, 0), 150);
  assert.equal(r.delayUntilNext(1250, 1), 250);
  // Already due: at least 1 ms, never 0 (no busy loop).
  assert.equal(r.delayUntilNext(5000, 0), 1);
});

test('reset counts from rows already emitted (restore)', () => {
  const r = new RateLimiter(10);
  r.reset(0, 500);
  assert.equal(r.available(100, 500), 1);
  assert.equal(r.available(1000, 505), 5);
});

test('backlog beyond one second is forgotten', () => {
  const r = new RateLimiter(10);
  r.reset(0, 0);
  assert.equal(r.available(100_000, 0), 10);
  assert.equal(r.available(100_000, 10), 0);
  assert.equal(r.available(100_100, 10), 1);
});

test('systemClock.sleep resolves at once when the signal is aborted', async () => {
  const ac = new AbortController();
  const p = systemClock.sleep(60_000, ac.signal);
  ac.abort();
  await p;
  await systemClock.sleep(60_000, ac.signal);
  assert.ok(ac.signal.aborted);
});
