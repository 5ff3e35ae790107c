import { ServiceKind, type Service } from '../api/core/v1/service.js';
import type { Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';

/**
 * Writes this node's address as the ingress IP of LoadBalancer Services without a
 * loadBalancerClass (k3s ServiceLB style), as the userspace proxy does. Remembers the
 * resourceVersion it wrote for, so a failing or racing write is not repeated every sync.
 */
export function loadBalancerStatusWriter(config: { client: RestClient; ip?: string; log: Logger }): (services: readonly Service[]) => Promise<void> {
  const written = new Map<string, string>();
  const ip = config.ip;
  return async (services) => {
    if (!ip || ip === '0.0.0.0' || ip === '::') return;
    for (const svc of services) {
      if (svc.spec?.type !== 'LoadBalancer' || svc.spec.loadBalancerClass) continue;
      const ingress = svc.status?.loadBalancer?.ingress ?? [];
      if (ingress.length === 1 && ingress[0]?.ip === ip) continue;
      const uid = svc.metadata?.uid ?? '';
      if (written.get(uid) === svc.metadata?.resourceVersion) continue;
      written.set(uid, svc.metadata?.resourceVersion ?? '');
      const [ns, name] = [svc.metadata?.namespace ?? '', svc.metadata?.name ?? ''];
      await config.client
        .resource(ServiceKind)
        .subresource('status')
        .patch(name, { status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } }, 'merge', { namespace: ns })
        .catch((err: unknown) => config.log.warn('writing load-balancer status failed', { service: `${ns}/${name}`, error: String(err) }));
    }
  };
}
