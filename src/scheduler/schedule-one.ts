import type { Pod } from '../api/core/v1/pod.js';
import type { Clock } from '../client/clock.js';
import type { Logger } from '../client/logger.js';
import { CycleState } from './cycle-state.js';
import { buildVerdict, fitErrorMessage, type Diagnosis, type Verdict } from './explain.js';
import type { Framework } from './framework.js';
import type { QueuedPod } from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import type { SchedulerCache } from './cache.js';
import type { SchedulingQueue } from './queue.js';
import { shareRequests } from './resources.js';
import { isRejection, unresolvable, type Status } from './status.js';

/** What happens around a scheduling attempt that the core loop does not do itself (API writes). */
export interface ScheduleSinks {
  /** The pod could not be placed: record the condition, event and verdict. Fire-and-forget. */
  onUnschedulable(pod: Pod, message: string, verdict: Verdict): void;
  /** The pod was bound; latencyMs runs from the start of the successful attempt to the binding's acknowledgement. */
  onBound(pod: Pod, nodeName: string, latencyMs: number): void;
  /** Binding failed (already logged). */
  onBindError?(pod: Pod, message: string): void;
}

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

/** kube-scheduler's numFeasibleNodesToFind: all below 100 nodes; else adaptive 50 % − n/125 (≥ 5 %), at least 100. */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES || percentage >= 100) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) {
    pct = 50 - numAllNodes / 125;
    if (pct < MIN_FEASIBLE_PERCENTAGE) pct = MIN_FEASIBLE_PERCENTAGE;
  }
  const n = Math.floor((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : n;
}

/**
 * One scheduling attempt: PreFilter → Filter (adaptive subset of nodes, starting where the
 * last attempt stopped) → PostFilter when nothing fits → PreScore/Score → Reserve →
 * Permit → assume in the cache, then the binding cycle runs in the background.
 * The scheduling part is synchronous, so informer events cannot change the cache under it.
 */
export class Scheduler {
  private nextStartNodeIndex = 0;
  private readonly bindsInFlight = new Set<Promise<void>>();

  constructor(
    private readonly cfg: {
      frameworks: ReadonlyMap<string, Framework>;
      cache: SchedulerCache;
      queue: SchedulingQueue;
      clock: Clock;
      logger: Logger;
      sinks: ScheduleSinks;
      percentageOfNodesToScore: number;
      random?: () => number;
    },
  ) {}

  async scheduleOne(q: QueuedPod): Promise<void> {
    const { cache, queue } = this.cfg;
    const pod = q.pod;
    const fw = this.cfg.frameworks.get(pod.spec?.schedulerName ?? 'default-scheduler');
    if (!fw || pod.spec?.nodeName || pod.metadata?.deletionTimestamp) {
      queue.done(q.key);
      return;
    }
    const cycle = queue.schedulingCycle;
    const state = new CycleState();
    const nodes = cache.nodeList();
    const result = this.findNode(fw, state, pod, nodes);
    if ('diagnosis' in result) {
      const d = result.diagnosis;
      let nominated: string | undefined;
      if (fw.postFilters.length > 0 && nodes.length > 0 && !d.preFilterMsg) {
        for (const pf of fw.postFilters) {
          try {
            const r = await pf.postFilter(state, pod, d.nodeStatuses);
            if (r.status.reasons.length) d.postFilterMsg = r.status.reasons.join(' ');
            if (r.nominatedNodeName) {
              nominated = r.nominatedNodeName;
              break;
            }
          } catch (err) {
            this.cfg.logger.error('postfilter failed', { pod: q.key, plugin: pf.name, error: String(err) });
          }
        }
      }
      const message = fitErrorMessage(d);
      this.cfg.sinks.onUnschedulable(pod, message, buildVerdict(pod, d, (n) => cache.nodeInfo(n), new Date(this.cfg.clock.now()), nominated));
      for (const s of d.nodeStatuses.values()) if (s.plugin) q.unschedulablePlugins.add(s.plugin);
      queue.addUnschedulable(q, cycle);
      return;
    }
    const nodeName = result.nodeName;
    // Assume: the cache counts the pod on the node now, so the next cycle sees it.
    const assumed = { ...pod, spec: { ...pod.spec, nodeName } } as Pod;
    shareRequests(assumed, pod);
    cache.assume(assumed, nodeName);
    const reserved: typeof fw.reservers = [];
    let fail: Status | undefined;
    for (const r of fw.reservers) {
      const s = r.reserve(state, assumed, nodeName);
      reserved.push(r);
      if (s.code !== 'Success') {
        fail = s;
        break;
      }
    }
    let waitMs = 0;
    if (!fail) {
      for (const p of fw.permits) {
        const r = p.permit(state, assumed, nodeName);
        if (r.status.code === 'Wait') waitMs = Math.max(waitMs, r.timeoutMs ?? 0);
        else if (r.status.code !== 'Success') {
          fail = r.status;
          break;
        }
      }
    }
    if (fail) {
      for (const r of reserved.reverse()) r.unreserve(state, assumed, nodeName);
      cache.forget(assumed);
      queue.addBackoff(q);
      return;
    }
    const p = this.bindingCycle(fw, state, q, assumed, nodeName, waitMs).finally(() => this.bindsInFlight.delete(p));
    this.bindsInFlight.add(p);
  }

  /** Resolves when every binding started so far has finished. */
  async drainBindings(): Promise<void> {
    while (this.bindsInFlight.size) await Promise.all([...this.bindsInFlight]);
  }

  private findNode(fw: Framework, state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { nodeName: string } | { diagnosis: Diagnosis } {
    const statuses = new Map<string, Status>();
    const diagnosis: Diagnosis = { numAllNodes: nodes.length, nodeStatuses: statuses };
    if (nodes.length === 0) return { diagnosis };
    const pre = fw.runPreFilter(state, pod, nodes);
    if (pre.status.code !== 'Success') {
      diagnosis.preFilterMsg = pre.status.reasons.join(', ');
      for (const n of nodes) statuses.set(n.name, pre.status);
      return { diagnosis };
    }
    const want = numFeasibleNodesToFind(nodes.length, this.cfg.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const n = nodes.length;
    let processed = 0;
    const start = this.nextStartNodeIndex % n;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const node = nodes[(start + i) % n] as NodeInfo;
      processed++;
      if (pre.nodeNames && !pre.nodeNames.has(node.name)) {
        statuses.set(node.name, { ...unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]"), plugin: 'NodeAffinity' });
        continue;
      }
      const s = fw.runFilters(state, pod, node);
      if (s.code === 'Success') feasible.push(node);
      else if (isRejection(s) || s.code === 'Error') statuses.set(node.name, s);
    }
    this.nextStartNodeIndex = (start + processed) % n;
    if (feasible.length === 0) return { diagnosis };
    if (feasible.length === 1) return { nodeName: (feasible[0] as NodeInfo).name };
    const totals = fw.runScore(state, pod, feasible);
    // Highest total wins; ties broken uniformly at random (reservoir sampling), as kube does.
    const random = this.cfg.random ?? Math.random;
    let best = 0;
    let ties = 1;
    for (let i = 1; i < totals.length; i++) {
      const s = totals[i] as number;
      const b = totals[best] as number;
      if (s > b) {
        best = i;
        ties = 1;
      } else if (s === b && random() * ++ties < 1) best = i;
    }
    return { nodeName: (feasible[best] as NodeInfo).name };
  }

  private async bindingCycle(fw: Framework, state: CycleState, q: QueuedPod, pod: Pod, nodeName: string, waitMs: number): Promise<void> {
    const { cache, queue, sinks, logger } = this.cfg;
    try {
      if (waitMs > 0) await new Promise<void>((r) => this.cfg.clock.setTimeout(r, waitMs));
      let status: Status | undefined;
      for (const p of fw.preBinds) {
        const s = await p.preBind(state, pod, nodeName);
        if (s.code !== 'Success') {
          status = s;
          break;
        }
      }
      if (!status) {
        status = { code: 'Skip', reasons: [] };
        for (const b of fw.binders) {
          status = await b.bind(state, pod, nodeName);
          if (status.code !== 'Skip') break;
        }
      }
      if (status.code !== 'Success') {
        const msg = status.reasons.join(', ');
        if (/already assigned/.test(msg)) {
          // Someone else bound it; the informer will bring the truth.
          cache.forget(pod);
          queue.done(q.key);
          return;
        }
        logger.warn('binding failed', { pod: q.key, node: nodeName, error: msg });
        for (const r of [...fw.reservers].reverse()) r.unreserve(state, pod, nodeName);
        cache.forget(pod);
        sinks.onBindError?.(pod, msg);
        if (/not ?found/i.test(msg)) queue.done(q.key);
        else queue.addBackoff(q);
        return;
      }
      cache.finishBinding(pod);
      for (const p of fw.postBinds) p.postBind(state, pod, nodeName);
      queue.done(q.key);
      sinks.onBound(pod, nodeName, this.cfg.clock.now() - (q.attemptStartedAt ?? q.initialAttemptTimestamp));
    } catch (err) {
      logger.error('binding cycle failed', { pod: q.key, error: String(err) });
      cache.forget(pod);
      queue.addBackoff(q);
    }
  }
}
