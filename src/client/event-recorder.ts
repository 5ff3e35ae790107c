import { hostname } from 'node:os';
import type { Event } from '../api/core/v1/event.js';
import { realClock, type Clock } from './clock.js';
import { jsonLogger, type Logger } from './logger.js';
import { rfc3339 } from './micro-time.js';
import { TokenBucket } from './token-bucket.js';
import type { KubeObject } from './object-key.js';
import type { PatchOptions, PatchType, WriteOptions } from './resource-client.js';
import { isNotFound } from './status-error.js';

/** The verbs the recorder needs on core/v1 Events (a ResourceClient<Event> is one). */
export interface EventClient {
  create(obj: Event, options?: WriteOptions): Promise<Event>;
  patch(name: string, patch: unknown, type: PatchType, options?: PatchOptions): Promise<Event>;
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderConfig {
  events: EventClient;
  /** source.component and reportingComponent, e.g. 'replicaset-controller', 'kubelet'. */
  component: string;
  /** source.host and reportingInstance (default: this machine's hostname). */
  host?: string;
  /** Distinct (object, type, reason, message) series remembered for aggregation (default 4096, LRU). */
  cacheSize?: number;
  /**
   * Spam filter per involved object (client-go's defaults: a burst of 25, then one event
   * per 5 minutes). Events over the limit are dropped — a hot loop must not flood the API.
   */
  spamBurst?: number;
  spamQps?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * The kind/apiVersion to record when the object itself does not carry them (list items
 * often do not), and the part of the object the Event is about (`spec.containers{c}`).
 */
export interface InvolvedKind {
  kind: string;
  apiVersion: string;
  fieldPath?: string;
}

interface Series {
  name: string;
  count: number;
  firstTimestamp: string;
  /** Writes for one series run one after another so counts never race. */
  chain: Promise<void>;
}

/**
 * Records core/v1 Events about objects, as client-go's event recorder: repeats of the same
 * (object, type, reason, message) become one Event whose count and lastTimestamp grow.
 * event() never throws and never blocks: writes happen in the background and failures
 * are logged — an event is a hint for humans, never worth failing a reconcile over.
 */
export class EventRecorder {
  private readonly events: EventClient;
  private readonly component: string;
  private readonly host: string;
  private readonly cacheSize: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly series = new Map<string, Series>();
  private readonly spam = new Map<string, TokenBucket>();
  private readonly spamBurst: number;
  private readonly spamQps: number;
  private dropped = 0;
  private readonly pending = new Set<Promise<void>>();
  private seq = 0;

  constructor(config: EventRecorderConfig) {
    if (!config.component) throw new Error('event recorder: component is required');
    this.events = config.events;
    this.component = config.component;
    this.host = config.host ?? hostname();
    this.cacheSize = Math.max(1, config.cacheSize ?? 4096);
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? jsonLogger(`events/${config.component}`);
    this.spamBurst = config.spamBurst ?? 25;
    this.spamQps = config.spamQps ?? 1 / 300;
  }

  /** Events dropped by the spam filter so far. */
  droppedCount(): number {
    return this.dropped;
  }

  /** Records that reason/message happened to obj. Fire-and-forget; see flush(). */
  event(obj: KubeObject, type: EventType, reason: string, message: string, involvedKind?: InvolvedKind): void {
    try {
      this.record(obj, type, reason, message, involvedKind);
    } catch (err) {
      this.logger.error('cannot record event', { reason, error: err });
    }
  }

  /** Resolves when every write started so far has finished (tests and shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private record(obj: KubeObject, type: EventType, reason: string, message: string, involvedKind?: InvolvedKind): void {
    const meta = obj.metadata ?? {};
    const involvedObject = {
      kind: involvedKind?.kind ?? obj.kind ?? '',
      apiVersion: involvedKind?.apiVersion ?? obj.apiVersion ?? '',
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      name: meta.name ?? '',
      ...(meta.uid ? { uid: meta.uid } : {}),
      ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      ...(involvedKind?.fieldPath ? { fieldPath: involvedKind.fieldPath } : {}),
    };
    // Cluster-scoped objects (nodes) get their events in 'default', as Kubernetes does.
    const namespace = meta.namespace || 'default';
    const objectKey = JSON.stringify([involvedObject.kind, involvedObject.apiVersion, namespace, involvedObject.name, meta.uid ?? '']);
    if (!this.allow(objectKey)) {
      this.dropped++;
      return;
    }
    // One series per part of the object, as client-go's aggregation key has it.
    const key = JSON.stringify([objectKey, involvedKind?.fieldPath ?? '', type, reason, message]);
    const now = rfc3339(this.clock.now());
    const build = (name: string, count: number, first: string): Event => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject,
      reason,
      message,
      type,
      source: { component: this.component, host: this.host },
      firstTimestamp: first,
      lastTimestamp: now,
      count,
      reportingComponent: this.component,
      reportingInstance: this.host,
    });

    const existing = this.series.get(key);
    if (existing) {
      this.series.delete(key); // refresh the LRU position
      this.series.set(key, existing);
      const count = ++existing.count;
      this.enqueue(existing, async () => {
        try {
          await this.events.patch(existing.name, { count, lastTimestamp: now }, 'merge', { namespace });
        } catch (err) {
          if (!isNotFound(err)) throw err;
          // The event was deleted (TTL or by hand): start a new one carrying the count.
          existing.name = this.eventName(involvedObject.name);
          await this.events.create(build(existing.name, count, existing.firstTimestamp));
        }
      });
      return;
    }
    const series: Series = { name: this.eventName(involvedObject.name), count: 1, firstTimestamp: now, chain: Promise.resolve() };
    this.series.set(key, series);
    if (this.series.size > this.cacheSize) {
      const oldest = this.series.keys().next().value;
      if (oldest !== undefined) this.series.delete(oldest);
    }
    this.enqueue(series, async () => {
      await this.events.create(build(series.name, 1, now));
    });
  }

  /** Takes a token from the object's spam bucket (buckets share the series cache's bound). */
  private allow(objectKey: string): boolean {
    let bucket = this.spam.get(objectKey);
    if (!bucket) {
      bucket = new TokenBucket({ qps: this.spamQps, burst: this.spamBurst, clock: this.clock });
      this.spam.set(objectKey, bucket);
      if (this.spam.size > this.cacheSize) {
        const oldest = this.spam.keys().next().value;
        if (oldest !== undefined) this.spam.delete(oldest);
      }
    }
    return bucket.tryTake();
  }

  private enqueue(series: Series, write: () => Promise<void>): void {
    const p = series.chain.then(write).catch((err: unknown) => {
      this.logger.warn('cannot write event', { event: series.name, error: err });
    });
    series.chain = p;
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** `<name>.<hex nanoseconds>` as client-go; a sequence number keeps names unique within a millisecond. */
  private eventName(objName: string): string {
    const nanos = BigInt(this.clock.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    return `${objName}.${nanos.toString(16)}`;
  }
}
