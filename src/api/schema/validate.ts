/**
 * Schema-driven validation: walks an object against its kind's schema and returns
 * Kubernetes-style field errors (empty = valid). Never throws, whatever the JSON input;
 * a hook that throws becomes an InternalError on its path.
 */
import type { Field, KindSpec, ObjectSchema, SchemaFieldError, TypeSpec, ValidationContext } from './dsl.js';
import {
  childPath,
  duplicate,
  indexPath,
  internal,
  invalid,
  isPlainObject,
  jsonEqual,
  keyPath,
  MAX_NESTING,
  notSupported,
  required,
  typeInvalid,
} from './errors.js';
import { checkFormat, quantity as quantityProblems, dateTime, base64 } from './formats.js';
import { validateObjectMeta } from './validate-meta.js';
import { fieldsOf } from './fields.js';
import { memoize } from '../../machinery/memo.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Walk state: accumulated errors and how many were type errors (hooks skip ill-typed subtrees). */
interface Walk {
  errors: SchemaFieldError[];
  typeErrors: number;
  update: boolean;
  /** Current object/map/list nesting (bounded by MAX_NESTING). */
  depth: number;
  /** What enclosing objects' validationContext said. */
  context: ValidationContext;
  /** Visit every declared field of every object, not only those present (the reference walk). */
  visitAll?: boolean;
}

/**
 * Validates `obj` (a whole object: apiVersion, kind, metadata…) against `spec`.
 * With `old` (an update), immutable fields must be unchanged and hooks see the old value.
 * Runs, in order: schema types/required/enums/formats/ranges/list uniqueness, field hooks,
 * object hooks (inner first), metadata rules, then the kind's hook. Hooks only run on
 * subtrees without type errors, so they may trust the declared types. `subresource` (an
 * update through one) is passed to the kind's hook.
 */
export function validateObject(spec: KindSpec, obj: unknown, old?: unknown, subresource?: string): SchemaFieldError[] {
  return validateWalk(spec, obj, old, false, undefined, subresource);
}

/** validateObject visiting every declared field: the straightforward walk, which tests hold the fast one to. */
export function validateObjectVisitingAll(spec: KindSpec, obj: unknown, old?: unknown): SchemaFieldError[] {
  return validateWalk(spec, obj, old, true);
}

/**
 * Validates an update through the status subresource. prepareUpdate copied everything but
 * status from `old`, so — as kube-apiserver's status strategies do (ValidateObjectMetaUpdate
 * plus the status rules) — only `metadata` (with its update rules) and `status` (with
 * `old.status`) are walked, then the root object's hook. The kind's hook is not run: every
 * kind's hook checks spec (and create-time metadata) only, which a status update cannot
 * change (validate-status.test.ts holds the list of kinds reviewed for this).
 */
export function validateStatusUpdate(spec: KindSpec, obj: unknown, old: unknown): SchemaFieldError[] {
  return validateWalk(spec, obj, old, false, STATUS_UPDATE_FIELDS);
}

/** The top-level fields a status update can change or carries for concurrency. */
const STATUS_UPDATE_FIELDS: ReadonlySet<string> = new Set(['metadata', 'status']);

function validateWalk(spec: KindSpec, obj: unknown, old: unknown, visitAll: boolean, only?: ReadonlySet<string>, subresource?: string): SchemaFieldError[] {
  const walk: Walk = { errors: [], typeErrors: 0, update: old !== undefined, depth: 0, context: {}, visitAll };
  if (!isPlainObject(obj)) {
    typeError(walk, '', obj, 'must be a JSON object');
    return walk.errors;
  }
  const oldObj = isPlainObject(old) ? old : undefined;
  if (only) validateFieldsOnly(spec.schema, obj, oldObj, only, walk);
  else validateFields(spec.schema, obj, '', oldObj, walk);
  const meta = obj['metadata'];
  if (isPlainObject(meta)) walk.errors.push(...validateObjectMeta(spec, meta));
  if (!only && walk.typeErrors === 0 && spec.validate) runHook(walk, '', () => spec.validate!(obj, old, subresource));
  return walk.errors;
}

