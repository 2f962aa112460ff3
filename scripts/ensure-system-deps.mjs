#!/usr/bin/env node
// Installs the system packages the tests drive as real clients and servers, when they
// are missing: Debian's packages via apt-get (as root, as on CI). Runs before `npm test`.
import { spawnSync } from 'node:child_process';

/** binary on PATH → Debian package that provides it. */
const NEEDED = [['mariadb', 'mariadb-client']];

const missing = NEEDED.filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0);
if (missing.length === 0) process.exit(0);
const pkgs = missing.map(([, pkg]) => pkg);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`ensure-system-deps: missing ${missing.map(([b]) => b).join(', ')}; install them with: sudo apt-get install -y ${pkgs.join(' ')}`);
  process.exit(1);
}
console.error(`ensure-system-deps: installing ${pkgs.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...pkgs]]) {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) {
    console.error(`ensure-system-deps: apt-get ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(1);
  }
}
