import type { Pod } from '../api/core/v1/pod.js';
import type { CycleState } from './cycle-state.js';
import type { NodeInfo } from './node-info.js';
import type { Status } from './status.js';

/**
 * The extension points, each its own small interface as in kube-scheduler's framework:
 * a plugin implements only the ones it needs. Methods return a Status and do not throw
 * (the framework turns a throw into an Error status anyway).
 */
export interface Plugin {
  readonly name: string;
}

/** What plugins may read about the cluster: the scheduler cache as of this cycle. */
export interface Handle {
  /** Every node the scheduler knows, with its pods (bound and assumed). */
  nodeInfos(): readonly NodeInfo[];
  nodeInfo(name: string): NodeInfo | undefined;
  /** Nodes hosting at least one pod with pod (anti-)affinity / with required anti-affinity (so plugins need not scan every node). */
  nodesWithPodAffinity(): Iterable<NodeInfo>;
  nodesWithRequiredAntiAffinity(): Iterable<NodeInfo>;
  /** The pod's effective priority (spec.priority, else its PriorityClass, else the global default, else 0). */
  priorityOf(pod: Pod): number;
  /** Namespace labels, for pod affinity namespaceSelector (undefined = unknown namespace). */
  namespaceLabels(ns: string): Record<string, string> | undefined;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPod, b: QueuedPod): boolean;
}

export interface PreFilterResult {
  status: Status;
  /** Restrict Filter to these nodes (e.g. NodeName, NodeAffinity on metadata.name); undefined = all. */
  nodeNames?: Set<string>;
}
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterResult;
}
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, node: NodeInfo): Status;
}
export interface PostFilterResult {
  status: Status;
  nominatedNodeName?: string;
}
export interface PostFilterPlugin extends Plugin {
  /** Called when no node passed Filter; `statuses` is each node's rejecting status. */
  postFilter(state: CycleState, pod: Pod, statuses: ReadonlyMap<string, Status>): Promise<PostFilterResult>;
}
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status;
}
export interface NodeScore {
  name: string;
  score: number;
}
export interface ScorePlugin extends Plugin {
  /** A raw score; normalizeScore (if any) maps the raw scores of all candidates into 0..100. */
  score(state: CycleState, pod: Pod, node: NodeInfo): number;
  /**
   * Optional batch form giving exactly score()'s results: out[i] = score(nodes[i]). Saves a
   * call per node and lets the plugin read the pod once; if it throws, the framework
   * scores node by node instead.
   */
  scoreAll?(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], out: number[]): void;
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): void;
}
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status;
  /** Must be idempotent and must not fail. */
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}
export interface PermitPlugin extends Plugin {
  /** Success to go on, Wait (with timeoutMs) to hold the pod, or a rejection. */
  permit(state: CycleState, pod: Pod, nodeName: string): { status: Status; timeoutMs?: number };
}
export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}
export interface BindPlugin extends Plugin {
  /** Skip lets the next bind plugin try. */
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}
export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void;
}

/** A pod in the scheduling queue. */
export interface QueuedPod {
  pod: Pod;
  key: string;
  priority: number;
  /** When the pod entered the queue (ms); ties in priority go first-come first-served. */
  timestamp: number;
  /** When it was first seen, for latency metrics. */
  initialAttemptTimestamp: number;
  attempts: number;
  /** When the current attempt began (popped from activeQ). */
  attemptStartedAt?: number;
  /** Plugins that rejected it last time (to decide which cluster events may help). */
  unschedulablePlugins: Set<string>;
}

export type AnyPlugin = Plugin &
  Partial<
    QueueSortPlugin &
      PreFilterPlugin &
      FilterPlugin &
      PostFilterPlugin &
      PreScorePlugin &
      ScorePlugin &
      ReservePlugin &
      PermitPlugin &
      PreBindPlugin &
      BindPlugin &
      PostBindPlugin
  >;
