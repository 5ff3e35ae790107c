/**
 * The CRI PodSandboxConfig skiff sends for a pod, and the pod's sandbox config read back
 * from what containerd reports. The whole config rides along as an annotation: CRI
 * echoes annotations unchanged, and CreateContainer must repeat the sandbox's config
 * (securityContext, privileged) even after a kubelet restart.
 */
import type { PodSandboxConfig } from '../runtime.js';
import { HOST_NETWORK_LABEL, MANAGED_LABEL, podCgroupParent, podLogDirectory } from './mapping.js';
import { criPortMappings, linuxSandboxSecurityContext, sandboxSysctls } from './security-context.js';

export const SANDBOX_CONFIG_ANNOTATION = 'skiff.dev/sandbox-config';

export interface SandboxPaths {
  logDir: string;
  cgroupRoot: string;
  /** Where Localhost seccomp profiles live (the kubelet's <root-dir>/seccomp). */
  seccompRoot: string;
}

/** The CRI PodSandboxConfig; rebuilt identically on every call (CreateContainer must repeat it). */
export function criSandboxConfig(c: PodSandboxConfig, paths: SandboxPaths, attempt = 0): object {
  const hostNetwork = c.hostNetwork === true;
  return {
    metadata: { name: c.name, uid: c.uid, namespace: c.namespace, attempt },
    // With the node's network the UTS namespace is the host's too: runc refuses a hostname then.
    hostname: hostNetwork ? '' : c.name,
    log_directory: podLogDirectory(paths.logDir, c),
    dns_config: c.dns ? { servers: c.dns.servers, searches: c.dns.searches, options: c.dns.options } : null,
    port_mappings: criPortMappings(c.portMappings),
    labels: { [MANAGED_LABEL]: 'true', [HOST_NETWORK_LABEL]: String(hostNetwork), 'io.kubernetes.pod.uid': c.uid, 'io.kubernetes.pod.name': c.name, 'io.kubernetes.pod.namespace': c.namespace },
    annotations: { [SANDBOX_CONFIG_ANNOTATION]: JSON.stringify(c) },
    linux: {
      cgroup_parent: podCgroupParent(paths.cgroupRoot, c.uid),
      security_context: linuxSandboxSecurityContext(c, paths.seccompRoot),
      sysctls: sandboxSysctls(c),
    },
  };
}

/**
 * The sandbox config of a sandbox containerd lists: the annotation when there is one, else
 * (a sandbox made before it existed) the identity from metadata and the host-network label.
 */
export function sandboxConfigOf(s: { metadata: { name: string; uid: string; namespace: string } | null; labels?: Record<string, string> | null; annotations?: Record<string, string> | null }): PodSandboxConfig {
  const m = s.metadata ?? { name: '', uid: '', namespace: '' };
  const identity = { uid: m.uid, name: m.name, namespace: m.namespace };
  const saved = s.annotations?.[SANDBOX_CONFIG_ANNOTATION];
  if (saved) {
    try {
      return { ...(JSON.parse(saved) as PodSandboxConfig), ...identity };
    } catch {
      // Not ours after all: fall back to the labels.
    }
  }
  return { ...identity, hostNetwork: s.labels?.[HOST_NETWORK_LABEL] === 'true' };
}
