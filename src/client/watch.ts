import type { ApiError } from './status-error.js';
import type { RestClient } from './rest-client.js';
import { apiErrorFrom } from './status-error.js';
import { JsonLineDecoder } from './watch-decoder.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One change. BOOKMARK objects carry only the kind and metadata.resourceVersion. */
export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface WatchHandle {
  /** Stops the watch; onEnd is not called afterwards. Idempotent. */
  close(): void;
}

/**
 * Called once when the watch ends by itself: err undefined when the server closed the
 * stream cleanly (e.g. timeoutSeconds passed), an ApiError for a non-2xx response or an
 * ERROR event (410 Expired → re-list), another Error for connection or parse failures.
 */
export type WatchEndHandler = (err?: Error | ApiError) => void;

/**
 * Opens a watch (GET …?watch=true) and feeds decoded events to onEvent in order. Returns
 * at once; the connection opens asynchronously (a failure to connect goes to onEnd).
 */
export function openWatch<T>(
  rest: RestClient,
  path: string,
  query: URLSearchParams,
  onEvent: (event: WatchEvent<T>) => void,
  onEnd: WatchEndHandler,
): WatchHandle {
  let closed = false;
  let ended = false;
  let destroy: (() => void) | undefined;
  const finish = (err?: Error): void => {
    if (closed || ended) return;
    ended = true;
    destroy?.();
    onEnd(err);
  };
  query.set('watch', 'true');
  rest.stream({ method: 'GET', path, query }).then(
    (res) => {
      const body = res.body;
      destroy = () => body.destroy();
      if (closed) {
        body.destroy();
        return;
      }
      const decoder = new JsonLineDecoder();
      const deliver = (values: unknown[]): void => {
        for (const v of values) {
          if (closed || ended) return;
          const ev = v as { type?: string; object?: unknown };
          if (ev.type === 'ERROR') {
            const code = (ev.object as { code?: number } | undefined)?.code ?? 500;
            finish(apiErrorFrom(code, ev.object));
            return;
          }
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED' && ev.type !== 'BOOKMARK') {
            finish(new Error(`unexpected watch event type ${String(ev.type)}`));
            return;
          }
          try {
            onEvent({ type: ev.type, object: ev.object as T });
          } catch (err) {
            // A throwing handler is a bug in the caller; end the watch rather than skip events.
            finish(err instanceof Error ? err : new Error(String(err)));
            return;
          }
        }
      };
      body.on('data', (chunk: Buffer) => {
        try {
          deliver(decoder.push(chunk));
        } catch (err) {
          finish(err as Error);
        }
      });
      body.on('end', () => {
        try {
          deliver(decoder.end());
        } catch (err) {
          finish(err as Error);
          return;
        }
        finish();
      });
      body.on('error', (err) => finish(err));
      body.on('close', () => finish(new Error('watch connection closed before the stream ended')));
    },
    (err: Error) => finish(err),
  );
  return {
    close() {
      if (closed) return;
      closed = true;
      destroy?.();
    },
  };
}
