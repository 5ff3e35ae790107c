/**
 * The generic Kubernetes protobuf codec (gogo-protobuf wire format, proto2), driven by
 * the field numbers in the kind schemas. It handles the object only — the `k8s\0` +
 * runtime.Unknown envelope is machinery's job.
 *
 * Type mapping: scalars as k8s.io/api's generated.proto; maps are repeated entry
 * messages {1: key, 2: value}; a list nested in a map or list is wrapped in a message
 * {1: repeated items} (as upstream's ExtraValue); Quantity {1: string}; IntOrString
 * {1: type (0 int, 1 string), 2: intVal, 3: strVal}; Time/MicroTime {1: seconds, 2: nanos}
 * ↔ RFC 3339 (Time: second precision, MicroTime: 6 fraction digits); bytes ↔ base64;
 * raw (RawExtension/FieldsV1/JSON) {1: raw bytes} ↔ parsed JSON. Fields marked
 * `protoEmbeddedIn` (Go structs embedded inline) are flat in JSON and nested in protobuf.
 *
 * Decoding rule for zero values (so a decoded object equals the same object sent as
 * JSON): gogo writes non-pointer fields even when empty, where Go's JSON (omitempty)
 * would drop them. So a singular scalar field decoded as its zero value ('', 0, false,
 * the zero Time, an empty RawExtension) is dropped — unless the field is declared
 * `pointer` (its explicit zero means something, e.g. replicas: 0), or is `required`
 * (Go's JSON has no omitempty there and prints the zero: a PodDisruptionBudget's
 * status.disruptionsAllowed: 0). A non-pointer field with a default (protocol,
 * restartPolicy) decodes "" as absent, so our defaulting fills it as Go's would. Nested objects are kept even when empty (Go never omits structs:
 * `spec: {}`), empty lists and maps are absent (nothing is on the wire), and list items
 * and map values are always kept. Unknown field numbers are skipped; repeated scalars are
 * accepted packed or unpacked. Malformed bytes raise SchemaCodecError, never anything else.
 */
import protobuf from 'protobufjs/minimal.js';
import type { Field, KindSpec, ObjectSchema, ScalarKind, TypeSpec } from './dsl.js';
import { isPlainObject } from './errors.js';
import { ProtobufError } from '../../machinery/protobuf-envelope.js';

const { Reader, Writer } = protobuf;
type ReaderT = InstanceType<typeof Reader>;
type WriterT = InstanceType<typeof Writer>;

/**
 * Bytes that are not a valid encoding of the kind, or an object that cannot be encoded.
 * A ProtobufError (machinery), so one catch covers the envelope and the object.
 */
export class SchemaCodecError extends ProtobufError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchemaCodecError';
  }
}

/** Deepest message nesting accepted on decode (guards the stack against hostile input). */
const MAX_DEPTH = 100;

const WT_VARINT = 0;
const WT_FIXED64 = 1;
const WT_BYTES = 2;

type FieldEntry = { kind: 'field'; name: string; field: Field<unknown> };
/** An inline-embedded Go struct: its fields are flattened in JSON, nested in protobuf. */
type EmbeddedEntry = { kind: 'embedded'; number: number; message: string; byNumber: Map<number, FieldEntry>; encoded: FieldEntry[] };
type Entry = FieldEntry | EmbeddedEntry;

interface SchemaIndex {
  byNumber: Map<number, Entry>;
  /** What is encoded, in field-number order (gogo's order); proto 0 fields excluded. */
  encoded: Entry[];
}
const indexes = new WeakMap<ObjectSchema<unknown>, SchemaIndex>();
function indexOf(schema: ObjectSchema<unknown>): SchemaIndex {
  let idx = indexes.get(schema);
  if (!idx) {
    const byNumber = new Map<number, Entry>();
    for (const [name, field] of Object.entries(schema.fields)) {
      if (field.proto <= 0) continue;
      const entry: FieldEntry = { kind: 'field', name, field };
      const emb = field.protoEmbeddedIn;
      if (!emb) {
        byNumber.set(field.proto, entry);
        continue;
      }
      let group = byNumber.get(emb.field);
      if (!group || group.kind !== 'embedded') {
        group = { kind: 'embedded', number: emb.field, message: emb.message, byNumber: new Map(), encoded: [] };
        byNumber.set(emb.field, group);
      }
      group.byNumber.set(field.proto, entry);
    }
    const numberOf = (e: Entry) => (e.kind === 'field' ? e.field.proto : e.number);
    for (const e of byNumber.values()) if (e.kind === 'embedded') e.encoded = [...e.byNumber.values()].sort((a, b) => a.field.proto - b.field.proto);
    idx = { byNumber, encoded: [...byNumber.values()].sort((a, b) => numberOf(a) - numberOf(b)) };
    indexes.set(schema, idx);
  }
  return idx;
}

