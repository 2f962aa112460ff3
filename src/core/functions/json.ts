import { T } from '../types.js';
import { mapArgs, stringArg, strict1, strict2, type FunctionDefinition } from './definition.js';
import { javaDoubleToString } from './numeric-text.js';

/**
 * JSON_VALUE(json, path) and JSON_EXISTS(json, path) with SQL/JSON paths in lax mode:
 * `$`, `$.name`, `$."quoted name"`, `$['name']`, `$[0]`, `$.a.b[2].c`, `$.*`, `$[*]`
 * (wildcards only with JSON_EXISTS). JSON_VALUE returns the scalar as text (numbers keep
 * their digits; JSON strings are unquoted; true/false as 'true'/'false'); NULL when the
 * path is missing, selects an object or array, or the JSON or path is malformed
 * (Flink's default NULL ON EMPTY, NULL ON ERROR).
 *
 * The JSON text is parsed by a small parser that keeps numbers as text, so
 * 12345678901234567890 stays exact.
 */

class JsonNumber {
  constructor(readonly text: string) {}
}

type Json = null | boolean | string | JsonNumber | Json[] | { [k: string]: Json };

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  fail(): never {
    throw new SyntaxError('bad json');
  }

  ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  value(): Json {
    this.ws();
    const c = this.s[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      default:
        return this.number();
    }
  }

  word<V extends Json>(w: string, v: V): V {
    if (!this.s.startsWith(w, this.pos)) this.fail();
    this.pos += w.length;
    return v;
  }

  number(): JsonNumber {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 400));
    if (m === null) this.fail();
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }

  string(): string {
    const s = this.s;
    this.pos++; // opening quote
    let out = '';
    let start = this.pos;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '"') {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += s.slice(start, this.pos);
        const e = s[this.pos + 1];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = s.slice(this.pos + 2, this.pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            this.fail();
        }
        this.pos += 2;
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    return this.fail();
  }

  array(): Json[] {
    this.pos++;
    const out: Json[] = [];
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail();
    }
  }

  object(): { [k: string]: Json } {
    this.pos++;
    const out: { [k: string]: Json } = Object.create(null) as { [k: string]: Json };
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail();
      const k = this.string();
      this.ws();
      if (this.s[this.pos++] !== ':') this.fail();
      out[k] = this.value();
      this.ws();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail();
    }
  }
}

/** Parses JSON text; undefined when malformed. */
function parseJson(text: string): Json | undefined {
  try {
    const p = new Parser(text);
    const v = p.value();
    p.ws();
    return p.pos === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}

type Step = { readonly kind: 'member'; readonly name: string } | { readonly kind: 'index'; readonly index: number } | { readonly kind: 'any' };

/** Parses a SQL/JSON path; null when malformed. */
function parsePath(path: string): Step[] | null {
  let p = path.trim();
  const mode = /^(lax|strict)\s+/i.exec(p);
  if (mode !== null) p = p.slice(mode[0].length);
  if (!p.startsWith('$')) return null;
  const steps: Step[] = [];
  let i = 1;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '.') {
      i++;
      if (p[i] === '*') {
        steps.push({ kind: 'any' });
        i++;
      } else if (p[i] === '"') {
        const end = p.indexOf('"', i + 1);
        if (end < 0) return null;
        steps.push({ kind: 'member', name: p.slice(i + 1, end) });
        i = end + 1;
      } else {
        const m = /^[A-Za-z_$][\w$]*/.exec(p.slice(i));
        if (m === null) return null;
        steps.push({ kind: 'member', name: m[0] });
        i += m[0].length;
      }
    } else if (c === '[') {
      const m = /^\[\s*(?:(\d+)|\*|'([^']*)'|"([^"]*)")\s*\]/.exec(p.slice(i));
      if (m === null) return null;
      if (m[1] !== undefined) steps.push({ kind: 'index', index: Number(m[1]) });
      else if (m[2] !== undefined) steps.push({ kind: 'member', name: m[2] });
      else if (m[3] !== undefined) steps.push({ kind: 'member', name: m[3] });
      else steps.push({ kind: 'any' });
      i += m[0].length;
    } else if (c === ' ') {
      i++;
    } else {
      return null;
    }
  }
  return steps;
}

/** Every item the path selects (lax mode: a member step on an array applies to each element). */
function select(root: Json, steps: readonly Step[]): Json[] {
  let items: Json[] = [root];
  for (const step of steps) {
    const next: Json[] = [];
    for (const it of items) {
      if (it === null || typeof it !== 'object' || it instanceof JsonNumber) continue;
      if (Array.isArray(it)) {
        if (step.kind === 'index') {
          if (step.index < it.length) next.push(it[step.index]!);
        } else if (step.kind === 'any') next.push(...it);
        else {
          for (const el of it) {
            if (el !== null && typeof el === 'object' && !Array.isArray(el) && !(el instanceof JsonNumber) && step.name in el) {
              next.push(el[step.name]!);
            }
          }
        }
      } else if (step.kind === 'member') {
        if (step.name in it) next.push(it[step.name]!);
      } else if (step.kind === 'any') {
        next.push(...Object.values(it));
      }
    }
    items = next;
  }
  return items;
}

function scalarText(v: Json): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JsonNumber) {
    if (/^-?\d+$/.test(v.text)) return v.text === '-0' ? '0' : v.text;
    return javaDoubleToString(Number(v.text));
  }
  return null;
}

export function jsonValue(json: string, path: string): string | null {
  const steps = parsePath(path);
  if (steps === null || steps.some((s) => s.kind === 'any')) return null;
  const root = parseJson(json);
  if (root === undefined) return null;
  const items = select(root, steps);
  return items.length === 1 ? scalarText(items[0]!) : null;
}

export function jsonExists(json: string, path: string): boolean {
  const steps = parsePath(path);
  if (steps === null) return false;
  const root = parseJson(json);
  if (root === undefined) return false;
  return select(root, steps).length > 0;
}

export const JSON_FUNCTIONS: readonly FunctionDefinition[] = [
  {
    name: 'JSON_VALUE',
    signatures: ['JSON_VALUE(STRING json, STRING path)'],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, [stringArg, stringArg]);
      if (args === null) return null;
      return { argTypes: args, resultType: T.string(true) };
    },
    compile(input) {
      const path = input.constants[1];
      if (typeof path === 'string') return strict1(input.args[0]!, (j: string) => jsonValue(j, path));
      return strict2(input.args[0]!, input.args[1]!, jsonValue);
    },
  },
  {
    name: 'JSON_EXISTS',
    signatures: ['JSON_EXISTS(STRING json, STRING path)'],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, [stringArg, stringArg]);
      if (args === null) return null;
      return { argTypes: args, resultType: T.boolean(args[0]!.nullable || args[1]!.nullable) };
    },
    compile(input) {
      return strict2(input.args[0]!, input.args[1]!, jsonExists);
    },
  },
];