/** validateFields at the root for the `only` fields (in declared order), then the root's hook. */
function validateFieldsOnly(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, old: Record<string, unknown> | undefined, only: ReadonlySet<string>, walk: Walk): void {
  if (schema.validationContext) {
    try {
      walk.context = schema.validationContext(obj);
    } catch {
      // As in validateFields: ill-typed input is validated without the context.
    }
  }
  const before = walk.typeErrors;
  const plan = planOf(schema);
  for (let i = 0; i < plan.fields.length; i++) if (only.has(plan.fields[i]![0])) validateField(plan, i, obj, '', old, walk);
  if (walk.typeErrors === before && schema.validate) {
    const context = walk.context;
    runHook(walk, '', () => schema.validate!(obj, '', old, context));
  }
}

/** Validates a value of any schema type at `path` (for callers validating fragments). */
export function validateValue(type: TypeSpec, value: unknown, path: string): SchemaFieldError[] {
  const walk: Walk = { errors: [], typeErrors: 0, update: false, depth: 0, context: {} };
  checkValue(type, value, path, undefined, walk);
  return walk.errors;
}

function runHook(walk: Walk, path: string, hook: () => SchemaFieldError[] | undefined): void {
  try {
    const errs = hook();
    if (Array.isArray(errs)) walk.errors.push(...errs);
  } catch (err) {
    walk.errors.push(internal(path, `validation hook failed: ${err instanceof Error ? err.message : String(err)}`));
  }
}

const own = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

function validateFields(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, path: string, old: Record<string, unknown> | undefined, walk: Walk): void {
  if (!schema.validationContext) return validateFieldsIn(schema, obj, path, old, walk);
  const outer = walk.context;
  try {
    walk.context = { ...outer, ...schema.validationContext(obj) };
  } catch {
    // Ill-typed input the hook did not expect: its subtree is validated without it.
  }
  validateFieldsIn(schema, obj, path, old, walk); // never throws: hooks are wrapped
  walk.context = outer;
}

function validateFieldsIn(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, path: string, old: Record<string, unknown> | undefined, walk: Walk): void {
  const before = walk.typeErrors;
  const plan = planOf(schema);
  if (walk.visitAll || (walk.update && old && plan.hasImmutable)) {
    // An update of a type with immutable fields compares every field, present or not.
    for (let i = 0; i < plan.fields.length; i++) validateField(plan, i, obj, path, old, walk);
  } else {
    for (const i of fieldsToCheck(plan, obj)) validateField(plan, i, obj, path, old, walk);
  }
  if (walk.typeErrors === before && schema.validate) {
    const context = walk.context;
    runHook(walk, path, () => schema.validate!(obj, path, old, context));
  }
}

/**
 * The indexes of the fields that need a look, in declared order (the order errors are
 * reported in): those present, and required ones that are absent. Objects hold a few of
 * their type's many fields, so this beats visiting every declared field.
 */
function fieldsToCheck(plan: FieldPlan, obj: Record<string, unknown>): number[] {
  const out: number[] = [];
  for (const k of Object.keys(obj)) {
    const i = plan.index.get(k);
    if (i === undefined) continue;
    const v = obj[k];
    if (v !== undefined && v !== null) out.push(i);
  }
  for (const i of plan.required) {
    const name = plan.fields[i]![0];
    const v = Object.hasOwn(obj, name) ? obj[name] : undefined;
    if (v === undefined || v === null) out.push(i);
  }
  // Insertion sort: a handful of indexes, usually in order already (cheaper than Array#sort).
  for (let j = 1; j < out.length; j++) {
    const x = out[j]!;
    let k = j - 1;
    while (k >= 0 && out[k]! > x) {
      out[k + 1] = out[k]!;
      k--;
    }
    out[k + 1] = x;
  }
  return out;
}

function validateField(plan: FieldPlan, i: number, obj: Record<string, unknown>, path: string, old: Record<string, unknown> | undefined, walk: Walk): void {
  const [name, field] = plan.fields[i]!;
  const raw = obj[name];
  const value = raw !== undefined && Object.hasOwn(obj, name) ? raw : undefined;
  const oldValue = old ? own(old, name) : undefined;
  if (walk.update && old && field.immutable && !jsonEqual(value, oldValue)) {
    walk.errors.push(invalid(childPath(path, name), value ?? null, 'field is immutable'));
  }
  if (value === undefined || value === null) {
    if (field.required) walk.errors.push(required(childPath(path, name)));
    return;
  }
  checkField(field, value, childPath(path, name), oldValue, walk);
}

