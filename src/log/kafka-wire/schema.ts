import { StrataError } from '../../core/errors.js';
import { MalformedRequest, Reader, Writer } from './codec.js';

/**
 * A small schema language for Kafka messages, in the spirit of Kafka's own message
 * definitions: each field names the versions it exists in, the versions in which it may
 * be null, and, for tagged fields (KIP-482), its tag. One definition per API covers every
 * version we serve; `compile` flattens it for one version, `decode` and `encode` walk the
 * flat form. Decoded messages are plain objects keyed by field name; fields absent in a
 * version take their default.
 */

export type Scalar = 'int8' | 'int16' | 'int32' | 'int64' | 'bool' | 'string' | 'bytes' | 'records' | 'uuid' | 'float64';

export interface FieldDef {
  readonly name: string;
  readonly type: Scalar | 'array' | 'struct';
  /** '0+', '3-7', '2' or 'none'. */
  readonly versions: string;
  readonly nullable?: string;
  /** Tagged field (flexible versions only; taggedVersions = versions). */
  readonly tag?: number;
  readonly default?: unknown;
  /** array: element scalar, or element struct fields; struct: its fields. */
  readonly items?: Scalar | readonly FieldDef[];
}

export interface ApiDef {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version (Infinity if none). */
  readonly flexibleFrom: number;
  readonly request: readonly FieldDef[];
  readonly response: readonly FieldDef[];
}

// -- builders ----------------------------------------------------------------------------

type Extra = Pick<FieldDef, 'nullable' | 'tag' | 'default'>;

export function f(name: string, type: Scalar, versions: string, extra: Extra = {}): FieldDef {
  return { name, type, versions, ...extra };
}

export function arr(name: string, versions: string, items: Scalar | readonly FieldDef[], extra: Extra = {}): FieldDef {
  return { name, type: 'array', versions, items, ...extra };
}

export function struct(name: string, versions: string, fields: readonly FieldDef[], extra: Extra = {}): FieldDef {
  return { name, type: 'struct', versions, items: fields, ...extra };
}

// -- versions ----------------------------------------------------------------------------

export function inVersions(spec: string | undefined, v: number): boolean {
  if (spec === undefined || spec === 'none') return false;
  if (spec.endsWith('+')) return v >= Number(spec.slice(0, -1));
  const dash = spec.indexOf('-');
  if (dash > 0) return v >= Number(spec.slice(0, dash)) && v <= Number(spec.slice(dash + 1));
  return v === Number(spec);
}

// -- compiled form -----------------------------------------------------------------------

interface CField {
  readonly name: string;
  readonly type: Scalar | 'array' | 'struct';
  readonly present: boolean;
  readonly nullable: boolean;
  readonly tag: number;
  readonly def: unknown;
  /** array of scalars */
  readonly scalar: Scalar | null;
  /** struct, or array of structs */
  readonly sub: CStruct | null;
}

export interface CStruct {
  readonly fields: readonly CField[];
  readonly tagged: readonly CField[];
  readonly flexible: boolean;
}

const ZERO_UUID = '0'.repeat(32);

function typeDefault(type: FieldDef['type'], nullable: boolean): unknown {
  if (nullable && type !== 'array') return null;
  switch (type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'float64':
      return 0;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return ZERO_UUID;
    case 'array':
      return [];
    case 'struct':
      return null;
  }
}

export function compile(fields: readonly FieldDef[], version: number, flexible: boolean): CStruct {
  const out: CField[] = [];
  const tagged: CField[] = [];
  for (const d of fields) {
    const present = inVersions(d.versions, version) && (d.tag === undefined || flexible);
    const nullable = inVersions(d.nullable, version) || d.type === 'records';
    const isStructs = d.type === 'struct' || (d.type === 'array' && typeof d.items !== 'string');
    const c: CField = {
      name: d.name,
      type: d.type,
      present,
      nullable,
      tag: d.tag ?? -1,
      def: d.default !== undefined ? d.default : typeDefault(d.type, nullable),
      scalar: d.type === 'array' && typeof d.items === 'string' ? (d.items as Scalar) : null,
      sub: isStructs ? compile(d.items as readonly FieldDef[], version, flexible) : null,
    };
    if (present && d.tag !== undefined) tagged.push(c);
    else out.push(c);
  }
  tagged.sort((a, b) => a.tag - b.tag);
  return { fields: out, tagged, flexible };
}

const cache = new Map<string, CStruct>();

/** Compiled request or response of an API at a version (cached). */
export function compiled(api: ApiDef, kind: 'request' | 'response', version: number): CStruct {
  const k = `${api.key}:${kind}:${version}`;
  let c = cache.get(k);
  if (c === undefined) {
    c = compile(kind === 'request' ? api.request : api.response, version, version >= api.flexibleFrom);
    cache.set(k, c);
  }
  return c;
}

// -- decoding ----------------------------------------------------------------------------

function readScalar(r: Reader, t: Scalar, nullable: boolean, flex: boolean): unknown {
  switch (t) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'bool':
      return r.bool();
    case 'uuid':
      return r.uuid();
    case 'string': {
      const s = flex ? r.compactString() : r.string();
      if (s === null && !nullable) throw new MalformedRequest('null in a non-nullable string');
      return s;
    }
    case 'bytes':
    case 'records': {
      const b = flex ? r.compactBytes() : r.bytes();
      if (b === null && !nullable) throw new MalformedRequest('null in non-nullable bytes');
      return b;
    }
  }
}

