import { NOT_ROOT } from './cgroups.js';

/**
 * What the process runtime cannot isolate on this node, in one line the kubelet reports
 * (an Event and a node condition message): network and mount namespaces, cgroups.
 */
export function describeLimitations(parts: {
  /** The pod network's own description, or undefined when pods get loopback addresses. */
  network: string | undefined;
  /** Why there are no mount namespaces, or undefined when there are. */
  noMounts: string | undefined;
  /** The cgroup setup's description, or undefined when there are none… */
  cgroups: string | undefined;
  /** …and then why not. */
  noCgroups: string | undefined;
}): string[] {
  const net = parts.network ?? 'no network namespace (pods get a loopback address 127.x.y.z)';
  const mounts = parts.noMounts
    ? `no mount namespace (volumes are not mounted at their mountPaths, no pod resolv.conf: ${parts.noMounts})`
    : "a mount namespace per container (volumes at their mountPaths, the pod's resolv.conf)";
  const ns = `${net}, ${mounts}`;
  if (parts.cgroups) return [`process runtime: ${ns}; CPU and memory limits are enforced with ${parts.cgroups}`];
  const hint = parts.noCgroups === NOT_ROOT ? '; run the node as root to enforce them' : '';
  return [`process runtime: ${ns}, no cgroup (CPU and memory limits are not enforced: ${parts.noCgroups}${hint})`];
}
