/**
 * Ephemeral containers (`kubectl debug`) as the pod worker runs them: started once each,
 * never restarted, with the fields of a regular container — which is how upstream's
 * kubelet treats their EphemeralContainerCommon.
 */
import type { Container, EphemeralContainer } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';

/** An ephemeral container as a Container; `target` is its targetContainerName, if any. */
export function asContainer(ec: EphemeralContainer): { container: Container; target?: string } {
  const { targetContainerName, ...common } = ec;
  return { container: common as Container, ...(targetContainerName ? { target: targetContainerName } : {}) };
}

/** The pod's ephemeral containers as Containers, in spec order. */
export function ephemeralContainers(pod: Pod): { container: Container; target?: string }[] {
  return (pod.spec?.ephemeralContainers ?? []).map(asContainer);
}
