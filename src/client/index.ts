/**
 * The client machinery: how every skiff component other than the API server talks to it.
 *
 *   const client = clientFromKubeconfig({ path });               // or new RestClient({ transport })
 *   const pods = client.resource(PodKind);                        // typed verbs per kind
 *   const factory = new SharedInformerFactory({ client });       // one cache per resource
 *   controller('replicaset', { reconcile, workers: 2 })
 *     .watches(factory.informerFor(ReplicaSetKind))
 *     .owns(factory.informerFor(PodKind))
 *     .start();
 */
export { realClock, sleep, type Clock, type Timer } from './clock.js';
export { FakeClock, settle } from './fake-clock.js';
export { jsonLogger, silentLogger, memoryLogger, type Logger } from './logger.js';

export { loadKubeconfig, parseKubeconfig, resolveKubeconfigPath, KubeconfigError, type ClusterConnection } from './kubeconfig.js';
export type { Transport, TransportRequest, TransportResponse } from './transport.js';
export { readBody } from './transport.js';
export { HttpsTransport, type HttpsTransportConfig } from './https-transport.js';
export { InProcessTransport, type InProcessTransportConfig, type ConnectionSink } from './in-process-transport.js';
export { RestClient, clientFromKubeconfig, clientFromConnection, type RestClientConfig, type RawRequest } from './rest-client.js';
export {
  ResourceClient,
  type ResourceRef,
  type ObjectList,
  type NamespaceOption,
  type ListOptions,
  type WatchOptions,
  type WriteOptions,
  type PatchType,
  type PatchOptions,
  type DeleteOptions,
  type DeleteCollectionOptions,
  type SubresourceClient,
} from './resource-client.js';
export { openWatch, type WatchEvent, type WatchEventType, type WatchHandle, type WatchEndHandler } from './watch.js';
export { JsonLineDecoder } from './watch-decoder.js';
export { ApiError, apiErrorFrom, isNotFound, isAlreadyExists, isConflict, isGone, type Status, type StatusDetails, type StatusReason } from './status-error.js';

export { objectKey, splitKey, groupOf, controllerRef, controllerOwnerKey, type KubeObject } from './object-key.js';
export { Indexer, byNamespace, byOwnerUid, byNodeName, NAMESPACE_INDEX, OWNER_UID_INDEX, NODE_NAME_INDEX, type IndexFunc } from './indexer.js';
export type { ResourceEventHandler, EventSource } from './event-source.js';
export { Informer, type InformerConfig, type ListerWatcher } from './informer.js';
export { SharedInformerFactory, stripManagedFields, type InformerFilter } from './informer-factory.js';

export { TokenBucket } from './token-bucket.js';
export { ItemExponentialRateLimiter, BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';
export { WorkQueue } from './work-queue.js';
export { Controller, controller, TerminalError, type ControllerConfig, type Reconciler, type ReconcileResult, type KeyFn } from './controller.js';

export { LeaderElector, type LeaderElectionConfig, type LeaseClient } from './leader-election.js';
export { EventRecorder, type EventRecorderConfig, type EventClient, type EventType, type InvolvedKind } from './event-recorder.js';
export { microTime, rfc3339 } from './micro-time.js';
