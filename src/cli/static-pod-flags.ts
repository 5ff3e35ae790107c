import { join, resolve } from 'node:path';
import type { Command } from 'commander';

/**
 * The kubelet's static pod directory (upstream `--pod-manifest-path`, k3s
 * `<data-dir>/agent/pod-manifests`), on `skiff up` and `skiff agent`: every Pod manifest
 * in it runs on the node without the API server, shown in the API as a mirror pod.
 */
export interface StaticPodFlags {
  podManifestPath?: string;
}

export function addStaticPodOptions(cmd: Command): Command {
  return cmd.option('--pod-manifest-path <dir>', 'directory of static Pod manifests (*.yaml, *.yml, *.json) the kubelet runs itself, shown in the API as mirror pods; created when missing (default: <data-dir>/agent/pod-manifests)');
}

/** The directory the kubelet reads: the flag's, else <data-dir>/agent/pod-manifests. */
export function podManifestPath(f: StaticPodFlags, dataDir: string): string {
  return resolve(f.podManifestPath ?? join(dataDir, 'agent', 'pod-manifests'));
}
