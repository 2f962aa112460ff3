import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSlt } from '../../src/testing/slt.js';

// Golden SQL files: tests/slt/*.slt (read from the source tree, not dist/).
const dir = join(fileURLToPath(new URL('../../../', import.meta.url)), 'tests', 'slt');
const files = readdirSync(dir).filter((f) => f.endsWith('.slt')).sort();

test('there are golden files', () => {
  assert.ok(files.length >= 8, `expected the golden .slt files in ${dir}, found ${files.length}`);
});

for (const f of files) {
  test(`slt: ${f}`, async () => {
    const failures = await runSlt(readFileSync(join(dir, f), 'utf8'), `tests/slt/${f}`);
    assert.equal(failures.length, 0, failures.map((x) => x.message).join('\n\n'));
  });
}
