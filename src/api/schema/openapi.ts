/**
 * OpenAPI v3 documents per group/version, as kube-apiserver serves them at
 * /openapi/v3/api/v1 and /openapi/v3/apis/<group>/<version>: component schemas for
 * every kind and every type they reach (named like upstream), and the resource paths
 * with the operations kubectl reads — notably PATCH with the `fieldValidation` query
 * parameter (kubectl then leaves validation to the server) and the patch content types
 * (strategic merge → kubectl computes patches from these schemas' merge keys).
 */
import type { Field, KindSpec, ObjectSchema, TypeSpec } from './dsl.js';
import { DeleteOptionsSchema, ListMetaSchema, StatusSchema } from '../meta/v1/index.js';
import {
  componentName,
  INT_OR_STRING,
  MICRO_TIME,
  packageForGroup,
  PATCH,
  QUANTITY,
  TIME,
} from './openapi-names.js';
import { pathsFor } from './openapi-paths.js';

/** The group/version being documented (the registry's GroupVersion fits). */
export interface OpenApiGroupVersion {
  group: string;
  version: string;
  kinds: readonly KindSpec[];
}

export interface OpenApiOptions {
  /** info.version, the Kubernetes version served (default v1.32.0). */
  serverVersion?: string;
}

type Json = Record<string, unknown>;

/**
 * Builds the document. Deterministic for the same kinds (components sorted by name),
 * so callers may hash it for the /openapi/v3 index. Two different schemas that would
 * get the same component name are an error in the declarations: the second is
 * published with a `_2` suffix and listed in `x-skiff-name-collisions` so tests catch it.
 */
export function openApiV3Document(gv: OpenApiGroupVersion, opts: OpenApiOptions = {}): Json {
  const b = new Builder(packageForGroup(gv.group, gv.version));
  for (const spec of gv.kinds) {
    const name = b.ref(spec.schema);
    const gvk = [{ group: spec.group, version: spec.version, kind: spec.kind }];
    b.components.set(name, { ...b.components.get(name), 'x-kubernetes-group-version-kind': gvk });
    b.components.set(b.listName(spec), listComponent(spec, name, b.ref(ListMetaSchema)));
  }
  b.ref(StatusSchema);
  b.ref(DeleteOptionsSchema);
  addBuiltinComponents(b.components);
  const statusName = b.nameOf(StatusSchema);
  b.components.set(statusName, { ...b.components.get(statusName), 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }] });

  const paths: Json = {};
  for (const spec of gv.kinds) {
    Object.assign(
      paths,
      pathsFor(spec, { kind: b.nameOf(spec.schema), list: b.listName(spec), status: statusName, deleteOptions: b.nameOf(DeleteOptionsSchema), patch: PATCH }),
    );
  }
  const schemas: Json = {};
  for (const name of [...b.components.keys()].sort()) schemas[name] = b.components.get(name);
  const doc: Json = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: opts.serverVersion ?? 'v1.32.0' },
    paths,
    components: { schemas },
  };
  if (b.collisions.length > 0) doc['x-skiff-name-collisions'] = b.collisions;
  return doc;
}

class Builder {
  readonly components = new Map<string, Json>();
  readonly collisions: string[] = [];
  private readonly names = new Map<ObjectSchema<unknown>, string>();
  private readonly owners = new Map<string, ObjectSchema<unknown>>();

  constructor(private readonly fallbackPackage: string) {}

  nameOf(schema: ObjectSchema<any>): string {
    return this.names.get(schema) ?? this.ref(schema);
  }

  listName(spec: KindSpec): string {
    return `${this.nameOf(spec.schema).replace(/\.[^.]+$/, '')}.${spec.kind}List`;
  }

  /** Registers a schema (and everything it reaches) as a component; returns its name. */
  ref(schema: ObjectSchema<any>): string {
    const known = this.names.get(schema);
    if (known) return known;
    let name = componentName(schema, this.fallbackPackage);
    const owner = this.owners.get(name);
    if (owner && owner !== schema) {
      this.collisions.push(name);
      let i = 2;
      while (this.owners.has(`${name}_${i}`)) i++;
      name = `${name}_${i}`;
    }
    this.names.set(schema, name);
    this.owners.set(name, schema);
    this.components.set(name, {}); // placeholder: breaks cycles (recursive schemas)
    this.components.set(name, this.objectSchema(schema));
    return name;
  }

