/**
 * Mirror pods (upstream pkg/kubelet/pod/mirror_client.go and the kubelet's syncPod): each
 * static pod this kubelet runs has a Pod of the same name in the API, so that `kubectl get
 * pods` shows it. The mirror carries `kubernetes.io/config.mirror: <hash>` and an owner
 * reference to this Node (as upstream since 1.20); the static pod's status is posted to it.
 *
 * The API only shows the pod, it does not control it: a mirror deleted by someone, or one
 * whose hash is not the static pod's (an edited manifest), is deleted and created again;
 * a mirror whose static pod is gone is deleted. Every reconcile is level-triggered per
 * namespace/name, serialized per name, and retried every few seconds while the API server
 * cannot be reached: the static pod runs regardless.
 */
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import type { Clock, Timer } from '../client/clock.js';
import type { Logger } from '../client/logger.js';
import type { DeleteOptions, NamespaceOption, PatchOptions, PatchType, WriteOptions } from '../client/resource-client.js';
import { isConflict, isNotFound } from '../client/status-error.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, isMirrorPod, podKey } from './static-pods.js';

/** The verbs on pods a mirror client needs (a ResourceClient<Pod> has them). */
export interface MirrorPodApi {
  get(name: string, options?: NamespaceOption): Promise<Pod>;
  create(obj: Pod, options?: WriteOptions): Promise<Pod>;
  delete(name: string, options?: DeleteOptions): Promise<unknown>;
}

/** The pods' status subresource. */
export interface MirrorStatusApi {
  patch(name: string, patch: unknown, type: PatchType, options?: PatchOptions): Promise<unknown>;
}

export interface MirrorPodsConfig {
  pods: MirrorPodApi;
  status: MirrorStatusApi;
  nodeName: string;
  /** The Node's UID for the owner reference (none: the mirror has no owner). */
  nodeUid(): string | undefined;
  clock: Clock;
  logger: Logger;
  /** Delay before a failed reconcile is tried again (default 5 s). */
  retryMs?: number;
}

/** The config hash of a static pod or mirror pod. */
export function podHash(pod: Pod): string {
  const ann = pod.metadata?.annotations ?? {};
  return ann[CONFIG_MIRROR_ANNOTATION] ?? ann[CONFIG_HASH_ANNOTATION] ?? '';
}

/** The mirror pod to create for a static pod: its copy with the mirror annotation and the Node as owner. */
export function mirrorPodOf(pod: Pod, nodeName: string, nodeUid: string | undefined): Pod {
  const { status: _status, ...rest } = structuredClone(pod);
  const mirror: Pod = rest;
  const meta = (mirror.metadata ??= {});
  delete meta.uid;
  delete meta.resourceVersion;
  delete meta.creationTimestamp;
  meta.annotations = { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: podHash(pod) };
  if (nodeUid) meta.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid, controller: true }];
  return mirror;
}

export class MirrorPods {
  /** The static pods, by namespace/name. */
  private desired = new Map<string, Pod>();
  /** The latest status of each static pod, by its UID. */
  private readonly statuses = new Map<string, PodStatus>();
  /** What was last posted to each mirror: `<mirror uid> <status JSON>`. */
  private readonly posted = new Map<string, string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly retries = new Map<string, Timer>();
  private readonly lastError = new Map<string, string>();
  private stopped = false;

  constructor(private readonly config: MirrorPodsConfig) {
    if (!config.nodeName) throw new Error('mirror pods: nodeName is required');
  }

  /** The static pods now (the whole set): mirrors are created, replaced or deleted to match. */
  setStaticPods(pods: Iterable<Pod>): void {
    const next = new Map<string, Pod>();
    for (const p of pods) next.set(podKey(p), p);
    const changed = new Set<string>();
    for (const [key, p] of next) if (this.desired.get(key)?.metadata?.uid !== p.metadata?.uid) changed.add(key);
    for (const key of this.desired.keys()) if (!next.has(key)) changed.add(key);
    this.desired = next;
    const uids = new Set([...next.values()].map((p) => p.metadata?.uid ?? ''));
    for (const uid of this.statuses.keys()) if (!uids.has(uid)) this.statuses.delete(uid);
    for (const key of changed) this.sync(key);
  }

