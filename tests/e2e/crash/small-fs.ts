import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataError } from '../../../src/core/errors.js';

/**
 * A small tmpfs for full-disk tests, so that filling it never touches the machine's real
 * file systems.
 *
 * - As root (or with CAP_SYS_ADMIN): `mount -t tmpfs -o size=<n>m` on a temp directory.
 * - Otherwise: a user + mount namespace (`unshare -rm`) holds the tmpfs; the server runs
 *   inside it through `nsenter`, and the test reaches the files through
 *   `/proc/<holder>/root/...`.
 *
 * `STRATA_CRASH_TMPFS=unshare` forces the second way (to test it as root).
 */

export interface SmallFs {
  /** The mount point, as the server sees it. */
  readonly dir: string;
  /** How the server command is wrapped (empty, or nsenter into the namespace). */
  readonly wrap: readonly string[];
  /** A path under `dir` as this process sees it. */
  hostPath(path: string): string;
  /** How it was made, for messages. */
  readonly how: string;
  close(): Promise<void>;
}

export async function smallTmpfs(sizeMb: number): Promise<SmallFs> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-small-fs-'));
  const errors: string[] = [];
  if (process.env['STRATA_CRASH_TMPFS'] !== 'unshare') {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { encoding: 'utf8' });
    if (r.status === 0) {
      return {
        dir,
        wrap: [],
        how: `mount -t tmpfs -o size=${sizeMb}m`,
        hostPath: (p) => p,
        close: async () => {
          spawnSync('umount', ['-l', dir]);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    errors.push(`mount: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
  }
  const holder: ChildProcess = spawn('unshare', ['-r', '-m', 'sh', '-c', `mount -t tmpfs -o size=${sizeMb}m tmpfs '${dir}' && echo mounted && exec sleep 2147483647`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  holder.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  holder.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const ok = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 10_000);
    holder.stdout?.on('data', () => {
      if (out.includes('mounted')) {
        clearTimeout(t);
        resolve(true);
      }
    });
    holder.once('exit', () => {
      clearTimeout(t);
      resolve(false);
    });
    holder.once('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
  if (!ok || holder.pid === undefined) {
    holder.kill('SIGKILL');
    rmdirSync(dir);
    errors.push(`unshare -rm: ${out.trim() || 'failed'}`);
    throw new StrataError(
      'USAGE',
      `cannot make a small tmpfs for the full-disk test (${errors.join('; ')}). Run the tests as root, with CAP_SYS_ADMIN, or where unprivileged user namespaces are enabled (sysctl kernel.unprivileged_userns_clone=1).`,
    );
  }
  const pid = holder.pid;
  return {
    dir,
    wrap: ['nsenter', '-t', String(pid), '-U', '-m', '--preserve-credentials'],
    how: `unshare -rm (holder pid ${pid})`,
    hostPath: (p) => `/proc/${pid}/root${p}`,
    close: async () => {
      holder.kill('SIGKILL');
      await new Promise((r) => (holder.exitCode !== null || holder.signalCode !== null ? r(null) : holder.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Fills the file system holding `path` (a file that does not exist yet): writes until
 * ENOSPC, in 1 MiB then 4 KiB chunks. Returns the bytes written.
 */
export function fillUp(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 4096, 512]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
