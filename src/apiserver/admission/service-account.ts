import { randomInt } from 'node:crypto';
import type { Store } from '../../storage/store.js';
import { forbidden } from '../resources/errors.js';
import { decodeStored, type KubeObject } from '../watch-cache/cached-object.js';
import type { AdmissionPlugin } from './types.js';

/** Where every container finds its token, CA and namespace (rest.InClusterConfig reads them there). */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const VOLUME_PREFIX = 'kube-api-access-';
/** Kubernetes' token lifetime for the projected volume: 1 h + 7 s, the 7 s marking "extendable". */
const TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** The default ServiceAccount is made by a controller just after its namespace: ask again this often. */
const DEFAULT_ACCOUNT_ATTEMPTS = 10;

interface Mount {
  name?: string;
  mountPath?: string;
  readOnly?: boolean;
}
interface Container {
  volumeMounts?: Mount[];
}
interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean | null;
  volumes?: Array<{ name?: string }>;
  containers?: Container[];
  initContainers?: Container[];
  imagePullSecrets?: Array<{ name?: string }>;
}

/**
 * Kubernetes' ServiceAccount admission plugin, on pod create: the pod runs as
 * `serviceAccountName` (default "default"), which must exist (403 `error looking up
 * service account ns/name: serviceaccount "name" not found`); unless the pod or its
 * account turn automount off, every container gets the `kube-api-access-xxxxx`
 * projected volume (a bound token, the cluster CA from kube-root-ca.crt, the namespace)
 * at /var/run/secrets/kubernetes.io/serviceaccount; a pod without imagePullSecrets takes
 * the account's. Mirror pods are left alone.
 */
export function serviceAccountAdmission(config: {
  store: Store;
  /** A fast lookup (the watch cache); on a miss the store is asked. */
  cachedAccount?: (namespace: string, name: string) => KubeObject | undefined;
  /** Wait between asking again for a missing default account (default 100–200 ms, as upstream). */
  retryDelayMs?: () => number;
}): AdmissionPlugin {
  const delay = config.retryDelayMs ?? (() => 100 + randomInt(100));
  const lookUp = async (namespace: string, name: string): Promise<KubeObject | undefined> => {
    const cached = config.cachedAccount?.(namespace, name);
    if (cached) return cached;
    const attempts = name === 'default' ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, delay()));
      const kv = await config.store.get(`/registry/core/serviceaccounts/${namespace}/${name}`);
      if (kv) return decodeStored(kv);
    }
    return undefined;
  };
  return {
    name: 'ServiceAccount',
    async admit(attrs, obj) {
      if (attrs.operation !== 'CREATE' || attrs.subresource || attrs.spec.group !== '' || attrs.spec.plural !== 'pods' || !obj) return;
      if (obj.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
      const spec = ((obj as { spec?: PodSpec }).spec ??= {});
      const accountName = spec.serviceAccountName || 'default';
      spec.serviceAccountName = accountName;
      spec.serviceAccount = accountName; // the deprecated spelling, kept in step
      const namespace = attrs.namespace ?? 'default';
      const account = await lookUp(namespace, accountName);
      if (!account) throw forbidden(attrs.spec, attrs.name, `error looking up service account ${namespace}/${accountName}: serviceaccount "${accountName}" not found`);
      const automount = spec.automountServiceAccountToken ?? (account as { automountServiceAccountToken?: boolean }).automountServiceAccountToken ?? true;
      if (automount) mountToken(spec);
      const pullSecrets = (account as { imagePullSecrets?: Array<{ name?: string }> }).imagePullSecrets;
      if (!spec.imagePullSecrets?.length && pullSecrets?.length) spec.imagePullSecrets = pullSecrets.map((s) => ({ ...s }));
    },
  };
}

/** Adds the token volume (once) and mounts it in every container without a mount at the path. */
function mountToken(spec: PodSpec): void {
  const existing = spec.volumes?.find((v) => v.name?.startsWith(VOLUME_PREFIX));
  const volumeName = existing?.name ?? VOLUME_PREFIX + randomSuffix();
  let mounted = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if (c.volumeMounts?.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    (c.volumeMounts ??= []).push({ name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH });
    mounted = true;
  }
  if (mounted && !existing) (spec.volumes ??= []).push(tokenVolume(volumeName));
}

function tokenVolume(name: string): { name: string; projected: Record<string, unknown> } {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 0o644,
    },
  };
}

/** Five characters as Kubernetes' name generator picks them (no vowels, no look-alikes). */
function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}
