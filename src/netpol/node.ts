import type { SharedInformerFactory } from '../client/informer-factory.js';
import type { Logger } from '../client/logger.js';
import { startNetworkPolicyController, type NetworkPolicyController } from './controller.js';
import { enforcementProblem, ensureBridgeNetfilter, netpolNodeTable, netpolTable, recordNetworkPolicyTable } from './host.js';

/**
 * Whether a node enforces NetworkPolicies: `{ table, pods }` — the nftables table it keeps
 * and, for the report, which pods it judges — or `{ off }` with the reason
 * (--disable-network-policy, pods on the host network). The compiler works from pod IPs and
 * the node name, so the bridge only names the table: one per skiff bridge, and per node
 * with --runtime cri (pods on containerd's CNI bridge). `recordIn`: the node's data dir,
 * where a cri node notes its table for `skiff killall`.
 */
export type NetworkPolicySetting = { table: string; pods: string; recordIn?: string } | { off: string };

/** The setting for a node's flags: what runs where, and k3s's --disable-network-policy. */
export function networkPolicySetting(o: { disabled?: boolean; bridge?: string; runtime?: string; nodeName: string; dataDir?: string }): NetworkPolicySetting {
  if (o.disabled) return { off: '--disable-network-policy' };
  if (o.runtime === 'cri') return { table: netpolNodeTable(o.nodeName), pods: `the containerd (CNI) pods of node ${o.nodeName}`, ...(o.dataDir ? { recordIn: o.dataDir } : {}) };
  if (!o.bridge) return { off: 'pods have no network namespace of their own (pod networking on a bridge needs root)' };
  return { table: netpolTable(o.bridge), pods: `the pods on ${o.bridge}` };
}

/**
 * Starts enforcement on a node when its setting and the machine allow it (root, nft);
 * otherwise says why once, through `progress`, and returns undefined. The informers are
 * the node's shared ones (the caller starts them).
 */
export function startNodeNetworkPolicy(o: { setting: NetworkPolicySetting; informers: SharedInformerFactory; nodeName: string; progress: (line: string) => void; log: Logger }): NetworkPolicyController | undefined {
  if ('off' in o.setting) {
    o.progress(`network policies: not enforced (${o.setting.off})`);
    return undefined;
  }
  const problem = enforcementProblem();
  if (problem) {
    o.progress(`network policies: not enforced (${problem})`);
    return undefined;
  }
  const bridgeProblem = ensureBridgeNetfilter();
  if (bridgeProblem) o.progress(`network policies: ${bridgeProblem}`);
  const { table, pods, recordIn } = o.setting;
  if (recordIn) recordNetworkPolicyTable(recordIn, table);
  const controller = startNetworkPolicyController({ informers: o.informers, nodeName: o.nodeName, table, log: o.log });
  let first = true;
  const ready = controller.ready().then(() => {
    first = false;
    o.progress(`network policies: enforced for ${pods} (nftables table inet ${table}; --disable-network-policy turns this off)`);
  });
  // The node must start even when the caches cannot fill (an API server without NetworkPolicies):
  // ready() waits a bounded time, then says so; enforcement begins whenever they do.
  const bounded = (): Promise<void> =>
    Promise.race([
      ready,
      new Promise<void>((resolve) =>
        setTimeout(() => {
          if (first) o.progress(`network policies: not enforced yet (NetworkPolicies, Pods and Namespaces not listed within ${READY_TIMEOUT_MS / 1000} s; see the log)`);
          resolve();
        }, READY_TIMEOUT_MS).unref(),
      ),
    ]);
  const stop = async (): Promise<void> => {
    await controller.stop();
    if (recordIn) recordNetworkPolicyTable(recordIn);
  };
  return { ready: bounded, lastApplied: () => controller.lastApplied(), stop };
}

const READY_TIMEOUT_MS = 15_000;