  /** A static pod's status: posted to its mirror (now, or once the mirror exists). Never throws. */
  postStatus(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata?.uid ?? '';
    const key = podKey(pod);
    if (this.desired.get(key)?.metadata?.uid !== uid) return; // a replaced pod's last words
    this.statuses.set(uid, status);
    this.sync(key);
  }

  /**
   * A mirror pod on this node was added, changed or deleted in the API (the informer):
   * reconciled unless it is just the mirror we want.
   */
  mirrorEvent(pod: Pod, deleted: boolean): void {
    if (!isMirrorPod(pod)) return;
    const key = podKey(pod);
    const want = this.desired.get(key);
    const fine = !deleted && want && podHash(pod) === podHash(want) && !pod.metadata?.deletionTimestamp;
    if (!fine) this.sync(key);
  }

  /** Checks every mirror against the API again (a periodic sync: an informer event can be missed). */
  resync(): void {
    for (const key of this.desired.keys()) this.sync(key);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.retries.values()) t.cancel();
    this.retries.clear();
  }

  /** Reconciles one name; serialized per name (a request while one runs runs once after it). */
  private sync(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.retries.get(key)?.cancel();
    this.retries.delete(key);
    this.running.add(key);
    void (async () => {
      do {
        this.dirty.delete(key);
        try {
          await this.reconcile(key);
          this.lastError.delete(key);
        } catch (err) {
          const msg = String(err);
          if (this.lastError.get(key) !== msg) this.config.logger.warn('mirror pod sync failed; retrying', { pod: key, error: msg });
          this.lastError.set(key, msg);
          this.retryLater(key);
        }
      } while (this.dirty.has(key) && !this.stopped);
      this.running.delete(key);
    })();
  }

  private retryLater(key: string): void {
    if (this.stopped || this.retries.has(key)) return;
    this.retries.set(key, this.config.clock.setTimeout(() => {
      this.retries.delete(key);
      this.sync(key);
    }, this.config.retryMs ?? 5000));
  }

  private async reconcile(key: string): Promise<void> {
    const { pods, logger } = this.config;
    const [namespace, name] = splitKey(key);
    const want = this.desired.get(key);
    let cur = await pods.get(name, { namespace }).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (cur && !isMirrorPod(cur)) {
      // A pod of the API took the name: upstream leaves it alone too (and shows no mirror).
      if (want) throw new Error(`pod ${key} exists in the API and is not a mirror pod`);
      return;
    }
    if (cur && (!want || podHash(cur) !== podHash(want) || cur.metadata?.deletionTimestamp)) {
      const uid = cur.metadata?.uid ?? '';
      await pods.delete(name, { namespace, gracePeriodSeconds: 0, preconditions: { uid } }).catch((err: unknown) => (isNotFound(err) || isConflict(err) ? undefined : Promise.reject(err)));
      logger.info('deleted mirror pod', { pod: key, uid, reason: !want ? 'static pod gone' : cur.metadata?.deletionTimestamp ? 'deleted in the API' : 'outdated hash' });
      this.posted.delete(key);
      cur = undefined;
    }
    if (!want) return;
    if (!cur) {
      cur = await pods.create(mirrorPodOf(want, this.config.nodeName, this.config.nodeUid()), { namespace });
      logger.info('created mirror pod', { pod: key, uid: cur.metadata?.uid, hash: podHash(want) });
    }
    const status = this.statuses.get(want.metadata?.uid ?? '');
    if (!status) return;
    const text = `${cur.metadata?.uid ?? ''} ${JSON.stringify(status)}`;
    if (this.posted.get(key) === text) return;
    await this.config.status.patch(name, { status }, 'merge', { namespace });
    this.posted.set(key, text);
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
