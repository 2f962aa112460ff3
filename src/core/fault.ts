/**
 * Named fault points for crash testing. `STRATA_FAULT=<name>[:<n>][,...]` makes the
 * process kill itself with SIGKILL the n-th time (default the first) it passes the named
 * point: no cleanup, no flush, exactly like `kill -9`. Without the variable `faultPoint`
 * is one map lookup. The names are listed in docs/design/20261121_checkpoints.md.
 */

let armed: Map<string, number> | null = null;

function parse(): Map<string, number> {
  const m = new Map<string, number>();
  const spec = process.env['STRATA_FAULT'] ?? '';
  for (const part of spec.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const colon = p.lastIndexOf(':');
    const name = colon > 0 ? p.slice(0, colon) : p;
    const n = colon > 0 ? Number(p.slice(colon + 1)) : 1;
    m.set(name, Number.isInteger(n) && n > 0 ? n : 1);
  }
  return m;
}

/** Passes the fault point `name`; kills the process when it is armed and its count is reached. */
export function faultPoint(name: string): void {
  armed ??= parse();
  if (armed.size === 0) return;
  const left = armed.get(name);
  if (left === undefined) return;
  if (left > 1) {
    armed.set(name, left - 1);
    return;
  }
  armed.delete(name);
  process.stderr.write(`strata: fault point '${name}' reached: killing the process (STRATA_FAULT)\n`);
  process.kill(process.pid, 'SIGKILL');
}

/** Re-reads STRATA_FAULT (tests that change it in-process). */
export function resetFaultPoints(): void {
  armed = null;
}
