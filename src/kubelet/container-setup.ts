/**
 * What a container needs before its keeper starts: the setup of its mount namespace
 * (mount-namespace.ts) and its cgroup (cgroups.ts). They are made side by side — in a
 * burst of pod starts both wait on the thread pool — and if either fails, what the other
 * made is undone, so a failed start leaves no cgroup behind.
 */
import { removeCgroup, type Cgroups, type ContainerCgroup, type CgroupLimits } from './cgroups.js';
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

export async function setUpContainer(mountNs: ContainerMountNamespaces, cgroups: Cgroups | undefined, r: ContainerSetupRequest): Promise<{ ns?: NamespacedLaunch; cgroup?: ContainerCgroup }> {
  const failed = (what: string) => (err: Error) => Promise.reject(new ContainerStartError(`failed to ${what} of container "${r.name}": ${err.message}`));
  const preparing = r.mounts
    ? mountNs.prepare(r.id, r.argv, { mounts: r.mounts, files: r.files, ...(r.workingDir ? { workingDir: r.workingDir } : {}) }).then((ns) => (traceStart(r.pod.name, 'ns-prepared'), ns), failed('prepare the mounts'))
    : Promise.resolve(undefined);
  const grouping = cgroups
    ? cgroups.create(r.pod.uid, r.id, r.limits).then((cg) => (traceStart(r.pod.name, 'cgroup'), cg), failed('create the cgroup'))
    : Promise.resolve(undefined);
  const [ns, cgroup] = await Promise.allSettled([preparing, grouping]);
  if (ns.status === 'rejected' || cgroup.status === 'rejected') {
    if (cgroup.status === 'fulfilled' && cgroup.value) await removeCgroup(cgroup.value);
    throw ns.status === 'rejected' ? ns.reason : (cgroup as PromiseRejectedResult).reason;
  }
  return { ...(ns.value ? { ns: ns.value } : {}), ...(cgroup.value ? { cgroup: cgroup.value } : {}) };
}
