import type { KindSpec } from '../../api/schema/dsl.js';

/** One subresource as discovery lists it. */
export interface SubresourceInfo {
  name: string;
  responseKind: { group: string; version: string; kind: string };
  verbs: string[];
}

/**
 * Subresources that are not declared in KindSpec (which only knows status and scale):
 * the ones kube-apiserver serves and kubectl or the cluster components call.
 * Keyed by `<group>/<plural>`.
 */
const EXTRA: Readonly<Record<string, ReadonlyArray<Omit<SubresourceInfo, 'responseKind'> & { kind: string; group?: string; version?: string }>>> = {
  '/pods': [
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  ],
  '/namespaces': [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  'certificates.k8s.io/certificatesigningrequests': [{ name: 'approval', kind: 'CertificateSigningRequest', verbs: ['get', 'patch', 'update'] }],
  '/serviceaccounts': [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
};

/** Every subresource of a kind, sorted by name. */
export function subresourcesOf(spec: KindSpec): SubresourceInfo[] {
  const out: SubresourceInfo[] = [];
  const own = { group: spec.group, version: spec.version };
  if (spec.subresources?.status) out.push({ name: 'status', responseKind: { ...own, kind: spec.kind }, verbs: ['get', 'patch', 'update'] });
  if (spec.subresources?.scale) {
    out.push({ name: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  }
  for (const e of EXTRA[`${spec.group}/${spec.plural}`] ?? []) {
    out.push({
      name: e.name,
      responseKind: { group: e.group ?? spec.group, version: e.version ?? spec.version, kind: e.kind },
      verbs: [...e.verbs],
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export const DEFAULT_VERBS: readonly string[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function verbsOf(spec: KindSpec): string[] {
  return [...(spec.verbs ?? DEFAULT_VERBS)];
}

/** Kubernetes' version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2). */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = rank(a);
  const [sb, mb, nb] = rank(b);
  if (sa !== sb) return sb - sa;
  if (ma !== mb) return mb - ma;
  if (na !== nb) return nb - na;
  return a.localeCompare(b);
}
