/**
 * Strategic-merge-patch metadata derived from a schema (machinery's PatchMeta): for each
 * field its patch strategy and merge key; `field(name)` of a map gives its values' meta,
 * `items` of a list its elements'; raw (free-form JSON) fields have none.
 */
import type { Field, ObjectSchema, TypeSpec } from './dsl.js';
import type { PatchMeta } from '../../machinery/patch-meta.js';

export type { PatchMeta };

/** PatchMeta of an object schema (a kind's root: `patchMetaFor(spec.schema)`). Built lazily, cached. */
export function patchMetaFor<O>(schema: ObjectSchema<O>): PatchMeta {
  const s = schema as ObjectSchema<unknown>;
  return metaOfType({ kind: 'object', ref: () => s }, undefined, s);
}

const objectCache = new WeakMap<ObjectSchema<unknown>, PatchMeta>();

function metaOfType(type: TypeSpec, field: Field<unknown> | undefined, resolved?: ObjectSchema<unknown>): PatchMeta {
  const strategy = field?.patchStrategy ? { patchStrategy: field.patchStrategy } : {};
  const key = field?.patchMergeKey ? { patchMergeKey: field.patchMergeKey } : {};
  switch (type.kind) {
    case 'object': {
      const schema = resolved ?? type.ref();
      const base = objectMeta(schema);
      if (!field?.patchStrategy && !field?.patchMergeKey) return base;
      return { field: (n) => base.field(n), ...strategy, ...key };
    }
    case 'map': {
      const values = once(() => metaOfType(type.values, undefined));
      return { field: () => values(), ...strategy, ...key };
    }
    case 'list': {
      // The element's own meta: the list's strategy lives on the list, not on items.
      const items = metaOfType(type.items, undefined);
      return { field: (n) => items.field(n), items, ...strategy, ...key };
    }
    default:
      return { field: () => undefined, ...strategy, ...key };
  }
}

function objectMeta(schema: ObjectSchema<unknown>): PatchMeta {
  const cached = objectCache.get(schema);
  if (cached) return cached;
  const children = new Map<string, PatchMeta>();
  const meta: PatchMeta = {
    field(name: string): PatchMeta | undefined {
      if (!Object.hasOwn(schema.fields, name)) return undefined;
      let m = children.get(name);
      if (!m) {
        const f = schema.fields[name]!;
        m = f.type.kind === 'raw' ? undefined : metaOfType(f.type, f);
        if (m) children.set(name, m);
      }
      return m;
    },
  };
  objectCache.set(schema, meta);
  return meta;
}

function once<T>(fn: () => T): () => T {
  let v: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      v = fn();
      done = true;
    }
    return v as T;
  };
}
