#!/usr/bin/env node
// Installs the system packages the tests drive as real clients and servers, when they
// are missing: Debian's packages via apt-get (as root, as on CI). Runs before `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * binary → Debian package that provides it. A binary is present when it is on PATH or
 * at one of the extra paths (Debian installs the server at /usr/sbin/mariadbd, which is
 * not on a non-root user's PATH).
 */
const NEEDED = [
  ['mariadb', 'mariadb-client', []],
  ['mariadb-binlog', 'mariadb-client', []],
  ['mariadbd', 'mariadb-server', ['/usr/sbin/mariadbd']],
  ['mariadb-install-db', 'mariadb-server', ['/usr/bin/mariadb-install-db']],
  ['kcat', 'kcat', []],
];

function present(bin, paths) {
  if (paths.some((p) => existsSync(p))) return true;
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

const missing = NEEDED.filter(([bin, , paths]) => !present(bin, paths));
if (missing.length === 0) process.exit(0);
const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
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
