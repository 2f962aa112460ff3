import type { SqlType } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import type { ResultColumn } from '../../store/api.js';
import { writeColumnDefinition, writeTextValue } from './column-types.js';
import { writeEnd } from './packets.js';
import type { PacketWriter } from './packets.js';

/**
 * The text protocol (COM_QUERY): result set metadata (shared with the binary protocol),
 * text rows, and the statement counter that enforces CLIENT_MULTI_STATEMENTS.
 *
 * A result set is: column count, one ColumnDefinition41 per column, EOF (omitted under
 * CLIENT_DEPRECATE_EOF), the rows, and EOF (or an OK with header 0xFE under
 * CLIENT_DEPRECATE_EOF) carrying the status flags (SERVER_MORE_RESULTS_EXISTS when
 * another result follows).
 */

/** Column count, column definitions and (without CLIENT_DEPRECATE_EOF) the EOF after them. */
export function writeResultSetHeader(w: PacketWriter, columns: readonly ResultColumn[], deprecateEof: boolean, status: number): void {
  w.begin().lenencInt(columns.length).end();
  for (let i = 0; i < columns.length; i++) writeColumnDefinition(w, columns[i]!);
  if (!deprecateEof) writeEnd(w, false, status);
}

/** One text row: each value length-encoded text, NULL as 0xFB. */
export function writeTextRow(w: PacketWriter, types: readonly SqlType[], row: Row): void {
  w.begin();
  for (let i = 0; i < types.length; i++) writeTextValue(w, types[i]!, row[i] ?? null);
  w.end();
}

/**
 * Number of non-empty statements in a COM_QUERY text, split at `;` outside quotes,
 * backquoted names and comments. Comments alone do not make a statement, except
 * MySQL's executable comments (`/*! ... *\/`) and optimizer hints (`/*+ ... *\/`).
 * Used only to refuse several statements when CLIENT_MULTI_STATEMENTS is off; the
 * backend does the real split.
 */
export function countStatements(sql: string): number {
  let count = 0;
  let content = false;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    // ' " `
    if (c === 0x27 || c === 0x22 || c === 0x60) {
      content = true;
      i++;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (d === 0x5c && c !== 0x60) {
          i += 2; // backslash escape inside a string
          continue;
        }
        if (d === c) {
          if (i + 1 < n && sql.charCodeAt(i + 1) === c) {
            i += 2; // doubled quote
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    // -- comment (followed by whitespace or end) and # comment
    if ((c === 0x2d && sql.charCodeAt(i + 1) === 0x2d && (i + 2 >= n || sql.charCodeAt(i + 2) <= 0x20)) || c === 0x23) {
      while (i < n && sql.charCodeAt(i) !== 0x0a) i++;
      continue;
    }
    // /* comment */
    if (c === 0x2f && sql.charCodeAt(i + 1) === 0x2a) {
      const k = sql.charCodeAt(i + 2);
      if (k === 0x21 || k === 0x2b) content = true;
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 0x3b) {
      if (content) count++;
      content = false;
      i++;
      continue;
    }
    if (c > 0x20) content = true;
    i++;
  }
  if (content) count++;
  return count;
}