const apiVersionOf = (spec: KindSpec): string => (spec.group ? `${spec.group}/${spec.version}` : spec.version);

/** Decodes an object's protobuf bytes (runtime.Unknown's `raw`); sets apiVersion and kind from the spec. */
export function decodeObject(spec: KindSpec, bytes: Uint8Array): Record<string, unknown> {
  let obj: Record<string, unknown>;
  try {
    const reader = Reader.create(bytes);
    obj = decodeMessage(spec.schema, reader, bytes.length, 0);
  } catch (err) {
    if (err instanceof SchemaCodecError) throw err;
    throw new SchemaCodecError(`malformed protobuf for ${spec.kind}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const head: Record<string, unknown> = {};
  if (spec.schema.fields['apiVersion']) head['apiVersion'] = apiVersionOf(spec);
  if (spec.schema.fields['kind']) head['kind'] = spec.kind;
  return { ...head, ...obj };
}

/** Encodes an object (apiVersion and kind are not part of the bytes); SchemaCodecError if a value has the wrong type. */
export function encodeObject(spec: KindSpec, obj: Record<string, unknown>): Uint8Array {
  if (!isPlainObject(obj)) throw new SchemaCodecError(`cannot encode ${spec.kind}: not an object`);
  try {
    const writer = Writer.create();
    encodeMessage(spec.schema, obj, writer, spec.kind, 0);
    return writer.finish();
  } catch (err) {
    if (err instanceof SchemaCodecError) throw err;
    throw new SchemaCodecError(`cannot encode ${spec.kind}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

// ---------------------------------------------------------------- decoding

function decodeMessage(schema: ObjectSchema<unknown>, r: ReaderT, end: number, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new SchemaCodecError(`message nesting deeper than ${MAX_DEPTH}`);
  const out: Record<string, unknown> = {};
  decodeInto(indexOf(schema).byNumber, schema.name, r, end, depth, out);
  // Schema order, as the same object would be written as JSON.
  const ordered: Record<string, unknown> = {};
  for (const name of Object.keys(schema.fields)) if (Object.hasOwn(out, name)) ordered[name] = out[name];
  return ordered;
}

/** Reads fields up to `end` into `out`; embedded structs' fields land in `out` too (JSON flattens them). */
function decodeInto(byNumber: Map<number, Entry>, where: string, r: ReaderT, end: number, depth: number, out: Record<string, unknown>): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 0) throw new SchemaCodecError(`invalid field number 0 in ${where}`);
    const entry = byNumber.get(no);
    if (!entry) {
      r.skipType(wt);
      continue;
    }
    if (entry.kind === 'embedded') {
      const subEnd = messageEnd(wt, r, `${where}.${entry.message}`);
      decodeInto(entry.byNumber, `${where}.${entry.message}`, r, subEnd, depth + 1, out);
      continue;
    }
    const { name, field } = entry;
    const type = field.type;
    if (type.kind === 'list') {
      const list = (Array.isArray(out[name]) ? out[name] : (out[name] = [])) as unknown[];
      decodeRepeated(type.items, wt, r, depth, list, `${where}.${name}`);
    } else if (type.kind === 'map') {
      expectWire(wt, WT_BYTES, `${where}.${name}`);
      const map = (isPlainObject(out[name]) ? out[name] : (out[name] = {})) as Record<string, unknown>;
      const [k, v] = decodeMapEntry(type.values, r, depth, `${where}.${name}`);
      Object.defineProperty(map, k, { value: v, enumerable: true, writable: true, configurable: true });
    } else {
      const v = decodeSingle(type, wt, r, depth, `${where}.${name}`);
      const keepZero = field.pointer === true || field.required === true;
      if (v === undefined || (!keepZero && isZero(type, v))) delete out[name];
      else out[name] = v;
    }
  }
  if (r.pos !== end) throw new SchemaCodecError(`${where}: message overruns its length`);
}

