import type { KindSpec } from '../../schema/dsl.js';
import { ComponentStatusKind } from './component-status.js';
import { ConfigMapKind } from './config-map.js';
import { EndpointsKind } from './endpoints.js';
import { EventKind } from './event.js';
import { LimitRangeKind } from './limit-range.js';
import { NamespaceKind } from './namespace.js';
import { NodeKind } from './node.js';
import { PersistentVolumeKind } from './persistent-volume.js';
import { PersistentVolumeClaimKind } from './persistent-volume-claim.js';
import { PodKind } from './pod.js';
import { PodTemplateKind } from './pod-template.js';
import { ReplicationControllerKind } from './replication-controller.js';
import { ResourceQuotaKind } from './resource-quota.js';
import { SecretKind } from './secret.js';
import { ServiceKind } from './service.js';
import { ServiceAccountKind } from './service-account.js';

export * from './namespace.js';
export * from './references.js';
export * from './resources.js';
export * from './probe.js';
export * from './env.js';
export * from './security-context.js';
export * from './container.js';
export * from './volume.js';
export * from './affinity.js';
export * from './toleration.js';
export * from './topology-spread.js';
export * from './pod-spec.js';
export * from './pod-spec-validation.js';
export * from './pod-template.js';
export * from './replication-controller.js';
export * from './pod-status.js';
export * from './pod-printer.js';
export * from './pod-update.js';
export * from './pod-qos.js';
export * from './pod.js';
export * from './service.js';
export * from './service-validation.js';
export * from './endpoints.js';
export * from './node.js';
export * from './config-map.js';
export * from './component-status.js';
export * from './secret.js';
export * from './service-account.js';
export * from './event.js';
export * from './limit-range.js';
export * from './resource-quota.js';
export * from './persistent-volume.js';
export * from './persistent-volume-claim.js';
export { embedded, protoEmbeddingOf, ptr, type ProtoEmbedding } from './embedded.js';

/** Every core/v1 kind, in the order discovery lists them (kube-apiserver's order). */
export const coreV1Kinds: readonly KindSpec[] = [
  ComponentStatusKind,
  ConfigMapKind,
  EndpointsKind,
  EventKind,
  LimitRangeKind,
  NamespaceKind,
  NodeKind,
  PersistentVolumeClaimKind,
  PersistentVolumeKind,
  PodKind,
  PodTemplateKind,
  ReplicationControllerKind,
  ResourceQuotaKind,
  SecretKind,
  ServiceAccountKind,
  ServiceKind,
];
