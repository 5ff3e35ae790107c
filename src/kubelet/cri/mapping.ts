/**
 * Pure translations between skiff's runtime types and CRI v1 messages (snake_case
 * objects as @grpc/proto-loader gives them with keepCase, enums as strings, int64 as
 * strings), kept apart from the I/O so they can be table-tested.
 */
import type { ContainerResources, ContainerState, Mount } from '../runtime.js';

/** Labels that mark what skiff created, and what it needs back after a kubelet restart. */
export const MANAGED_LABEL = 'skiff.dev/managed';
export const HOST_NETWORK_LABEL = 'skiff.dev/host-network';
/** The image as the pod spec named it: containerd reports a repo tag of its own choosing. */
export const IMAGE_LABEL = 'skiff.dev/image';
/**
 * The container's stdin and tty as created ('true'/'once'/'false', 'true'/'false'): CRI
 * ContainerStatus does not report them, and attach must refuse stdin a container lacks.
 */
export const STDIN_LABEL = 'skiff.dev/stdin';
export const TTY_LABEL = 'skiff.dev/tty';

/** The labels recording a container's stdin/tty (read back by stdioOf). */
export function stdioLabels(c: { stdin?: boolean; stdinOnce?: boolean; tty?: boolean }): Record<string, string> {
  return { [STDIN_LABEL]: c.stdin ? (c.stdinOnce ? 'once' : 'true') : 'false', [TTY_LABEL]: String(c.tty === true) };
}

export function stdioOf(labels: Record<string, string>): { stdin: boolean; stdinOnce: boolean; tty: boolean } {
  const stdin = labels[STDIN_LABEL];
  return { stdin: stdin === 'true' || stdin === 'once', stdinOnce: stdin === 'once', tty: labels[TTY_LABEL] === 'true' };
}

const CPU_PERIOD_US = 100_000;

/** Nanoseconds since the epoch (an int64 as a string or number) → milliseconds; 0 → undefined. */
export function nsToMs(ns: string | number | undefined | null): number | undefined {
  if (ns === undefined || ns === null) return undefined;
  const n = typeof ns === 'string' ? BigInt(ns) : BigInt(Math.trunc(ns));
  return n === 0n ? undefined : Number(n / 1_000_000n);
}

export function containerStateOf(s: string | undefined): ContainerState {
  switch (s) {
    case 'CONTAINER_CREATED':
      return 'created';
    case 'CONTAINER_RUNNING':
      return 'running';
    case 'CONTAINER_EXITED':
      return 'exited';
    default:
      return 'unknown';
  }
}

/**
 * LinuxContainerResources as the kubelet computes them on cgroup v1: a CFS quota over a
 * 100 ms period for the CPU limit, shares from the CPU request (1024 per core, at least 2),
 * the memory limit in bytes. Empty when nothing is set.
 */
export function linuxResources(r: ContainerResources | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (r?.cpuMillis !== undefined) {
    out.cpu_period = CPU_PERIOD_US;
    out.cpu_quota = Math.max(1000, Math.round((r.cpuMillis * CPU_PERIOD_US) / 1000));
  }
  const shareMillis = r?.cpuRequestMillis ?? r?.cpuMillis;
  if (shareMillis !== undefined) out.cpu_shares = Math.max(2, Math.round((shareMillis * 1024) / 1000));
  if (r?.memoryBytes !== undefined) out.memory_limit_in_bytes = r.memoryBytes;
  return out;
}

export function criMounts(mounts: Mount[] | undefined): { container_path: string; host_path: string; readonly: boolean }[] {
  return (mounts ?? []).map((m) => ({ container_path: m.containerPath, host_path: m.hostPath, readonly: m.readOnly === true }));
}

/** The pod's log directory as the kubelet lays it out: `<logDir>/<ns>_<name>_<uid>`. */
export function podLogDirectory(logDir: string, p: { namespace: string; name: string; uid: string }): string {
  return `${logDir}/${p.namespace}_${p.name}_${p.uid}`;
}

/** The cgroupfs parent of a pod's containers (runc creates it; removePodSandbox removes it). */
export function podCgroupParent(root: string, uid: string): string {
  return `/${root}/pod${uid}`;
}