/** A type's fields indexed once: where each is declared, which are required, whether any is immutable. */
interface FieldPlan {
  fields: readonly [string, Field<unknown>][];
  index: ReadonlyMap<string, number>;
  required: readonly number[];
  hasImmutable: boolean;
}

const plans = new WeakMap<ObjectSchema<unknown>, FieldPlan>();

function planOf(schema: ObjectSchema<unknown>): FieldPlan {
  let plan = plans.get(schema);
  if (!plan) {
    const fields = fieldsOf(schema);
    plan = {
      fields,
      index: new Map(fields.map(([name], i) => [name, i])),
      required: fields.flatMap(([, f], i) => (f.required ? [i] : [])),
      hasImmutable: fields.some(([, f]) => f.immutable),
    };
    plans.set(schema, plan);
  }
  return plan;
}

function checkField(field: Field<unknown>, value: unknown, path: string, oldValue: unknown, walk: Walk): void {
  const before = walk.typeErrors;
  checkValue(field.type, value, path, oldValue, walk);
  if (walk.typeErrors !== before) return;
  if (typeof value === 'number') {
    if (field.minimum !== undefined && value < field.minimum)
      walk.errors.push(invalid(path, value, `must be greater than or equal to ${field.minimum}`));
    if (field.maximum !== undefined && value > field.maximum)
      walk.errors.push(invalid(path, value, `must be less than or equal to ${field.maximum}`));
  }
  if (typeof value === 'string' && field.maxLength !== undefined && value.length > field.maxLength) {
    walk.errors.push({ type: 'FieldValueTooLong', field: path, message: `may not be more than ${field.maxLength} bytes`, badValue: value });
  }
  if (field.validate) runHook(walk, path, () => field.validate!(value, path));
}

/** A type error; an object or array is described, not quoted (it may be huge). */
function typeError(walk: Walk, path: string, value: unknown, message: string): void {
  walk.typeErrors++;
  if (typeof value === 'object' && value !== null) {
    walk.errors.push({ type: 'FieldValueTypeInvalid', field: path, message: `${message}, got ${Array.isArray(value) ? 'an array' : 'an object'}` });
  } else walk.errors.push(typeInvalid(path, value, message));
}

function checkValue(type: TypeSpec, value: unknown, path: string, oldValue: unknown, walk: Walk): void {
  if (type.kind === 'scalar' || type.kind === 'raw') return checkValueAt(type, value, path, oldValue, walk);
  if (walk.depth >= MAX_NESTING) {
    // Counted as a type error: hooks above must not walk it either.
    walk.typeErrors++;
    walk.errors.push({ type: 'FieldValueInvalid', field: path, message: `nested more than ${MAX_NESTING} levels deep` });
    return;
  }
  walk.depth++;
  checkValueAt(type, value, path, oldValue, walk);
  walk.depth--;
}

function checkValueAt(type: TypeSpec, value: unknown, path: string, oldValue: unknown, walk: Walk): void {
  switch (type.kind) {
    case 'raw':
      return;
    case 'scalar':
      return checkScalar(type, value, path, walk);
    case 'object': {
      if (!isPlainObject(value)) return typeError(walk, path, value, 'must be an object');
      return validateFields(type.ref(), value, path, isPlainObject(oldValue) ? oldValue : undefined, walk);
    }
    case 'map': {
      if (!isPlainObject(value)) return typeError(walk, path, value, 'must be an object');
      const oldMap = isPlainObject(oldValue) ? oldValue : undefined;
      for (const [k, v] of Object.entries(value)) {
        const p = keyPath(path, k);
        if (v === null) {
          typeError(walk, p, v, 'must not be null');
          continue;
        }
        checkValue(type.values, v, p, oldMap ? own(oldMap, k) : undefined, walk);
      }
      return;
    }
    case 'list':
      return checkList(type, value, path, oldValue, walk);
  }
}

