import type { KindSpec } from '../../api/schema/dsl.js';
import type { KeyValue } from '../../storage/store.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../../storage/errors.js';
import { decodeStored, type KubeObject } from '../watch-cache/cached-object.js';
import { noteCreated } from '../watch-cache/own-writes.js';
import type { ResourceContext } from './context.js';
import { notFound, toApiError } from './errors.js';
import { objectKey } from './keys.js';
import { metadataEnd } from './json-scan.js';

/**
 * Objects in storage: JSON bytes under `objectKey`, with `metadata.resourceVersion`
 * stripped before writing (it is the key's modRevision, stamped back on every read).
 */

const encoder = new TextEncoder();

/** The bytes stored for an object. */
export function encodeForStore(obj: KubeObject): Uint8Array {
  return encodeStored(obj).bytes;
}

/**
 * An object's stored bytes, and the byte offset of its metadata's closing brace when a
 * resourceVersion can be spliced in there to give the bytes of `withRevision(obj, rev)`
 * (metadata a plain object without a resourceVersion key); -1 when it cannot.
 */
export interface EncodedObject {
  bytes: Uint8Array;
  metaEnd: number;
}

/** Serializes `obj` for the store (resourceVersion stripped), noting where its metadata ends. */
export function encodeStored(obj: KubeObject): EncodedObject {
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (meta && 'resourceVersion' in meta) {
    const { resourceVersion: _rv, ...rest } = meta;
    void _rv;
    // withRevision keeps the key where it was, not at the end: nothing to splice.
    return { bytes: encoder.encode(JSON.stringify({ ...obj, metadata: rest })), metaEnd: -1 };
  }
  const text = JSON.stringify(obj);
  const end = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? metadataEnd(text) : -1;
  return { bytes: encoder.encode(text), metaEnd: end < 0 ? -1 : Buffer.byteLength(text.slice(0, end)) };
}

/**
 * The JSON bytes of `withRevision(obj, rev)`, from `encodeStored(obj)`'s result without
 * serializing again; undefined when the resourceVersion cannot be spliced in.
 */
export function jsonWithRevision(enc: EncodedObject, rev: number): Buffer | undefined {
  if (enc.metaEnd < 0) return undefined;
  const empty = enc.bytes[enc.metaEnd - 1] === 0x7b; // '{' right before '}': metadata was {}
  const rv = Buffer.from(`${empty ? '' : ','}"resourceVersion":${JSON.stringify(String(rev))}`);
  return Buffer.concat([enc.bytes.subarray(0, enc.metaEnd), rv, enc.bytes.subarray(enc.metaEnd)]);
}

export interface StoredObject {
  obj: KubeObject;
  kv: KeyValue;
}

/** Reads one object straight from the store (a consistent read); undefined if absent. */
export async function readObject(ctx: ResourceContext, spec: KindSpec, namespace: string | undefined, name: string): Promise<StoredObject | undefined> {
  const kv = await ctx.store.get(objectKey(spec, namespace, name));
  if (!kv) return undefined;
  return { obj: decodeStored(kv), kv };
}

/** Like readObject, but 404 when absent. */
export async function mustReadObject(ctx: ResourceContext, spec: KindSpec, namespace: string | undefined, name: string): Promise<StoredObject> {
  const got = await readObject(ctx, spec, namespace, name);
  if (!got) throw notFound(spec, name);
  return got;
}

/**
 * Creates the object; returns it with its resourceVersion, and its JSON bytes when they
 * could be had from the stored bytes (the caller must not change `obj` after this, or the
 * bytes would no longer be its JSON). 409 AlreadyExists if present.
 */
export async function createStored(ctx: ResourceContext, spec: KindSpec, obj: KubeObject): Promise<{ obj: KubeObject; json: Buffer | undefined }> {
  const name = String(obj.metadata?.name ?? '');
  try {
    const enc = encodeStored(obj);
    noteCreated(enc.bytes, obj);
    const kv = await ctx.store.create(objectKey(spec, obj.metadata?.namespace, name), enc.bytes);
    return { obj: withRevision(obj, kv.modRevision), json: jsonWithRevision(enc, kv.modRevision) };
  } catch (err) {
    throw toApiError(err, spec, name);
  }
}

