import type { SharedInformerFactory } from '../client/informer-factory.js';
import type { Logger } from '../client/logger.js';
import { startNetworkPolicyController, type NetworkPolicyController } from './controller.js';
import { enforcementProblem, ensureBridgeNetfilter, netpolTable } from './host.js';

/**
 * Whether a node enforces NetworkPolicies: `{ bridge }` when its pods have network
 * namespaces of their own on that bridge, `{ off }` with the reason otherwise
 * (--disable-network-policy, pods on the host network, another runtime's networking).
 */
export type NetworkPolicySetting = { bridge: string } | { off: string };

/** The setting for a node's flags: what runs where, and k3s's --disable-network-policy. */
export function networkPolicySetting(o: { disabled?: boolean; bridge?: string; runtime?: string }): NetworkPolicySetting {
  if (o.disabled) return { off: '--disable-network-policy' };
  if (o.runtime === 'cri') return { off: 'with --runtime cri, pod networking is the CNI plugin’s' };
  if (!o.bridge) return { off: 'pods have no network namespace of their own (pod networking on a bridge needs root)' };
  return { bridge: o.bridge };
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
  const bridge = o.setting.bridge;
  const table = netpolTable(bridge);
  const controller = startNetworkPolicyController({ informers: o.informers, nodeName: o.nodeName, table, log: o.log });
  let first = true;
  const ready = controller.ready().then(() => {
    first = false;
    o.progress(`network policies: enforced for the pods on ${bridge} (nftables table inet ${table}; --disable-network-policy turns this off)`);
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
  return { ready: bounded, lastApplied: () => controller.lastApplied(), stop: () => controller.stop() };
}

const READY_TIMEOUT_MS = 15_000;
