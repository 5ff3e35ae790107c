import { IngressKind, type Ingress } from '../api/networking/v1/ingress.js';
import type { Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';

/**
 * Writes `status.loadBalancer.ingress: [{ ip }]` on each served Ingress, as k3s's Traefik
 * publishes its service address. Remembers the resourceVersion it wrote for, so a racing
 * or failing write is not repeated on every sync for the same object; resolves true when
 * a write failed (the caller retries later).
 */
export function ingressStatusWriter(config: { client: RestClient; ip: string; log: Logger }): (served: readonly Ingress[]) => Promise<boolean> {
  const written = new Map<string, string>();
  const { ip } = config;
  return async (served) => {
    // A wildcard listen address is no address a client could use.
    if (!ip || ip === '0.0.0.0' || ip === '::') return false;
    let failed = false;
    const seen = new Set<string>();
    for (const ing of served) {
      const uid = ing.metadata?.uid ?? '';
      seen.add(uid);
      const current = ing.status?.loadBalancer?.ingress ?? [];
      if (current.length === 1 && current[0]?.ip === ip && !current[0].hostname) continue;
      if (written.get(uid) === ing.metadata?.resourceVersion) continue;
      written.set(uid, ing.metadata?.resourceVersion ?? '');
      const [ns, name] = [ing.metadata?.namespace ?? '', ing.metadata?.name ?? ''];
      try {
        await config.client.resource<Ingress>(IngressKind).subresource('status').patch(name, { status: { loadBalancer: { ingress: [{ ip }] } } }, 'merge', { namespace: ns });
        config.log.info('ingress status written', { ingress: `${ns}/${name}`, ip });
      } catch (err) {
        written.delete(uid);
        failed = true;
        config.log.warn('writing ingress status failed', { ingress: `${ns}/${name}`, error: String(err) });
      }
    }
    for (const uid of [...written.keys()]) if (!seen.has(uid)) written.delete(uid);
    return failed;
  };
}
