import { join } from 'node:path';
import type { Container } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import { expand } from './container-env.js';
import { containerResources } from './container-resources.js';
import type { ContainerConfig, Mount, PodSandboxConfig, PortMapping } from './runtime.js';

/**
 * What the runtime is asked to create for one instance of container `c`: argv with
 * `$(VAR)` expanded, its env and mounts, its log file (one per restart, under
 * `<logDir>/<ns>_<pod>_<uid>/<container>/`), resources, stdin/tty, an ephemeral
 * container's target, and the labels Kubernetes' CRI puts on a container.
 */
export function containerConfig(pod: Pod, c: Container, i: { env: Record<string, string>; mounts: Mount[]; logDir: string; restartCount: number; targetContainerId?: string }): ContainerConfig {
  const meta = pod.metadata ?? {};
  const resources = containerResources(c);
  return {
    name: c.name ?? '',
    image: c.image ?? '',
    argv: [...(c.command ?? []), ...(c.args ?? [])].map((a) => expand(a, i.env)),
    command: (c.command ?? []).map((a) => expand(a, i.env)),
    args: (c.args ?? []).map((a) => expand(a, i.env)),
    env: i.env,
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    logPath: join(i.logDir, `${meta.namespace}_${meta.name}_${meta.uid}`, c.name ?? '', `${i.restartCount}.log`),
    ...(resources ? { resources } : {}),
    mounts: i.mounts,
    // spec.stdin/stdinOnce/tty: a stdin attach can write to, and a terminal.
    ...(c.stdin ? { stdin: true, stdinOnce: c.stdinOnce === true } : {}),
    ...(c.tty ? { tty: true } : {}),
    ...(i.targetContainerId ? { targetContainerId: i.targetContainerId } : {}),
    ...(c.securityContext ? { securityContext: c.securityContext } : {}),
    labels: { 'io.kubernetes.pod.uid': meta.uid ?? '', 'io.kubernetes.pod.name': meta.name ?? '', 'io.kubernetes.pod.namespace': meta.namespace ?? '', 'io.kubernetes.container.name': c.name ?? '', 'skiff.dev/restart-count': String(i.restartCount) },
  };
}

/**
 * What the runtime is asked to create for the pod's sandbox: its identity and namespaces,
 * the pod-level securityContext, whether any container is privileged (as upstream's
 * HasPrivilegedContainer, ephemeral ones included), and the app containers' hostPorts.
 */
export function podSandboxConfig(pod: Pod): PodSandboxConfig {
  const meta = pod.metadata ?? {};
  const spec = pod.spec ?? {};
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const portMappings: PortMapping[] = [];
  for (const c of spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      portMappings.push({ protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'], containerPort: p.containerPort ?? 0, hostPort: p.hostPort, ...(p.hostIP ? { hostIP: p.hostIP } : {}) });
    }
  }
  return {
    uid: meta.uid ?? '',
    namespace: meta.namespace ?? 'default',
    name: meta.name ?? '',
    hostNetwork: spec.hostNetwork ?? false,
    ...(spec.hostPID ? { hostPID: true } : {}),
    ...(spec.hostIPC ? { hostIPC: true } : {}),
    ...(spec.shareProcessNamespace ? { shareProcessNamespace: true } : {}),
    ...(spec.securityContext && Object.keys(spec.securityContext).length ? { securityContext: spec.securityContext } : {}),
    ...(all.some((c) => c.securityContext?.privileged === true) ? { privileged: true } : {}),
    ...(portMappings.length ? { portMappings } : {}),
  };
}
