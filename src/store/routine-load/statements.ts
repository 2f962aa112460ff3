/**
 * The ROUTINE LOAD statements of the StarRocks dialect, parsed from one statement's text:
 *
 *   CREATE ROUTINE LOAD [db.]job ON table
 *     [COLUMNS TERMINATED BY '<sep>'] [ROWS TERMINATED BY '<sep>'] [COLUMNS (c1, c2, ...)]
 *     [WHERE <expr>] [PARTITION (...)]            -- separated by commas, any order
 *     [PROPERTIES ("key" = "value", ...)]
 *     FROM KAFKA ("key" = "value", ...)
 *   SHOW [ALL] ROUTINE LOAD [FOR [db.]job] [FROM | IN db]
 *   PAUSE | RESUME | STOP ROUTINE LOAD FOR [db.]job
 *
 * `parseRoutineLoadStatement` returns null for any other statement (so the warehouse's
 * own parser gets it). WHERE, PARTITION and derived columns (`c = expr`) parse and are
 * reported as SQL_UNSUPPORTED by the manager / here with what to do instead.
 */

import { StrataError } from '../../core/errors.js';

export interface CreateRoutineLoad {
  readonly kind: 'create';
  readonly database: string | null;
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[] | null;
  readonly columnSeparator: string | null;
  readonly rowSeparator: string | null;
  /** WHERE text, when written (not supported yet). */
  readonly where: string | null;
  /** Lower-cased keys; values as written. */
  readonly properties: ReadonlyMap<string, string>;
  readonly sourceType: string;
  readonly sourceProperties: ReadonlyMap<string, string>;
}

export interface ShowRoutineLoad {
  readonly kind: 'show';
  readonly all: boolean;
  /** FOR db.job / FROM db: the database named, or null (the session's). */
  readonly database: string | null;
  readonly name: string | null;
}

export interface ControlRoutineLoad {
  readonly kind: 'pause' | 'resume' | 'stop';
  readonly database: string | null;
  readonly name: string;
}

export type RoutineLoadStatement = CreateRoutineLoad | ShowRoutineLoad | ControlRoutineLoad;

type Tok =
  | { readonly t: 'word'; readonly v: string; readonly quoted: boolean; readonly at: number }
  | { readonly t: 'string'; readonly v: string; readonly at: number }
  | { readonly t: 'num'; readonly v: string; readonly at: number }
  | { readonly t: 'op'; readonly v: string; readonly at: number }
  | { readonly t: 'eof'; readonly v: ''; readonly at: number };

