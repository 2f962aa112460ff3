import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reachedPosition } from './source.js';

// Flush waits until the source's committed offsets reach the server's binlog end.

const at = (phase: string, file: string, pos: number, gtid: string | null): { phase: string; file: string; pos: number; gtid: string | null } => ({ phase, file, pos, gtid });

test('by MariaDB GTID: every domain must reach its sequence number', () => {
  const target = { file: 'mysql-bin.000002', pos: 900, gtid: '0-1-42,1-1-7' };
  assert.equal(reachedPosition(at('binlog', 'mysql-bin.000002', 100, '0-1-42,1-1-7'), target), true, 'the position in the file does not matter when GTIDs agree');
  assert.equal(reachedPosition(at('binlog', 'mysql-bin.000002', 950, '0-1-41,1-1-7'), target), false);
  assert.equal(reachedPosition(at('binlog', 'mysql-bin.000002', 950, '0-1-42'), target), false, 'a domain not seen yet');
  assert.equal(reachedPosition(at('binlog', 'mysql-bin.000003', 4, '0-2-43,1-1-8'), target), true, 'a later server id in the same domain');
});

test('by file and position when there are no MariaDB GTIDs', () => {
  const target = { file: 'mysql-bin.000002', pos: 900, gtid: null };
  assert.equal(reachedPosition(at('binlog', 'mysql-bin.000002', 900, null), target), true);
  assert.equal(reachedPosition(at('binlog', 'mysql-bin.000002', 899, null), target), false);
  assert.equal(reachedPosition(at('binlog', 'mysql-bin.000003', 4, null), target), true, 'a later file');
  assert.equal(reachedPosition(at('binlog', 'mysql-bin.000001', 99999, null), target), false);
  const mysql = { file: 'binlog.000010', pos: 155, gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5' };
  assert.equal(reachedPosition(at('binlog', 'binlog.000010', 155, '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'), mysql), true, 'MySQL GTID sets fall back to file and position');
});

test('never reached during the snapshot or before the first change', () => {
  const target = { file: 'mysql-bin.000001', pos: 4, gtid: null };
  assert.equal(reachedPosition(null, target), false);
  assert.equal(reachedPosition(at('snapshot', 'mysql-bin.000009', 9999, null), target), false);
});
