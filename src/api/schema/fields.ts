import type { Field, ObjectSchema } from './dsl.js';

/** A schema's fields as an array, cached: the walkers visit every declared field of every object. */
const fieldLists = new WeakMap<ObjectSchema<unknown>, readonly [string, Field<unknown>][]>();

export function fieldsOf(schema: ObjectSchema<unknown>): readonly [string, Field<unknown>][] {
  let list = fieldLists.get(schema);
  if (!list) fieldLists.set(schema, (list = Object.entries(schema.fields)));
  return list;
}
