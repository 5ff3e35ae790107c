/**
 * The kubelet's Events, with the involved-object references Kubernetes' kubelet gives them,
 * which is what kubectl searches by:
 * - about its Node: `{kind: Node, name: <node>, uid: <node>}` and no namespace (upstream
 *   pkg/kubelet/kubelet.go `nodeRef`); the Event itself lives in `default`. `kubectl
 *   describe node` lists events with `involvedObject.namespace=` and the node's name as uid.
 * - about a pod: the pod's reference;
 * - about one of its containers: the pod's reference with `fieldPath`
 *   `spec.containers{<name>}` (`spec.initContainers{<name>}`), as upstream
 *   pkg/kubelet/container/ref.go makes it: `kubectl get events -o wide` shows it as SUBOBJECT.
 *
 * Repeats aggregate per fieldPath, as client-go's event key has it (two containers failing
 * the same probe are two Events, not one counted twice).
 */
import type { Container } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { Clock } from '../client/clock.js';
import { EventRecorder, type EventClient, type EventType } from '../client/event-recorder.js';
import type { Logger } from '../client/logger.js';

/** Where the pod worker and the volume manager send Events (never throws, never blocks). */
export interface PodEventSink {
  /** An Event about the pod, or about one of its parts when fieldPath is given (containerFieldPath). */
  event(pod: Pod, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

export interface KubeletEventsConfig {
  events: EventClient;
  nodeName: string;
  clock: Clock;
  logger: Logger;
}

const POD = { kind: 'Pod', apiVersion: 'v1' };
// Upstream's nodeRef carries no apiVersion.
const NODE = { kind: 'Node', apiVersion: '' };

/**
 * A container's fieldPath in its pod: `spec.containers{name}`, `spec.initContainers{name}`,
 * `spec.ephemeralContainers{name}`, or by index for an unnamed one; undefined when the pod has no such container.
 */
export function containerFieldPath(pod: Pod, name: string): string | undefined {
  const find = (list: Pick<Container, 'name'>[] | undefined, field: string): string | undefined => {
    const i = (list ?? []).findIndex((c) => (c.name ?? '') === name);
    if (i < 0) return undefined;
    return name ? `${field}{${name}}` : `${field}[${i}]`;
  };
  return find(pod.spec?.containers, 'spec.containers') ?? find(pod.spec?.initContainers, 'spec.initContainers') ?? find(pod.spec?.ephemeralContainers, 'spec.ephemeralContainers');
}

/** The kubelet's Event recorder: node, pod and container Events (see the file comment). */
export class KubeletEvents implements PodEventSink {
  private readonly recorder: EventRecorder;
  /** The node as its Events refer to it: its name is also its uid there. */
  private readonly nodeRef: { metadata: { name: string; uid: string } };

  constructor(cfg: KubeletEventsConfig) {
    if (!cfg.nodeName) throw new Error('kubelet events: nodeName is required');
    this.recorder = new EventRecorder({ events: cfg.events, component: 'kubelet', host: cfg.nodeName, clock: cfg.clock, logger: cfg.logger });
    this.nodeRef = { metadata: { name: cfg.nodeName, uid: cfg.nodeName } };
  }

  /** An Event about this kubelet's Node. */
  node(type: EventType, reason: string, message: string): void {
    this.recorder.event(this.nodeRef, type, reason, message, NODE);
  }

  event(pod: Pod, type: EventType, reason: string, message: string, fieldPath?: string): void {
    this.recorder.event(pod, type, reason, message, fieldPath ? { ...POD, fieldPath } : POD);
  }

  /** Resolves when every Event write started so far has finished (shutdown, tests). */
  flush(): Promise<void> {
    return this.recorder.flush();
  }
}
