/**
 * What configMap, secret, downwardAPI and projected volumes contain, as Kubernetes'
 * volume plugins compute it: keys (or `items`) to files with `defaultMode`/`mode`,
 * `optional` sources, pod fields and container resources. Pure: the objects are passed in.
 */
import type { ConfigMap } from '../../api/core/v1/config-map.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Secret } from '../../api/core/v1/secret.js';
import { DEFAULT_VOLUME_MODE } from '../../api/core/v1/volume.js';
import { Quantity } from '../../machinery/quantity.js';
import type { Payload } from './atomic-writer.js';

/** A volume that cannot be set up (→ FailedMount; the pod's containers wait). */
export class VolumeSetUpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeSetUpError';
  }
}

export interface KeyToPath {
  key?: string;
  path?: string;
  mode?: number | null;
}

export interface DownwardFile {
  path?: string;
  fieldRef?: { fieldPath?: string } | null;
  resourceFieldRef?: { containerName?: string; resource?: string; divisor?: string | number } | null;
  mode?: number | null;
}

interface KeyedSource {
  kind: 'configmap' | 'secret';
  name: string;
  /** Key → bytes; undefined when the object does not exist. */
  data: Map<string, Buffer> | undefined;
  items?: KeyToPath[] | null | undefined;
  optional?: boolean | null | undefined;
}

function addKeys(out: Payload, src: KeyedSource, defaultMode: number): void {
  if (!src.data) {
    if (src.optional) return;
    throw new VolumeSetUpError(`${src.kind} "${src.name}" not found`);
  }
  if (!src.items?.length) {
    for (const [k, v] of src.data) out.set(k, { data: v, mode: defaultMode });
    return;
  }
  for (const it of src.items) {
    const v = src.data.get(it.key ?? '');
    if (!v) {
      if (src.optional) continue;
      throw new VolumeSetUpError(`${src.kind === 'configmap' ? 'configmap' : 'secret'} references non-existent ${src.kind === 'configmap' ? 'config' : 'secret'} key: ${it.key}`);
    }
    out.set(it.path ?? '', { data: v, mode: it.mode ?? defaultMode });
  }
}

/** A ConfigMap's data (UTF-8) and binaryData (base64) as bytes. */
export function configMapData(cm: ConfigMap | undefined): Map<string, Buffer> | undefined {
  if (!cm) return undefined;
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) m.set(k, Buffer.from(String(v), 'utf8'));
  for (const [k, v] of Object.entries((cm as { binaryData?: Record<string, string> }).binaryData ?? {})) m.set(k, Buffer.from(String(v), 'base64'));
  return m;
}

/** A Secret's data (base64) and stringData as bytes. */
export function secretData(s: Secret | undefined): Map<string, Buffer> | undefined {
  if (!s) return undefined;
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s.data ?? {})) m.set(k, Buffer.from(String(v), 'base64'));
  for (const [k, v] of Object.entries((s as { stringData?: Record<string, string> }).stringData ?? {})) m.set(k, Buffer.from(String(v), 'utf8'));
  return m;
}

export function configMapPayload(name: string, cm: ConfigMap | undefined, src: { items?: KeyToPath[] | null; defaultMode?: number | null; optional?: boolean | null }): Payload {
  const out: Payload = new Map();
  addKeys(out, { kind: 'configmap', name, data: configMapData(cm), items: src.items, optional: src.optional }, src.defaultMode ?? DEFAULT_VOLUME_MODE);
  return out;
}

export function secretPayload(name: string, s: Secret | undefined, src: { items?: KeyToPath[] | null; defaultMode?: number | null; optional?: boolean | null }): Payload {
  const out: Payload = new Map();
  addKeys(out, { kind: 'secret', name, data: secretData(s), items: src.items, optional: src.optional }, src.defaultMode ?? DEFAULT_VOLUME_MODE);
  return out;
}

