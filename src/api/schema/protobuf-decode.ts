/**
 * Protobuf → JSON for one schema (see protobuf.ts for the type mapping and zero rule).
 */
import type { ObjectSchema, ScalarKind, TypeSpec } from './dsl.js';
import { isPlainObject } from './errors.js';
import { MAX_DEPTH, SchemaCodecError, WT_BYTES, WT_FIXED64, WT_VARINT, indexOf, type Entry, type ReaderT } from './protobuf-index.js';

export function decodeMessage(schema: ObjectSchema<unknown>, r: ReaderT, end: number, depth: number): Record<string, unknown> {
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
