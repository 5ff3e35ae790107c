import { InvalidArgumentError, type Command } from 'commander';
import { NODE_LIFECYCLE_PRESETS, type NodeLifecycleTimings } from '../controllers/node-lifecycle.js';

/**
 * How fast a cluster gives up on a silent node, as flags: a named preset (`default` =
 * Kubernetes' timings, `fast` = failover in ~15 s for edge clusters and tests) and
 * Kubernetes' own flags to override one timing. The controller side (grace periods) and
 * the API server side (DefaultTolerationSeconds admission) come from the same preset,
 * and so does the lease a local kubelet renews (a quarter of its duration, as upstream).
 */
export interface NodeLifecycleFlags {
  nodeLifecycle: keyof typeof NODE_LIFECYCLE_PRESETS;
  nodeMonitorGracePeriod?: number;
  nodeStartupGracePeriod?: number;
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
}

function parsePreset(v: string): keyof typeof NODE_LIFECYCLE_PRESETS {
  if (!(v in NODE_LIFECYCLE_PRESETS)) throw new InvalidArgumentError(`must be one of ${Object.keys(NODE_LIFECYCLE_PRESETS).join(', ')}.`);
  return v as keyof typeof NODE_LIFECYCLE_PRESETS;
}

/** `40s`, `1m`, `500ms` → milliseconds. */
export function parseDurationMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v);
  if (!m) throw new InvalidArgumentError('must be a duration such as 40s, 1m or 500ms.');
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function parseSecondsCount(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number of seconds.');
  return Number(v);
}

/** Adds the controller-side flags (and, with `admission`, the API server's toleration defaults). */
export function addNodeLifecycleOptions(cmd: Command, sides: { admission: boolean }): Command {
  cmd
    .option('--node-lifecycle <preset>', `node failure timings: ${Object.keys(NODE_LIFECYCLE_PRESETS).join(' | ')} (fast: NotReady after 8 s, pods evicted 5 s later)`, parsePreset, 'default')
    .option('--node-monitor-grace-period <d>', 'how long a node may be silent before it is marked Unknown (default 40s; fast 8s)', parseDurationMs)
    .option('--node-startup-grace-period <d>', 'the same for a node that never reported Ready (default 60s; fast 15s)', parseDurationMs);
  if (sides.admission) {
    cmd
      .option('--default-not-ready-toleration-seconds <n>', 'tolerationSeconds given to pods for node.kubernetes.io/not-ready (default 300; fast 5)', parseSecondsCount)
      .option('--default-unreachable-toleration-seconds <n>', 'the same for node.kubernetes.io/unreachable', parseSecondsCount);
  }
  return cmd;
}

/** The controller's timings from the flags. */
export function nodeLifecycleTimings(f: NodeLifecycleFlags): NodeLifecycleTimings {
  const t: NodeLifecycleTimings = { ...NODE_LIFECYCLE_PRESETS[f.nodeLifecycle] };
  if (f.nodeMonitorGracePeriod !== undefined) t.nodeMonitorGracePeriodMs = f.nodeMonitorGracePeriod;
  if (f.nodeStartupGracePeriod !== undefined) t.nodeStartupGracePeriodMs = f.nodeStartupGracePeriod;
  return t;
}

/** The DefaultTolerationSeconds admission settings from the flags. */
export function defaultTolerations(f: NodeLifecycleFlags): { notReadySeconds: number; unreachableSeconds: number } {
  const preset = NODE_LIFECYCLE_PRESETS[f.nodeLifecycle].defaultTolerationSeconds;
  return { notReadySeconds: f.defaultNotReadyTolerationSeconds ?? preset, unreachableSeconds: f.defaultUnreachableTolerationSeconds ?? preset };
}

/** The node lease a kubelet should hold so it is never mistaken for silent: a quarter renewal period well inside the grace. */
export function kubeletLeaseDurationSeconds(f: NodeLifecycleFlags): number {
  return Math.max(4, Math.min(40, Math.floor(nodeLifecycleTimings(f).nodeMonitorGracePeriodMs / 1000)));
}
