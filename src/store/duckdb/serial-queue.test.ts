import { StrataError } from '../../core/errors.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  test('runs tasks one at a time in submission order; a failure does not stop the rest', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ms: number, fail = false) => async (): Promise<string> => {
      running++;
      assert.equal(running, 1, 'only one task at a time');
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      running--;
      if (fail) throw new StrataError('INTERNAL', `task ${name} failed`);
      return name;
    };
    const a = q.run(task('a', 20));
    const b = q.run(task('b', 1, true));
    const c = q.run(task('c', 5));
    assert.equal(q.pending, 3);
    assert.equal(await a, 'a');
    await assert.rejects(b, /task b failed/);
    assert.equal(await c, 'c');
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    await new Promise((r) => setImmediate(r));
    assert.equal(q.pending, 0);
  });
});
