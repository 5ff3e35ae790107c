import type { KindSpec } from '../api/schema/dsl.js';
import { realClock, type Clock } from './clock.js';
import { Informer } from './informer.js';
import { jsonLogger, type Logger } from './logger.js';
import type { KubeObject } from './object-key.js';
import type { ResourceRef } from './resource-client.js';
import type { RestClient } from './rest-client.js';

export interface InformerFilter {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * One informer per (resource, filter) shared by every component of a process, so the
 * controllers, scheduler and kubelet in one process keep one cache and one watch per
 * resource. Informers made after start() start at once.
 */
export class SharedInformerFactory {
  private readonly client: RestClient;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly resyncPeriodMs: number | undefined;
  private readonly transform: ((obj: any) => any) | undefined;
  private readonly informers = new Map<string, Informer<any>>();
  private started = false;

  /** transform: applied to every cached object of every informer (see InformerConfig.transform), e.g. stripManagedFields. */
  constructor(config: { client: RestClient; clock?: Clock; logger?: Logger; resyncPeriodMs?: number; transform?: (obj: any) => any }) {
    this.transform = config.transform;
    this.client = config.client;
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? jsonLogger('informer');
    this.resyncPeriodMs = config.resyncPeriodMs;
  }

  /** The shared informer for a resource (created on first use). */
  informerFor<T extends KubeObject = any>(spec: KindSpec<T> | ResourceRef, filter: InformerFilter = {}): Informer<T> {
    const key = [spec.group, spec.version, spec.plural, filter.namespace ?? '', filter.labelSelector ?? '', filter.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key) as Informer<T> | undefined;
    if (inf) return inf;
    inf = new Informer<T>({
      listerWatcher: this.client.resource<T>(spec),
      clock: this.clock,
      logger: this.logger,
      ...filter,
      ...('kind' in spec && spec.kind ? { kind: spec.kind, group: spec.group } : {}),
      ...(this.resyncPeriodMs ? { resyncPeriodMs: this.resyncPeriodMs } : {}),
      ...(this.transform ? { transform: this.transform } : {}),
    });
    this.informers.set(key, inf);
    if (this.started) inf.start();
    return inf;
  }

  /** Starts every informer made so far (and any made later). */
  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  /** Resolves true when every informer has synced, false if timeoutMs passes first. */
  async waitForSync(timeoutMs?: number): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(timeoutMs)));
    return results.every(Boolean);
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

/** A transform that drops metadata.managedFields (server-side apply bookkeeping nobody reads from a cache). */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
