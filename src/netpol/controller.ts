import { NamespaceKind, type Namespace } from '../api/core/v1/namespace.js';
import { PodKind, type Pod } from '../api/core/v1/pod.js';
import { NetworkPolicyKind, type NetworkPolicy } from '../api/networking/v1/network-policy.js';
import type { SharedInformerFactory } from '../client/informer-factory.js';
import type { Logger } from '../client/logger.js';
import { nftRunner, type NftRunner } from '../proxy/nftables/nft.js';
import { syncLoop } from '../proxy/sync-loop.js';
import { compileRuleset, deleteTableScript, rulesetScript } from './compile.js';

export interface NetworkPolicyControllerConfig {
  /** Shared informers; the caller starts them (NetworkPolicies, Pods, Namespaces are added here). */
  informers: SharedInformerFactory;
  /** This node: its pods are the ones the rules protect. */
  nodeName: string;
  /** The nftables table (family inet) this controller owns. */
  table: string;
  log: Logger;
  /** Applies an nft script (tests inject one); default `nft -f -`. */
  nft?: NftRunner;
  /** Delay that coalesces bursts of events into one transaction; default 50 ms. */
  syncDelayMs?: number;
  /** Re-applies the table this often even without events, repairing outside changes; default 30 s. */
  resyncMs?: number;
}

export interface NetworkPolicyController {
  /** Resolves once the first table after the caches synced is applied (or failed: see the log). */
  ready(): Promise<void>;
  /** The last script applied successfully (tests, debugging). */
  lastApplied(): string | undefined;
  /** Deletes the table; established connections keep their conntrack entries. Idempotent. */
  stop(): Promise<void>;
}

const RETRY_MS = 1000;

/**
 * The node's network policy enforcement, as k3s's embedded controller: any change to a
 * NetworkPolicy, Pod or Namespace schedules a sync, which compiles the whole table from
 * the caches and, when the text differs from what is installed, replaces it in one
 * `nft -f -` transaction. Level-triggered: a missed event is repaired by the next one or
 * by the periodic resync.
 */
export function startNetworkPolicyController(config: NetworkPolicyControllerConfig): NetworkPolicyController {
  const { log, table } = config;
  const nft = config.nft ?? nftRunner();
  const policies = config.informers.informerFor<NetworkPolicy>(NetworkPolicyKind);
  const pods = config.informers.informerFor<Pod>(PodKind);
  const namespaces = config.informers.informerFor<Namespace>(NamespaceKind);
  let applied: string | undefined;
  let force = false;

  async function syncOnce(): Promise<boolean> {
    const started = Date.now();
    const ruleset = compileRuleset({ policies: policies.list(), pods: pods.list(), namespaces: namespaces.list(), nodeName: config.nodeName });
    const text = rulesetScript(table, ruleset);
    if (text === applied && !force) return false;
    force = false;
    try {
      await nft(text);
      applied = text;
      log.info('network policy rules applied', { table, isolatedIngress: ruleset.isolated.ingress, isolatedEgress: ruleset.isolated.egress, ms: Date.now() - started });
      return false;
    } catch (err) {
      applied = undefined;
      log.error('applying the network policy rules failed', { table, error: String(err) });
      return true;
    }
  }

  const loop = syncLoop({ sync: syncOnce, delayMs: config.syncDelayMs ?? 50, retryMs: RETRY_MS, log });
  const handler = { onAdd: () => loop.schedule(), onUpdate: () => loop.schedule(), onDelete: () => loop.schedule() };
  const unsubscribe: Array<() => void> = [];
  const resync = setInterval(() => {
    force = true;
    loop.schedule(0);
  }, config.resyncMs ?? 30_000);
  resync.unref();
  // Nothing is applied before every cache is complete: a partial policy list would open
  // isolated pods, a partial pod list would cut allowed peers. Until then the table an
  // earlier run left (if any) stays. Subscribing replays the cache, which schedules the first sync.
  void Promise.all([policies.waitForSync(), pods.waitForSync(), namespaces.waitForSync()]).then(() => {
    if (stopping) return;
    unsubscribe.push(policies.addEventHandler(handler), pods.addEventHandler(handler), namespaces.addEventHandler(handler));
    loop.schedule(0);
  });

  let stopping: Promise<void> | undefined;
  return {
    ready: () => loop.firstSync(),
    lastApplied: () => applied,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(resync);
        for (const u of unsubscribe) u();
        await loop.stop();
        await nft(deleteTableScript(table)).catch((err: unknown) => log.error('deleting the network policy table failed', { table, error: String(err) }));
        applied = undefined;
      })()),
  };
}
