/**
 * The Kubernetes protobuf envelope (`application/vnd.kubernetes.protobuf`): the magic
 * `k8s\0` (6b 38 73 00) followed by a `runtime.Unknown` message —
 * 1: typeMeta {1: apiVersion, 2: kind}, 2: raw (the object's own message), 3: contentEncoding,
 * 4: contentType. Decoding `raw` into an object is the per-kind codec's job; the small
 * wire helpers here (forEachField, …) are what that codec builds on.
 */
import pb from 'protobufjs/minimal.js';

export type Reader = pb.Reader;
export type Writer = pb.Writer;

/** `k8s\0`. */
export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** Malformed protobuf input (no magic, truncated, bad wire type…). */
export class ProtobufError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtobufError';
  }
}

export interface ProtobufEnvelope {
  apiVersion: string;
  kind: string;
  /** The object's message bytes. */
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Protobuf wire types. */
export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 } as const;

/** Runs `fn`, turning any decoding failure of protobufjs into a ProtobufError. */
export function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtobufError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ProtobufError(`${what}: ${msg}`, { cause: e });
  }
}

/** A reader over `bytes`. */
export function createReader(bytes: Uint8Array): Reader {
  return pb.Reader.create(bytes);
}
/** A fresh writer; finish() gives the bytes. */
export function createWriter(): Writer {
  return pb.Writer.create();
}

/**
 * Calls `cb(fieldNumber, wireType)` for every field between the reader's position and `end`
 * (default: the end of the buffer). The callback must read the field's value from `reader`
 * and return true, or return false to have it skipped. Throws ProtobufError on malformed
 * input, including a field running past `end`.
 */
export function forEachField(reader: Reader, end: number | undefined, cb: (field: number, wireType: number) => boolean): void {
  const limit = end ?? reader.len;
  if (limit > reader.len) throw new ProtobufError(`message length ${limit} exceeds the ${reader.len} bytes available`);
  guard('invalid protobuf message', () => {
    while (reader.pos < limit) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (field === 0) throw new ProtobufError(`invalid field number 0 at offset ${reader.pos}`);
      if (!cb(field, wireType)) reader.skipType(wireType);
      if (reader.pos > limit) throw new ProtobufError(`field ${field} runs past the end of its message`);
    }
  });
}

/** Reads a length-delimited field as a sub-reader range: returns the end offset to pass to forEachField. */
export function enterMessage(reader: Reader): number {
  return guard('invalid protobuf message', () => {
    const len = reader.uint32();
    const end = reader.pos + len;
    if (end > reader.len) throw new ProtobufError(`embedded message of ${len} bytes is truncated`);
    return end;
  });
}

/** Checks a wire type and throws a ProtobufError naming the field when it is wrong. */
export function expectWireType(field: number, got: number, want: number): void {
  if (got !== want) throw new ProtobufError(`field ${field}: wire type ${got}, expected ${want}`);
}

/** Decodes the envelope; throws ProtobufError for missing magic or malformed content. */
export function decodeEnvelope(bytes: Uint8Array): ProtobufEnvelope {
  if (bytes.length < 4 || !PROTOBUF_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new ProtobufError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  const out: ProtobufEnvelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  const r = createReader(bytes.subarray(4));
  forEachField(r, undefined, (field, wt) => {
    switch (field) {
      case 1: {
        expectWireType(field, wt, WireType.LengthDelimited);
        const end = enterMessage(r);
        forEachField(r, end, (f, w) => {
          if (f === 1) { expectWireType(f, w, WireType.LengthDelimited); out.apiVersion = r.string(); return true; }
          if (f === 2) { expectWireType(f, w, WireType.LengthDelimited); out.kind = r.string(); return true; }
          return false;
        });
        return true;
      }
      case 2: expectWireType(field, wt, WireType.LengthDelimited); out.raw = r.bytes(); return true;
      case 3: expectWireType(field, wt, WireType.LengthDelimited); out.contentEncoding = r.string(); return true;
      case 4: expectWireType(field, wt, WireType.LengthDelimited); out.contentType = r.string(); return true;
      default: return false;
    }
  });
  return out;
}

/** Encodes an envelope as the apiserver does (every field present, empty strings included). */
export function encodeEnvelope(e: { apiVersion: string; kind: string; raw: Uint8Array; contentEncoding?: string; contentType?: string }): Uint8Array {
  const w = createWriter();
  w.uint32((1 << 3) | WireType.LengthDelimited).fork();
  w.uint32((1 << 3) | WireType.LengthDelimited).string(e.apiVersion);
  w.uint32((2 << 3) | WireType.LengthDelimited).string(e.kind);
  w.ldelim();
  w.uint32((2 << 3) | WireType.LengthDelimited).bytes(e.raw);
  w.uint32((3 << 3) | WireType.LengthDelimited).string(e.contentEncoding ?? '');
  w.uint32((4 << 3) | WireType.LengthDelimited).string(e.contentType ?? '');
  const body = w.finish();
  const out = new Uint8Array(4 + body.length);
  out.set(PROTOBUF_MAGIC, 0);
  out.set(body, 4);
  return out;
}

/** True if `bytes` start with the `k8s\0` magic. */
export function hasProtobufMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && PROTOBUF_MAGIC.every((b, i) => bytes[i] === b);
}
