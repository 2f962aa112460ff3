/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function,
 * optionally only inside the call trees of functions whose name contains `--under`
 * (e.g. `--under '#run'` for the job scheduler loop, which leaves out data generation).
 *
 *   node dist/bench/profile-summary.js CPU.xxx.cpuprofile [--top 25] [--under NAME]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function main(): void {
  const argv = process.argv.slice(2);
  let file: string | undefined;
  let top = 25;
  let under: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--top') top = Number(argv[++i]);
    else if (a === '--under') under = argv[++i];
    else file = a;
  }
  if (file === undefined) {
    process.stderr.write('usage: node dist/bench/profile-summary.js FILE.cpuprofile [--top N] [--under NAME]\n');
    process.exit(2);
  }
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  // Nodes in scope: all, or the subtrees under matching functions.
  let inScope: Set<number> | null = null;
  if (under !== undefined) {
    inScope = new Set();
    const stack: number[] = [];
    for (const n of p.nodes) if (n.callFrame.functionName.includes(under)) stack.push(n.id);
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (inScope.has(id)) continue;
      inScope.add(id);
      for (const c of byId.get(id)?.children ?? []) stack.push(c);
    }
  }
  let total = 0;
  let scoped = 0;
  let gc = 0;
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const t = selfUs.get(n.id) ?? 0;
    total += t;
    const cf = n.callFrame;
    if (cf.functionName === '(garbage collector)') gc += t;
    if (inScope !== null && !inScope.has(n.id)) continue;
    scoped += t;
    const where = cf.url.replace(/^.*\/(dist|node_modules)\//, '$1/');
    const k = `${cf.functionName || '(anonymous)'} ${where}${where !== '' ? `:${cf.lineNumber + 1}` : ''}`;
    byFn.set(k, (byFn.get(k) ?? 0) + t);
  }
  const ms = (us: number): string => (us / 1000).toFixed(0).padStart(7);
  process.stdout.write(`total ${ms(total).trim()} ms sampled; garbage collector ${ms(gc).trim()} ms (${((100 * gc) / total).toFixed(1)} %)\n`);
  if (inScope !== null) process.stdout.write(`under '${under}': ${ms(scoped).trim()} ms (self times below are % of that)\n`);
  const rows = [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, t] of rows) process.stdout.write(`${ms(t)} ms ${((100 * t) / (inScope !== null ? scoped : total)).toFixed(1).padStart(5)} %  ${k}\n`);
}

main();
