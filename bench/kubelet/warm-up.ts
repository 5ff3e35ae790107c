/**
 * Brings the API server to the state it is in on a running cluster before the burst is
 * measured: a server started a moment ago runs its request paths cold (interpreted, not
 * yet optimized by V8's JIT), and in a burst of 100 pods that cost it about twice the CPU
 * of a warm one (660 against 360 ms measured), taken from the same two cores the kubelet
 * needs. The warm-up sends the requests the burst will: pod creates, status patches (as the
 * kubelet sends them) and deletes — for pods bound to another node, so this kubelet never
 * sees them and its own first start of a pod stays cold.
 */
import type { ResourceClient } from '../../src/client/resource-client.js';
import type { Pod } from '../../src/api/core/v1/pod.js';

/** The node the warm-up's pods are bound to; no kubelet runs for it. */
const ELSEWHERE = 'bench-warm-up-elsewhere';

/** Creates, status-patches and deletes `count` pods, `concurrency` at a time; resolves with the ms it took. */
export async function warmUpApiServer(pods: ResourceClient<Pod>, count: number, concurrency: number): Promise<number> {
  const started = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const name = `warm-up-${i}`;
      await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: ELSEWHERE, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } as Pod);
      await pods.subresource('status').patch(name, { status: { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'True' }] } }, 'merge', { namespace: 'default' });
      await pods.delete(name, { namespace: 'default', gracePeriodSeconds: 0 });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return Date.now() - started;
}
