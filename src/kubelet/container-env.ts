import type { ConfigMap } from '../api/core/v1/config-map.js';
import type { Container } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { Secret } from '../api/core/v1/secret.js';

/** Raised when a container's configuration cannot be built (→ CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

export interface EnvSources {
  /** Returns undefined when the object does not exist. */
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** A pod field as the downward API exposes it (fieldRef.fieldPath). */
export function podField(pod: Pod, path: string, podIP: string, hostIP: string): string {
  const meta = pod.metadata ?? {};
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? meta.labels : meta.annotations)?.[m[2] as string] ?? '';
  switch (path) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP': return podIP;
    case 'status.podIPs': return podIP;
    case 'status.hostIP': return hostIP;
    case 'status.hostIPs': return hostIP;
    default: throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

function resourceField(c: Container, resource: string, divisor: string | undefined): string {
  const [kind, name] = resource.split('.') as [string, string];
  const raw = (kind === 'limits' ? c.resources?.limits : c.resources?.requests)?.[name];
  if (raw === undefined) return '0';
  const v = String(raw);
  if (name === 'cpu') {
    // Rounded up to whole divisor units, as the kubelet does (default divisor 1 core).
    const milli = /m$/.test(v) ? Number(v.slice(0, -1)) : Number(v) * 1000;
    const div = divisor ? (/m$/.test(divisor) ? Number(divisor.slice(0, -1)) : Number(divisor) * 1000) : 1000;
    return String(Math.ceil(milli / div));
  }
  return v;
}

/** Expands $(VAR) references as Kubernetes does ($$ escapes; unknown references stay literal). */
export function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) => (name === undefined ? '$' : (env[name] ?? all)));
}

/** Builds a container's environment: envFrom first, then env (later wins), $(VAR) expanded. */
export async function containerEnv(pod: Pod, c: Container, src: EnvSources, ips: { podIP: string; hostIP: string }, base: Record<string, string> = {}): Promise<Record<string, string>> {
  const ns = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = { ...base };
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await src.configMap(ns, from.configMapRef.name ?? '');
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env[prefix + k] = v;
    }
    if (from.secretRef) {
      const s = await src.secret(ns, from.secretRef.name ?? '');
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env[prefix + k] = Buffer.from(String(v), 'base64').toString('utf8');
    }
  }
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    const name = e.name ?? '';
    if (!vf) {
      env[name] = expand(e.value ?? '', env);
    } else if (vf.fieldRef) {
      env[name] = podField(pod, vf.fieldRef.fieldPath ?? '', ips.podIP, ips.hostIP);
    } else if (vf.resourceFieldRef) {
      env[name] = resourceField(c, vf.resourceFieldRef.resource ?? '', vf.resourceFieldRef.divisor as string | undefined);
    } else if (vf.configMapKeyRef) {
      const ref = vf.configMapKeyRef;
      const cm = await src.configMap(ns, ref.name ?? '');
      const v = cm?.data?.[ref.key ?? ''];
      if (v === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(cm ? `couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}` : `configmap "${ref.name}" not found`);
      }
      env[name] = v;
    } else if (vf.secretKeyRef) {
      const ref = vf.secretKeyRef;
      const s = await src.secret(ns, ref.name ?? '');
      const v = s?.data?.[ref.key ?? ''];
      if (v === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(s ? `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}` : `secret "${ref.name}" not found`);
      }
      env[name] = Buffer.from(String(v), 'base64').toString('utf8');
    }
  }
  return env;
}
