/**
 * The etcd v3 backend of `Store`, for highly available control planes. Compare-and-swap
 * is an etcd transaction comparing the key's mod_revision (and create_revision > 0, so
 * an update never resurrects a deleted key); the failure branch reads the key so a
 * ConflictError carries the current value without another round trip. All keys live
 * under `prefix`, so several clusters can share one etcd (they then share its revision
 * counter and its compaction: `compact` on one compacts them all).
 */
import { Etcd3, type IOptions, type IRangeResponse, type ITxnResponse } from 'etcd3';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, Watcher } from '../store.js';
import { AlreadyExistsError, ConflictError, NotFoundError, StorageError, StoreClosedError } from '../errors.js';
import { validateKey, validateRevision } from '../keys.js';
import { KeyCodec, mapRevisionError } from './etcd-codec.js';
import { EtcdWatcher } from './etcd-watch.js';

export interface EtcdStoreConfig {
  /** e.g. ['http://127.0.0.1:2379'] or https URLs with `tls`. */
  endpoints: string[];
  /** Prepended to every key (default ''). */
  prefix?: string;
  /** PEM contents of the CA bundle and of the client certificate and key. */
  tls?: { ca?: string | Uint8Array; cert?: string | Uint8Array; key?: string | Uint8Array };
  /** Per-call deadline in ms (default 30 s). */
  callTimeoutMs?: number;
}

export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly codec: KeyCodec;
  private readonly watchers = new Set<EtcdWatcher>();
  private closed = false;

  /** Connects and checks that etcd answers. */
  static async open(cfg: EtcdStoreConfig): Promise<EtcdStore> {
    const store = new EtcdStore(cfg);
    try {
      await store.currentRevision();
    } catch (err) {
      await store.close();
      throw new StorageError(`cannot reach etcd at ${cfg.endpoints.join(', ')}`, { cause: err });
    }
    return store;
  }

  private constructor(cfg: EtcdStoreConfig) {
    if (cfg.endpoints.length === 0) throw new StorageError('etcd: at least one endpoint is required');
    const timeout = cfg.callTimeoutMs ?? 30_000;
    const options: IOptions = {
      hosts: cfg.endpoints,
      // Objects up to 1.5 MiB, lists of many: let gRPC carry any message etcd sends.
      grpcOptions: { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 },
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    };
    if (cfg.tls) {
      const buf = (v: string | Uint8Array | undefined) => (v === undefined ? undefined : Buffer.from(v));
      const ca = buf(cfg.tls.ca);
      const cert = buf(cfg.tls.cert);
      const key = buf(cfg.tls.key);
      // A missing CA means "the system's roots" to gRPC.
      options.credentials = { rootCertificate: ca as Buffer, ...(cert ? { certChain: cert } : {}), ...(key ? { privateKey: key } : {}) };
    }
    this.client = new Etcd3(options);
    this.codec = new KeyCodec(cfg.prefix ?? '');
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    validateKey(key);
    const res = await this.client.kv.range({ key: this.codec.encode(key) });
    const kv = res.kvs[0];
    return kv ? this.codec.toKv(kv) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    if (opts.revision) validateRevision('revision', opts.revision);
    const { key: rangeStart, rangeEnd } = this.codec.range(prefix);
    let key = rangeStart;
    if (opts.continueFrom !== undefined) {
      const after = this.codec.after(opts.continueFrom);
      if (Buffer.compare(after, key) > 0) key = after;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let res: IRangeResponse;
    try {
      res = await this.client.kv.range({
        key,
        range_end: rangeEnd,
        ...(limit ? { limit } : {}),
        ...(opts.revision ? { revision: opts.revision } : {}),
      });
    } catch (err) {
      throw mapRevisionError(err, opts.revision ?? 0, await this.currentRevision().catch(() => 0));
    }
    const items = res.kvs.map((kv) => this.codec.toKv(kv));
    const revision = opts.revision || Number(res.header.revision);
    if (!res.more) return { items, revision, more: false };
    // `count` is the number of keys in [key, range_end) at that revision, ignoring the limit.
    return { items, revision, more: true, remaining: Number(res.count) - items.length };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    const { key, rangeEnd } = this.codec.range(prefix);
    const res = await this.client.kv.range({ key, range_end: rangeEnd, count_only: true });
    return Number(res.count);
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    this.checkWrite(key, value);
    const k = this.codec.encode(key);
    const res = await this.client.kv.txn({
      compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) } }],
    });
    if (!res.succeeded) throw new AlreadyExistsError(key);
    const rev = Number(res.header.revision);
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    this.checkWrite(key, value);
    validateRevision('expectedModRevision', expectedModRevision);
    const k = this.codec.encode(key);
    const res = await this.client.kv.txn({
      compare: [
        { key: k, target: 'Create', result: 'Greater', create_revision: 0 },
        { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
      ],
      success: [{ request_put: { key: k, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength), prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.preconditionError(key, expectedModRevision, res);
    const prev = res.responses[0]?.response_put.prev_kv;
    const rev = Number(res.header.revision);
    return { key, value, createRevision: prev ? Number(prev.create_revision) : rev, modRevision: rev };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    validateKey(key);
    if (expectedModRevision !== undefined) validateRevision('expectedModRevision', expectedModRevision);
    const k = this.codec.encode(key);
    const res = await this.client.kv.txn({
      compare: [
        { key: k, target: 'Create', result: 'Greater', create_revision: 0 },
        ...(expectedModRevision === undefined
          ? []
          : [{ key: k, target: 'Mod' as const, result: 'Equal' as const, mod_revision: expectedModRevision }]),
      ],
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.preconditionError(key, expectedModRevision ?? 0, res);
    const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
    if (!prev) throw new StorageError(`etcd deleted ${key} but returned no previous value`);
    return this.codec.toKv(prev);
  }

  watch(prefix: string, fromRevision: number, onEvents: (events: WatchEvent[]) => void, onError: (err: Error) => void): Watcher {
    this.checkOpen();
    validateRevision('fromRevision', fromRevision);
    const w = new EtcdWatcher({
      client: this.client.watchClient,
      codec: this.codec,
      prefix,
      fromRevision,
      onEvents,
      onError,
      onDone: (done) => this.watchers.delete(done),
    });
    this.watchers.add(w);
    return w;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    validateRevision('revision', revision);
    try {
      await this.client.kv.compact({ revision, physical: true });
    } catch (err) {
      const mapped = mapRevisionError(err, revision, await this.currentRevision().catch(() => 0));
      if (mapped instanceof StorageError && mapped.name === 'CompactedError') return; // already compacted there
      throw mapped;
    }
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    const res = await this.client.kv.range({ key: this.codec.encode('\u0000'), count_only: true });
    return Number(res.header.revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watchers]) w.close();
    this.client.close();
  }

  /** A failed compare: NotFound if the failure-branch read found nothing, else Conflict with what it found. */
  private preconditionError(key: string, expected: number, res: ITxnResponse): StorageError {
    const current = res.responses[0]?.response_range.kvs[0];
    if (!current) return new NotFoundError(key);
    return new ConflictError(key, expected, this.codec.toKv(current));
  }

  private checkWrite(key: string, value: Uint8Array): void {
    this.checkOpen();
    validateKey(key);
    if (!(value instanceof Uint8Array)) throw new StorageError('value must be a Uint8Array');
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}
