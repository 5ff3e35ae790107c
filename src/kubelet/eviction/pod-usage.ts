/**
 * Pods' usage for ranking: working sets from what the kubelet already measures for
 * /metrics/resource, and, only under disk pressure, the bytes and inodes of their logs
 * (`<pods>/<ns>_<name>_<uid>/<container>/`) and local volumes (`<pods>/<uid>/volumes/`).
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ResourceSnapshot } from '../resource-metrics.js';
import type { ContainerUsageStats, PodUsageStats, StatsFn } from './ranking.js';

/** Bytes and inodes under a directory (0 when it does not exist); does not follow symlinks. */
export async function treeUsage(dir: string): Promise<{ bytes: number; inodes: number }> {
  let bytes = 0;
  let inodes = 0;
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path).catch(() => undefined);
    if (!st) return;
    inodes++;
    bytes += st.isDirectory() ? 0 : st.size;
    if (!st.isDirectory()) return;
    for (const name of await readdir(path).catch(() => [] as string[])) await walk(join(path, name));
  };
  await walk(dir);
  return { bytes, inodes };
}

export type DiskUsage = Map<string, { containers: Map<string, { bytes: number; inodes: number }>; volumes: { bytes: number; inodes: number } }>;

/** Disk usage of each pod by UID. */
export async function podDiskUsage(podsDir: string, pods: readonly Pod[]): Promise<DiskUsage> {
  const out: DiskUsage = new Map();
  for (const pod of pods) {
    const m = pod.metadata ?? {};
    const uid = m.uid ?? '';
    const logDir = join(podsDir, `${m.namespace}_${m.name}_${uid}`);
    const containers = new Map<string, { bytes: number; inodes: number }>();
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) containers.set(c.name ?? '', await treeUsage(join(logDir, c.name ?? '')));
    out.set(uid, { containers, volumes: await treeUsage(join(podsDir, uid, 'volumes')) });
  }
  return out;
}

/**
 * The StatsFn ranking and messages read: a pod is measured when the runtime reported its
 * containers (a pod with nothing running has no stats, and so is ranked first, as upstream).
 */
export function statsFromSnapshot(snap: ResourceSnapshot, disk?: DiskUsage): StatsFn {
  const byKey = new Map(snap.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const cache = new Map<string, PodUsageStats | undefined>();
  return (pod) => {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (cache.has(key)) return cache.get(key);
    const p = byKey.get(key);
    const d = disk?.get(pod.metadata?.uid ?? '');
    let stats: PodUsageStats | undefined;
    if (p) {
      const containers: ContainerUsageStats[] = p.containers.map((c) => {
        const cd = d?.containers.get(c.name);
        return { name: c.name, ...(c.workingSetBytes ? { workingSetBytes: c.workingSetBytes.value } : {}), ...(cd ? { diskBytes: cd.bytes, inodes: cd.inodes } : {}) };
      });
      const sum = (f: (c: ContainerUsageStats) => number | undefined): number => containers.reduce((t, c) => t + (f(c) ?? 0), 0);
      stats = {
        containers,
        workingSetBytes: sum((c) => c.workingSetBytes),
        ...(d ? { diskBytes: sum((c) => c.diskBytes) + d.volumes.bytes, inodes: sum((c) => c.inodes) + d.volumes.inodes } : {}),
      };
    }
    cache.set(key, stats);
    return stats;
  };
}