function readField(r: Reader, c: CField, flex: boolean): unknown {
  if (c.type === 'array') {
    const n = r.arrayLength(flex);
    if (n < 0) {
      if (!c.nullable) throw new MalformedRequest(`null array ${c.name}`);
      return null;
    }
    const out = new Array<unknown>(n);
    if (c.scalar !== null) for (let i = 0; i < n; i++) out[i] = readScalar(r, c.scalar, false, flex);
    else for (let i = 0; i < n; i++) out[i] = decodeStruct(r, c.sub!);
    return out;
  }
  if (c.type === 'struct') {
    if (c.nullable) {
      if (r.int8() < 0) return null;
    }
    return decodeStruct(r, c.sub!);
  }
  return readScalar(r, c.type, c.nullable, flex);
}

export function decodeStruct(r: Reader, s: CStruct): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const c of s.fields) o[c.name] = c.present ? readField(r, c, s.flexible) : c.def;
  for (const c of s.tagged) o[c.name] = c.def;
  if (s.flexible) readTaggedFields(r, s, o);
  return o;
}

function readTaggedFields(r: Reader, s: CStruct, o: Record<string, unknown>): void {
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const c = s.tagged.find((t) => t.tag === tag);
    if (c === undefined) {
      r.skip(size);
      continue;
    }
    const sub = new Reader(r.buf, r.pos, r.pos + size);
    o[c.name] = readField(sub, c, true);
    r.skip(size);
  }
}

/** Skips a tagged-field section (request header v2). */
export function skipTaggedFields(r: Reader): void {
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    r.uvarint();
    r.skip(r.uvarint());
  }
}

// -- encoding ----------------------------------------------------------------------------

function badValue(c: CField, v: unknown): StrataError {
  return new StrataError('INTERNAL', `Kafka response field ${c.name} (${c.type}) cannot hold ${v === null ? 'null' : typeof v}`);
}

function writeScalar(w: Writer, c: CField, t: Scalar, v: unknown, flex: boolean): void {
  switch (t) {
    case 'int8':
      w.int8(v as number);
      return;
    case 'int16':
      w.int16(v as number);
      return;
    case 'int32':
      w.int32(v as number);
      return;
    case 'int64':
      w.int64(v as number);
      return;
    case 'float64':
      w.float64(v as number);
      return;
    case 'bool':
      w.bool(v === true);
      return;
    case 'uuid':
      w.uuid(typeof v === 'string' ? v : ZERO_UUID);
      return;
    case 'string':
      if (v === null && !c.nullable) throw badValue(c, v);
      if (flex) w.compactString(v as string | null);
      else w.string(v as string | null);
      return;
    case 'bytes':
      if (v === null && !c.nullable) throw badValue(c, v);
      if (flex) w.compactBytes(v as Uint8Array | null);
      else w.bytes(v as Uint8Array | null);
      return;
    case 'records': {
      // a Buffer, a list of Buffers (served record batches, written by reference), or null
      if (v === null || v === undefined) {
        if (flex) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      const parts = Array.isArray(v) ? (v as Buffer[]) : [v as Buffer];
      let len = 0;
      for (const p of parts) len += p.length;
      if (flex) w.uvarint(len + 1);
      else w.int32(len);
      for (const p of parts) w.raw(p);
      return;
    }
  }
}

function writeField(w: Writer, c: CField, v: unknown, flex: boolean): void {
  if (c.type === 'array') {
    if (v === null || v === undefined) {
      // null where the version has no null array (e.g. a nullable default in an older version): empty
      w.arrayLength(c.nullable ? -1 : 0, flex);
      return;
    }
    const a = v as unknown[];
    w.arrayLength(a.length, flex);
    if (c.scalar !== null) for (const x of a) writeScalar(w, c, c.scalar, x, flex);
    else for (const x of a) encodeStruct(w, c.sub!, x as Record<string, unknown>);
    return;
  }
  if (c.type === 'struct') {
    if (c.nullable) {
      if (v === null || v === undefined) {
        w.int8(-1);
        return;
      }
      w.int8(1);
    }
    encodeStruct(w, c.sub!, (v ?? {}) as Record<string, unknown>);
    return;
  }
  writeScalar(w, c, c.type, v === undefined ? c.def : v, flex);
}

export function encodeStruct(w: Writer, s: CStruct, o: Record<string, unknown>): void {
  for (const c of s.fields) if (c.present) writeField(w, c, o[c.name] ?? (c.nullable && o[c.name] === null ? null : c.def), s.flexible);
  if (!s.flexible) return;
  const tagged: { c: CField; v: unknown }[] = [];
  for (const c of s.tagged) {
    const v = o[c.name];
    if (v === undefined || v === null || v === c.def) continue;
    tagged.push({ c, v });
  }
  w.uvarint(tagged.length);
  for (const { c, v } of tagged) {
    const sub = new Writer(false);
    writeField(sub, c, v, true);
    const bytes = sub.toBuffer();
    w.uvarint(c.tag).uvarint(bytes.length).raw(bytes);
  }
}