const HEAD = /^\s*(?:(?:--|#)[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(CREATE|SHOW|PAUSE|RESUME|STOP)\s+(?:ALL\s+)?ROUTINE\s+LOAD\b/i;

/** True when the text is a ROUTINE LOAD statement (cheap check before parsing). */
export function isRoutineLoadStatement(text: string): boolean {
  return HEAD.test(text);
}

function syntax(text: string, at: number, message: string): StrataError {
  let line = 1;
  let col = 1;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return new StrataError('SQL_SYNTAX', message, {
    location: { line, column: col },
    hint: 'See CREATE ROUTINE LOAD in the StarRocks documentation; src/store/routine-load/README.md lists what Strata accepts.',
  });
}

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if ((c === '-' && text[i + 1] === '-') || c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) throw syntax(text, i, 'unterminated comment');
      i = e + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      const start = i;
      i++;
      let v = '';
      for (;;) {
        if (i >= n) throw syntax(text, start, 'unterminated string');
        const d = text[i]!;
        if (d === '\\' && i + 1 < n) {
          const e = text[i + 1]!;
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
          i += 2;
          continue;
        }
        if (d === c) {
          if (text[i + 1] === c) {
            v += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += d;
        i++;
      }
      out.push({ t: 'string', v, at: start });
      continue;
    }
    if (c === '`') {
      const e = text.indexOf('`', i + 1);
      if (e < 0) throw syntax(text, i, 'unterminated `identifier`');
      out.push({ t: 'word', v: text.slice(i + 1, e), quoted: true, at: i });
      i = e + 1;
      continue;
    }
    const w = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i, i + 256));
    if (w !== null) {
      out.push({ t: 'word', v: w[0], quoted: false, at: i });
      i += w[0].length;
      continue;
    }
    const num = /^\d+(?:\.\d+)?/.exec(text.slice(i, i + 64));
    if (num !== null) {
      out.push({ t: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const op = /^(<=>|<>|!=|<=|>=|[(),.=;<>+\-*/%!])/.exec(text.slice(i, i + 3));
    if (op === null) throw syntax(text, i, `unexpected character '${c}'`);
    out.push({ t: 'op', v: op[0], at: i });
    i += op[0].length;
  }
  out.push({ t: 'eof', v: '', at: n });
  return out;
}

class Cursor {
  i = 0;
  constructor(
    readonly text: string,
    readonly toks: Tok[],
  ) {}

  peek(k = 0): Tok {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  next(): Tok {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  isKw(kw: string, k = 0): boolean {
    const t = this.peek(k);
    return t.t === 'word' && !t.quoted && t.v.toUpperCase() === kw;
  }
  acceptKw(kw: string): boolean {
    if (!this.isKw(kw)) return false;
    this.i++;
    return true;
  }
  expectKw(kw: string): void {
    if (!this.acceptKw(kw)) throw this.error(`expected ${kw}`);
  }
  isOp(op: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === op;
  }
  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }
  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error(`expected '${op}'`);
  }
  ident(what: string): string {
    const t = this.peek();
    if (t.t !== 'word') throw this.error(`expected ${what}`);
    this.i++;
    return t.v;
  }
  string(what: string): string {
    const t = this.peek();
    if (t.t !== 'string') throw this.error(`expected ${what} (a quoted string)`);
    this.i++;
    return t.v;
  }
  error(message: string): StrataError {
    const t = this.peek();
    const found = t.t === 'eof' ? 'the end of the statement' : t.t === 'string' ? `'${t.v}'` : `'${t.v}'`;
    return syntax(this.text, t.at, `${message}, found ${found}`);
  }
  end(): void {
    this.acceptOp(';');
    if (this.peek().t !== 'eof') throw this.error('expected the end of the statement');
  }
}

/** `[db.]name` */
function qualifiedName(c: Cursor, what: string): { database: string | null; name: string } {
  const first = c.ident(what);
  if (c.acceptOp('.')) return { database: first, name: c.ident(what) };
  return { database: null, name: first };
}

/** `("k" = "v", ...)`; keys lower-cased. */
function propertyList(c: Cursor, clause: string): Map<string, string> {
  const out = new Map<string, string>();
  c.expectOp('(');
  if (c.acceptOp(')')) return out;
  for (;;) {
    const kt = c.peek();
    const key = kt.t === 'string' || kt.t === 'word' ? (c.next(), kt.v) : (() => { throw c.error(`expected a property name in ${clause}`); })();
    c.expectOp('=');
    const vt = c.peek();
    let value: string;
    if (vt.t === 'string' || vt.t === 'num' || vt.t === 'word') {
      c.next();
      value = vt.v;
    } else if (vt.t === 'op' && vt.v === '-' && c.peek(1).t === 'num') {
      c.next();
      value = '-' + c.next().v;
    } else throw c.error(`expected the value of property '${key}' in ${clause}`);
    if (out.has(key.toLowerCase())) throw syntax(c.text, kt.at, `property '${key}' is given twice in ${clause}`);
    out.set(key.toLowerCase(), value);
    if (c.acceptOp(',')) continue;
    c.expectOp(')');
    return out;
  }
}

/** Skips a balanced expression up to a top-level ',' or one of the stop keywords; returns its text. */
function rawUntil(c: Cursor, stops: readonly string[]): string {
  const start = c.peek().at;
  let depth = 0;
  let end = start;
  for (;;) {
    const t = c.peek();
    if (t.t === 'eof') break;
    if (depth === 0 && ((t.t === 'op' && (t.v === ',' || t.v === ';')) || stops.some((s) => c.isKw(s)))) break;
    if (t.t === 'op' && t.v === '(') depth++;
    if (t.t === 'op' && t.v === ')') {
      if (depth === 0) break;
      depth--;
    }
    c.next();
    end = c.peek().at;
  }
  return c.text.slice(start, end).trim();
}

function parseCreate(c: Cursor): CreateRoutineLoad {
  const { database, name } = qualifiedName(c, 'the job name');
  c.expectKw('ON');
  const table = c.ident('the target table name');
  let columns: string[] | null = null;
  let columnSeparator: string | null = null;
  let rowSeparator: string | null = null;
  let where: string | null = null;
  let properties = new Map<string, string>();
  for (;;) {
    if (c.isKw('COLUMNS') && c.isKw('TERMINATED', 1)) {
      c.next();
      c.next();
      c.expectKw('BY');
      columnSeparator = c.string('the column separator');
    } else if (c.isKw('ROWS') && c.isKw('TERMINATED', 1)) {
      c.next();
      c.next();
      c.expectKw('BY');
      rowSeparator = c.string('the row separator');
    } else if (c.isKw('COLUMNS')) {
      c.next();
      c.expectOp('(');
      columns = [];
      for (;;) {
        const at = c.peek().at;
        const col = c.ident('a column name');
        if (c.isOp('=')) {
          c.next();
          const expr = rawUntil(c, []);
          throw new StrataError('SQL_UNSUPPORTED', `derived column '${col} = ${expr}' in COLUMNS of CREATE ROUTINE LOAD is not supported yet`, {
            location: { line: 1, column: at + 1 },
            hint: 'List source columns only (mapped by name or by jsonpaths); compute derived values in a Flink SQL pipeline before the topic.',
          });
        }
        columns.push(col);
        if (c.acceptOp(',')) continue;
        c.expectOp(')');
        break;
      }
    } else if (c.isKw('WHERE')) {
      c.next();
      where = rawUntil(c, ['PROPERTIES', 'FROM', 'COLUMNS', 'PARTITION', 'TEMPORARY', 'ROWS']);
      if (where === '') throw c.error('expected a condition after WHERE');
    } else if (c.isKw('PARTITION') || (c.isKw('TEMPORARY') && c.isKw('PARTITION', 1))) {
      throw new StrataError('SQL_UNSUPPORTED', 'PARTITION in CREATE ROUTINE LOAD is not supported: warehouse tables have no partitions to choose from', {
        hint: 'Remove the PARTITION clause; rows go to the table.',
      });
    } else break;
    c.acceptOp(',');
  }
  if (c.acceptKw('PROPERTIES')) properties = propertyList(c, 'PROPERTIES');
  c.expectKw('FROM');
  const sourceType = c.ident('the data source (KAFKA)').toUpperCase();
  const sourceProperties = c.isOp('(') ? propertyList(c, `FROM ${sourceType}`) : new Map<string, string>();
  c.end();
  return { kind: 'create', database, name, table, columns, columnSeparator, rowSeparator, where, properties, sourceType, sourceProperties };
}

/** Parses a ROUTINE LOAD statement; null when `text` is some other statement. */
export function parseRoutineLoadStatement(text: string): RoutineLoadStatement | null {
  if (!isRoutineLoadStatement(text)) return null;
  const c = new Cursor(text, tokenize(text));
  const verb = c.ident('a statement').toUpperCase();
  if (verb === 'SHOW') {
    const all = c.acceptKw('ALL');
    c.expectKw('ROUTINE');
    c.expectKw('LOAD');
    let database: string | null = null;
    let name: string | null = null;
    if (c.acceptKw('FOR')) {
      const q = qualifiedName(c, 'the job name');
      database = q.database;
      name = q.name;
    } else if (c.acceptKw('FROM') || c.acceptKw('IN')) {
      database = c.ident('a database name');
    }
    if (c.isKw('WHERE') || c.isKw('ORDER') || c.isKw('LIMIT')) {
      throw new StrataError('SQL_UNSUPPORTED', `SHOW ROUTINE LOAD ... ${c.peek().v.toUpperCase()} is not supported yet`, {
        hint: 'Use SHOW [ALL] ROUTINE LOAD [FOR db.job | FROM db].',
      });
    }
    c.end();
    return { kind: 'show', all, database, name };
  }
  c.expectKw('ROUTINE');
  c.expectKw('LOAD');
  if (verb === 'CREATE') return parseCreate(c);
  c.expectKw('FOR');
  const { database, name } = qualifiedName(c, 'the job name');
  c.end();
  return { kind: verb === 'PAUSE' ? 'pause' : verb === 'RESUME' ? 'resume' : 'stop', database, name };
}
