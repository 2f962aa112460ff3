import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { StrataError } from '../../../core/errors.js';
import { BINLOG_MAGIC, EVENT_HEADER_LENGTH } from './constants.js';
import { BinlogEventParser, type EventParserOptions } from './event-parser.js';
import type { BinlogEvent } from './events.js';

/**
 * Reading binlog files from disk (a file starts with the magic 0xFE 'b' 'i' 'n', then
 * events back to back). For tests, tools and the benchmark's peer check; the connector
 * reads over the replication protocol.
 */

export interface FileEvent {
  /** Offset of the event's first byte in the file. */
  readonly offset: number;
  /** Event type code from its header. */
  readonly type: number;
  /** End offset recorded in the header (log_pos). */
  readonly logPos: number;
  /** The parsed event; null for events of excluded tables. */
  readonly event: BinlogEvent | null;
}

/** The events of a binlog file's bytes, one at a time (nothing kept between them). */
export function* binlogEvents(buf: Buffer, options: EventParserOptions = {}): Generator<FileEvent> {
  for (let i = 0; i < BINLOG_MAGIC.length; i++) {
    if (buf[i] !== BINLOG_MAGIC[i]) {
      throw new StrataError('CONNECTOR_DATA', `${options.file ?? 'the file'} is not a binlog file: it does not start with 0xFE 'bin'.`);
    }
  }
  const parser = new BinlogEventParser({ pos: 4, ...options });
  let p = 4;
  while (p + EVENT_HEADER_LENGTH <= buf.length) {
    const size = buf.readUInt32LE(p + 9);
    if (size < EVENT_HEADER_LENGTH || p + size > buf.length) break; // a partly written last event
    const event = parser.parse(buf, p, size);
    yield { offset: p, type: buf[p + 4]!, logPos: buf.readUInt32LE(p + 13), event };
    p += size;
  }
}

/** Parses every event of a binlog file's bytes. */
export function parseBinlogBuffer(buf: Buffer, options: EventParserOptions = {}): FileEvent[] {
  return [...binlogEvents(buf, options)];
}

/** Parses every event of the binlog file at `path`. */
export function readBinlogFile(path: string, options: EventParserOptions = {}): FileEvent[] {
  return parseBinlogBuffer(readFileSync(path), { file: basename(path), ...options });
}
