import { ServiceKind, type Service } from '../../api/core/v1/service.js';
import { EndpointSliceKind, type EndpointSlice } from '../../api/discovery/v1/endpoint-slice.js';
import { SharedInformerFactory } from '../../client/informer-factory.js';
import { jsonLogger, type Logger } from '../../client/logger.js';
import type { RestClient } from '../../client/rest-client.js';
import { loadBalancerStatusWriter } from '../lb-status.js';
import { syncLoop } from '../sync-loop.js';
import { nftRunner, type NftRunner } from './nft.js';
import { renderRuleset, type Ruleset } from './render.js';
import { deleteTableText, transactionText } from './transaction.js';

export interface KernelProxyConfig {
  client: RestClient;
  /** Shared informers (the caller starts them); default: the proxy's own, started and stopped with it. */
  informers?: SharedInformerFactory;
  /** NodePorts and load-balancer ports answer on this address only; default every local address outside 127/8. */
  nodeAddress?: string;
  /** The ingress IP written for LoadBalancer Services; default nodeAddress; none when '' or a wildcard. */
  loadBalancerIP?: string;
  /** Services this node serves by other means (e.g. the cluster DNS IP): no rules, not even a reject. */
  skipService?: (svc: Service) => boolean;
  /** This node's name, for the Local traffic policies; unset, they act as Cluster. */
  nodeName?: string;
  log?: Logger;
  /** Delay that coalesces bursts of events into one transaction; default 20 ms. */
  syncDelayMs?: number;
  /** Re-applies the ruleset this often even without events, repairing outside changes; default 30 s. */
  resyncMs?: number;
  /** Applies an nft script (tests inject one); default `nft -f -`. */
  nft?: NftRunner;
}

export interface KernelProxy {
  /** Deletes skiff's table (with every rule and affinity set in it); idempotent. Established flows keep their conntrack entries. */
  stop(): Promise<void>;
  /** Resolves once the first ruleset after the caches synced is applied (or failed: see the log). */
  ready(): Promise<void>;
  /** The last script applied successfully (tests, debugging). */
  lastApplied(): string | undefined;
}

const RETRY_MS = 1000;

/**
 * The kernel-mode service proxy: renders the whole `ip skiff` nftables table from the
 * Service and EndpointSlice caches and applies it as one `nft -f -` transaction, at most
 * `syncDelayMs` after a change. Needs root (CAP_NET_ADMIN). Touches no other table.
 *
 * ClusterIPs are not put on any interface: as with kube-proxy, a packet to a ClusterIP
 * only reaches the nat hooks if the machine has a route for it (normally the default route).
 */
export async function startKernelProxy(config: KernelProxyConfig): Promise<KernelProxy> {
  const log = config.log ?? jsonLogger('proxy');
  const nft = config.nft ?? nftRunner();
  const ownFactory = !config.informers;
  const factory = config.informers ?? new SharedInformerFactory({ client: config.client, logger: log });
  const services = factory.informerFor<Service>(ServiceKind);
  const slices = factory.informerFor<EndpointSlice>(EndpointSliceKind);
  const writeStatus = loadBalancerStatusWriter({ client: config.client, ip: config.loadBalancerIP ?? config.nodeAddress, log });
  // What the last successful transaction installed; undefined forces a full re-creation.
  let applied: { ruleset: Ruleset; text: string; full: string } | undefined;
  let force = false;

  async function syncOnce(): Promise<boolean> {
    const started = Date.now();
    const ruleset = renderRuleset({
      services: services.list(),
      slices: slices.list(),
      ...(config.nodeAddress ? { nodeAddress: config.nodeAddress } : {}),
      ...(config.skipService ? { skipService: config.skipService } : {}),
      ...(config.nodeName ? { nodeName: config.nodeName } : {}),
    });
    // The from-scratch text is the ruleset's canonical form: equal text, nothing to do.
    const full = transactionText(ruleset);
    if (applied?.full !== full || force) {
      force = false;
      const text = transactionText(ruleset, applied?.ruleset);
      try {
        await nft(text);
        applied = { ruleset, text, full };
        log.info('ruleset applied', { chains: ruleset.chains.size, sets: ruleset.sets.size, ms: Date.now() - started });
      } catch (err) {
        applied = undefined;
        log.error('applying the ruleset failed', { error: String(err) });
        return true;
      }
    }
    await writeStatus(services.list());
    return false;
  }

  const loop = syncLoop({ sync: syncOnce, delayMs: config.syncDelayMs ?? 20, retryMs: RETRY_MS, log });
  const schedule = loop.schedule;

  const handler = { onAdd: () => schedule(), onUpdate: () => schedule(), onDelete: () => schedule() };
  const unsubscribe = [services.addEventHandler(handler), slices.addEventHandler(handler)];
  const resync = setInterval(() => {
    force = true;
    schedule(0);
  }, config.resyncMs ?? 30_000);
  resync.unref();
  if (ownFactory) factory.start();
  void Promise.all([services.waitForSync(), slices.waitForSync()]).then(() => schedule(0));

  let stopping: Promise<void> | undefined;
  return {
    ready: () => loop.firstSync(),
    lastApplied: () => applied?.text,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(resync);
        for (const u of unsubscribe) u();
        await loop.stop();
        await nft(deleteTableText()).catch((err: unknown) => log.error('deleting the nftables table failed', { error: String(err) }));
        applied = undefined;
        if (ownFactory) await factory.stop();
      })()),
  };
}
