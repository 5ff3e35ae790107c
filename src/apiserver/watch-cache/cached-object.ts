import type { KeyValue } from '../../storage/store.js';
import { takeCreated } from './own-writes.js';

/** A stored Kubernetes object as JSON (the resource layer never assumes more than this). */
export type KubeObject = Record<string, any> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, any>;
};

/**
 * One object as the watch cache holds it: parsed once, with `metadata.resourceVersion`
 * set to the store's modRevision. The object is shared by every reader and must be
 * treated as immutable (clone before changing it). Its JSON text is built once, lazily.
 */
export class CachedObject {
  readonly key: string;
  readonly rev: number;
  readonly obj: KubeObject;
  private text: string | undefined;
  private buf: Buffer | undefined;
  /** This object as other API versions serve it (kinds served in several versions). */
  private versions: Map<string, CachedObject> | undefined;

  constructor(key: string, rev: number, obj: KubeObject) {
    this.key = key;
    this.rev = rev;
    this.obj = obj;
  }

  /**
   * The object in another API version: `convert` runs the first time that version is
   * asked for; the result (and, lazily, its bytes) is kept with this object, so every list
   * and watch in that version shares one conversion and one serialization.
   */
  as(apiVersion: string, convert: (obj: KubeObject) => KubeObject): CachedObject {
    this.versions ??= new Map();
    let o = this.versions.get(apiVersion);
    if (o === undefined) {
      o = new CachedObject(this.key, this.rev, convert(this.obj));
      this.versions.set(apiVersion, o);
    }
    return o;
  }

  /** The object's JSON text (computed on first use, then reused). */
  json(): string {
    if (this.text === undefined) this.text = this.buf ? this.buf.toString('utf8') : JSON.stringify(this.obj);
    return this.text;
  }

  /** The object's JSON as UTF-8 bytes (computed on first use, then reused; lists concatenate these). */
  bytes(): Buffer {
    if (this.buf === undefined) {
      this.buf = Buffer.from(this.json());
      this.text = undefined; // keep one copy
    }
    return this.buf;
  }
}

const decoder = new TextDecoder();

/**
 * Decodes a stored value (JSON bytes) and stamps `metadata.resourceVersion` with the
 * key's modRevision, as Kubernetes does on every read. Throws on bytes that are not a
 * JSON object (the caller decides whether that is fatal).
 */
export function decodeStored(kv: KeyValue): KubeObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as unknown;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new Error(`stored value at ${kv.key} is not a JSON object`);
  }
  const o = obj as KubeObject;
  if (o.metadata === null || typeof o.metadata !== 'object') o.metadata = {};
  (o.metadata as Record<string, unknown>).resourceVersion = String(kv.modRevision);
  return o;
}

/** Builds a CachedObject from a store KeyValue. */
export function cachedFromKv(kv: KeyValue): CachedObject {
  return new CachedObject(kv.key, kv.modRevision, decodeStored(kv));
}

/**
 * Like cachedFromKv, for a watch event: an object this server just created is taken as
 * is (with its resourceVersion stamped on copies of its top level and metadata) rather
 * than parsed back from the bytes it was serialized to.
 */
export function cachedFromEvent(kv: KeyValue): CachedObject {
  const own = takeCreated(kv.value);
  if (own === undefined) return cachedFromKv(kv);
  const obj = { ...own, metadata: { ...(own.metadata ?? {}), resourceVersion: String(kv.modRevision) } };
  return new CachedObject(kv.key, kv.modRevision, obj);
}
