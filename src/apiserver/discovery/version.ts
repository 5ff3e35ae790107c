import { KUBERNETES_VERSION, SKIFF_VERSION } from '../../version.js';

/** The body of GET /version: a Kubernetes version.Info (minor "32", see notes/kubectl-wire.md §0). */
export function versionInfo(): Record<string, string> {
  const m = /^v(\d+)\.(\d+)\.(\d+)/.exec(KUBERNETES_VERSION);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '32',
    gitVersion: `${KUBERNETES_VERSION}-skiff`,
    gitCommit: `skiff-${SKIFF_VERSION}`,
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
