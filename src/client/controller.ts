import { realClock, type Clock } from './clock.js';
import type { EventSource } from './event-source.js';
import { jsonLogger, type Logger } from './logger.js';
import { controllerOwnerKey, objectKey, type KubeObject } from './object-key.js';
import type { RateLimiter } from './rate-limiter.js';
import { WorkQueue } from './work-queue.js';

/** What reconcile() may ask for: run again after a delay even though it succeeded. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/**
 * Brings the world for one key (`namespace/name`) towards its desired state. Reads the
 * cache, writes through the API, must be idempotent. Resolving = success; throwing =
 * retry with backoff; throwing TerminalError = give up on this key until it changes again.
 */
export type Reconciler = (key: string) => Promise<ReconcileResult | void>;

/** A failure retrying cannot fix (bad spec, missing permission): logged, not retried. */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export interface ControllerConfig {
  reconcile: Reconciler;
  /** Concurrent reconciles (distinct keys only); default 1. */
  workers?: number;
  clock?: Clock;
  /** Default: client-go's controller limiter (5 ms → 1000 s per key, 10 qps / 100 burst overall). */
  rateLimiter?: RateLimiter<string>;
  logger?: Logger;
  /** Log every successful reconcile too (default: only failures). */
  logSuccess?: boolean;
}

/** Maps an object to the keys to reconcile (none: undefined or []). */
export type KeyFn<T> = (obj: T) => string | readonly string[] | undefined;

/**
 * A named controller: informers feed keys into one work queue; `workers` loops take keys
 * and run reconcile. Wiring reads like a sentence:
 *
 *   controller('replicaset', { reconcile, workers: 2 })
 *     .watches(replicaSets)
 *     .owns(pods)
 *     .start();
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  private readonly reconcile: Reconciler;
  private readonly workers: number;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly logSuccess: boolean;
  private readonly sources: Array<{ source: EventSource<any>; keyFn: KeyFn<any> }> = [];
  private readonly ownerSources: Array<{ source: EventSource<any>; owner?: { kind: string; group?: string } }> = [];
  private readonly unregister: Array<() => void> = [];
  private running: Promise<void>[] = [];
  private started = false;

  constructor(name: string, config: ControllerConfig) {
    if (!name) throw new Error('controller: a name is required');
    const workers = config.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`controller ${name}: workers must be a positive integer`);
    this.name = name;
    this.reconcile = config.reconcile;
    this.workers = workers;
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? jsonLogger(`controller/${name}`);
    this.logSuccess = config.logSuccess ?? false;
    this.queue = new WorkQueue<string>({ clock: this.clock, ...(config.rateLimiter ? { rateLimiter: config.rateLimiter } : {}) });
  }

  /** Reconciles the keys keyFn maps each added, updated or deleted object to (default: its own key). */
  watches<T extends KubeObject>(source: EventSource<T>, keyFn: KeyFn<T> = objectKey): this {
    this.assertNotStarted();
    this.sources.push({ source, keyFn });
    return this;
  }

  /**
   * Reconciles the controlling owner of each changed object (ownerReference with
   * controller: true). The owner kind defaults to the kind of the first watches() source.
   */
  owns<T extends KubeObject>(source: EventSource<T>, owner?: { kind: string; group?: string }): this {
    this.assertNotStarted();
    this.ownerSources.push({ source, ...(owner ? { owner } : {}) });
    return this;
  }

  /** Queues a key directly (e.g. from a timer or another controller). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /**
   * Registers the handlers, waits until every source has synced (so reconcile never sees
   * a partial cache), then starts the workers. Resolves once the workers run; rejects when
   * a source does not sync within syncTimeoutMs.
   */
  async start(options: { syncTimeoutMs?: number } = {}): Promise<void> {
    this.assertNotStarted();
    this.started = true;
    for (const { source, keyFn } of this.sources) this.subscribe(source, keyFn);
    for (const { source, owner } of this.ownerSources) {
      const ownerSpec = owner ?? this.defaultOwner();
      this.subscribe(source, (obj: KubeObject) => controllerOwnerKey(obj, ownerSpec), true);
    }
    const all = [...this.sources, ...this.ownerSources].map((s) => s.source);
    const synced = await Promise.all(all.map((s) => s.waitForSync(options.syncTimeoutMs)));
    if (synced.includes(false)) {
      await this.stop();
      throw new Error(`controller ${this.name}: caches did not sync within ${options.syncTimeoutMs} ms`);
    }
    if (this.queue.isShuttingDown()) return;
    for (let i = 0; i < this.workers; i++) this.running.push(this.worker());
    this.logger.info('controller started', { controller: this.name, workers: this.workers });
  }

  /** Stops taking keys, unregisters handlers and waits for in-flight reconciles to finish. */
  async stop(): Promise<void> {
    for (const u of this.unregister.splice(0)) u();
    this.queue.shutDown();
    await Promise.all(this.running);
    this.running = [];
  }

  private subscribe(source: EventSource<any>, keyFn: KeyFn<any>, ownerChange = false): void {
    const enqueue = (obj: unknown): void => {
      let keys: string | readonly string[] | undefined;
      try {
        keys = keyFn(obj);
      } catch (err) {
        this.logger.error('key function failed', { controller: this.name, error: err });
        return;
      }
      if (keys === undefined) return;
      for (const k of typeof keys === 'string' ? [keys] : keys) if (k) this.queue.add(k);
    };
    this.unregister.push(
      source.addEventHandler({
        onAdd: enqueue,
        // The old object matters for owns(): a changed controller reference must reach both owners.
        onUpdate: (oldObj, newObj) => {
          if (ownerChange && oldObj !== newObj) enqueue(oldObj);
          enqueue(newObj);
        },
        onDelete: enqueue,
      }),
    );
  }

  private defaultOwner(): { kind: string; group?: string } {
    const first = this.sources[0]?.source;
    if (!first?.kind) throw new Error(`controller ${this.name}: owns() needs an owner kind (no watches() source with a known kind)`);
    return first.group === undefined ? { kind: first.kind } : { kind: first.kind, group: first.group };
  }

  private assertNotStarted(): void {
    if (this.started) throw new Error(`controller ${this.name}: already started`);
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.processOne(key);
    }
  }

  /** The one error sink of the worker loop: every outcome is decided and logged here. */
  private async processOne(key: string): Promise<void> {
    const start = this.clock.now();
    try {
      const result = await this.reconcile(key);
      this.queue.forget(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined && after >= 0) this.queue.addAfter(key, after);
      if (this.logSuccess) {
        this.logger.info('reconciled', { controller: this.name, key, durationMs: this.clock.now() - start, ...(after !== undefined ? { requeueAfterMs: after } : {}) });
      }
    } catch (err) {
      const durationMs = this.clock.now() - start;
      if (err instanceof TerminalError) {
        this.queue.forget(key);
        this.logger.error('reconcile failed permanently', { controller: this.name, key, durationMs, error: err.message });
      } else {
        this.queue.addRateLimited(key);
        const retries = this.queue.numRequeues(key);
        this.logger.error('reconcile failed, will retry', { controller: this.name, key, durationMs, retries, error: err instanceof Error ? err.message : String(err) });
      }
    } finally {
      this.queue.done(key);
    }
  }
}

/** Creates a named controller; see Controller. */
export function controller(name: string, config: ControllerConfig): Controller {
  return new Controller(name, config);
}
