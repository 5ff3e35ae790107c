// @ts-check
/**
 * A list kept in sync with the cluster the way informers do: list, then watch from the
 * list's resourceVersion; re-watch when the server closes the stream; list again when
 * the version is too old (410 Gone); back off and retry on other errors. 401 and 403
 * stop it: retrying cannot help until the user does something.
 */
import { ApiError } from './api.js';

/**
 * @param {import('./api.js').ApiClient} api
 * @param {string} path collection path, possibly with a query (fieldSelector…)
 * @param {{ onChange(items: any[]): void; onError(err: unknown): void; signal: AbortSignal }} opts
 *   onChange gets every object after each change (coalesced); onError gets each failure,
 *   and `null` once the list works again.
 */
export function liveList(api, path, opts) {
  const { signal } = opts;
  /** @type {Map<string, any>} */
  const items = new Map();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pending;
  const emit = () => {
    if (pending !== undefined || signal.aborted) return;
    pending = setTimeout(() => {
      pending = undefined;
      if (!signal.aborted) opts.onChange([...items.values()]);
    }, 20);
  };
  /** @param {any} o */
  const key = (o) => o?.metadata?.uid ?? `${o?.metadata?.namespace ?? ''}/${o?.metadata?.name ?? ''}`;

  const run = async () => {
    let delayMs = 500;
    let failed = false;
    let watching = false;
    while (!signal.aborted) {
      watching = false;
      try {
        const list = await api.get(path, signal);
        items.clear();
        // List items carry no kind; the detail view shows whole objects, so put it back.
        const kind = typeof list.kind === 'string' ? list.kind.replace(/List$/, '') : undefined;
        for (const o of list.items ?? []) items.set(key(o), kind && !o.kind ? { apiVersion: list.apiVersion, kind, ...o } : o);
        emit();
        if (failed) opts.onError(null);
        failed = false;
        delayMs = 500;
        let rv = list.metadata?.resourceVersion ?? '';
        let gone = false;
        watching = true;
        while (!gone && !signal.aborted) {
          for await (const ev of api.watch(path, rv, signal)) {
            if (ev.type === 'ERROR') {
              if (ev.object?.code === 410) {
                gone = true;
                break;
              }
              throw new ApiError(ev.object?.code ?? 500, ev.object?.message ?? 'watch failed', ev.object?.reason);
            }
            rv = ev.object?.metadata?.resourceVersion ?? rv;
            if (ev.type === 'BOOKMARK') continue;
            if (ev.type === 'DELETED') items.delete(key(ev.object));
            else items.set(key(ev.object), ev.object);
            emit();
          }
        }
      } catch (err) {
        if (signal.aborted) return;
        // A watch cut off without an answer (network change, server restart) or refused as
        // too old is not worth a message: list again shortly, report only if that fails.
        const gone = err instanceof ApiError && err.status === 410;
        if (!gone && !(watching && err instanceof TypeError)) {
          failed = true;
          opts.onError(err);
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return;
        }
        await new Promise((resolve) => {
          const t = setTimeout(resolve, delayMs);
          signal.addEventListener('abort', () => (clearTimeout(t), resolve(undefined)), { once: true });
        });
        delayMs = Math.min(delayMs * 2, 10_000);
      }
    }
  };
  void run();
}
