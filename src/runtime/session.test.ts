import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../core/errors.js';
import { defaultRegistry } from '../connectors/registry.js';
import { Session } from './session.js';

test('checkpoint interval and state budget are checked at the SET, which the error names', async () => {
  const s = new Session({ registry: defaultRegistry() });
  for (const [sql, what] of [
    ["\nSET 'execution.checkpointing.interval' = 'soon'", 'is not a duration'],
    ["\nSET 'state.memory-budget' = 'lots'", 'is not a memory size'],
    ["\nSET 'state.memory-budget' = '0'", 'is not a memory size'],
  ] as const) {
    await assert.rejects(
      s.execute(sql, 'x.sql'),
      (e: unknown) => e instanceof StrataError && e.code === 'SQL_VALIDATION' && e.message.startsWith('x.sql:2:1: ') && e.message.includes(what),
    );
  }
  // Valid values are kept as written.
  await s.execute("SET 'execution.checkpointing.interval' = '500ms'; SET 'state.memory-budget' = '64 KB'; SET 'state.memory-budget' = 'unlimited'");
  assert.equal(s.config.get('execution.checkpointing.interval'), '500ms');
  assert.equal(s.config.get('state.memory-budget'), 'unlimited');
});
