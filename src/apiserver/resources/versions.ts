/**
 * Kinds served in several versions: storage, the watch cache and admission see one form
 * (the storage version, e.g. autoscaling/v2 HorizontalPodAutoscaler); a request in another
 * version (autoscaling/v1) has its body converted on the way in and every object it gets
 * back converted on the way out, through the served KindSpec's `conversion`. For every
 * other kind the bridge is the identity and costs nothing.
 */
import { apiVersionOf, type Registry } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import type { CachedObject, KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { recordManager } from './managed-fields.js';
import { metaOf } from './object-meta.js';

export interface VersionBridge {
  /** The kind as the request's URL names it. */
  readonly served: KindSpec;
  /** The kind objects are stored as (admission, defaults and validation use it). */
  readonly storage: KindSpec;
  /** False when served and storage are one version: every method is then the identity. */
  readonly converts: boolean;
  /** A body in the served version, in the storage version (a new object; the argument is not changed). */
  toStorage(obj: KubeObject): KubeObject;
  /**
   * A stored object in the storage version: the same object, unless it was written before
   * its kind's storage version changed (then converted from the version it names).
   */
  stored(obj: KubeObject): KubeObject;
  /** A stored object in the served version (the same object when nothing converts). */
  toServed(obj: KubeObject): KubeObject;
  /** A cached object in the served version, converted once per object and version. */
  cached(o: CachedObject): CachedObject;
}

const identities = new WeakMap<KindSpec, VersionBridge>();

function identity(spec: KindSpec): VersionBridge {
  let b = identities.get(spec);
  if (!b) {
    b = { served: spec, storage: spec, converts: false, toStorage: (o) => o, stored: (o) => o, toServed: (o) => o, cached: (o) => o };
    identities.set(spec, b);
  }
  return b;
}

/** The bridge between `served` (a kind from the registry) and the version its objects are stored in. */
export function versionBridge(registry: Registry, served: KindSpec): VersionBridge {
  const storage = served.conversion?.storage ?? served;
  const storageVersion = apiVersionOf(storage);
  // Objects written before their kind moved to this storage version are stored in another
  // served version: brought to the storage form first.
  const normalize = (obj: KubeObject): KubeObject => {
    if (obj.apiVersion === undefined || obj.apiVersion === storageVersion) return obj;
    const from = registry.byApiVersionKind(String(obj.apiVersion), storage.kind);
    return from?.conversion?.storage === storage ? (from.conversion.toStorage(obj) as KubeObject) : obj;
  };
  if (storage === served) {
    const same = identity(served);
    if (!registry.isConversionTarget(served)) return same;
    // Requests need no conversion; only an object stored in another version might.
    return { ...same, stored: normalize, toServed: normalize, cached: (o) => (o.obj.apiVersion === undefined || o.obj.apiVersion === storageVersion ? o : o.as(storageVersion, normalize)) };
  }
  const conversion = served.conversion!;
  const version = apiVersionOf(served);
  const toServed = (obj: KubeObject): KubeObject => conversion.fromStorage(normalize(obj)) as KubeObject;
  return {
    served,
    storage,
    converts: true,
    toStorage: (obj) => conversion.toStorage(obj) as KubeObject,
    stored: normalize,
    toServed,
    cached: (o) => o.as(version, toServed),
  };
}

/** The request's bridge (set by the handler; worked out here for requests built elsewhere). */
export function bridgeOf(a: VerbArgs): VersionBridge {
  return (a.bridge ??= versionBridge(a.ctx.registry, a.spec));
}

/**
 * recordManager, with the field sets worked out on the served version's view of the
 * objects (as upstream's field manager records them in the request's version); the
 * entries land in `obj`'s metadata.
 */
export function recordManagerAs(bridge: VersionBridge, obj: KubeObject, old: KubeObject | undefined, opts: Parameters<typeof recordManager>[2]): void {
  if (!bridge.converts) {
    recordManager(obj, old, opts);
    return;
  }
  const view = { ...bridge.toServed(obj) };
  view.metadata = { ...(view.metadata ?? {}) };
  recordManager(view, old === undefined ? undefined : bridge.toServed(old), opts);
  const entries = view.metadata.managedFields;
  if (entries === undefined) delete metaOf(obj).managedFields;
  else metaOf(obj).managedFields = entries;
}