/** Compare-and-swap write of `obj` over revision `expected`; 409 Conflict if stale. */
export async function updateStored(ctx: ResourceContext, spec: KindSpec, obj: KubeObject, expected: number): Promise<KubeObject> {
  const name = String(obj.metadata?.name ?? '');
  try {
    const kv = await ctx.store.update(objectKey(spec, obj.metadata?.namespace, name), encodeForStore(obj), expected);
    return withRevision(obj, kv.modRevision);
  } catch (err) {
    throw toApiError(err, spec, name);
  }
}

/** Deletes the object if still at revision `expected`; returns the deleted state. */
export async function deleteStored(ctx: ResourceContext, spec: KindSpec, namespace: string | undefined, name: string, expected?: number): Promise<KubeObject> {
  try {
    const kv = await ctx.store.delete(objectKey(spec, namespace, name), expected);
    return decodeStored(kv);
  } catch (err) {
    throw toApiError(err, spec, name);
  }
}

/** A shallow copy of obj whose metadata.resourceVersion is `rev`. */
export function withRevision(obj: KubeObject, rev: number): KubeObject {
  return { ...obj, metadata: { ...(obj.metadata ?? {}), resourceVersion: String(rev) } };
}

/** What `guaranteedUpdate`'s callback decides. */
export type UpdateDecision =
  | { action: 'write'; obj: KubeObject }
  | { action: 'delete' }
  | { action: 'none'; result?: KubeObject };

export interface UpdateResult {
  /** The stored object after the write (or the unchanged current one). */
  obj: KubeObject;
  /** True when the object was created (only with `createIfMissing`). */
  created: boolean;
  deleted: boolean;
}

/**
 * Read-modify-write with retries on compare-and-swap conflicts (as the apiserver's
 * GuaranteedUpdate). `mutate` gets a private copy of the current object (undefined if it
 * does not exist and `createIfMissing`), and may throw ApiError to abort. It must be
 * safe to call more than once.
 */
export async function guaranteedUpdate(
  ctx: ResourceContext,
  spec: KindSpec,
  namespace: string | undefined,
  name: string,
  mutate: (current: KubeObject | undefined, rev: number) => Promise<UpdateDecision> | UpdateDecision,
  opts: { createIfMissing?: boolean; dryRun?: boolean; maxAttempts?: number } = {},
): Promise<UpdateResult> {
  const key = objectKey(spec, namespace, name);
  const attempts = opts.maxAttempts ?? 20;
  for (let i = 0; ; i++) {
    const kv = await ctx.store.get(key);
    if (!kv && !opts.createIfMissing) throw notFound(spec, name);
    const current = kv ? decodeStored(kv) : undefined;
    const decision = await mutate(current, kv?.modRevision ?? 0);
    try {
      // A value the store read with an old encryption key is written again even when unchanged (upstream's stale check).
      if (decision.action === 'none' && !(kv?.stale && !opts.dryRun)) {
        return { obj: decision.result ?? (current as KubeObject), created: false, deleted: false };
      }
      if (decision.action === 'delete') {
        if (!kv) throw notFound(spec, name);
        if (opts.dryRun) return { obj: current as KubeObject, created: false, deleted: true };
        const gone = await ctx.store.delete(key, kv.modRevision);
        void gone;
        return { obj: current as KubeObject, created: false, deleted: true };
      }
      const next = decision.action === 'none' ? (current as KubeObject) : decision.obj;
      if (opts.dryRun) {
        // What would be stored, at the live revision as upstream answers (kubectl diff
        // compares it with the live object); an object that would be created has none yet.
        return { obj: kv ? withRevision(next, kv.modRevision) : next, created: !kv, deleted: false };
      }
      if (!kv) {
        const created = await ctx.store.create(key, encodeForStore(next));
        return { obj: withRevision(next, created.modRevision), created: true, deleted: false };
      }
      const updated = await ctx.store.update(key, encodeForStore(next), kv.modRevision);
      return { obj: withRevision(next, updated.modRevision), created: false, deleted: false };
    } catch (err) {
      // Lost a compare-and-swap race (or a create race when creating): read again and retry.
      const retriable = err instanceof ConflictError || (err instanceof NotFoundError && opts.createIfMissing === true) || isAlreadyExists(err);
      if (retriable && i + 1 < attempts) continue;
      throw toApiError(err, spec, name);
    }
  }
}

function isAlreadyExists(err: unknown): boolean {
  return err instanceof AlreadyExistsError;
}
