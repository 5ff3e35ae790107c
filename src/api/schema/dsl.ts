/**
 * The schema DSL: every API kind is declared once, as data, with these builders.
 * Types, validation, defaults, OpenAPI, strategic-merge metadata, the protobuf codec
 * and Table output are all derived from the declaration (see ./README.md).
 *
 * A declaration reads like the Go struct it mirrors:
 *
 *   export const ConfigMapSchema = object('ConfigMap', 'Holds configuration data.', {
 *     apiVersion: f(0, t.string(), 'The schema version of this object.'),
 *     kind: f(0, t.string(), 'The kind of this object.'),
 *     metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
 *     data: f(2, t.map(t.string()), 'Configuration data as UTF-8 strings.'),
 *   });
 *   export type ConfigMap = Infer<typeof ConfigMapSchema>;
 */

/** Primitive wire types. JSON shape in comments; protobuf encoding follows k8s.io/api. */
export type ScalarKind =
  | 'string' //   JSON string;   proto string
  | 'int32' //    JSON number;   proto varint (int32)
  | 'int64' //    JSON number;   proto varint (int64)
  | 'bool' //     JSON boolean;  proto varint
  | 'double' //   JSON number;   proto double (fixed64)
  | 'bytes' //    JSON base64 string; proto bytes
  | 'quantity' // JSON string or number ("100m", 1); proto message Quantity{1: string}
  | 'intOrString' // JSON number or string; proto message IntOrString{1: type, 2: intVal, 3: strVal}
  | 'time' //     JSON RFC 3339 string, second precision; proto message Time{1: seconds, 2: nanos}
  | 'microTime'; // JSON RFC 3339 with microseconds; proto message MicroTime{1: seconds, 2: nanos}

/** Named string formats the validator checks (Kubernetes' name rules). */
export type StringFormat =
  | 'dns1123-label'
  | 'dns1123-subdomain'
  | 'dns1035-label'
  | 'qualified-name'
  | 'ip'
  | 'cidr'
  | 'date-time'
  | 'byte';

export type TypeSpec =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind; readonly enum?: readonly string[]; readonly format?: StringFormat }
  | { readonly kind: 'map'; readonly values: TypeSpec }
  | {
      readonly kind: 'list';
      readonly items: TypeSpec;
      /** x-kubernetes-list-type: atomic (default), set, or map (keyed by listMapKeys). */
      readonly listType?: 'atomic' | 'set' | 'map';
      readonly listMapKeys?: readonly string[];
    }
  | { readonly kind: 'object'; readonly ref: () => ObjectSchema<unknown> }
  /** Any JSON value (RawExtension, JSON in CRDs); protobuf: RawExtension{1: raw bytes}. */
  | { readonly kind: 'raw' };

/** A TypeSpec carrying, at compile time only, the TypeScript type of its JSON value. */
export type Type<T> = TypeSpec & { readonly __type?: T };

/** Problems a custom validator reports; rendered by machinery's field-errors. */
export interface SchemaFieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueNotFound'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid'
    | 'InternalError';
  field: string;
  message: string;
  badValue?: unknown;
}

export interface FieldOptions<T> {
  required?: boolean;
  /** Applied by applyDefaults when the field is absent (a function for fresh objects/arrays). */
  default?: T | (() => T);
  /** Strategic merge patch: e.g. ['merge'], ['merge', 'retainKeys'], ['retainKeys'], ['replace']. */
  patchStrategy?: readonly string[];
  /** Strategic merge patch: the key identifying list elements (e.g. 'name'). */
  patchMergeKey?: string;
  /** Immutable after creation (updates changing it get FieldValueInvalid "field is immutable"). */
  immutable?: boolean;
  /** Extra checks on this field's value (path is the field's path, e.g. 'spec.replicas'). */
  validate?: (value: T, path: string) => SchemaFieldError[];
  /** Minimum / maximum for numbers; maxLength for strings. */
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  /**
   * The Go field is a pointer (`*int32`, `*bool`, `*string`…): an explicit zero value
   * means something (replicas: 0, automountServiceAccountToken: false), so the protobuf
   * decoder keeps zeros it reads (it drops other zeros, as Go's omitempty would).
   * Declare it on every pointer field, especially those with a default (replicas).
   */
  pointer?: boolean;
  /**
   * The field belongs to a Go struct embedded with `json:",inline"`: JSON flattens it into
   * this object, but protobuf nests it in the message at `field` of this object (e.g. a
   * Volume's `hostPath` is Volume{2: VolumeSource{1: hostPath}}); `proto` is then the
   * number inside that message. Set by core/v1's `embedded()` helper.
   */
  protoEmbeddedIn?: { readonly field: number; readonly message: string };
}

