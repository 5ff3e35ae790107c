import { existsSync, readdirSync, rmdirSync } from 'node:fs';

/** Where the cgroup v1 hierarchies are mounted. */
const CGROUP_FS = '/sys/fs/cgroup';

/** Removes the pod's cgroup directory (and its now-empty leaves) in every v1 hierarchy; best effort. */
export function removePodCgroups(parent: string): void {
  let hierarchies: string[] = [];
  try {
    hierarchies = readdirSync(CGROUP_FS);
  } catch {
    return;
  }
  for (const h of hierarchies) {
    const dir = `${CGROUP_FS}/${h}${parent}`;
    if (!existsSync(dir)) continue;
    try {
      for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) rmdirSync(`${dir}/${child.name}`);
      rmdirSync(dir);
    } catch {
      // Still in use (a process left) or already gone: the next removal or a reboot takes it.
    }
  }
}
