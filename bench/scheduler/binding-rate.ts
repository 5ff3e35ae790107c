/**
 * How fast the API server accepts pods/binding alone (no scheduler): the ceiling for any
 * scheduler's throughput against it. Env: PODS (default 3000), INFLIGHT (default 64).
 */
import { startTestServer } from '../../test/e2e/support/index.js';
import { clientFromKubeconfig } from '../../src/client/index.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { NodeKind, type Node } from '../../src/api/core/v1/node.js';
import { mapLimit, simNode } from '../../src/sim/index.js';

const P = Number(process.env.PODS ?? 3000);
const inflight = Number(process.env.INFLIGHT ?? 64);
const server = await startTestServer();
const onSignal = (): void => void server.stop().finally(() => process.exit(130));
process.once('SIGTERM', onSignal);
process.once('SIGINT', onSignal);
const client = clientFromKubeconfig({ path: server.kubeconfigPath });
try {
  await client.resource<Node>(NodeKind).create(simNode(0, 1));
  const pods = client.resource<Pod>(PodKind);
  const idx = Array.from({ length: P }, (_, i) => i);
  let t = Date.now();
  await mapLimit(idx, inflight, async (i) => { await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `b-${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'pause' }] } } as Pod); });
  const createRate = P / ((Date.now() - t) / 1000);
  t = Date.now();
  await mapLimit(idx, inflight, async (i) => {
    await pods.subresource('binding').create(`b-${i}`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: `b-${i}` }, target: { kind: 'Node', name: 'sim-node-0' } }, { namespace: 'default' });
  });
  const bindRate = P / ((Date.now() - t) / 1000);
  console.log(`api server: ${createRate.toFixed(0)} pod creates/s, ${bindRate.toFixed(0)} bindings/s (${P} pods, ${inflight} in flight)`);
} finally {
  client.close();
  await server.stop();
}
