/**
 * What a container needs before its keeper starts: the setup of its mount namespace
 * (mount-namespace.ts) and its cgroup (cgroups.ts). Both are a few small synchronous file
 * operations; the mount plan goes first (it is what usually fails, on a bad mountPath), and
 * if the cgroup cannot be made after it, nothing is left behind but the setup script,
 * which goes with the container's record.
 */
import type { Cgroups, ContainerCgroup, CgroupLimits } from './cgroups.js';
import type { ContainerFiles } from './process-launch.js';
import type { ContainerMountNamespaces, Mount, NamespacedLaunch } from './mount-namespace.js';
import { ContainerStartError } from './runtime.js';
import { traceStart } from './start-trace.js';

export interface ContainerSetupRequest {
  id: string;
  /** For error messages and the start trace. */
  name: string;
  pod: { name: string; uid: string };
  argv: string[];
  files: ContainerFiles;
  /** Mounts when the container gets a mount namespace; none: it does not. */
  mounts?: Mount[];
  workingDir?: string;
  limits: CgroupLimits;
}

/** Throws a ContainerStartError saying which part failed. */
export function setUpContainer(mountNs: ContainerMountNamespaces, cgroups: Cgroups | undefined, r: ContainerSetupRequest): { ns?: NamespacedLaunch; cgroup?: ContainerCgroup } {
  const attempt = <T>(what: string, make: () => T): T => {
    try {
      return make();
    } catch (err) {
      throw new ContainerStartError(`failed to ${what} of container "${r.name}": ${(err as Error).message}`);
    }
  };
  const ns = r.mounts ? attempt('prepare the mounts', () => mountNs.prepare(r.id, r.argv, { mounts: r.mounts!, files: r.files, ...(r.workingDir ? { workingDir: r.workingDir } : {}) })) : undefined;
  if (ns) traceStart(r.pod.name, 'ns-prepared');
  const cgroup = cgroups ? attempt('create the cgroup', () => cgroups.create(r.pod.uid, r.id, r.limits)) : undefined;
  if (cgroup) traceStart(r.pod.name, 'cgroup');
  return { ...(ns ? { ns } : {}), ...(cgroup ? { cgroup } : {}) };
}
