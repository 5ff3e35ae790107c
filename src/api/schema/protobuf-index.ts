/**
 * Shared pieces of the protobuf codec: its error type, wire constants, and the per-schema
 * index from field numbers to fields (with inline-embedded structs grouped).
 */
import protobuf from 'protobufjs/minimal.js';
import type { Field, ObjectSchema } from './dsl.js';
import { ProtobufError } from '../../machinery/protobuf-envelope.js';

export const { Reader, Writer } = protobuf;
export type ReaderT = InstanceType<typeof Reader>;
export type WriterT = InstanceType<typeof Writer>;


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
export const MAX_DEPTH = 100;

export const WT_VARINT = 0;
export const WT_FIXED64 = 1;
export const WT_BYTES = 2;

export type FieldEntry = { kind: 'field'; name: string; field: Field<unknown> };
/** An inline-embedded Go struct: its fields are flattened in JSON, nested in protobuf. */
export type EmbeddedEntry = { kind: 'embedded'; number: number; message: string; byNumber: Map<number, FieldEntry>; encoded: FieldEntry[] };
export type Entry = FieldEntry | EmbeddedEntry;

export interface SchemaIndex {
  byNumber: Map<number, Entry>;
  /** What is encoded, in field-number order (gogo's order); proto 0 fields excluded. */
  encoded: Entry[];
}
const indexes = new WeakMap<ObjectSchema<unknown>, SchemaIndex>();
export function indexOf(schema: ObjectSchema<unknown>): SchemaIndex {
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

