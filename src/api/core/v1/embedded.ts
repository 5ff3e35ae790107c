import type { Field } from '../../schema/dsl.js';

/**
 * Where a Go struct embedded with `json:",inline"` lives on the protobuf wire.
 *
 * In JSON the embedded struct's fields sit directly in the outer object (a Volume has
 * `name` and `hostPath` side by side), but protobuf encodes the embedded struct as a
 * nested message at its own field number (Volume{1: name, 2: VolumeSource{1: hostPath}}).
 * Fields returned by {@link embedded} carry this marker; the protobuf codec must group
 * every field sharing `protoEmbeddedIn.field` into one nested message, numbering each
 * field inside it by its own `proto`.
 */
export interface ProtoEmbedding {
  /** Field number of the nested message in the outer message. */
  readonly field: number;
  /** Go/proto name of the embedded message, e.g. 'VolumeSource' (for debugging/docs). */
  readonly message: string;
}

/** Reads the embedding marker of a field, if any (the DSL's FieldOptions.protoEmbeddedIn). */
export function protoEmbeddingOf(field: Field<unknown>): ProtoEmbedding | undefined {
  return field.protoEmbeddedIn;
}

/**
 * Marks fields as belonging to an inline-embedded Go struct, encoded in protobuf as the
 * message `message` at field number `field` of the outer message. JSON is unaffected.
 */
export function embedded<F extends Record<string, Field<any>>>(field: number, message: string, fields: F): F {
  const out: Record<string, Field<any>> = {};
  for (const [name, f] of Object.entries(fields)) {
    out[name] = { ...f, protoEmbeddedIn: { field, message } };
  }
  return out as F;
}

/**
 * Marks a field as a Go pointer (`*int64`, `*bool`…): an explicit zero is meaningful and
 * survives a protobuf round trip (see FieldOptions.pointer).
 */
export function ptr<T>(field: Field<T>): Field<T> {
  return { ...field, pointer: true };
}
