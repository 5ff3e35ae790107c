import type { Service } from '../api/core/v1/service.js';

function envName(s: string): string {
  return s.toUpperCase().replace(/-/g, '_');
}

/**
 * The Docker-links-style variables Kubernetes injects for every Service with a cluster IP
 * in the pod's namespace (enableServiceLinks), plus the master service's KUBERNETES_* ones.
 */
export function serviceEnv(services: readonly Service[], namespace: string, enableServiceLinks: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  for (const svc of services) {
    const ns = svc.metadata?.namespace ?? '';
    const isMaster = ns === 'default' && svc.metadata?.name === 'kubernetes';
    if (!isMaster && (ns !== namespace || !enableServiceLinks)) continue;
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    const name = envName(svc.metadata?.name ?? '');
    const ports = svc.spec?.ports ?? [];
    env[`${name}_SERVICE_HOST`] = ip;
    const first = ports[0];
    if (first) {
      env[`${name}_SERVICE_PORT`] = String(first.port);
      env[`${name}_PORT`] = `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`;
    }
    for (const p of ports) {
      if (p.name) env[`${name}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
      const proto = (p.protocol ?? 'TCP').toUpperCase();
      const prefix = `${name}_PORT_${p.port}_${proto}`;
      env[prefix] = `${proto.toLowerCase()}://${ip}:${p.port}`;
      env[`${prefix}_PROTO`] = proto.toLowerCase();
      env[`${prefix}_PORT`] = String(p.port);
      env[`${prefix}_ADDR`] = ip;
    }
  }
  return env;
}
