/**
 * Turns a CustomResourceDefinition into the KindSpecs the API server serves, one per
 * served version: the OpenAPI v3 schema becomes DSL types (so validation, defaulting,
 * pruning, OpenAPI and Table output come from the same engine as built-in kinds), the
 * additionalPrinterColumns become printer columns, and subresources/selectable fields
 * carry over. Custom resources are JSON-only, so fields have no protobuf numbers (0).
 *
 * Not covered: x-kubernetes-validations (CEL) rules. x-kubernetes-preserve-unknown-fields
 * keeps undeclared fields (at the root too) while declared ones are still checked; an
 * object that declares no properties becomes raw JSON, which the engine leaves untouched.
 */
import { f, kind, object, t, type Field, type KindSpec, type ObjectSchema, type PrinterColumn, type SchemaFieldError, type TypeSpec } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, fieldError } from '../../meta/v1/index.js';
import type { CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceDefinitionVersion } from './custom-resource-definition.js';
import type { JSONSchemaProps } from './json-schema-props.js';

type Props = JSONSchemaProps & Record<string, unknown>;

const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Upstream's OpenAPI name for custom resources: reversed group, version, kind (com.example.stable.v1.CronTab). */
export function customResourceOpenApiName(group: string, version: string, kindName: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kindName}`;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

/** Checks the schema keywords the DSL has no option for (pattern, items/properties counts, non-string enums). */
function keywordValidator(p: Props): Field<unknown>['validate'] | undefined {
  const checks: Array<(v: unknown, path: string) => SchemaFieldError[]> = [];
  if (typeof p.pattern === 'string') {
    const re = new RegExp(p.pattern, 'u');
    checks.push((v, path) => (typeof v === 'string' && !re.test(v) ? [fieldError.invalid(path, v, `${path} in body should match '${p.pattern}'`)] : []));
  }
  if (typeof p.minLength === 'number') {
    const min = p.minLength;
    checks.push((v, path) => (typeof v === 'string' && [...v].length < min ? [fieldError.invalid(path, v, `${path} in body should be at least ${min} chars long`)] : []));
  }
  if (typeof p.minimum === 'number' && p.exclusiveMinimum) {
    const min = p.minimum;
    checks.push((v, path) => (typeof v === 'number' && v <= min ? [fieldError.invalid(path, v, `${path} in body should be greater than ${min}`)] : []));
  }
  if (typeof p.maximum === 'number' && p.exclusiveMaximum) {
    const max = p.maximum;
    checks.push((v, path) => (typeof v === 'number' && v >= max ? [fieldError.invalid(path, v, `${path} in body should be less than ${max}`)] : []));
  }
  if (typeof p.maxItems === 'number') {
    const max = p.maxItems;
    checks.push((v, path) => (Array.isArray(v) && v.length > max ? [fieldError.tooMany(path, v.length, max)] : []));
  }
  if (typeof p.minItems === 'number') {
    const min = p.minItems;
    checks.push((v, path) => (Array.isArray(v) && v.length < min ? [fieldError.invalid(path, v, `${path} in body should have at least ${min} items`)] : []));
  }
  if (Array.isArray(p.enum) && !p.enum.every((e) => typeof e === 'string')) {
    const allowed = p.enum;
    checks.push((v, path) =>
      allowed.some((e) => JSON.stringify(e) === JSON.stringify(v))
        ? []
        : [{ type: 'FieldValueNotSupported', field: path, badValue: v, message: `supported values: ${allowed.map(quote).join(', ')}` }],
    );
  }
  if (checks.length === 0) return undefined;
  return (v, path) => checks.flatMap((c) => c(v, path));
}

interface Ctx {
  /** OpenAPI name prefix for nested object schemas. */
  base: string;
}

/** Converts one schema node to a DSL type; objects with properties become named ObjectSchemas. */
export function jsonSchemaToType(p: Props | undefined, name: string, ctx: Ctx): TypeSpec {
  if (!p) return t.raw();
  if (p['x-kubernetes-int-or-string']) return t.intOrString();
  if (p['x-kubernetes-embedded-resource']) return t.raw();
  switch (p.type) {
    case 'string': {
      const strings = Array.isArray(p.enum) && p.enum.every((e) => typeof e === 'string') ? (p.enum as string[]) : undefined;
      if (strings && strings.length > 0) return t.enum(...strings);
      if (p.format === 'date-time') return t.string('date-time');
      if (p.format === 'byte') return t.string('byte');
      return t.string();
    }
    case 'integer':
      return p.format === 'int32' ? t.int32() : t.int64();
    case 'number':
      return t.double();
    case 'boolean':
      return t.bool();
    case 'array': {
      const items = p.items && typeof p.items === 'object' && !Array.isArray(p.items) ? (p.items as Props) : undefined;
      const listType = p['x-kubernetes-list-type'];
      const keys = p['x-kubernetes-list-map-keys'];
      return t.list(jsonSchemaToType(items, `${name}Item`, ctx), {
        ...(listType ? { listType } : {}),
        ...(keys && keys.length > 0 ? { listMapKeys: keys } : {}),
      });
    }
    case 'object': {
      const props = p.properties as Record<string, Props> | undefined;
      if (props && Object.keys(props).length > 0) {
        const schema = objectFromProps(p, name, ctx);
        return t.object(() => schema);
      }
      const ap = p.additionalProperties;
      if (ap && typeof ap === 'object') return t.map(jsonSchemaToType(ap as Props, `${name}Value`, ctx));
      return t.raw();
    }
    default:
      return t.raw();
  }
}

function objectFromProps(p: Props, name: string, ctx: Ctx): ObjectSchema<Record<string, unknown>> {
  const required = new Set(p.required ?? []);
  const fields: Record<string, Field<unknown>> = {};
  for (const [key, child] of Object.entries((p.properties ?? {}) as Record<string, Props>)) {
    fields[key] = propertyField(child, `${name}${capitalize(key)}`, required.has(key), ctx);
  }
  return object(name, p.description ?? `${name} of a custom resource.`, fields, {
    openApiName: `${ctx.base}${name}`,
    ...(p['x-kubernetes-preserve-unknown-fields'] ? { preserveUnknownFields: true } : {}),
  }) as ObjectSchema<Record<string, unknown>>;
}

function propertyField(p: Props, name: string, required: boolean, ctx: Ctx): Field<unknown> {
  const opts: Record<string, unknown> = {};
  if (required) opts['required'] = true;
  if (p.default !== undefined) {
    const d = p.default;
    opts['default'] = () => structuredClone(d);
  }
  if (typeof p.minimum === 'number' && !p.exclusiveMinimum) opts['minimum'] = p.minimum;
  if (typeof p.maximum === 'number' && !p.exclusiveMaximum) opts['maximum'] = p.maximum;
  if (typeof p.maxLength === 'number') opts['maxLength'] = p.maxLength;
  const validate = keywordValidator(p);
  if (validate) opts['validate'] = validate;
  return f(0, jsonSchemaToType(p, name, ctx), p.description ?? '', opts);
}

/** Reads a simple JSONPath (`.spec.replicas`, `.status.conditions[0].type`, `.metadata.labels.app`). */
export function readSimpleJsonPath(obj: unknown, path: string): unknown {
  const parts = path.replace(/^\./, '').split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '');
  let cur: unknown = obj;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function printerColumn(c: CustomResourceColumnDefinition): PrinterColumn<unknown> {
  const type = c.type ?? 'string';
  const jsonPath = c.jsonPath ?? '';
  return {
    name: c.name ?? '',
    type,
    ...(c.format ? { format: c.format } : {}),
    description: c.description ?? '',
    ...(c.priority ? { priority: c.priority } : {}),
    value: (o) => {
      const v = readSimpleJsonPath(o, jsonPath);
      if (v === undefined || v === null) return undefined;
      if (type === 'string') return typeof v === 'string' ? v : JSON.stringify(v);
      if (type === 'date') return typeof v === 'string' ? v : undefined;
      return typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);
    },
  };
}

/** The KindSpec for one version of a CRD. */
export function kindSpecForVersion(crd: CustomResourceDefinition, v: CustomResourceDefinitionVersion): KindSpec {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const group = spec.group ?? '';
  const version = v.name ?? '';
  const kindName = names.kind ?? '';
  const base = customResourceOpenApiName(group, version, '');
  const root = (v.schema?.openAPIV3Schema ?? {}) as Props;
  const ctx: Ctx = { base };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const fields: Record<string, Field<any>> = {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(0, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  };
  const required = new Set(root.required ?? []);
  for (const [key, child] of Object.entries((root.properties ?? {}) as Record<string, Props>)) {
    if (key in fields) continue;
    fields[key] = propertyField(child, `${kindName}${capitalize(key)}`, required.has(key), ctx);
  }
  const schema = object(kindName, root.description ?? `A ${kindName} custom resource.`, fields, {
    openApiName: customResourceOpenApiName(group, version, kindName),
    ...(root['x-kubernetes-preserve-unknown-fields'] ? { preserveUnknownFields: true } : {}),
  });
  const scale = v.subresources?.scale;
  const columns = (v.additionalPrinterColumns ?? []).map(printerColumn);
  const selectable = Object.fromEntries(
    (v.selectableFields ?? []).map((s) => {
      const path = s.jsonPath ?? '';
      const read = (o: unknown) => {
        const val = readSimpleJsonPath(o, path);
        return val === undefined || val === null ? undefined : String(val);
      };
      return [path.replace(/^\./, ''), read] as const;
    }),
  );
  return kind<Record<string, unknown>>({
    group,
    version,
    kind: kindName,
    plural: names.plural ?? '',
    singular: names.singular || kindName.toLowerCase(),
    ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
    ...(names.categories?.length ? { categories: names.categories } : {}),
    namespaced: spec.scope === 'Namespaced',
    schema: schema as ObjectSchema<Record<string, unknown>>,
    ...(v.subresources?.status || scale
      ? {
          subresources: {
            ...(v.subresources?.status ? { status: true } : {}),
            ...(scale
              ? {
                  scale: {
                    specReplicasPath: scale.specReplicasPath ?? '',
                    statusReplicasPath: scale.statusReplicasPath ?? '',
                    ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}),
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(Object.keys(selectable).length > 0 ? { fieldSelectors: selectable } : {}),
    hasGeneration: true,
    // Without additionalPrinterColumns upstream shows only AGE after NAME.
    printerColumns: columns.length > 0 ? columns : [ageColumn<Record<string, unknown>>()],
  });
}

/**
 * KindSpecs for every served version of the CRD, in spec order. Objects are stored in the
 * storage version: every other version converts to and from it as upstream's `None`
 * strategy does, by changing apiVersion only (a `Webhook` strategy is treated the same:
 * conversion webhooks are not called).
 */
export function kindSpecsFromCRD(crd: CustomResourceDefinition): KindSpec[] {
  const versions = crd.spec?.versions ?? [];
  const storageVersion = storageVersionOf(crd);
  const storageDef = versions.find((v) => v.name === storageVersion);
  const storage = storageDef ? kindSpecForVersion(crd, storageDef) : undefined;
  const group = crd.spec?.group ?? '';
  return versions
    .filter((v) => v.served)
    .map((v) => {
      if (!storage) return kindSpecForVersion(crd, v);
      if (v === storageDef) return storage;
      const served = `${group}/${v.name ?? ''}`;
      const stored = `${group}/${storageVersion}`;
      return {
        ...kindSpecForVersion(crd, v),
        conversion: {
          storage,
          toStorage: (obj: Record<string, unknown>) => ({ ...obj, apiVersion: stored }),
          fromStorage: (obj: Record<string, unknown>) => ({ ...obj, apiVersion: served }),
        },
      };
    });
}

/** The storage version's name (the version objects are persisted in), if exactly one is marked. */
export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  const storage = (crd.spec?.versions ?? []).filter((v) => v.storage);
  return storage.length === 1 ? storage[0]?.name : undefined;
}