function isZero(type: TypeSpec, v: unknown): boolean {
  if (type.kind !== 'scalar' || type.scalar === 'quantity') return false;
  return v === '' || v === 0 || v === false;
}

function expectWire(wt: number, want: number, where: string): void {
  if (wt !== want) throw new SchemaCodecError(`${where}: wire type ${wt}, expected ${want}`);
}

const packable = (t: TypeSpec): boolean =>
  t.kind === 'scalar' && (t.scalar === 'int32' || t.scalar === 'int64' || t.scalar === 'bool' || t.scalar === 'double');

function decodeRepeated(items: TypeSpec, wt: number, r: ReaderT, depth: number, into: unknown[], where: string): void {
  if (packable(items) && wt === WT_BYTES) {
    const end = r.uint32() + r.pos;
    if (end > r.len) throw new SchemaCodecError(`${where}: packed field overruns the buffer`);
    const scalarWt = (items as { scalar: ScalarKind }).scalar === 'double' ? WT_FIXED64 : WT_VARINT;
    while (r.pos < end) into.push(decodeSingle(items, scalarWt, r, depth, where));
    if (r.pos !== end) throw new SchemaCodecError(`${where}: packed field overruns its length`);
    return;
  }
  const v = decodeSingle(items, wt, r, depth, where);
  into.push(v === undefined ? null : v);
}

/** Reads the length prefix of an embedded message and returns where it ends. */
function messageEnd(wt: number, r: ReaderT, where: string): number {
  expectWire(wt, WT_BYTES, where);
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new SchemaCodecError(`${where}: length ${len} overruns the buffer`);
  return end;
}

function decodeMapEntry(values: TypeSpec, r: ReaderT, depth: number, where: string): [string, unknown] {
  const end = messageEnd(WT_BYTES, r, where);
  let key = '';
  let value: unknown;
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 1) {
      expectWire(wt, WT_BYTES, `${where} key`);
      key = r.string();
    } else if (no === 2) value = decodeSingle(values, wt, r, depth + 1, `${where}[${key}]`);
    else if (no === 0) throw new SchemaCodecError(`${where}: invalid field number 0 in map entry`);
    else r.skipType(wt);
  }
  if (r.pos !== end) throw new SchemaCodecError(`${where}: map entry overruns its length`);
  return [key, value === undefined ? zeroOf(values) : value];
}

/** The JSON a Go zero value of this type marshals to (for absent map-entry values). */
function zeroOf(type: TypeSpec): unknown {
  switch (type.kind) {
    case 'object':
      return {};
    case 'list':
      return [];
    case 'map':
      return {};
    case 'raw':
      return null;
    case 'scalar':
      switch (type.scalar) {
        case 'string':
        case 'bytes':
          return '';
        case 'bool':
          return false;
        case 'quantity':
          return '0';
        case 'time':
        case 'microTime':
          return null;
        default:
          return 0;
      }
  }
}

function int64ToNumber(v: number | { low: number; high: number }): number {
  if (typeof v === 'number') return v;
  return v.high * 4294967296 + (v.low >>> 0);
}

