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
 * restartPolicy) decodes "" as absent, so our defaulting fills it as Go's would.
 * Nested objects are kept even when empty (Go never omits structs: `spec: {}`), empty
 * lists and maps are absent (nothing is on the wire), and list items and map values are
 * always kept. Unknown field numbers are skipped; repeated scalars are
 * accepted packed or unpacked. Malformed bytes raise SchemaCodecError, never anything else.
 */
import type { KindSpec } from './dsl.js';
import { isPlainObject } from './errors.js';
import { Reader, SchemaCodecError, Writer } from './protobuf-index.js';
import { decodeMessage } from './protobuf-decode.js';
import { encodeMessage } from './protobuf-encode.js';

export { SchemaCodecError };

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

