/**
 * JSON → protobuf for one schema (see protobuf.ts for the type mapping).
 */
import type { ObjectSchema, ScalarKind, TypeSpec } from './dsl.js';
import { isPlainObject } from './errors.js';
import { MAX_DEPTH, SchemaCodecError, WT_BYTES, WT_FIXED64, WT_VARINT, indexOf, type FieldEntry, type WriterT } from './protobuf-index.js';

export function encodeMessage(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, w: WriterT, where: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new SchemaCodecError(`${where}: nesting deeper than ${MAX_DEPTH}`);
  for (const entry of indexOf(schema).encoded) {
    if (entry.kind === 'field') {
      encodeField(entry, obj, w, where, depth);
      continue;
    }
    // An embedded struct: written only when one of its fields is set.
    if (!entry.encoded.some((e) => obj[e.name] !== undefined && obj[e.name] !== null && Object.hasOwn(obj, e.name))) continue;
    w.uint32((entry.number << 3) | WT_BYTES).fork();
    for (const e of entry.encoded) encodeField(e, obj, w, where, depth + 1);
    w.ldelim();
  }
}

function encodeField({ name, field }: FieldEntry, obj: Record<string, unknown>, w: WriterT, where: string, depth: number): void {
  const v = Object.hasOwn(obj, name) ? obj[name] : undefined;
  if (v === undefined || v === null) return;
  const type = field.type;
  const at = `${where}.${name}`;
  if (type.kind === 'list') {
    if (!Array.isArray(v)) throw new SchemaCodecError(`${at}: expected a list`);
    // proto2 (k8s.io/api): repeated scalars are not packed.
    for (const item of v) encodeSingle(field.proto, type.items, item, w, at, depth);
  } else if (type.kind === 'map') {
    encodeMapEntries(field.proto, type.values, v, w, at, depth);
  } else encodeSingle(field.proto, type, v, w, at, depth);
}

function encodeMapEntries(no: number, values: TypeSpec, v: unknown, w: WriterT, at: string, depth: number): void {
  if (!isPlainObject(v)) throw new SchemaCodecError(`${at}: expected a map`);
  // Sorted keys: gogo's deterministic marshalling, and stable bytes for equal maps.
  for (const key of Object.keys(v).sort()) {
    w.uint32((no << 3) | WT_BYTES).fork();
    w.uint32((1 << 3) | WT_BYTES).string(key);
    const value = v[key];
    if (value !== null && value !== undefined) encodeSingle(2, values, value, w, `${at}[${key}]`, depth + 1);
    w.ldelim();
  }
}

function encodeSingle(no: number, type: TypeSpec, v: unknown, w: WriterT, at: string, depth: number): void {
  switch (type.kind) {
    case 'object':
      if (!isPlainObject(v)) throw new SchemaCodecError(`${at}: expected an object`);
      w.uint32((no << 3) | WT_BYTES).fork();
      encodeMessage(type.ref(), v, w, at, depth + 1);
      w.ldelim();
      return;
    case 'list':
      if (!Array.isArray(v)) throw new SchemaCodecError(`${at}: expected a list`);
      w.uint32((no << 3) | WT_BYTES).fork();
      for (const item of v) encodeSingle(1, type.items, item, w, at, depth + 1);
      w.ldelim();
      return;
    case 'map':
      w.uint32((no << 3) | WT_BYTES).fork();
      encodeMapEntries(1, type.values, v, w, at, depth + 1);
      w.ldelim();
      return;
    case 'raw':
      w.uint32((no << 3) | WT_BYTES).fork();
      w.uint32((1 << 3) | WT_BYTES).bytes(Buffer.from(JSON.stringify(v), 'utf8'));
      w.ldelim();
      return;
    case 'scalar':
      return encodeScalar(no, type.scalar, v, w, at);
  }
}

const fail = (at: string, what: string, v: unknown): never => {
  throw new SchemaCodecError(`${at}: expected ${what}, got ${JSON.stringify(v)?.slice(0, 40)}`);
};

function encodeScalar(no: number, scalar: ScalarKind, v: unknown, w: WriterT, at: string): void {
  switch (scalar) {
    case 'string':
      if (typeof v !== 'string') fail(at, 'a string', v);
      w.uint32((no << 3) | WT_BYTES).string(v as string);
      return;
    case 'int32':
      if (!Number.isInteger(v)) fail(at, 'an integer', v);
      w.uint32((no << 3) | WT_VARINT).int32(v as number);
      return;
    case 'int64':
      if (!Number.isInteger(v)) fail(at, 'an integer', v);
      w.uint32((no << 3) | WT_VARINT).int64(v as number);
      return;
    case 'bool':
      if (typeof v !== 'boolean') fail(at, 'a boolean', v);
      w.uint32((no << 3) | WT_VARINT).bool(v as boolean);
      return;
    case 'double':
      if (typeof v !== 'number') fail(at, 'a number', v);
      w.uint32((no << 3) | WT_FIXED64).double(v as number);
      return;
    case 'bytes':
      if (typeof v !== 'string') fail(at, 'a base64 string', v);
      w.uint32((no << 3) | WT_BYTES).bytes(Buffer.from(v as string, 'base64'));
      return;
    case 'quantity':
      if (typeof v !== 'string' && typeof v !== 'number') fail(at, 'a quantity', v);
      w.uint32((no << 3) | WT_BYTES).fork();
      w.uint32((1 << 3) | WT_BYTES).string(String(v));
      w.ldelim();
      return;
    case 'intOrString': {
      if (typeof v !== 'string' && !Number.isInteger(v)) fail(at, 'an integer or a string', v);
      const isStr = typeof v === 'string';
      w.uint32((no << 3) | WT_BYTES).fork();
      w.uint32((1 << 3) | WT_VARINT).int64(isStr ? 1 : 0);
      w.uint32((2 << 3) | WT_VARINT).int32(isStr ? 0 : (v as number));
      w.uint32((3 << 3) | WT_BYTES).string(isStr ? (v as string) : '');
      w.ldelim();
      return;
    }
    case 'time':
    case 'microTime': {
      if (typeof v !== 'string') fail(at, 'an RFC 3339 time', v);
      const { seconds, nanos } = parseTime(v as string, at);
      w.uint32((no << 3) | WT_BYTES).fork();
      w.uint32((1 << 3) | WT_VARINT).int64(seconds);
      w.uint32((2 << 3) | WT_VARINT).int32(scalar === 'time' ? 0 : nanos);
      w.ldelim();
      return;
    }
  }
}

/** RFC 3339 → seconds + nanos, keeping sub-millisecond digits that Date would lose. */
function parseTime(s: string, at: string): { seconds: number; nanos: number } {
  const m = /^(.*?\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new SchemaCodecError(`${at}: not an RFC 3339 time: ${JSON.stringify(s).slice(0, 40)}`);
  return { seconds: Math.floor(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}