function decodeSingle(type: TypeSpec, wt: number, r: ReaderT, depth: number, where: string): unknown {
  switch (type.kind) {
    case 'object': {
      const end = messageEnd(wt, r, where);
      return decodeMessage(type.ref(), r, end, depth + 1);
    }
    case 'list':
    case 'map': {
      // A list or map that is itself an element: wrapped in a message {1: repeated …}.
      const end = messageEnd(wt, r, where);
      if (depth + 1 > MAX_DEPTH) throw new SchemaCodecError(`message nesting deeper than ${MAX_DEPTH}`);
      const list: unknown[] = [];
      const map: Record<string, unknown> = {};
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag >>> 3 === 1) {
          if (type.kind === 'list') decodeRepeated(type.items, tag & 7, r, depth + 1, list, where);
          else {
            const [k, v] = decodeMapEntry(type.values, r, depth + 1, where);
            Object.defineProperty(map, k, { value: v, enumerable: true, writable: true, configurable: true });
          }
        } else if (tag >>> 3 === 0) throw new SchemaCodecError(`${where}: invalid field number 0`);
        else r.skipType(tag & 7);
      }
      if (r.pos !== end) throw new SchemaCodecError(`${where}: overruns its length`);
      return type.kind === 'list' ? list : map;
    }
    case 'raw': {
      const end = messageEnd(wt, r, where);
      let raw: Uint8Array | undefined;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag >>> 3 === 1 && (tag & 7) === WT_BYTES) raw = r.bytes();
        else if (tag >>> 3 === 0) throw new SchemaCodecError(`${where}: invalid field number 0`);
        else r.skipType(tag & 7);
      }
      if (!raw || raw.length === 0) return undefined;
      try {
        return JSON.parse(Buffer.from(raw).toString('utf8'));
      } catch (err) {
        throw new SchemaCodecError(`${where}: raw value is not JSON`, { cause: err });
      }
    }
    case 'scalar':
      return decodeScalar(type.scalar, wt, r, where);
  }
}

function decodeScalar(scalar: ScalarKind, wt: number, r: ReaderT, where: string): unknown {
  switch (scalar) {
    case 'string':
      expectWire(wt, WT_BYTES, where);
      return r.string();
    case 'int32':
      expectWire(wt, WT_VARINT, where);
      return r.int32();
    case 'int64':
      expectWire(wt, WT_VARINT, where);
      return int64ToNumber(r.int64() as unknown as number | { low: number; high: number });
    case 'bool':
      expectWire(wt, WT_VARINT, where);
      return r.bool();
    case 'double':
      expectWire(wt, WT_FIXED64, where);
      return r.double();
    case 'bytes':
      expectWire(wt, WT_BYTES, where);
      return Buffer.from(r.bytes()).toString('base64');
    case 'quantity': {
      const fields = readSmallMessage(wt, r, where);
      const s = fields.get(1);
      return typeof s === 'string' && s !== '' ? s : '0';
    }
    case 'intOrString': {
      const fields = readSmallMessage(wt, r, where);
      return fields.get(1) === 1 ? String(fields.get(3) ?? '') : Number(fields.get(2) ?? 0);
    }
    case 'time':
    case 'microTime': {
      const fields = readSmallMessage(wt, r, where);
      const seconds = Number(fields.get(1) ?? 0);
      const nanos = Number(fields.get(2) ?? 0);
      if (seconds === 0 && nanos === 0) return undefined; // Go's zero time marshals as null
      return formatTime(seconds, nanos, scalar === 'microTime', where);
    }
  }
}

/**
 * Reads one of the small apimachinery messages (Quantity, IntOrString, Time): field 1…3,
 * varints as numbers, length-delimited as strings; anything else skipped.
 */
function readSmallMessage(wt: number, r: ReaderT, where: string): Map<number, number | string> {
  const end = messageEnd(wt, r, where);
  const fields = new Map<number, number | string>();
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const w = tag & 7;
    if (no === 0) throw new SchemaCodecError(`${where}: invalid field number 0`);
    if (w === WT_VARINT) fields.set(no, int64ToNumber(r.int64() as unknown as number | { low: number; high: number }));
    else if (w === WT_BYTES) fields.set(no, r.string());
    else r.skipType(w);
  }
  if (r.pos !== end) throw new SchemaCodecError(`${where}: overruns its length`);
  return fields;
}

const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z, the end of RFC 3339
const MIN_SECONDS = -62135596800; // 0001-01-01T00:00:00Z

function formatTime(seconds: number, nanos: number, micro: boolean, where: string): string {
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999999999)
    throw new SchemaCodecError(`${where}: time out of range (${seconds}s ${nanos}ns)`);
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

// ---------------------------------------------------------------- encoding

function encodeMessage(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, w: WriterT, where: string, depth: number): void {
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
