import type { KindSpec } from './schema/dsl.js';
import { coreV1Kinds } from './core/v1/index.js';
import { appsV1Kinds } from './apps/v1/index.js';
import { batchV1Kinds } from './batch/v1/index.js';
import { certificatesV1Kinds } from './certificates/v1/index.js';
import { coordinationV1Kinds } from './coordination/v1/index.js';
import { discoveryV1Kinds } from './discovery/v1/index.js';
import { eventsV1Kinds } from './events/v1/index.js';
import { rbacV1Kinds } from './rbac/v1/index.js';
import { policyV1Kinds } from './policy/v1/index.js';
import { networkingV1Kinds } from './networking/v1/index.js';
import { autoscalingV1Kinds } from './autoscaling/v1/index.js';
import { autoscalingV2Kinds } from './autoscaling/v2/index.js';
import { schedulingV1Kinds } from './scheduling/v1/index.js';
import { storageV1Kinds } from './storage/v1/index.js';
import { admissionregistrationV1Kinds } from './admissionregistration/v1/index.js';
import { authenticationV1Kinds } from './authentication/v1/index.js';
import { authorizationV1Kinds } from './authorization/v1/index.js';
import { apiextensionsV1Kinds } from './apiextensions/v1/index.js';
import { apiregistrationV1Kinds } from './apiregistration/v1/index.js';
import { metricsV1beta1Kinds } from './metrics/v1beta1/index.js';

/** A group/version and the kinds served in it. */
export interface GroupVersion {
  group: string; // '' for the core group
  version: string;
  kinds: readonly KindSpec[];
}

/** Built-in group versions, in the order discovery lists them (core first, as Kubernetes does). */
export const builtinGroupVersions: readonly GroupVersion[] = [
  { group: '', version: 'v1', kinds: coreV1Kinds },
  { group: 'apps', version: 'v1', kinds: appsV1Kinds },
  { group: 'events.k8s.io', version: 'v1', kinds: eventsV1Kinds },
  { group: 'authentication.k8s.io', version: 'v1', kinds: authenticationV1Kinds },
  { group: 'authorization.k8s.io', version: 'v1', kinds: authorizationV1Kinds },
  { group: 'autoscaling', version: 'v1', kinds: autoscalingV1Kinds },
  { group: 'autoscaling', version: 'v2', kinds: autoscalingV2Kinds },
  { group: 'batch', version: 'v1', kinds: batchV1Kinds },
  { group: 'certificates.k8s.io', version: 'v1', kinds: certificatesV1Kinds },
  { group: 'networking.k8s.io', version: 'v1', kinds: networkingV1Kinds },
  { group: 'policy', version: 'v1', kinds: policyV1Kinds },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kinds: rbacV1Kinds },
  { group: 'scheduling.k8s.io', version: 'v1', kinds: schedulingV1Kinds },
  { group: 'storage.k8s.io', version: 'v1', kinds: storageV1Kinds },
  { group: 'admissionregistration.k8s.io', version: 'v1', kinds: admissionregistrationV1Kinds },
  { group: 'coordination.k8s.io', version: 'v1', kinds: coordinationV1Kinds },
  { group: 'discovery.k8s.io', version: 'v1', kinds: discoveryV1Kinds },
  { group: 'apiextensions.k8s.io', version: 'v1', kinds: apiextensionsV1Kinds },
  { group: 'apiregistration.k8s.io', version: 'v1', kinds: apiregistrationV1Kinds },
  { group: 'metrics.k8s.io', version: 'v1beta1', kinds: metricsV1beta1Kinds },
];

/**
 * The kinds the API server serves: built-ins plus kinds added at run time (CRDs).
 * Lookups are by group + version + resource (URL) or by apiVersion + kind (bodies).
 */
export class Registry {
  private readonly groupVersions: GroupVersion[] = [];
  private readonly byResource = new Map<string, KindSpec>();
  private readonly byKind = new Map<string, KindSpec>();
  /** Storage-version kinds that other served versions convert to. */
  private readonly conversionTargets = new Set<KindSpec>();

  constructor(groupVersions: readonly GroupVersion[] = builtinGroupVersions) {
    for (const gv of groupVersions) for (const k of gv.kinds) this.add(k);
  }

  /** Adds (or replaces) a kind, e.g. when a CRD is established. */
  add(spec: KindSpec): void {
    let gv = this.groupVersions.find((g) => g.group === spec.group && g.version === spec.version);
    if (!gv) {
      gv = { group: spec.group, version: spec.version, kinds: [] };
      this.groupVersions.push(gv);
    }
    gv.kinds = [...gv.kinds.filter((k) => k.plural !== spec.plural), spec];
    this.byResource.set(`${spec.group}/${spec.version}/${spec.plural}`, spec);
    this.byKind.set(`${apiVersionOf(spec)}/${spec.kind}`, spec);
    if (spec.conversion) this.conversionTargets.add(spec.conversion.storage);
  }

  /** Whether `spec` is the storage version of a kind also served in other versions. */
  isConversionTarget(spec: KindSpec): boolean {
    return this.conversionTargets.has(spec);
  }

  /** Removes a kind added at run time. */
  remove(group: string, version: string, plural: string): void {
    const spec = this.byResource.get(`${group}/${version}/${plural}`);
    if (!spec) return;
    this.byResource.delete(`${group}/${version}/${plural}`);
    this.byKind.delete(`${apiVersionOf(spec)}/${spec.kind}`);
    const gv = this.groupVersions.find((g) => g.group === group && g.version === version);
    if (gv) gv.kinds = gv.kinds.filter((k) => k.plural !== plural);
  }

  byGroupVersionResource(group: string, version: string, plural: string): KindSpec | undefined {
    return this.byResource.get(`${group}/${version}/${plural}`);
  }

  byApiVersionKind(apiVersion: string, kind: string): KindSpec | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** Group versions that serve at least one kind, core first. */
  list(): readonly GroupVersion[] {
    return this.groupVersions.filter((gv) => gv.kinds.length > 0);
  }

  all(): KindSpec[] {
    return this.list().flatMap((gv) => gv.kinds);
  }
}

/** 'v1' for the core group, else 'group/version'. */
export function apiVersionOf(spec: { group: string; version: string }): string {
  return spec.group === '' ? spec.version : `${spec.group}/${spec.version}`;
}
