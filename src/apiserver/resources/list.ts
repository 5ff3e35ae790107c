import { apiVersionOf } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { CompactedError } from '../../storage/errors.js';
import { CachedObject, cachedFromKv } from '../watch-cache/cached-object.js';
import type { ResourceContext, VerbArgs } from './context.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { ApiError, badRequest, expired, timeoutError, toApiError } from './errors.js';
import { listPrefix, resourcePrefix } from './keys.js';
import { responseShape } from './media-type.js';
import { sendJson } from './respond.js';
import { compileFilter, type ObjectFilter } from './selectors.js';
import { parseIncludeObject, renderTable } from './table.js';
import { bridgeOf } from './versions.js';

/** One page of a list, whichever source served it. */
export interface ListPage {
  items: CachedObject[];
  revision: number;
  continueToken?: string;
  remaining?: number;
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Parses `limit`; 0 means no limit. */
function parseLimit(v: string | null): number {
  if (v === null || v === '') return 0;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badRequest(`limit: Invalid value: "${v}": must be an integer`);
  return n > 0 ? Math.floor(n) : 0;
}

function parseRevision(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw badRequest(`invalid resource version "${v}"`);
  return n;
}

/**
 * Reads a list page with Kubernetes' resourceVersion semantics:
 *  - unset: consistent (latest) — from the cache once it caught up with the store;
 *  - '0': any — straight from the cache;
 *  - N (NotOlderThan, the default): from the cache once it reached N (504 if it does not);
 *  - N with resourceVersionMatch=Exact, or a continue token: from the store at that revision.
 */
export async function readList(ctx: ResourceContext, spec: KindSpec, namespace: string | undefined, query: URLSearchParams, filter: ObjectFilter): Promise<ListPage> {
  const limit = parseLimit(query.get('limit'));
  const rv = query.get('resourceVersion') ?? '';
  const match = query.get('resourceVersionMatch') ?? '';
  const cont = query.get('continue') ?? '';
  const prefix = listPrefix(spec, namespace);

  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match && !rv) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (cont) {
    if (rv && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    const state = decodeContinue(cont);
    if (!state || !state.start.startsWith(prefix)) throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    return readFromStore(ctx, prefix, state.rev, state.start, limit, filter, true);
  }
  if (match === 'Exact') {
    const n = parseRevision(rv);
    if (n === 0) throw badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
    return readFromStore(ctx, prefix, n, undefined, limit, filter, false);
  }
  await ctx.cache.start();
  if (rv === '') {
    if (!(await ctx.cache.syncWithStore(ctx.consistentReadTimeoutMs))) {
      return readFromStore(ctx, prefix, 0, undefined, limit, filter, false);
    }
  } else if (rv !== '0') {
    const n = parseRevision(rv);
    if (!(await ctx.cache.waitForRevision(n, ctx.consistentReadTimeoutMs))) {
      throw timeoutError(`Too large resource version: ${n}, current: ${ctx.cache.currentRevision()}`);
    }
  }
  return readFromCache(ctx, spec, prefix, limit, filter);
}

function readFromCache(ctx: ResourceContext, spec: KindSpec, prefix: string, limit: number, filter: ObjectFilter): ListPage {
  const revision = ctx.cache.currentRevision();
  const all = ctx.cache.resource(resourcePrefix(spec)).list(prefix);
  const items: CachedObject[] = [];
  let i = 0;
  for (; i < all.length; i++) {
    const o = all[i] as CachedObject;
    if (!filter.everything && !filter.matches(o.obj)) continue;
    if (limit > 0 && items.length === limit) break;
    items.push(o);
  }
  if (limit > 0 && i < all.length) {
    const last = items[items.length - 1] as CachedObject;
    let remaining: number | undefined;
    if (filter.everything) remaining = all.length - i;
    return { items, revision, continueToken: encodeContinue({ rev: revision, start: last.key }), ...(remaining !== undefined ? { remaining } : {}) };
  }
  return { items, revision };
}

async function readFromStore(
  ctx: ResourceContext,
  prefix: string,
  revision: number,
  after: string | undefined,
  limit: number,
  filter: ObjectFilter,
  fromContinue: boolean,
): Promise<ListPage> {
  const items: CachedObject[] = [];
  let rev = revision;
  let cursor = after;
  try {
    for (;;) {
      const pageSize = limit > 0 ? Math.max(limit, 100) : 0;
      const page = await ctx.store.list(prefix, {
        ...(pageSize ? { limit: pageSize } : {}),
        ...(cursor !== undefined ? { continueFrom: cursor } : {}),
        ...(rev ? { revision: rev } : {}),
      });
      rev = page.revision;
      for (let i = 0; i < page.items.length; i++) {
        const kv = page.items[i]!;
        let o: CachedObject;
        try {
          o = cachedFromKv(kv);
        } catch {
          continue; // undecodable bytes are skipped, as the cacher does
        }
        if (!filter.everything && !filter.matches(o.obj)) continue;
        items.push(o);
        if (limit > 0 && items.length === limit) {
          const more = i + 1 < page.items.length || page.more;
          if (!more) return { items, revision: rev };
          let remaining: number | undefined;
          if (filter.everything && page.remaining !== undefined) remaining = page.remaining + (page.items.length - i - 1);
          return { items, revision: rev, continueToken: encodeContinue({ rev, start: kv.key }), ...(remaining !== undefined ? { remaining } : {}) };
        }
      }
      const last = page.items[page.items.length - 1];
      if (!page.more || !last) return { items, revision: rev };
      cursor = last.key;
    }
  } catch (err) {
    if (err instanceof CompactedError) {
      throw fromContinue ? expired(CONTINUE_EXPIRED) : expired(`The resourceVersion for the provided list is too old.`);
    }
    if (err instanceof ApiError) throw err;
    throw toApiError(err);
  }
}

const COMMA = Buffer.from(',');
const TAIL = Buffer.from(']}');

/**
 * Serializes a list page as `<Kind>List` JSON: the items' cached bytes are concatenated
 * (one copy), never re-serialized.
 */
export function listJson(spec: KindSpec, page: ListPage): Buffer {
  const meta: Record<string, unknown> = { resourceVersion: String(page.revision) };
  if (page.continueToken) meta.continue = page.continueToken;
  if (page.remaining !== undefined) meta.remainingItemCount = page.remaining;
  const head = `{"kind":${JSON.stringify(`${spec.kind}List`)},"apiVersion":${JSON.stringify(apiVersionOf(spec))},"metadata":${JSON.stringify(meta)},"items":[`;
  const parts: Buffer[] = [Buffer.from(head)];
  page.items.forEach((o, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(o.bytes());
  });
  parts.push(TAIL);
  return Buffer.concat(parts);
}

/** LIST: a `<Kind>List`, a Table, or a PartialObjectMetadataList, per Accept. */
export async function handleList(a: VerbArgs): Promise<void> {
  const { info, spec, ctx } = a;
  const filter = compileFilter(spec, info);
  const stored = await readList(ctx, spec, info.namespace, info.query, filter);
  // Filters ran on the stored form; the client gets its own version.
  const bridge = bridgeOf(a);
  const page = { ...stored, items: stored.items.map(bridge.cached) };
  const shape = responseShape(a.req.headers.accept);
  const listMeta: Record<string, unknown> = { resourceVersion: String(page.revision) };
  if (page.continueToken) listMeta.continue = page.continueToken;
  if (page.remaining !== undefined) listMeta.remainingItemCount = page.remaining;
  if (shape.as === 'Table') {
    const table = renderTable(spec, page.items.map((o) => o.obj), {
      includeObject: parseIncludeObject(info.query.get('includeObject')),
      version: shape.version,
      now: ctx.now(),
      listMeta,
    });
    sendJson(a.res, 200, table, { contentType: `application/json;as=Table;v=${shape.version};g=meta.k8s.io` });
    return;
  }
  if (shape.as === 'PartialObjectMetadata') {
    const list = {
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${shape.version}`,
      metadata: listMeta,
      items: page.items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${shape.version}`, metadata: o.obj.metadata ?? {} })),
    };
    sendJson(a.res, 200, list, { contentType: `application/json;as=PartialObjectMetadataList;v=${shape.version};g=meta.k8s.io` });
    return;
  }
  sendJson(a.res, 200, listJson(spec, page));
}
