import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isStrataError } from '../errors.js';
import { formatTimestamp, parseTimestamp } from '../values.js';
import { findZone, formatOffset, instantToWall, wallToInstant, zoneOf } from './time-zone.js';

const ts = (s: string): bigint => parseTimestamp(s)!;
const show = (v: bigint): string => formatTimestamp(v, 0);

describe('zones', () => {
  test('fixed offsets and UTC spellings', () => {
    assert.equal(findZone('+08:00')!.offsetAtMs(0), 8 * 3600_000);
    assert.equal(findZone('-0530')!.offsetAtMs(0), -(5 * 60 + 30) * 60_000);
    assert.equal(findZone('GMT+8')!.offsetAtMs(0), 8 * 3600_000);
    assert.equal(findZone('UTC-03:00')!.offsetAtMs(0), -3 * 3600_000);
    assert.equal(findZone('UTC')!.offsetAtMs(123), 0);
    assert.equal(findZone('Z')!.offsetAtMs(123), 0);
  });
  test('IANA zones', () => {
    assert.equal(findZone('Asia/Shanghai')!.offsetAtMs(Date.UTC(2024, 0, 1)), 8 * 3600_000);
    assert.equal(findZone('America/New_York')!.offsetAtMs(Date.UTC(2024, 0, 15)), -5 * 3600_000);
    assert.equal(findZone('America/New_York')!.offsetAtMs(Date.UTC(2024, 6, 15)), -4 * 3600_000);
    assert.equal(findZone('Asia/Kolkata')!.offsetAtMs(Date.UTC(2024, 6, 15)), 5.5 * 3600_000);
  });
  test('unknown zones', () => {
    assert.equal(findZone('Mars/Olympus'), null);
    assert.equal(findZone('+25:00'), null);
    assert.throws(() => zoneOf('Mars/Olympus'), (e: unknown) => isStrataError(e) && /unknown time zone 'Mars\/Olympus'/.test(e.message));
  });
  test('formatOffset', () => {
    assert.equal(formatOffset(8 * 3600_000), '+08:00');
    assert.equal(formatOffset(-(5 * 60 + 30) * 60_000, false), '-0530');
  });
});

describe('wall clock and instants', () => {
  test('a fixed offset shifts by the offset', () => {
    const z = zoneOf('+08:00');
    assert.equal(show(instantToWall(z, ts('2024-01-01 00:00:00'))), '2024-01-01 08:00:00');
    assert.equal(show(wallToInstant(z, ts('2024-01-01 08:00:00'))), '2024-01-01 00:00:00');
  });
  test('round trip away from transitions', () => {
    const z = zoneOf('Europe/Berlin');
    for (const s of ['2024-01-15 12:34:56', '2024-07-01 00:00:00', '1969-12-31 23:59:59', '2100-06-01 12:00:00']) {
      assert.equal(show(instantToWall(z, wallToInstant(z, ts(s)))), s);
    }
  });
  test('spring-forward gap: shifted later by the gap (Java rule)', () => {
    const z = zoneOf('America/New_York');
    // 2024-03-10 02:30 does not exist in New York; Java gives 03:30 EDT = 07:30Z.
    assert.equal(show(wallToInstant(z, ts('2024-03-10 02:30:00'))), '2024-03-10 07:30:00');
    assert.equal(show(instantToWall(z, wallToInstant(z, ts('2024-03-10 02:30:00')))), '2024-03-10 03:30:00');
  });
  test('fall-back overlap: the earlier offset (Java rule)', () => {
    const z = zoneOf('America/New_York');
    // 2024-11-03 01:30 happens twice; Java picks EDT (-04:00) = 05:30Z.
    assert.equal(show(wallToInstant(z, ts('2024-11-03 01:30:00'))), '2024-11-03 05:30:00');
    assert.equal(show(instantToWall(z, ts('2024-11-03 05:30:00'))), '2024-11-03 01:30:00');
    assert.equal(show(instantToWall(z, ts('2024-11-03 06:30:00'))), '2024-11-03 01:30:00');
  });
  test('microseconds are kept', () => {
    const z = zoneOf('Asia/Shanghai');
    const w = ts('2024-05-05 10:00:00.123456');
    assert.equal(instantToWall(z, wallToInstant(z, w)), w);
  });
});
