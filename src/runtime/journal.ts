import { closeSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { crc32c } from '../core/crc32c.js';
import { StrataError } from '../core/errors.js';

/**
 * The session journal: every statement that shapes the running pipelines (DDL, SET, USE,
 * INSERT, STATEMENT SET, CTAS, CDAS), in the order it succeeded, so `strata start` on the
 * same data directory brings the same jobs back under the same names.
 *
 * Each record: a header line `@<bytes> <crc32c hex> <job name or ->` then the statement's
 * text and a newline. Appended with one write and fsynced. A torn or corrupted tail (a
 * crash mid-append) is cut when the journal is read.
 */

export interface JournalRecord {
  readonly text: string;
  /** The job an INSERT or STATEMENT SET started, so a replay gives it the same name. */
  readonly job: string | null;
}

export class Journal {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  /** The records, oldest first; a torn tail is cut from the file (and reported to `log`). */
  read(log: (line: string) => void): JournalRecord[] {
    let buf: Buffer;
    try {
      buf = readFileSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StrataError('STATE', `cannot read the session journal ${this.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { domain: 'external' });
    }
    const out: JournalRecord[] = [];
    let p = 0;
    while (p < buf.length) {
      const nl = buf.indexOf(0x0a, p);
      const m = nl < 0 ? null : /^@(\d+) ([0-9a-f]{8}) (.*)$/.exec(buf.toString('utf8', p, nl));
      const len = m === null ? -1 : Number(m[1]);
      const start = nl + 1;
      if (m === null || start + len + 1 > buf.length || buf[start + len] !== 0x0a || (crc32c(buf, start, start + len) >>> 0).toString(16).padStart(8, '0') !== m[2]) {
        log(`session journal ${this.file}: cut a torn record at byte ${p} (a statement whose append never finished)`);
        truncateSync(this.file, p);
        break;
      }
      out.push({ text: buf.toString('utf8', start, start + len), job: m[3] === '-' ? null : m[3]! });
      p = start + len + 1;
    }
    return out;
  }

  /** Appends one record durably. */
  append(record: JournalRecord): void {
    const body = Buffer.from(record.text, 'utf8');
    const job = record.job === null ? '-' : record.job.replace(/\n/g, ' ');
    const head = Buffer.from(`@${body.length} ${(crc32c(body) >>> 0).toString(16).padStart(8, '0')} ${job}\n`, 'utf8');
    const all = Buffer.concat([head, body, Buffer.from('\n')]);
    let fd = -1;
    try {
      fd = openSync(this.file, 'a');
      let off = 0;
      while (off < all.length) off += writeSync(fd, all, off, all.length - off);
      fsyncSync(fd);
    } catch (e) {
      throw new StrataError('STATE', `cannot append to the session journal ${this.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        domain: 'external',
        hint: 'Free space on the data directory; the statement ran but a restart would not bring it back.',
      });
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
}
