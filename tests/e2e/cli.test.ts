import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The real `strata` command, as a user runs it.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'strata.js');
const work = mkdtempSync(join(tmpdir(), 'strata-cli-'));

function strata(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: work, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
}

test('strata run: datagen -> join + aggregate -> print, end to end', () => {
  const f = file(
    'pipeline.sql',
    `CREATE TABLE orders (order_id BIGINT, customer_id INT, amount INT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '200', 'rows-per-second' = '1000000',
  'fields.order_id.kind' = 'sequence', 'fields.order_id.start' = '1', 'fields.order_id.end' = '200',
  'fields.customer_id.min' = '1', 'fields.customer_id.max' = '5',
  'fields.amount.min' = '1', 'fields.amount.max' = '1');
CREATE TABLE customers (customer_id INT, region STRING) WITH (
  'connector' = 'datagen', 'number-of-rows' = '5',
  'fields.customer_id.kind' = 'sequence', 'fields.customer_id.start' = '1', 'fields.customer_id.end' = '5',
  'fields.region.length' = '3');
CREATE TABLE out (n BIGINT, total INT) WITH ('connector' = 'print');
INSERT INTO out SELECT COUNT(*), SUM(o.amount) FROM orders o JOIN customers c ON o.customer_id = c.customer_id;
`,
  );
  const r = strata('run', f);
  assert.equal(r.code, 0, r.err);
  // The last change of the global aggregate is the final count: every order joined once.
  const lines = r.out.trim().split('\n');
  assert.match(lines[lines.length - 1]!, /^\+[IU]\[200, 200\]$/);
  // A global aggregate starts with +I, then each change is a -U/+U pair.
  assert.match(lines[0]!, /^\+I\[\d+, \d+\]$/);
  for (let i = 1; i < lines.length; i += 2) {
    assert.match(lines[i]!, /^-U\[/);
    assert.match(lines[i + 1]!, /^\+U\[/);
  }
});

test('strata explain prints the plan with changelog modes', () => {
  const f = file(
    'explain.sql',
    `CREATE TABLE s (k INT, v INT) WITH ('connector' = 'datagen');
CREATE TABLE p (k INT, n BIGINT) WITH ('connector' = 'print');
INSERT INTO p SELECT k, COUNT(*) AS n FROM s GROUP BY k;`,
  );
  const r = strata('explain', f);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /GroupAggregate\(groupBy=\[k\], select=\[k, COUNT\(\*\) AS n\], changelogMode=\[I,UB,UA,D\]\)/);
  assert.match(r.out, /TableSourceScan\(table=\[\[default_catalog, default_database, s\]\], fields=\[k, v\], changelogMode=\[I\]\)/);
});

test('a SQL error names file:line:col, exits 2, and prints no stack trace', () => {
  const f = file('bad.sql', "CREATE TABLE s (k INT) WITH ('connector' = 'datagen');\nSELECT k,, FROM s;\n");
  const r = strata('run', f);
  assert.equal(r.code, 2);
  assert.match(r.err, /^strata: error: .*bad\.sql:2:10: /);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

test('a binding error names the column position', () => {
  const f = file('bind.sql', "CREATE TABLE s (k INT) WITH ('connector' = 'datagen');\nCREATE TABLE p (k INT) WITH ('connector' = 'print');\nINSERT INTO p SELECT kk FROM s;\n");
  const r = strata('explain', f);
  assert.equal(r.code, 2);
  assert.match(r.err, /bind\.sql:3:22: unknown column 'kk'/);
});

test('usage errors exit 2 with a hint', () => {
  const r = strata('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command 'frobnicate'/);
  const m = strata('run', join(work, 'missing.sql'));
  assert.equal(m.code, 2);
  assert.match(m.err, /cannot read .*missing\.sql.*no such file/);
  const h = strata('run', '--help');
  assert.equal(h.code, 0);
  assert.match(h.out, /Usage: strata run/);
});
