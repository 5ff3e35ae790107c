/**
 * Property tests: whatever JSON or bytes arrive, the derived functions of every kind
 * in the registry return normally (or, for the decoder, throw SchemaCodecError only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateObject } from './validate.js';
import { applyDefaults } from './defaults.js';
import { pruneUnknownFields } from './prune.js';
import { decodeObject, encodeObject, SchemaCodecError } from './protobuf.js';
import { sampleObject } from './sample.js';
import { GadgetKind } from './testdata.js';
import { Registry } from '../registry.js';
import type { KindSpec, ObjectSchema, TypeSpec } from './dsl.js';

const kinds: KindSpec[] = [...new Registry().all(), GadgetKind];
const RUNS = Number(process.env.SCHEMA_PROPERTY_RUNS ?? 25);

/** The kind's sample with some values replaced by arbitrary JSON: reaches deep code paths. */
function mutatedSample(spec: KindSpec): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 4 })
    .map((edits) => {
      const obj = sampleObject(spec, { maxDepth: 4 });
      for (const [pick, value] of edits) {
        const holders: [Record<string, unknown> | unknown[], string | number][] = [];
        const walk = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach((x, i) => (holders.push([v, i]), walk(x)));
          else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (holders.push([v as Record<string, unknown>, k]), walk(x));
        };
        walk(obj);
        const h = holders[pick % Math.max(holders.length, 1)];
        if (h) (h[0] as Record<string | number, unknown>)[h[1]] = structuredClone(value);
      }
      return obj;
    });
}

const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })));

test('validateObject, applyDefaults and pruneUnknownFields never throw on arbitrary JSON', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(fc.oneof(anyJson, mutatedSample(spec)), (input) => {
        const obj = structuredClone(input) as Record<string, unknown>;
        assert.ok(Array.isArray(validateObject(spec, obj)));
        assert.ok(Array.isArray(validateObject(spec, obj, structuredClone(input))));
        applyDefaults(spec, obj);
        assert.ok(Array.isArray(pruneUnknownFields(spec, obj)));
        assert.ok(Array.isArray(validateObject(spec, obj)));
      }),
      { numRuns: RUNS },
    );
  }
});

test('after pruning, nothing unknown is left', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(mutatedSample(spec), (obj) => {
        pruneUnknownFields(spec, obj);
        assert.deepEqual(pruneUnknownFields(spec, obj), []);
      }),
      { numRuns: RUNS },
    );
  }
});

const onlyCodecErrors = (fn: () => unknown): void => {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof SchemaCodecError)) throw err;
  }
};

test('decodeObject on random bytes returns an object or throws SchemaCodecError', () => {
  for (const spec of kinds) {
    const valid = encodeObject(spec, sampleObject(spec, { maxDepth: 3, includeUnencoded: false }));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          // A valid encoding with a few bytes overwritten or cut short: deeper paths.
          fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat()).map(([edits, cut]) => {
            const b = Uint8Array.from(valid);
            for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
            return b.subarray(0, b.length - (cut % 3));
          }),
        ),
        (bytes) => onlyCodecErrors(() => decodeObject(spec, bytes)),
      ),
      { numRuns: RUNS * 2 },
    );
  }
});

test('encodeObject on arbitrary JSON encodes or throws SchemaCodecError', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(mutatedSample(spec), (obj) => onlyCodecErrors(() => encodeObject(spec, obj))),
      { numRuns: RUNS },
    );
  }
});

/** The kind's sample with some fields removed: always well-typed, often missing things. */
function thinnedSample(spec: KindSpec): fc.Arbitrary<Record<string, unknown>> {
  return fc.array(fc.nat(), { minLength: 1, maxLength: 12 }).map((picks) => {
    const obj = sampleObject(spec, { maxDepth: 5, includeUnencoded: false });
    for (const pick of picks) {
      const holders: [Record<string, unknown>, string][] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (holders.push([v as Record<string, unknown>, k]), walk(x));
      };
      walk(obj);
      const h = holders[pick % holders.length];
      if (h && !(h[0] === obj && (h[1] === 'apiVersion' || h[1] === 'kind'))) delete h[0][h[1]];
    }
    return obj;
  });
}

/** Empty maps and lists are absent on the protobuf wire: drop them before comparing. */
function dropEmpty(schema: ObjectSchema<unknown>, obj: Record<string, unknown>): Record<string, unknown> {
  const visit = (t: TypeSpec, x: unknown): void => {
    if (t.kind === 'object' && x && typeof x === 'object') dropEmpty(t.ref(), x as Record<string, unknown>);
    else if (t.kind === 'list' && Array.isArray(x)) x.forEach((i) => visit(t.items, i));
    else if (t.kind === 'map' && x && typeof x === 'object') Object.values(x).forEach((i) => visit(t.values, i));
  };
  for (const [name, f] of Object.entries(schema.fields)) {
    const v = obj[name];
    if (v === undefined) continue;
    const empty = (f.type.kind === 'map' && Object.keys(v as object).length === 0) || (f.type.kind === 'list' && (v as unknown[]).length === 0);
    if (empty) delete obj[name];
    else visit(f.type, v);
  }
  return obj;
}

test('well-typed objects: no hook throws, defaulting is idempotent, protobuf round-trips', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(thinnedSample(spec), (obj) => {
        const internal = validateObject(spec, obj).filter((e) => e.type === 'InternalError');
        assert.deepEqual(internal, [], `${spec.kind}: a validation hook threw`);
        const once = structuredClone(obj);
        applyDefaults(spec, once);
        const twice = structuredClone(once);
        applyDefaults(spec, twice);
        assert.deepEqual(twice, once, `${spec.kind}: defaulting twice differs from once`);
        assert.deepEqual(decodeObject(spec, encodeObject(spec, obj)), dropEmpty(spec.schema, structuredClone(obj)), `${spec.kind}: round trip`);
      }),
      { numRuns: RUNS },
    );
  }
});