  objectSchema(schema: ObjectSchema<unknown>): Json {
    const properties: Json = {};
    const required: string[] = [];
    for (const [fname, field] of Object.entries(schema.fields)) {
      properties[fname] = this.fieldSchema(field);
      if (field.required) required.push(fname);
    }
    const out: Json = { description: schema.description, type: 'object', properties };
    if (required.length > 0) out['required'] = required;
    if (schema.preserveUnknownFields) out['x-kubernetes-preserve-unknown-fields'] = true;
    return out;
  }

  private fieldSchema(field: Field<unknown>): Json {
    const s: Json = { ...this.typeSchema(field.type), description: field.description };
    const d = typeof field.default === 'function' ? safeCall(field.default as () => unknown) : field.default;
    if (d !== undefined) s['default'] = d;
    if (field.minimum !== undefined) s['minimum'] = field.minimum;
    if (field.maximum !== undefined) s['maximum'] = field.maximum;
    if (field.maxLength !== undefined) s['maxLength'] = field.maxLength;
    if (field.patchStrategy?.length) s['x-kubernetes-patch-strategy'] = field.patchStrategy.join(',');
    if (field.patchMergeKey) s['x-kubernetes-patch-merge-key'] = field.patchMergeKey;
    return s;
  }

  private typeSchema(type: TypeSpec): Json {
    switch (type.kind) {
      case 'object':
        return { allOf: [{ $ref: `#/components/schemas/${this.ref(type.ref())}` }] };
      case 'map':
        return { type: 'object', additionalProperties: this.typeSchema(type.values) };
      case 'list': {
        const s: Json = { type: 'array', items: this.typeSchema(type.items) };
        if (type.listType) s['x-kubernetes-list-type'] = type.listType;
        if (type.listType === 'map' && type.listMapKeys?.length) s['x-kubernetes-list-map-keys'] = [...type.listMapKeys];
        return s;
      }
      case 'raw':
        return { 'x-kubernetes-preserve-unknown-fields': true };
      case 'scalar':
        switch (type.scalar) {
          case 'string': {
            const s: Json = { type: 'string' };
            if (type.enum) s['enum'] = [...type.enum];
            if (type.format === 'date-time' || type.format === 'byte') s['format'] = type.format;
            return s;
          }
          case 'int32':
            return { type: 'integer', format: 'int32' };
          case 'int64':
            return { type: 'integer', format: 'int64' };
          case 'double':
            return { type: 'number', format: 'double' };
          case 'bool':
            return { type: 'boolean' };
          case 'bytes':
            return { type: 'string', format: 'byte' };
          case 'quantity':
            return { allOf: [{ $ref: `#/components/schemas/${QUANTITY}` }] };
          case 'intOrString':
            return { allOf: [{ $ref: `#/components/schemas/${INT_OR_STRING}` }], 'x-kubernetes-int-or-string': true };
          case 'time':
            return { allOf: [{ $ref: `#/components/schemas/${TIME}` }] };
          case 'microTime':
            return { allOf: [{ $ref: `#/components/schemas/${MICRO_TIME}` }] };
        }
    }
  }
}

function safeCall(fn: () => unknown): unknown {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function listComponent(spec: KindSpec, itemName: string, listMetaName: string): Json {
  return {
    description: `A list of ${spec.kind} objects.`,
    type: 'object',
    properties: {
      apiVersion: { type: 'string', description: 'The versioned schema of this list.' },
      kind: { type: 'string', description: 'The kind of this list.' },
      metadata: { allOf: [{ $ref: `#/components/schemas/${listMetaName}` }], description: 'Standard list metadata.' },
      items: { type: 'array', items: { $ref: `#/components/schemas/${itemName}` }, description: `The ${spec.plural}.` },
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ group: spec.group, version: spec.version, kind: `${spec.kind}List` }],
  };
}

function addBuiltinComponents(components: Map<string, Json>): void {
  components.set(QUANTITY, {
    description: 'A fixed-point number with an optional SI or binary suffix, e.g. 100m, 1.5, 2Gi.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  });
  components.set(INT_OR_STRING, {
    description: 'An int32 or a string (e.g. a port number or a port name).',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  });
  components.set(TIME, { description: 'An RFC 3339 timestamp with second precision.', type: 'string', format: 'date-time' });
  components.set(MICRO_TIME, { description: 'An RFC 3339 timestamp with microsecond precision.', type: 'string', format: 'date-time' });
  components.set(PATCH, { description: 'A patch document; its format is given by the request Content-Type.', type: 'object' });
}
