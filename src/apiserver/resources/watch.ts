import { apiVersionOf } from '../../api/registry.js';
import { CompactedError } from '../../storage/errors.js';
import type { WatchEvent as StoreEvent } from '../../storage/store.js';
import { CacheEvent } from '../watch-cache/cache-event.js';
import { decodeStored, type KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { badRequest, expired, timeoutError, toApiError } from './errors.js';
import { listPrefix, resourcePrefix } from './keys.js';
import { responseShape } from './media-type.js';
import { sendError } from './respond.js';
import { compileFilter } from './selectors.js';
import { parseIncludeObject, renderTable } from './table.js';
import { bridgeOf } from './versions.js';

type OutType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Longest watch we keep open when the client does not say (Kubernetes picks 30–60 min). */
const DEFAULT_TIMEOUT_S = 1800;

/**
 * WATCH: newline-delimited `{"type":…,"object":…}` events, headers flushed at once.
 * resourceVersion unset or '0' starts with a synthetic ADDED per current object; N
 * replays every change after N (from the cache's window, else from the store's history;
 * 410 Expired as an ERROR event when that is compacted). Selectors apply per event: an
 * object that stops matching is sent as DELETED, one that starts matching as ADDED.
 * Each event's bytes are built once per format and shared by every watcher; a watcher
 * that cannot keep up (too many unsent bytes) is cut off.
 */
export async function handleWatch(a: VerbArgs): Promise<void> {
  const { info, spec, ctx, req, res } = a;
  const filter = compileFilter(spec, info);
  const q = info.query;
  const rvText = q.get('resourceVersion') ?? '';
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const bookmarks = q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1';
  let fromRev: number | undefined;
  if (rvText !== '' && rvText !== '0') {
    if (!/^\d+$/.test(rvText)) throw badRequest(`invalid resource version "${rvText}"`);
    fromRev = Number(rvText);
  }
  if (sendInitial && !bookmarks) throw badRequest('sendInitialEvents requires allowWatchBookmarks=true');
  const timeoutText = q.get('timeoutSeconds');
  let timeoutS = DEFAULT_TIMEOUT_S;
  if (timeoutText) {
    const n = Number(timeoutText);
    if (!Number.isFinite(n) || n < 0) throw badRequest(`timeoutSeconds: Invalid value: "${timeoutText}"`);
    if (n > 0) timeoutS = n;
  }
  await ctx.cache.start();
  // No resourceVersion: the initial state must be current (a consistent read), as for LIST.
  if (rvText === '') await ctx.cache.syncWithStore(ctx.consistentReadTimeoutMs);
  if (fromRev !== undefined && !(await ctx.cache.waitForRevision(fromRev, ctx.consistentReadTimeoutMs))) {
    throw timeoutError(`Too large resource version: ${fromRev}, current: ${ctx.cache.currentRevision()}`);
  }

  const shape = responseShape(req.headers.accept);
  const includeObject = parseIncludeObject(q.get('includeObject'));
  const nsPrefix = listPrefix(spec, info.namespace);
  const rc = ctx.cache.resource(resourcePrefix(spec));
  const now = ctx.now;
  // Events hold the stored form; a watcher in another version gets them converted. The
  // version is part of the memo key, so each event is converted and serialized once per
  // version and format, whatever the number of watchers.
  const bridge = bridgeOf(a);
  const format = shape.as === 'Table' ? `table/${shape.version}/${includeObject}` : shape.as === 'PartialObjectMetadata' ? `pom/${shape.version}` : 'json';
  const formatBase = bridge.converts ? `${apiVersionOf(spec)}/${format}` : format;

  /** An event line; `obj` is in the served version already (or a Status for ERROR). */
  const render = (type: OutType | 'ERROR', obj: KubeObject): Buffer => {
    let payload: unknown = obj;
    if (type !== 'ERROR') {
      if (shape.as === 'Table') payload = renderTable(spec, [obj], { includeObject, version: shape.version, now: now() });
      else if (shape.as === 'PartialObjectMetadata') payload = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${shape.version}`, metadata: obj.metadata ?? {} };
    }
    return Buffer.from(`{"type":"${type}","object":${JSON.stringify(payload)}}\n`);
  };

  res.writeHead(200, {
    'content-type': shape.as === 'Table' ? `application/json;as=Table;v=${shape.version};g=meta.k8s.io` : 'application/json',
    'cache-control': 'no-cache, private',
    'transfer-encoding': 'chunked',
  });
  res.flushHeaders();

  let done = false;
  let lastRev = fromRev ?? ctx.cache.currentRevision();
  const cleanups: (() => void)[] = [];
  const finish = (): void => {
    if (done) return;
    done = true;
    for (const c of cleanups) c();
    if (!res.writableEnded) res.end();
  };
  const write = (bytes: Buffer): void => {
    if (done) return;
    if (res.writableLength > ctx.maxWatcherBufferBytes) {
      // Too slow: cut it off rather than buffer without bound. The client re-watches.
      done = true;
      for (const c of cleanups) c();
      res.destroy();
      return;
    }
    res.write(bytes);
  };

  /** Delivers one change, translating it through the selectors. */
  const deliver = (ev: CacheEvent): void => {
    if (!ev.key.startsWith(nsPrefix)) return;
    lastRev = ev.rev;
    let type: OutType | undefined;
    let obj = ev.obj;
    let key = `${formatBase}/${ev.type}`;
    if (filter.everything) type = ev.type;
    else {
      const cur = filter.matches(ev.obj);
      const prev = ev.prev !== undefined && filter.matches(ev.prev);
      if (ev.type === 'DELETED') type = cur || prev ? 'DELETED' : undefined;
      else if (cur) type = prev || ev.type === 'ADDED' ? ev.type : 'ADDED';
      else if (prev) {
        type = 'DELETED';
        obj = { ...(ev.prev as KubeObject), metadata: { ...(ev.prev?.metadata ?? {}), resourceVersion: String(ev.rev) } };
        key = `${formatBase}/left`;
      }
      if (type !== undefined && type !== ev.type && key !== `${formatBase}/left`) key = `${formatBase}/${type}-as`;
    }
    if (type === undefined) return;
    const t = type;
    const o = obj;
    write(ev.encode(key, () => render(t, bridge.toServed(o))));
  };

  req.on('close', finish);
  res.on('close', finish);
  cleanups.push(ctx.trackWatch(finish));
  // If the cache has to re-list (its store watch failed), every watcher ends and re-watches.
  cleanups.push(ctx.cache.onReset(finish));
  const timer = setTimeout(finish, timeoutS * 1000);
  cleanups.push(() => clearTimeout(timer));
  if (bookmarks) {
    const sendBookmark = (annotations?: Record<string, string>): void => {
      const rev = Math.max(lastRev, ctx.cache.currentRevision());
      const meta: Record<string, unknown> = { resourceVersion: String(rev) };
      if (annotations) meta.annotations = annotations;
      write(Buffer.from(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: spec.kind, apiVersion: apiVersionOf(spec), metadata: meta } })}\n`));
    };
    const iv = setInterval(() => sendBookmark(), ctx.bookmarkIntervalMs);
    cleanups.push(() => clearInterval(iv));
    if (sendInitial && fromRev === undefined) {
      // sendInitialEvents: the state, then a bookmark marking its end.
      startFromCache(true);
      sendBookmark({ 'k8s.io/initial-events-end': 'true' });
      return;
    }
  }

  function startFromCache(initial: boolean): boolean {
    const from = fromRev ?? ctx.cache.currentRevision();
    if (initial) {
      for (const o of rc.list(nsPrefix)) {
        if (!filter.everything && !filter.matches(o.obj)) continue;
        write(render('ADDED', bridge.cached(o).obj));
      }
    }
    const sub = rc.subscribe(from, deliver);
    if (!sub.ok) return false;
    cleanups.push(sub.unsubscribe);
    return true;
  }

  if (fromRev === undefined) {
    startFromCache(true);
    return;
  }
  if (startFromCache(false)) return;

  // The cache's window does not reach back far enough: replay from the store's history.
  const watcher = ctx.store.watch(
    nsPrefix,
    fromRev,
    (events: StoreEvent[]) => {
      for (const e of events) {
        try {
          const obj = decodeStored(e.kv);
          const prev = e.prevKv ? decodeStored(e.prevKv) : undefined;
          const type = e.type === 'DELETE' ? 'DELETED' : prev ? 'MODIFIED' : 'ADDED';
          deliver(new CacheEvent(type, e.kv.key, e.kv.modRevision, obj, type === 'DELETED' ? obj : prev));
        } catch {
          // undecodable value: skipped, as the cache does
        }
      }
    },
    (err: Error) => {
      const status = err instanceof CompactedError ? expired(`too old resource version: ${fromRev} (${err.compactRevision + 1})`) : toApiError(err);
      write(render('ERROR', status.status as unknown as KubeObject));
      finish();
    },
  );
  cleanups.push(() => watcher.close());
}

/** Answers a watch that failed before streaming started. */
export function failWatch(a: VerbArgs, err: unknown): void {
  sendError(a.res, err);
}
