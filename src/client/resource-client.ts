import type { ListMeta } from '../api/meta/v1/object-meta.js';
import type { RestClient } from './rest-client.js';
import { openWatch, type WatchEndHandler, type WatchEvent, type WatchHandle } from './watch.js';

/** A resource's URL coordinates (what a KindSpec provides, or a CRD not in the registry). */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  kind?: string;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

export interface NamespaceOption {
  /** Required for namespaced resources on single-object verbs; omitted = all namespaces on list/watch. */
  namespace?: string;
}

export interface ListOptions extends NamespaceOption {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** '0' = any cached version is fine; '' or undefined = most recent (quorum read). */
  resourceVersion?: string;
}

export interface WatchOptions extends NamespaceOption {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions extends NamespaceOption {
  fieldManager?: string;
  dryRun?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions extends NamespaceOption {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteCollectionOptions extends DeleteOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  // JSON is YAML, so an apply configuration can be sent as JSON under the YAML type.
  apply: 'application/apply-patch+yaml',
};

interface HasMeta {
  metadata?: { name?: string; namespace?: string };
}

/** Verbs on a subresource (`binding`, `eviction`, `scale`, `status`, …) of one resource. */
export interface SubresourceClient {
  get<R = unknown>(name: string, options?: NamespaceOption): Promise<R>;
  create<R = unknown>(name: string, body: unknown, options?: WriteOptions): Promise<R>;
  update<R = unknown>(name: string, body: unknown, options?: WriteOptions): Promise<R>;
  patch<R = unknown>(name: string, patch: unknown, type: PatchType, options?: PatchOptions): Promise<R>;
}

/**
 * Typed verbs for one resource. Every call is one HTTP request; errors are ApiError with
 * the server's Status. Objects are plain JSON as the server sent them.
 */
export class ResourceClient<T> {
  readonly ref: ResourceRef;
  private readonly rest: RestClient;

  constructor(config: { rest: RestClient; ref: ResourceRef }) {
    this.rest = config.rest;
    this.ref = config.ref;
  }

  get(name: string, options: NamespaceOption = {}): Promise<T> {
    return this.rest.request<T>({ method: 'GET', path: this.path(options.namespace, name, undefined, true) });
  }

  list(options: ListOptions = {}): Promise<ObjectList<T>> {
    const q = query({
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      limit: options.limit,
      continue: options.continue,
      resourceVersion: options.resourceVersion,
    });
    return this.rest.request<ObjectList<T>>({ method: 'GET', path: this.path(options.namespace), query: q });
  }

  /** Streams changes after options.resourceVersion; see openWatch for onEnd's contract. */
  watch(options: WatchOptions, onEvent: (event: WatchEvent<T>) => void, onEnd: WatchEndHandler): WatchHandle {
    const q = query({
      resourceVersion: options.resourceVersion,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: options.timeoutSeconds,
    });
    return openWatch<T>(this.rest, this.path(options.namespace), q, onEvent, onEnd);
  }

  /** POST; the namespace defaults to obj.metadata.namespace. */
  create(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.rest.request<T>({ method: 'POST', path: this.path(nsOf(obj, options), undefined, undefined, true), query: writeQuery(options), body: obj });
  }

  /** PUT of the whole object; obj.metadata.resourceVersion makes it compare-and-swap (409 when stale). */
  update(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.rest.request<T>({ method: 'PUT', path: this.path(nsOf(obj, options), nameOf(obj), undefined, true), query: writeQuery(options), body: obj });
  }

  /** PUT to the status subresource (spec changes in obj are ignored by the server). */
  updateStatus(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.rest.request<T>({ method: 'PUT', path: this.path(nsOf(obj, options), nameOf(obj), 'status', true), query: writeQuery(options), body: obj });
  }

  /** PATCH; 'apply' (server-side apply) requires options.fieldManager. */
  patch(name: string, patch: unknown, type: PatchType, options: PatchOptions = {}): Promise<T> {
    return this.doPatch<T>(name, undefined, patch, type, options);
  }

