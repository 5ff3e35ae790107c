import { ServiceKind, type Service } from '../api/core/v1/service.js';
import { isAlreadyExists, isNotFound } from '../client/status-error.js';
import type { RestClient } from '../client/rest-client.js';

/**
 * The `kube-dns` Service in kube-system, as k3s lists it: it reserves the cluster DNS IP
 * in the service range and makes the usual name resolve. It has no selector and so no
 * endpoints: every node's own DNS server binds that IP (the proxy leaves it alone).
 */
export function clusterDnsService(ip: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'skiff-dns' },
      annotations: { 'skiff.io/served-by': 'the DNS of every node (skiff up / skiff agent), bound to this ClusterIP' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
    },
  } as Service;
}

/**
 * Creates kube-system/kube-dns with clusterIP `ip` if it is missing. Returns a warning when
 * it exists with another IP (a restart with a different --cluster-dns): it is left as is.
 */
export async function ensureClusterDnsService(client: RestClient, ip: string): Promise<string | undefined> {
  const services = client.resource<Service>(ServiceKind);
  // Read first: creating an existing one fails on its taken IP (422) before its name (409).
  let have = await services.get('kube-dns', { namespace: 'kube-system' }).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  if (!have) {
    try {
      return void (await services.create(clusterDnsService(ip), { namespace: 'kube-system' }));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      have = await services.get('kube-dns', { namespace: 'kube-system' });
    }
  }
  const got = have.spec?.clusterIP;
  return got === ip ? undefined : `kube-system/kube-dns has clusterIP ${got ?? 'none'}, not --cluster-dns ${ip}; left as is`;
}
