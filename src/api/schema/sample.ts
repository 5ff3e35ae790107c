/**
 * A generic sample generator: fills every field of a schema with a plausible, non-zero
 * value of its type (formats and enums respected, one item per list and map), down to a
 * depth limit where nested objects are left empty. Used to test every kind's codecs and
 * documents without writing a fixture per kind.
 */
import type { Field, KindSpec, ObjectSchema, TypeSpec } from './dsl.js';

export interface SampleOptions {
  /** Object nesting below which nested objects are `{}` (default 6). */
  maxDepth?: number;
  /** Include fields that protobuf does not carry (proto 0), besides apiVersion/kind. Default true. */
  includeUnencoded?: boolean;
}

/** A populated object of the kind, with its apiVersion and kind set. */
export function sampleObject(spec: KindSpec, opts: SampleOptions = {}): Record<string, unknown> {
  const obj = sampleFields(spec.schema, 0, { maxDepth: opts.maxDepth ?? 6, includeUnencoded: opts.includeUnencoded ?? true });
  if (spec.schema.fields['apiVersion']) obj['apiVersion'] = spec.group ? `${spec.group}/${spec.version}` : spec.version;
  if (spec.schema.fields['kind']) obj['kind'] = spec.kind;
  return obj;
}

/** A value of one type. */
export function sampleValue(type: TypeSpec, opts: SampleOptions = {}): unknown {
  return sample(type, undefined, 0, { maxDepth: opts.maxDepth ?? 6, includeUnencoded: opts.includeUnencoded ?? true });
}

type Opts = Required<SampleOptions>;

function sampleFields(schema: ObjectSchema<unknown>, depth: number, opts: Opts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth >= opts.maxDepth) return out;
  for (const [name, field] of Object.entries(schema.fields)) {
    if (field.proto === 0 && (depth === 0 || !opts.includeUnencoded)) continue;
    out[name] = sample(field.type, field, depth, opts);
  }
  return out;
}

function sample(type: TypeSpec, field: Field<unknown> | undefined, depth: number, opts: Opts): unknown {
  switch (type.kind) {
    case 'object':
      return sampleFields(type.ref(), depth + 1, opts);
    case 'map':
      return { 'sample-key': sample(type.values, undefined, depth, opts) };
    case 'list':
      return [sample(type.items, undefined, depth, opts)];
    case 'raw':
      return { sample: [1, 'two', true] };
    case 'scalar': {
      const nonEmpty = type.enum?.find((v) => v !== '');
      if (nonEmpty !== undefined) return nonEmpty;
      switch (type.scalar) {
        case 'string':
          switch (type.format) {
            case 'dns1123-label':
            case 'dns1035-label':
              return 'sample';
            case 'dns1123-subdomain':
              return 'sample.example';
            case 'qualified-name':
              return 'example.com/sample';
            case 'ip':
              return '198.18.0.1';
            case 'cidr':
              return '198.18.0.0/24';
            case 'date-time':
              return '2026-11-26T16:10:47Z';
            case 'byte':
              return 'c2FtcGxl';
            default:
              return 'sample';
          }
        case 'int32':
          return clamp(7, field);
        case 'int64':
          return clamp(4294967301, field); // beyond 32 bits, to exercise int64 handling
        case 'double':
          return clamp(0.25, field);
        case 'bool':
          return true;
        case 'bytes':
          return 'c2FtcGxl';
        case 'quantity':
          return '250m';
        case 'intOrString':
          return depth % 2 === 0 ? 8080 : 'http';
        case 'time':
          return '2026-11-26T16:10:47Z';
        case 'microTime':
          return '2026-11-26T16:10:47.123456Z';
      }
    }
  }
}

function clamp(v: number, field: Field<unknown> | undefined): number {
  let n = v;
  if (field?.maximum !== undefined && n > field.maximum) n = field.maximum;
  if (field?.minimum !== undefined && n < field.minimum) n = field.minimum;
  return n === 0 ? (field?.maximum ?? 1) : n;
}
