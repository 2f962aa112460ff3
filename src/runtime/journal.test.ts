import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from './journal.js';

test('journal records come back in order with their job names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  try {
    const j = new Journal(join(dir, 'session.journal'));
    j.append({ text: "CREATE TABLE t (a INT) WITH ('connector' = 'datagen')", job: null });
    j.append({ text: 'INSERT INTO s\nSELECT * FROM t', job: 'job-3' });
    const lines: string[] = [];
    assert.deepEqual(j.read((l) => lines.push(l)), [
      { text: "CREATE TABLE t (a INT) WITH ('connector' = 'datagen')", job: null },
      { text: 'INSERT INTO s\nSELECT * FROM t', job: 'job-3' },
    ]);
    assert.deepEqual(lines, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn tail is cut and reported; the records before it survive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  try {
    const file = join(dir, 'session.journal');
    const j = new Journal(file);
    j.append({ text: 'SET a = b', job: null });
    const good = statSync(file).size;
    appendFileSync(file, '@40 00000000 job-1\nINSERT INTO');
    const lines: string[] = [];
    assert.deepEqual(j.read((l) => lines.push(l)), [{ text: 'SET a = b', job: null }]);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /cut a torn record at byte \d+/);
    assert.equal(readFileSync(file).length, good);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a flipped byte fails the checksum', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  try {
    const file = join(dir, 'session.journal');
    const j = new Journal(file);
    j.append({ text: 'SET a = b', job: null });
    j.append({ text: 'SET c = d', job: null });
    const buf = readFileSync(file);
    buf[buf.length - 3] = 'X'.charCodeAt(0);
    writeFileSync(file, buf);
    assert.deepEqual(j.read(() => {}), [{ text: 'SET a = b', job: null }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
