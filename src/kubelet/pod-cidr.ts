import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';

/**
 * Writes the node's pod range into node.spec.podCIDR(s). In Kubernetes the controller
 * manager allocates it and the kubelet reads it; skiff has no allocator yet, so the node
 * reports the range it was given. The API lets it go only from empty to set: a node
 * registered with another range keeps it, and a warning says so.
 */
export async function recordPodCidr(client: RestClient, node: Node, podCidr: string, logger: Logger): Promise<void> {
  const name = node.metadata?.name ?? '';
  const current = node.spec?.podCIDR;
  if (current === podCidr) return;
  if (current) {
    logger.warn('node already has another podCIDR; pods get addresses from the configured range', { node: name, podCIDR: current, configured: podCidr });
    return;
  }
  try {
    await client.resource<Node>(NodeKind).patch(name, { spec: { podCIDR: podCidr, podCIDRs: [podCidr] } }, 'merge');
  } catch (err) {
    logger.warn('could not record the node\'s podCIDR', { node: name, error: String(err) });
  }
}