  /** DELETE; resolves to the object (still terminating, or as deleted) or a Status, as the server answers. */
  delete(name: string, options: DeleteOptions = {}): Promise<T | { kind: 'Status' }> {
    return this.rest.request({ method: 'DELETE', path: this.path(options.namespace, name, undefined, true), ...deleteBody(options) });
  }

  /** DELETE on the collection, filtered by selectors; resolves to the deleted objects' list (or a Status). */
  deleteCollection(options: DeleteCollectionOptions = {}): Promise<ObjectList<T> | { kind: 'Status' }> {
    const q = query({ labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
    return this.rest.request({ method: 'DELETE', path: this.path(options.namespace), query: q, ...deleteBody(options) });
  }

  /** Verbs on a subresource, e.g. pods.subresource('binding').create(name, binding, { namespace }). */
  subresource(sub: string): SubresourceClient {
    return {
      get: <R>(name: string, options: NamespaceOption = {}) => this.rest.request<R>({ method: 'GET', path: this.path(options.namespace, name, sub, true) }),
      create: <R>(name: string, body: unknown, options: WriteOptions = {}) =>
        this.rest.request<R>({ method: 'POST', path: this.path(options.namespace ?? nsFromBody(body), name, sub, true), query: writeQuery(options), body }),
      update: <R>(name: string, body: unknown, options: WriteOptions = {}) =>
        this.rest.request<R>({ method: 'PUT', path: this.path(options.namespace ?? nsFromBody(body), name, sub, true), query: writeQuery(options), body }),
      patch: <R>(name: string, patch: unknown, type: PatchType, options: PatchOptions = {}) => this.doPatch<R>(name, sub, patch, type, options),
    };
  }

  /** The URL path: /api/v1[/namespaces/ns]/plural[/name[/sub]]. */
  path(namespace: string | undefined, name?: string, sub?: string, needsNamespace = false): string {
    const { group, version, plural, namespaced } = this.ref;
    let p = group ? `/apis/${group}/${version}` : `/api/${version}`;
    if (namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    else if (namespaced && needsNamespace) throw new Error(`${plural}${name ? ` "${name}"` : ''}: a namespace is required`);
    p += `/${plural}`;
    if (name !== undefined) {
      if (name === '') throw new Error(`${plural}: a name is required`);
      p += `/${encodeURIComponent(name)}`;
    }
    if (sub) p += `/${sub}`;
    return p;
  }

  private doPatch<R>(name: string, sub: string | undefined, patch: unknown, type: PatchType, options: PatchOptions): Promise<R> {
    if (type === 'apply' && !options.fieldManager) throw new Error('server-side apply requires a fieldManager');
    const q = writeQuery(options);
    if (options.force) q.set('force', 'true');
    return this.rest.request<R>({ method: 'PATCH', path: this.path(options.namespace ?? nsFromBody(patch), name, sub, true), query: q, body: patch, contentType: PATCH_CONTENT_TYPES[type] });
  }
}

function query(params: Record<string, string | number | undefined>): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q;
}

function writeQuery(options: WriteOptions): URLSearchParams {
  return query({ fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined });
}

function deleteBody(options: DeleteOptions): { body?: unknown } {
  const body: Record<string, unknown> = {};
  if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.preconditions) body.preconditions = options.preconditions;
  if (options.dryRun) body.dryRun = ['All'];
  return Object.keys(body).length ? { body: { kind: 'DeleteOptions', apiVersion: 'v1', ...body } } : {};
}

function nsOf(obj: unknown, options: NamespaceOption): string | undefined {
  return options.namespace ?? nsFromBody(obj);
}

function nsFromBody(body: unknown): string | undefined {
  return (body as HasMeta | undefined)?.metadata?.namespace || undefined;
}

function nameOf(obj: unknown): string {
  return (obj as HasMeta | undefined)?.metadata?.name ?? '';
}
