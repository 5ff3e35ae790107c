/**
 * Pod and container securityContext → CRI v1 LinuxSandboxSecurityContext and
 * LinuxContainerSecurityContext, as Kubernetes' kubelet computes them (kuberuntime's
 * determineEffectiveSecurityContext, generatePodSandboxLinuxConfig, verifyRunAsNonRoot).
 * Pure: objects in the proto's snake_case shape, enums as strings.
 */
import type { SecurityContext } from '../../api/core/v1/security-context.js';
import type { PodSandboxConfig, PortMapping } from '../runtime.js';
import { effectiveSecurityContext, podSupplementalGroups, type ImageUser } from '../security-context.js';

// The runtime-neutral part lives beside the process runtime's, which uses it too.
export { effectiveSecurityContext, runAsNonRootViolation, type ImageUser } from '../security-context.js';

/** Paths the runtime masks or makes read-only under procMount Default (containerd masks none unless sent). */
const DEFAULT_MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'];
const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** CRI SecurityProfile for a seccompProfile; none = Unconfined (upstream's default without SeccompDefault). */
export function seccompProfile(p: SecurityContext['seccompProfile'], localhostRoot: string): { profile_type: string; localhost_ref: string } {
  switch (p?.type) {
    case 'RuntimeDefault':
      return { profile_type: 'RuntimeDefault', localhost_ref: '' };
    case 'Localhost':
      return { profile_type: 'Localhost', localhost_ref: `${localhostRoot.replace(/\/+$/, '')}/${p.localhostProfile ?? ''}` };
    default:
      return { profile_type: 'Unconfined', localhost_ref: '' };
  }
}

/** NamespaceOption for the sandbox and its containers (an ephemeral container joins its target's PID namespace). */
export function namespaceOptions(sb: PodSandboxConfig, targetId?: string): { network: string; pid: string; ipc: string; target_id: string } {
  const pid = targetId ? 'TARGET' : sb.hostPID ? 'NODE' : sb.shareProcessNamespace ? 'POD' : 'CONTAINER';
  return { network: sb.hostNetwork ? 'NODE' : 'POD', pid, ipc: sb.hostIPC ? 'NODE' : 'POD', target_id: targetId ?? '' };
}

/** LinuxPodSandboxConfig.security_context: the pause process's user and groups, namespaces, privileged. */
export function linuxSandboxSecurityContext(sb: PodSandboxConfig, localhostRoot: string): Record<string, unknown> {
  const pod = sb.securityContext;
  return {
    namespace_options: namespaceOptions(sb),
    ...(pod?.runAsUser != null ? { run_as_user: { value: pod.runAsUser } } : {}),
    ...(pod?.runAsGroup != null ? { run_as_group: { value: pod.runAsGroup } } : {}),
    supplemental_groups: podSupplementalGroups(pod),
    privileged: sb.privileged === true,
    seccomp: seccompProfile(pod?.seccompProfile, localhostRoot),
  };
}

/** spec.securityContext.sysctls as CRI's map (applied in the sandbox's namespaces). */
export function sandboxSysctls(sb: PodSandboxConfig): Record<string, string> {
  return Object.fromEntries((sb.securityContext?.sysctls ?? []).map((s) => [s.name, s.value]));
}

/** hostPorts as CRI PortMapping (containerd hands them to the CNI portmap plugin). */
export function criPortMappings(ports: PortMapping[] | undefined): { protocol: string; container_port: number; host_port: number; host_ip: string }[] {
  return (ports ?? []).map((p) => ({ protocol: p.protocol, container_port: p.containerPort, host_port: p.hostPort, host_ip: p.hostIP ?? '' }));
}

/**
 * LinuxContainerSecurityContext for a container of sandbox `sb`: the effective settings,
 * the image's user when the spec names none (as upstream), the pod's groups, namespaces,
 * no_new_privs from allowPrivilegeEscalation, and the masked paths procMount asks for.
 */
export function linuxContainerSecurityContext(sb: PodSandboxConfig, own: SecurityContext | undefined, image: ImageUser, o: { targetId?: string; localhostRoot: string }): Record<string, unknown> {
  const sc = effectiveSecurityContext(sb.securityContext, own);
  const unmasked = sc.procMount === 'Unmasked';
  const user =
    sc.runAsUser != null
      ? { run_as_user: { value: sc.runAsUser } }
      : image.uid !== undefined
        ? { run_as_user: { value: image.uid } }
        : image.username
          ? { run_as_username: image.username }
          : { run_as_user: { value: 0 } };
  return {
    ...(sc.capabilities ? { capabilities: { add_capabilities: sc.capabilities.add ?? [], drop_capabilities: sc.capabilities.drop ?? [], add_ambient_capabilities: [] } } : {}),
    privileged: sc.privileged === true,
    namespace_options: namespaceOptions(sb, o.targetId),
    ...user,
    ...(sc.runAsGroup != null ? { run_as_group: { value: sc.runAsGroup } } : {}),
    readonly_rootfs: sc.readOnlyRootFilesystem === true,
    supplemental_groups: podSupplementalGroups(sb.securityContext),
    no_new_privs: sc.allowPrivilegeEscalation === false,
    masked_paths: unmasked ? [] : DEFAULT_MASKED_PATHS,
    readonly_paths: unmasked ? [] : DEFAULT_READONLY_PATHS,
    seccomp: seccompProfile(sc.seccompProfile, o.localhostRoot),
  };
}
