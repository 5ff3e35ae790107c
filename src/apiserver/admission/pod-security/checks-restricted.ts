/**
 * The restricted Pod Security Standard: what upstream's restricted checks require on top
 * of baseline, with their IDs, versions, overrides and wording (Kubernetes 1.32).
 */
import {
  ALLOWED,
  containersPhrase,
  forbid,
  isWindowsPod,
  joinQuote,
  nameOf,
  pluralize,
  sortedSet,
  visitContainers,
  type Check,
  type CheckPodFn,
  type Container,
} from './check-kit.js';
import { validSeccompType } from './checks-baseline.js';

/** From 1.25 on, pods that declare `os.name: windows` skip the Linux-only checks. */
const exceptWindows = (check: CheckPodFn): CheckPodFn => (meta, spec) => (isWindowsPod(spec) ? ALLOWED : check(meta, spec));

/** Every container must set allowPrivilegeEscalation=false. */
const allowPrivilegeEscalation: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  visitContainers(spec, (c) => c.securityContext?.allowPrivilegeEscalation !== false && bad.push(nameOf(c)));
  return bad.length ? forbid('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`) : ALLOWED;
};

/** Containers drop ALL and may add back NET_BIND_SERVICE only. */
const capabilitiesRestricted: CheckPodFn = (_meta, spec) => {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbiddenCaps: string[] = [];
  visitContainers(spec, (c) => {
    const caps = c.securityContext?.capabilities;
    if (!caps) {
      missingDropAll.push(nameOf(c));
      return;
    }
    if (!(caps.drop ?? []).includes('ALL')) missingDropAll.push(nameOf(c));
    const bad = (caps.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (bad.length) {
      addingForbidden.push(nameOf(c));
      forbiddenCaps.push(...bad);
    }
  });
  const details: string[] = [];
  if (missingDropAll.length) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length) details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCaps))} in securityContext.capabilities.add`);
  return details.length ? forbid('unrestricted capabilities', details.join('; ')) : ALLOWED;
};

/** Volume sources a restricted pod may use; anything else names its type in the message. */
const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const KNOWN_RESTRICTED_VOLUMES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder',
  'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

const restrictedVolumes: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const v of spec.volumes ?? []) {
    if (!v || ALLOWED_VOLUMES.some((t) => v[t] != null)) continue;
    bad.push(String(v.name ?? ''));
    types.push(KNOWN_RESTRICTED_VOLUMES.find((t) => v[t] != null) ?? 'unknown');
  }
  if (!bad.length) return ALLOWED;
  const distinct = sortedSet(types);
  return forbid(
    'restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', distinct.length)} ${joinQuote(distinct)}`,
  );
};

/**
 * The pod-or-container pattern runAsNonRoot and seccompProfile share: the pod level or
 * each container must opt in; an explicit bad value anywhere is reported first.
 */
function podOrContainers(spec: Parameters<CheckPodFn>[1], podValue: { set: boolean; ok: boolean }, containerValue: (c: Container) => { set: boolean; ok: boolean }): { setters: string[]; implicit: string[] } {
  const setters = podValue.set && !podValue.ok ? ['pod'] : [];
  const podOptedIn = podValue.set && podValue.ok;
  const explicit: string[] = [];
  const implicit: string[] = [];
  visitContainers(spec, (c) => {
    const v = containerValue(c);
    if (v.set && !v.ok) explicit.push(nameOf(c));
    else if (!v.set && !podOptedIn) implicit.push(nameOf(c));
  });
  if (explicit.length) setters.push(containersPhrase(explicit));
  return { setters, implicit };
}

/** The pod or every container must set runAsNonRoot=true, and none may set it false. */
const runAsNonRoot: CheckPodFn = (_meta, spec) => {
  const value = (v: boolean | null | undefined): { set: boolean; ok: boolean } => ({ set: v != null, ok: v === true });
  const { setters, implicit } = podOrContainers(spec, value(spec.securityContext?.runAsNonRoot), (c) => value(c.securityContext?.runAsNonRoot));
  if (setters.length) return forbid('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length) return forbid('runAsNonRoot != true', `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`);
  return ALLOWED;
};

/** Neither the pod nor a container may set runAsUser=0. */
const runAsUser: CheckPodFn = (_meta, spec) => {
  const setters = spec.securityContext?.runAsUser === 0 ? ['pod'] : [];
  const bad: string[] = [];
  visitContainers(spec, (c) => c.securityContext?.runAsUser === 0 && bad.push(nameOf(c)));
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? forbid('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`) : ALLOWED;
};

/** The pod or every container must set a RuntimeDefault or Localhost seccomp profile. */
const seccompRestricted: CheckPodFn = (_meta, spec) => {
  const badValues: string[] = [];
  const value = (p: { type?: string } | null | undefined): { set: boolean; ok: boolean } => {
    const ok = validSeccompType(p?.type);
    if (p && !ok) badValues.push(typeof p.type === 'string' ? p.type : '');
    return { set: p != null, ok };
  };
  const { setters, implicit } = podOrContainers(spec, value(spec.securityContext?.seccompProfile), (c) => value(c.securityContext?.seccompProfile));
  if (setters.length) return forbid('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`);
  if (implicit.length) return forbid('seccompProfile', `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return ALLOWED;
};

export const RESTRICTED_CHECKS: readonly Check[] = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { minVersion: 8, check: allowPrivilegeEscalation },
      { minVersion: 25, check: exceptWindows(allowPrivilegeEscalation) },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      { minVersion: 22, check: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
      { minVersion: 25, check: exceptWindows(capabilitiesRestricted), overrides: ['capabilities_baseline'] },
    ],
  },
  { id: 'restrictedVolumes', level: 'restricted', versions: [{ minVersion: 0, check: restrictedVolumes, overrides: ['hostPathVolumes'] }] },
  { id: 'runAsNonRoot', level: 'restricted', versions: [{ minVersion: 0, check: runAsNonRoot }] },
  { id: 'runAsUser', level: 'restricted', versions: [{ minVersion: 23, check: runAsUser }] },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    versions: [
      { minVersion: 19, check: seccompRestricted, overrides: ['seccompProfile_baseline'] },
      { minVersion: 25, check: exceptWindows(seccompRestricted), overrides: ['seccompProfile_baseline'] },
    ],
  },
];
