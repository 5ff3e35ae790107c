/**
 * One `Store.watch` on etcd: its own gRPC watch stream, created at the requested
 * revision with previous KVs. etcd reports a compacted start revision by cancelling the
 * watch with `compact_revision` set; that becomes `CompactedError`.
 *
 * To give both backends the same compaction boundary (fromRevision < compact revision ⇒
 * Compacted), the watch starts at fromRevision itself, not fromRevision + 1, and drops
 * the events of fromRevision.
 *
 * A broken stream (etcd restarted, connection lost) is re-created from the last revision
 * seen, with backoff; if that revision has been compacted meanwhile, `onError` fires.
 */
import type { IWatchResponse, WatchClient } from 'etcd3';
import type { WatchEvent, Watcher } from '../store.js';
import { CompactedError, StorageError } from '../errors.js';
import type { KeyCodec } from './etcd-codec.js';

type WatchStream = Awaited<ReturnType<WatchClient['watch']>>;

export interface EtcdWatchConfig {
  client: WatchClient;
  codec: KeyCodec;
  prefix: string;
  fromRevision: number;
  onEvents: (events: WatchEvent[]) => void;
  onError: (err: Error) => void;
  /** Called once the watcher is finished (closed or failed). */
  onDone: (w: EtcdWatcher) => void;
  maxBackoffMs?: number;
}

export class EtcdWatcher implements Watcher {
  private readonly cfg: EtcdWatchConfig;
  /** Every change with revision <= position has been delivered. */
  private position: number;
  private stream: WatchStream | undefined;
  private closed = false;
  private backoffMs = 50;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(cfg: EtcdWatchConfig) {
    this.cfg = cfg;
    this.position = cfg.fromRevision;
    // Start on a later tick: callbacks never run inside Store.watch().
    setImmediate(() => void this.connect());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stream?.cancel();
    this.stream = undefined;
    this.cfg.onDone(this);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let stream: WatchStream;
    try {
      stream = await this.cfg.client.watch();
    } catch (err) {
      this.retry(err);
      return;
    }
    if (this.closed) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    stream.on('data', (res: IWatchResponse) => this.onResponse(res));
    stream.on('error', (err: Error) => {
      if (this.stream === stream) this.retry(err);
    });
    stream.on('end', () => {
      if (this.stream === stream) this.retry(new StorageError('etcd watch stream ended'));
    });
    const { key, rangeEnd } = this.cfg.codec.range(this.cfg.prefix);
    stream.write({
      create_request: { key, range_end: rangeEnd, start_revision: Math.max(this.position, 1), prev_kv: true },
    });
  }

  private onResponse(res: IWatchResponse): void {
    if (this.closed) return;
    if (res.canceled) {
      const compacted = Number(res.compact_revision);
      if (compacted > 0) this.fail(new CompactedError(this.position, compacted));
      else this.fail(new StorageError(`etcd cancelled the watch: ${res.cancel_reason || 'no reason given'}`));
      return;
    }
    if (res.created) this.backoffMs = 50;
    const events: WatchEvent[] = [];
    for (const e of res.events) {
      const modRevision = Number(e.kv.mod_revision);
      if (modRevision <= this.position) continue;
      events.push(this.toEvent(e));
    }
    const last = events[events.length - 1];
    if (!last) return;
    this.position = last.kv.modRevision;
    try {
      this.cfg.onEvents(events);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private toEvent(e: IWatchResponse['events'][number]): WatchEvent {
    const codec = this.cfg.codec;
    const prevKv = e.prev_kv ? codec.toKv(e.prev_kv) : undefined;
    if (e.type === 'Delete') {
      return {
        type: 'DELETE',
        kv: {
          key: codec.decode(e.kv.key),
          value: prevKv?.value ?? new Uint8Array(0),
          createRevision: prevKv?.createRevision ?? 0,
          modRevision: Number(e.kv.mod_revision),
        },
        ...(prevKv ? { prevKv } : {}),
      };
    }
    return { type: 'PUT', kv: codec.toKv(e.kv), ...(prevKv ? { prevKv } : {}) };
  }

  private retry(err: unknown): void {
    if (this.closed) return;
    this.stream?.cancel();
    this.stream = undefined;
    if (this.retryTimer) return;
    void err; // transient; the re-created watch reports compaction if history was lost
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.cfg.maxBackoffMs ?? 5_000);
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.close();
    this.cfg.onError(err);
  }
}