export interface Field<T> extends FieldOptions<T> {
  /** Protobuf field number from k8s.io/api's generated.proto; 0 = not encoded (apiVersion, kind). */
  readonly proto: number;
  readonly type: Type<T>;
  /** One line, in our own words. */
  readonly description: string;
}

export interface ObjectSchema<O> {
  /** The Go type name (PodSpec, ObjectMeta): the OpenAPI component name and error context. */
  readonly name: string;
  readonly description: string;
  readonly fields: Readonly<Record<string, Field<unknown>>>;
  /**
   * Cross-field checks for objects of this type (path is this object's path, '' at the root).
   * `context` holds what enclosing objects told their subtree (see validationContext).
   */
  readonly validate?: (obj: O, path: string, old?: O, context?: ValidationContext) => SchemaFieldError[];
  /**
   * What this object tells the hooks of its subtree (merged over what enclosing objects
   * said), as upstream's validation passes options down: e.g. a StatefulSetSpec tells its
   * template's PodSpec that claim-template names count as volumes. Runs before the fields
   * are type-checked, so it must tolerate ill-typed input.
   */
  readonly validationContext?: (obj: O) => ValidationContext;
  /** Cross-field defaults (run after field defaults, depth first). Must be idempotent. */
  readonly applyDefaults?: (obj: O) => void;
  /**
   * OpenAPI component name, e.g. 'io.k8s.api.core.v1.PodSpec'. Optional: by default it is
   * derived from the file that declares the schema (src/api/<group>/<version>/…).
   */
  readonly openApiName?: string;
  /**
   * Fields it does not declare are kept, not pruned (a custom resource schema's
   * `x-kubernetes-preserve-unknown-fields: true` beside `properties`): the declared ones
   * are still defaulted and validated.
   */
  readonly preserveUnknownFields?: boolean;
  /** Where `object()` was called (a source path), used to derive the OpenAPI package. */
  readonly declaredIn?: string;
  /** Compile-time only. */
  readonly __type?: O;
}

/** Facts enclosing objects pass down to validation hooks, keyed by names their owners export. */
export type ValidationContext = Readonly<Record<string, unknown>>;

export type Infer<S> = S extends ObjectSchema<infer O> ? O : S extends Type<infer T> ? T : never;
type FieldValue<F> = F extends Field<infer T> ? T : never;
export type ObjectOf<F extends Record<string, Field<any>>> = { -readonly [K in keyof F]?: FieldValue<F[K]> };

/** Declares a field: protobuf number, type, description, options. */
export function f<T>(proto: number, type: Type<T>, description: string, options: FieldOptions<T> = {}): Field<T> {
  return { proto, type, description, ...options };
}

/** Declares an object type (a Go struct). Field order is kept for OpenAPI and output. */
export function object<F extends Record<string, Field<any>>>(
  name: string,
  description: string,
  fields: F,
  extra: {
    validate?: (obj: ObjectOf<F>, path: string, old?: ObjectOf<F>, context?: ValidationContext) => SchemaFieldError[];
    validationContext?: (obj: ObjectOf<F>) => ValidationContext;
    applyDefaults?: (obj: ObjectOf<F>) => void;
    openApiName?: string;
    preserveUnknownFields?: boolean;
  } = {},
): ObjectSchema<ObjectOf<F>> {
  const declaredIn = callerFile();
  return { name, description, fields: fields as Record<string, Field<unknown>>, ...(declaredIn ? { declaredIn } : {}), ...extra };
}

/** The source file of object()'s caller, from a stack trace; undefined if unavailable. */
function callerFile(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  // [0] 'Error', [1] callerFile, [2] object(), [3] the declaring module.
  const line = stack[3] ?? '';
  const m = /\(?((?:file:\/\/)?[^()]*?):\d+:\d+\)?\s*$/.exec(line);
  return m?.[1]?.trim().replace(/^at\s+/, '');
}

const scalar = <T>(s: ScalarKind, extra: { enum?: readonly string[]; format?: StringFormat } = {}): Type<T> => ({
  kind: 'scalar',
  scalar: s,
  ...extra,
});

