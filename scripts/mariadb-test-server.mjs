#!/usr/bin/env node
// Starts a throwaway MariaDB (src/testing/mariadb.ts) for trying the mysql-cdc connector by
// hand, prints how to reach it, and removes it on Ctrl-C.
// Usage: npm run build && node scripts/mariadb-test-server.mjs [--port N] [-- extra mariadbd args]
import { existsSync } from 'node:fs';

const dist = new URL('../dist/src/testing/mariadb.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('build first: npx tsc -p .');
  process.exit(2);
}
const { startMariaDb } = await import(dist.href);
const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const own = sep < 0 ? argv : argv.slice(0, sep);
const extraArgs = sep < 0 ? [] : argv.slice(sep + 1);
const portAt = own.indexOf('--port');
const port = portAt >= 0 ? Number(own[portAt + 1]) : undefined;
const db = await startMariaDb({ ...(port !== undefined ? { port } : {}), extraArgs });
const status = await db.masterStatus();
console.log(`MariaDB ${db.version} on ${db.host}:${db.port} (datadir ${db.dataDir})`);
console.log(`  root (no password):   mariadb -h${db.host} -P${db.port} -uroot`);
console.log(`  replication user:     ${db.cdcUser} / ${db.cdcPassword}`);
console.log(`  binlog now at:        ${status.file}:${status.pos}`);
console.log('Ctrl-C stops it and removes the datadir.');
const stop = async () => {
  await db.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
