import type { SharedInformerFactory } from '../client/informer-factory.js';
import type { Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import type { IngressController } from '../ingress/index.js';
import { nodeAddresses } from '../proxy/node-addresses.js';

/** The ports the ingress controller takes unless told: HTTP's and HTTPS's, as k3s's Traefik serves them. */
export const DEFAULT_INGRESS_PORT = 80;
export const DEFAULT_INGRESS_HTTPS_PORT = 443;
/** Where they go when ports below 1024 need root (as the cluster DNS goes from 53 to 1053). */
export const UNPRIVILEGED_INGRESS_PORT = 8080;
export const UNPRIVILEGED_INGRESS_HTTPS_PORT = 8443;

export interface NodeIngressConfig {
  client: RestClient;
  informers: SharedInformerFactory;
  /** Listen address ('0.0.0.0' for all of the node's, node-addresses.ts). */
  address: string;
  /** A fixed HTTP port (0: any free one); undefined: 80, else 8080 without the privilege for 80. */
  port?: number;
  /** The same for HTTPS: 443, else 8443. */
  httpsPort?: number;
  /** Written to served Ingresses' status; '' for none. */
  ingressIP: string;
  progress: (line: string) => void;
  log: Logger;
}

/**
 * Starts the built-in ingress controller on a node, after making the default IngressClass
 * if the cluster has none. A port it cannot take (in use, e.g. by a LoadBalancer Service
 * on 80) is reported and the ingress skipped: the rest of the node still runs, as with DNS.
 */
export async function startNodeIngress(config: NodeIngressConfig): Promise<IngressController | undefined> {
  const { ensureDefaultIngressClass, startIngressController, DEFAULT_INGRESS_CLASS } = await import('../ingress/index.js');
  const created = await ensureDefaultIngressClass(config.client).catch((err: unknown) => {
    config.progress(`ingress: could not create the default IngressClass (${String(err)})`);
    return false;
  });
  // All addresses: each one bound by itself, so ClusterIPs on 80/443 (the `kubernetes` Service) keep theirs.
  const addresses = config.address === '0.0.0.0' ? nodeAddresses() : [config.address];
  const wanted = { http: config.port ?? DEFAULT_INGRESS_PORT, https: config.httpsPort ?? DEFAULT_INGRESS_HTTPS_PORT };
  const unprivileged = { http: config.port ?? UNPRIVILEGED_INGRESS_PORT, https: config.httpsPort ?? UNPRIVILEGED_INGRESS_HTTPS_PORT };
  for (const ports of [wanted, unprivileged]) {
    try {
      const c = await startIngressController({
        client: config.client,
        informers: config.informers,
        listen: { address: addresses, port: ports.http },
        listenTls: { address: addresses, port: ports.https },
        ingressIP: config.ingressIP,
        log: config.log,
      });
      const why = ports === unprivileged ? ' (ports below 1024 need root)' : '';
      const where = addresses.length === 1 ? `${addresses[0]}:${c.port} (HTTP) and :${c.tlsPort} (HTTPS)` : `${addresses.join(', ')}, ports ${c.port} (HTTP) and ${c.tlsPort} (HTTPS)`;
      config.progress(`ingress controller on ${where}${why}, IngressClass "${DEFAULT_INGRESS_CLASS}"${created ? ' (created as the default class)' : ''}`);
      return c;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { port?: number };
      const fallback = e.code === 'EACCES' && ports === wanted && (wanted.http !== unprivileged.http || wanted.https !== unprivileged.https);
      if (fallback) continue;
      config.progress(`ingress controller not started: cannot listen on ${config.address}:${e.port ?? `${ports.http}/${ports.https}`} (${e.code ?? String(err)})`);
      return undefined;
    }
  }
  return undefined;
}