/** Type builders. */
export const t = {
  string: (format?: StringFormat): Type<string> => scalar<string>('string', format ? { format } : {}),
  /** A string restricted to these values (FieldValueNotSupported otherwise). */
  enum: <E extends string>(...values: E[]): Type<E> => scalar<E>('string', { enum: values }),
  int32: (): Type<number> => scalar<number>('int32'),
  int64: (): Type<number> => scalar<number>('int64'),
  bool: (): Type<boolean> => scalar<boolean>('bool'),
  double: (): Type<number> => scalar<number>('double'),
  bytes: (): Type<string> => scalar<string>('bytes'),
  quantity: (): Type<string | number> => scalar<string | number>('quantity'),
  intOrString: (): Type<number | string> => scalar<number | string>('intOrString'),
  time: (): Type<string> => scalar<string>('time'),
  microTime: (): Type<string> => scalar<string>('microTime'),
  map: <V>(values: Type<V>): Type<Record<string, V>> => ({ kind: 'map', values }),
  list: <V>(
    items: Type<V>,
    opts: { listType?: 'atomic' | 'set' | 'map'; listMapKeys?: readonly string[] } = {},
  ): Type<V[]> => ({ kind: 'list', items, ...opts }),
  /** A nested object; lazy so declarations may refer to each other in any order. */
  object: <O>(ref: () => ObjectSchema<O>): Type<O> => ({ kind: 'object', ref: ref as () => ObjectSchema<unknown> }),
  raw: (): Type<unknown> => ({ kind: 'raw' }),
};

/** One column of `kubectl get` output (Table). priority 0 = always shown, 1 = with -o wide. */
export interface PrinterColumn<O> {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: 'name' | string;
  description: string;
  priority?: number;
  /** The cell. Dates are RFC 3339 strings (kubectl renders them as ages). */
  value: (obj: O, now: Date) => string | number | boolean | undefined | null;
}

/** Everything about one API kind. */
export interface KindSpec<O = any> {
  group: string; // '' for core
  version: string;
  kind: string;
  /** Resource name (lowercase plural) used in URLs. */
  plural: string;
  singular: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  namespaced: boolean;
  /** Verbs served; default: all of create delete deletecollection get list patch update watch. */
  verbs?: readonly string[];
  /** The whole object, including apiVersion, kind, metadata. */
  schema: ObjectSchema<O>;
  /** Protobuf message package + name, e.g. 'k8s.io.api.core.v1.Pod' (for documentation/debugging). */
  protoName?: string;
  subresources?: {
    status?: boolean;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  /** Columns for Table output (after NAME, which is implicit). */
  printerColumns: readonly PrinterColumn<O>[];
  /** The NAME cell, when it is more than metadata.name (StorageClass appends " (default)"). */
  nameCell?: (obj: O) => string;
  /** Field selectors beyond metadata.name / metadata.namespace, e.g. 'spec.nodeName'. */
  fieldSelectors?: Readonly<Record<string, (obj: O) => string | undefined>>;
  /**
   * Validation beyond the schema's, on create (old undefined) and update. `subresource`:
   * the update came through it, and its own rules apply (pods/ephemeralcontainers).
   */
  validate?: (obj: O, old?: O, subresource?: string) => SchemaFieldError[];
  /** Whether a spec change bumps metadata.generation (true for kinds with spec). */
  hasGeneration?: boolean;
  /**
   * The rule for metadata.name (and generateName): default 'dns1123-subdomain';
   * Namespaces and Services use 'dns1123-label'; RBAC kinds use 'path-segment'
   * (anything but '.', '..', or names containing '/' or '%').
   */
  nameFormat?: 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';
  /**
   * Whether PATCH accepts application/strategic-merge-patch+json (default true). Custom
   * resources set false: like upstream, they take JSON and merge patches only.
   */
  strategicMergePatch?: boolean;
  /**
   * Set on a version that is served but not stored (autoscaling/v1 HorizontalPodAutoscaler):
   * the storage version's kind and the conversions between them. The API server stores and
   * caches only the storage form, and converts requests and responses in this version.
   */
  conversion?: KindConversion;
}

/**
 * Conversions between one served version of a kind and its storage version. Both are
 * pure: they return new objects (sharing no nested object they change) and never change
 * their argument, which the watch cache shares. Both must be total (never throw).
 */
export interface KindConversion {
  /** The kind in its storage version (same group, kind and resource). */
  readonly storage: KindSpec;
  toStorage(obj: Record<string, any>): Record<string, any>;
  fromStorage(obj: Record<string, any>): Record<string, any>;
}

export function kind<O>(spec: KindSpec<O>): KindSpec<O> {
  return spec;
}