/** labels/annotations as the downward API writes them: sorted `key="value"` lines (Go %q quoting). */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify((m ?? {})[k])}`)
    .join('\n');
}

/** A metadata field of the pod, as downwardAPI volumes allow (metadata.* only). */
export function volumeField(pod: Pod, path: string): string {
  const meta = pod.metadata ?? {};
  const one = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (one) return (one[1] === 'labels' ? meta.labels : meta.annotations)?.[one[2] as string] ?? '';
  switch (path) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.annotations': return formatMap(meta.annotations);
    default: throw new VolumeSetUpError(`unsupported fieldPath in a downwardAPI volume: ${path}`);
  }
}

/**
 * limits.cpu|memory|ephemeral-storage or requests.* of a container, divided by `divisor`
 * and rounded up, as the kubelet's ExtractContainerResourceValue. An unset limit is
 * reported as the node's allocatable, which the caller passes (`nodeAllocatable`).
 */
export function resourceValue(pod: Pod, ref: NonNullable<DownwardFile['resourceFieldRef']>, nodeAllocatable: Record<string, string> = {}): string {
  const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === ref.containerName);
  if (!c) throw new VolumeSetUpError(`downwardAPI resourceFieldRef: container "${ref.containerName ?? ''}" not found in the pod`);
  const [kind, res] = (ref.resource ?? '').split('.') as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || !res) throw new VolumeSetUpError(`unsupported resource in a downwardAPI volume: ${ref.resource}`);
  const raw = (kind === 'limits' ? c.resources?.limits : c.resources?.requests)?.[res] ?? (kind === 'limits' ? nodeAllocatable[res] : undefined);
  if (raw === undefined) return '0';
  const q = Quantity.parse(String(raw));
  const div = Quantity.parse(String(ref.divisor ?? '1'));
  if (res === 'cpu') return String(Math.ceil(q.milliValue() / Math.max(1, div.milliValue())));
  return String(Math.ceil(q.value() / Math.max(1, div.value())));
}

export function downwardPayload(pod: Pod, items: DownwardFile[] | null | undefined, defaultMode: number | null | undefined, nodeAllocatable?: Record<string, string>): Payload {
  const out: Payload = new Map();
  for (const it of items ?? []) {
    let text: string;
    if (it.fieldRef) text = volumeField(pod, it.fieldRef.fieldPath ?? '');
    else if (it.resourceFieldRef) text = resourceValue(pod, it.resourceFieldRef, nodeAllocatable);
    else throw new VolumeSetUpError(`downwardAPI item ${it.path}: neither fieldRef nor resourceFieldRef`);
    out.set(it.path ?? '', { data: Buffer.from(text, 'utf8'), mode: it.mode ?? defaultMode ?? DEFAULT_VOLUME_MODE });
  }
  return out;
}

export interface ProjectedSources {
  configMaps: Map<string, ConfigMap | undefined>;
  secrets: Map<string, Secret | undefined>;
  /** Service account tokens by their source's path; a source without one is skipped. */
  tokens?: Map<string, string>;
}

export interface ProjectedSource {
  defaultMode?: number | null;
  sources?: Array<{
    configMap?: { name?: string; items?: KeyToPath[] | null; optional?: boolean | null } | null;
    secret?: { name?: string; items?: KeyToPath[] | null; optional?: boolean | null } | null;
    downwardAPI?: { items?: DownwardFile[] | null } | null;
    serviceAccountToken?: { path?: string; audience?: string; expirationSeconds?: number | null } | null;
    clusterTrustBundle?: { path?: string } | null;
  }> | null;
}

/**
 * A projected volume: its configMap, secret, downwardAPI and serviceAccountToken sources
 * merged (tokens fetched by the caller). Cluster trust bundles, and tokens the caller
 * could not have, are left out and named in `skipped`, for the caller to report.
 */
export function projectedPayload(pod: Pod, src: ProjectedSource, objs: ProjectedSources, nodeAllocatable?: Record<string, string>): { payload: Payload; skipped: string[] } {
  const mode = src.defaultMode ?? DEFAULT_VOLUME_MODE;
  const out: Payload = new Map();
  const skipped: string[] = [];
  for (const s of src.sources ?? []) {
    if (s.configMap) addKeys(out, { kind: 'configmap', name: s.configMap.name ?? '', data: configMapData(objs.configMaps.get(s.configMap.name ?? '')), items: s.configMap.items, optional: s.configMap.optional }, mode);
    if (s.secret) addKeys(out, { kind: 'secret', name: s.secret.name ?? '', data: secretData(objs.secrets.get(s.secret.name ?? '')), items: s.secret.items, optional: s.secret.optional }, mode);
    if (s.downwardAPI) for (const [k, v] of downwardPayload(pod, s.downwardAPI.items, mode, nodeAllocatable)) out.set(k, v);
    if (s.serviceAccountToken) {
      const token = objs.tokens?.get(s.serviceAccountToken.path ?? '');
      if (token === undefined) skipped.push(`serviceAccountToken (${s.serviceAccountToken.path ?? ''})`);
      else out.set(s.serviceAccountToken.path ?? '', { data: Buffer.from(token, 'utf8'), mode });
    }
    if (s.clusterTrustBundle) skipped.push(`clusterTrustBundle (${s.clusterTrustBundle.path ?? ''})`);
  }
  return { payload: out, skipped };
}
