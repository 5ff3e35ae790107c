import type { SharedInformerFactory } from '../client/informer-factory.js';
import type { Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import type { IngressController } from '../ingress/index.js';

/** The port the ingress controller takes unless told: HTTP's, as k3s's Traefik serves it. */
export const DEFAULT_INGRESS_PORT = 80;
/** Where it goes when port 80 needs root (as the cluster DNS goes from 53 to 1053). */
export const UNPRIVILEGED_INGRESS_PORT = 8080;

export interface NodeIngressConfig {
  client: RestClient;
  informers: SharedInformerFactory;
  /** Listen address ('0.0.0.0' for all). */
  address: string;
  /** A fixed port (0: any free one); undefined: 80, else 8080 without the privilege for 80. */
  port?: number;
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
  const ports = config.port === undefined ? [DEFAULT_INGRESS_PORT, UNPRIVILEGED_INGRESS_PORT] : [config.port];
  for (const port of ports) {
    try {
      const c = await startIngressController({ client: config.client, informers: config.informers, listen: { address: config.address, port }, ingressIP: config.ingressIP, log: config.log });
      const why = port !== ports[0] ? ` (port ${DEFAULT_INGRESS_PORT} needs root)` : '';
      config.progress(`ingress controller on ${config.address}:${c.port}${why}, IngressClass "${DEFAULT_INGRESS_CLASS}"${created ? ' (created as the default class)' : ''}`);
      return c;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' && port !== ports[ports.length - 1]) continue;
      config.progress(`ingress controller not started: cannot listen on ${config.address}:${port} (${code ?? String(err)})`);
      return undefined;
    }
  }
  return undefined;
}