function checkList(type: Extract<TypeSpec, { kind: 'list' }>, value: unknown, path: string, oldValue: unknown, walk: Walk): void {
  if (!Array.isArray(value)) return typeError(walk, path, value, 'must be an array');
  const oldList = Array.isArray(oldValue) ? oldValue : [];
  const keys = type.listType === 'map' ? (type.listMapKeys ?? []) : [];
  // Items missing a key are not compared (their Required error says enough).
  const keyOf = (item: unknown): string | undefined => {
    if (!isPlainObject(item) || keys.length === 0) return undefined;
    const values = keys.map((k) => own(item, k));
    return values.some((v) => v === undefined || v === null) ? undefined : JSON.stringify(values);
  };
  const oldByKey = new Map<string, unknown>();
  for (const o of oldList) {
    const k = keyOf(o);
    if (k !== undefined) oldByKey.set(k, o);
  }
  const seen = new Set<string>();
  value.forEach((item, i) => {
    const p = indexPath(path, i);
    if (item === null) return typeError(walk, p, item, 'must not be null');
    const before = walk.typeErrors;
    const k = keyOf(item);
    const oldItem = keys.length > 0 ? (k === undefined ? undefined : oldByKey.get(k)) : oldList[i];
    checkValue(type.items, item, p, oldItem, walk);
    if (walk.typeErrors !== before) return;
    if (type.listType === 'map' && k !== undefined) {
      if (seen.has(k)) {
        const obj = item as Record<string, unknown>;
        if (keys.length === 1) walk.errors.push(duplicate(childPath(p, keys[0]!), own(obj, keys[0]!)));
        else walk.errors.push(duplicate(p, Object.fromEntries(keys.map((key) => [key, own(obj, key)]))));
      }
      seen.add(k);
    } else if (type.listType === 'set') {
      const s = stableKey(item);
      if (s !== undefined && seen.has(s)) walk.errors.push(duplicate(p, item));
      if (s !== undefined) seen.add(s);
    }
  });
}

/** A set element's identity; undefined when it cannot be serialised (absurdly deep). */
function stableKey(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

// Parsing the same quantities and timestamps on every write is costly; the answers are pure.
const quantityTextProblems = memoize(quantityProblems);
const dateTimeProblems = memoize(dateTime);

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function checkScalar(type: Extract<TypeSpec, { kind: 'scalar' }>, value: unknown, path: string, walk: Walk): void {
  switch (type.scalar) {
    case 'string': {
      if (typeof value !== 'string') return typeError(walk, path, value, 'must be of type string');
      if (type.enum && !type.enum.includes(value)) walk.errors.push(notSupported(path, value, type.enum));
      if (type.format) for (const msg of checkFormat(type.format, value)) walk.errors.push(invalid(path, value, msg));
      return;
    }
    case 'int32':
      if (!isInt(value)) return typeError(walk, path, value, 'must be of type integer');
      if (value < INT32_MIN || value > INT32_MAX)
        return typeError(walk, path, value, `must be a 32-bit integer (between ${INT32_MIN} and ${INT32_MAX})`);
      return;
    case 'int64':
      if (!isInt(value)) return typeError(walk, path, value, 'must be of type integer');
      return;
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) return typeError(walk, path, value, 'must be of type number');
      return;
    case 'bool':
      if (typeof value !== 'boolean') return typeError(walk, path, value, 'must be of type boolean');
      return;
    case 'bytes':
      if (typeof value !== 'string') return typeError(walk, path, value, 'must be of type string');
      for (const msg of base64(value)) typeError(walk, path, value, msg);
      return;
    case 'quantity':
      if (typeof value !== 'string' && typeof value !== 'number') return typeError(walk, path, value, 'must be a quantity (string or number)');
      for (const msg of typeof value === 'string' ? quantityTextProblems(value) : quantityProblems(value)) typeError(walk, path, value, msg);
      return;
    case 'intOrString':
      if (typeof value === 'string') return;
      if (!isInt(value) || value < INT32_MIN || value > INT32_MAX) return typeError(walk, path, value, 'must be an integer or a string');
      return;
    case 'time':
    case 'microTime':
      if (typeof value !== 'string') return typeError(walk, path, value, 'must be an RFC 3339 date-time string');
      for (const msg of dateTimeProblems(value)) typeError(walk, path, value, msg);
      return;
  }
}
