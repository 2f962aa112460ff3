/**
 * JSON for Routine Load messages: a small parser that keeps every number's text (so
 * DECIMAL and BIGINT columns receive exactly what the message says, which `JSON.parse`
 * would round to a double), and the JSONPath subset of `jsonpaths` / `json_root`:
 * `$`, `$.a`, `$.a.b`, `$.a[0]`, `$['a']`, `$["a"]` and combinations.
 */

/** A JSON number, kept as written. */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type Json = null | boolean | string | JsonNumber | Json[] | { [key: string]: Json };

/** A JSON syntax error with the character offset where it was found. */
export class JsonSyntaxError {
  readonly message: string;
  readonly offset: number;
  constructor(message: string, offset: number) {
    this.message = message;
    this.offset = offset;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses JSON text; returns a JsonSyntaxError (never throws) when the text is not JSON. */
export function parseJson(text: string): Json | JsonSyntaxError {
  const p = new JsonParser(text);
  try {
    const v = p.value();
    p.ws();
    if (p.i < text.length) return new JsonSyntaxError(`unexpected '${text[p.i]}' after the JSON value`, p.i);
    return v;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
}

class JsonParser {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  fail(what: string): never {
    throw new JsonSyntaxError(this.i >= this.s.length ? `unexpected end of JSON, expected ${what}` : `unexpected '${this.s[this.i]}' at offset ${this.i}, expected ${what}`, this.i);
  }

  value(): Json {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    switch (c) {
      case '{': {
        this.i++;
        const o: { [key: string]: Json } = {};
        this.ws();
        if (s[this.i] === '}') {
          this.i++;
          return o;
        }
        for (;;) {
          this.ws();
          if (s[this.i] !== '"') this.fail('a string key');
          const k = this.string();
          this.ws();
          if (s[this.i] !== ':') this.fail("':'");
          this.i++;
          o[k] = this.value();
          this.ws();
          if (s[this.i] === ',') {
            this.i++;
            continue;
          }
          if (s[this.i] === '}') {
            this.i++;
            return o;
          }
          this.fail("',' or '}'");
        }
      }
      case '[': {
        this.i++;
        const a: Json[] = [];
        this.ws();
        if (s[this.i] === ']') {
          this.i++;
          return a;
        }
        for (;;) {
          a.push(this.value());
          this.ws();
          if (s[this.i] === ',') {
            this.i++;
            continue;
          }
          if (s[this.i] === ']') {
            this.i++;
            return a;
          }
          this.fail("',' or ']'");
        }
      }
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      default: {
        NUMBER.lastIndex = this.i;
        const m = NUMBER.exec(s);
        if (m === null) this.fail('a JSON value');
        this.i += m[0].length;
        return new JsonNumber(m[0]);
      }
    }
  }

  word<T extends Json>(w: string, v: T): T {
    if (this.s.startsWith(w, this.i)) {
      this.i += w.length;
      return v;
    }
    return this.fail('a JSON value');
  }

  string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail("'\"'");
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('an escaped control character');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(start, this.i);
      const e = s[this.i + 1];
      this.i += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
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
          const h = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('four hex digits after \\u');
          out += String.fromCharCode(parseInt(h, 16));
          this.i += 4;
          break;
        }
        default:
          this.i -= 1;
          this.fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      }
      start = this.i;
    }
  }
}

/** JSON text of a value (numbers as written). */
export function jsonText(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return '[' + v.map(jsonText).join(',') + ']';
  return '{' + Object.entries(v).map(([k, x]) => JSON.stringify(k) + ':' + jsonText(x)) .join(',') + '}';
}

// ---- JSONPath ---------------------------------------------------------------------------

/** One step of a path: an object member or an array index. */
export type PathStep = { readonly kind: 'member'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

export interface JsonPath {
  readonly text: string;
  readonly steps: readonly PathStep[];
}

/** Parses `$.a.b[0]['c']`; returns an error message (not thrown) when the path is outside the subset. */
export function parseJsonPath(text: string): JsonPath | string {
  const s = text.trim();
  if (!s.startsWith('$')) return `JSON path '${text}' must start with '$'`;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      const m = /^[A-Za-z0-9_$@\-]+/.exec(s.slice(i + 1));
      if (m === null) return `JSON path '${text}': expected a member name after '.' at position ${i + 1}`;
      steps.push({ kind: 'member', name: m[0] });
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = s.slice(i);
      const idx = /^\[\s*(\d+)\s*\]/.exec(rest);
      if (idx !== null) {
        steps.push({ kind: 'index', index: Number(idx[1]) });
        i += idx[0].length;
        continue;
      }
      const q = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (q === null) return `JSON path '${text}': expected [number] or ['name'] at position ${i + 1}`;
      steps.push({ kind: 'member', name: (q[1] ?? q[2] ?? '').replace(/\\(.)/g, '$1') });
      i += q[0].length;
    } else {
      return `JSON path '${text}': unexpected '${c}' at position ${i + 1} (supported: $.a, $.a.b, $.a[0], $['a'])`;
    }
  }
  return { text, steps };
}

/** The value at `path`, or undefined when the path does not exist in `v`. */
export function evalJsonPath(v: Json, path: JsonPath): Json | undefined {
  let cur: Json | undefined = v;
  const steps = path.steps;
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!;
    if (cur === null || cur === undefined || typeof cur !== 'object' || cur instanceof JsonNumber) return undefined;
    if (st.kind === 'index') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[st.index];
    } else {
      if (Array.isArray(cur)) return undefined;
      cur = Object.prototype.hasOwnProperty.call(cur, st.name) ? cur[st.name] : undefined;
    }
  }
  return cur;
}
