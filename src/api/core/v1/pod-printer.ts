import { timestampSince } from '../../meta/v1/printing.js';
import type { ObjectMeta } from '../../meta/v1/index.js';
import type { Container } from './container.js';
import type { PodSpec } from './pod-spec.js';
import type { ContainerStatus, PodCondition, PodStatus } from './pod-status.js';

/** The parts of a Pod the printer reads (kept structural to avoid a cycle with pod.ts). */
export interface PrintablePod {
  metadata?: ObjectMeta;
  spec?: PodSpec;
  status?: PodStatus;
}

/** What `kubectl get pods` shows for one pod, computed as kube-apiserver's printPod does. */
export interface PodRow {
  ready: string;
  status: string;
  restarts: string;
  ip: string;
  node: string;
  nominatedNode: string;
  readinessGates: string;
}

/** Reason given to pods on nodes that stopped responding (node lifecycle controller). */
export const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const isRestartable = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';
const conditionTrue = (conds: readonly PodCondition[] | undefined, type: string): boolean =>
  (conds ?? []).some((c) => c.type === type && c.status === 'True');
const finishedAt = (cs: ContainerStatus): number => {
  const t = cs.lastState?.terminated?.finishedAt;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
};

/**
 * kube-apiserver's pod printer (pkg/printers/internalversion printPod): READY counts ready
 * containers (restartable init containers count too), STATUS is the most telling reason
 * (Init:1/2, Init:CrashLoopBackOff, ContainerCreating, CrashLoopBackOff, Completed,
 * Error, Terminating, SchedulingGated…), RESTARTS adds "(5m ago)" after the last restart.
 */
export function podRow(pod: PrintablePod, now: Date): PodRow {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initContainers = new Map((spec.initContainers ?? []).map((c) => [c.name ?? '', c]));
  let totalContainers = (spec.containers ?? []).length;
  for (const c of spec.initContainers ?? []) if (isRestartable(c)) totalContainers++;
  let readyContainers = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;

  const phase = status.phase ?? '';
  let reason: string = status.reason || phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const ctr = initContainers.get(cs.name ?? '');
    restarts += cs.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    if (isRestartable(ctr)) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(cs));
    }
    const term = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (isRestartable(ctr) && cs.started === true) {
      if (cs.ready) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
      else reason = `Init:${term.reason}`;
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const waiting = cs.state?.waiting;
      const term = cs.state?.terminated;
      if (waiting && waiting.reason) reason = waiting.reason;
      else if (term && term.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed but another still runs is not "Completed".
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata?.deletionTimestamp != null;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) {
    restartsText = `${restarts} (${timestampSince(new Date(lastRestart).toISOString(), now)} ago)`;
  }

  let readinessGates = '<none>';
  const gates = spec.readinessGates ?? [];
  if (gates.length > 0) {
    let trueCount = 0;
    for (const g of gates) {
      const cond = (status.conditions ?? []).find((c) => c.type === g.conditionType);
      if (cond?.status === 'True') trueCount++;
    }
    readinessGates = `${trueCount}/${gates.length}`;
  }

  return {
    ready: `${readyContainers}/${totalContainers}`,
    status: reason,
    restarts: restartsText,
    ip: status.podIPs?.[0]?.ip || '<none>',
    node: spec.nodeName || '<none>',
    nominatedNode: status.nominatedNodeName || '<none>',
    readinessGates,
  };
}
