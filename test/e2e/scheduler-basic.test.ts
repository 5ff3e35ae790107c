/**
 * e2e: the scheduler and simulated nodes against a real `skiff server`: an impossible pod
 * gets Kubernetes' FailedScheduling message and a verdict for `skiff why`; a node that
 * fits gets it scheduled within a second; preemption; zone spread across 100 pods.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { NodeKind, type Node } from '../../src/api/core/v1/node.js';
import { PriorityClassKind } from '../../src/api/scheduling/v1/priority-class.js';
import { EventKind } from '../../src/api/core/v1/event.js';
import { startScheduler, LAST_ATTEMPT_ANNOTATION, type RunningScheduler, type Verdict } from '../../src/scheduler/index.js';
import { simNode, startSim, mapLimit, type RunningSim } from '../../src/sim/index.js';
import { silentLogger } from '../../src/client/logger.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './support/index.js';


function pod(name: string, ns: string, extra: { cpu?: string; labels?: Record<string, string>; priorityClassName?: string; spec?: Record<string, unknown> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ...(extra.cpu ? { resources: { requests: { cpu: extra.cpu } } } : {}) }],
      ...(extra.priorityClassName ? { priorityClassName: extra.priorityClassName } : {}),
      ...(extra.spec ?? {}),
    },
  } as Pod;
}

describe('scheduler e2e', () => {
  let server: TestServer;
  let client: RestClient;
  let scheduler: RunningScheduler;
  const sims: RunningSim[] = [];

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    scheduler = startScheduler({ client, logger: silentLogger });
  });
  after(async () => {
    await scheduler?.stop();
    for (const s of sims) await s.stop();
    client?.close();
    await server?.stop();
  });

  it('keeps an impossible pod Pending with the FailedScheduling message, then places it when a fitting node appears', async () => {
    // 2 small nodes and 3 tainted GPU nodes.
    sims.push(await startSim({ client, nodes: 2, template: { prefix: 'small', capacity: { cpu: '2', memory: '4Gi', pods: '110' } }, logger: silentLogger, leaseIntervalMs: 0 }));
    sims.push(await startSim({ client, nodes: 3, template: { prefix: 'gpu', capacity: { cpu: '2', memory: '4Gi', pods: '110' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, logger: silentLogger, leaseIntervalMs: 0 }));
    const pods = client.resource<Pod>(PodKind);
    await pods.create(pod('big', 'default', { cpu: '16' }));
    const want =
      '0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.';
    const p = await waitFor('PodScheduled=False', async () => {
      const cur = await pods.get('big', { namespace: 'default' });
      const c = cur.status?.conditions?.find((x) => x.type === 'PodScheduled');
      return c?.status === 'False' && cur.metadata?.annotations?.[LAST_ATTEMPT_ANNOTATION] ? cur : undefined;
    });
    const cond = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
    assert.equal(cond?.reason, 'Unschedulable');
    assert.equal(cond?.message, want);
    assert.equal(p.spec?.nodeName, undefined);
    const verdict = JSON.parse(p.metadata?.annotations?.[LAST_ATTEMPT_ANNOTATION] ?? '{}') as Verdict;
    assert.equal(verdict.nodes, 5);
    assert.deepEqual(verdict.failures.map((f) => [f.plugin, f.reason, f.count]), [
      ['TaintToleration', 'node(s) had untolerated taint {dedicated: gpu}', 3],
      ['NodeResourcesFit', 'Insufficient cpu', 2],
    ]);
    assert.ok(verdict.hints.some((h) => h.includes('cpu: the pod requests 16000m; the most free on any node is 2000m')), verdict.hints.join('\n'));
    const ev = await waitFor('FailedScheduling event', async () => {
      const list = await client.resource(EventKind).list({ namespace: 'default' });
      return list.items.find((e) => e.reason === 'FailedScheduling' && e.involvedObject?.name === 'big');
    });
    assert.equal(ev.message, want);

    // `skiff why` reads the verdict back from the API and explains it.
    const why = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts'), 'why', 'pod/big', '-n', 'default', '--kubeconfig', server.kubeconfigPath], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(why.status, 0, why.stderr);
    assert.match(why.stdout, /pod\/big -n default is Pending/);
    assert.ok(why.stdout.includes(want), why.stdout);
    assert.match(why.stdout, /small-0\s+NodeResourcesFit\s+Unschedulable\s+Insufficient cpu/);
    assert.match(why.stdout, /gpu-2\s+TaintToleration\s+UnschedulableAndUnresolvable\s+node\(s\) had untolerated taint \{dedicated: gpu\}/);
    assert.match(why.stdout, /What would make it fit:\n  - tolerate the taint on 3 node\(s\): tolerations: \[\{key: dedicated, operator: Equal, value: "gpu", effect: NoSchedule\}\]/);

    // A node that fits: scheduled within a second of its registration.
    const t0 = Date.now();
    await client.resource<Node>(NodeKind).create(simNode(0, 1, { prefix: 'large', capacity: { cpu: '32', memory: '64Gi', pods: '110' } }));
    const bound = await waitFor('binding', async () => {
      const cur = await pods.get('big', { namespace: 'default' });
      return cur.spec?.nodeName ? cur : undefined;
    }, 5000);
    const elapsed = Date.now() - t0;
    assert.equal(bound.spec?.nodeName, 'large-0');
    assert.ok(elapsed < 1000, `scheduled after ${elapsed} ms`);
  });

  it('preempts a lower-priority pod and binds the higher one', async () => {
    sims.push(await startSim({ client, nodes: 1, template: { prefix: 'prio', capacity: { cpu: '4', memory: '8Gi', pods: '110' }, labels: { pool: 'prio' } }, logger: silentLogger, leaseIntervalMs: 0, readyDelayMs: 50 }));
    const pcs = client.resource(PriorityClassKind);
    await pcs.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 10 });
    await pcs.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    await client.resource<Namespace>({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }).create({ metadata: { name: 'prio' } } as Namespace);
    const pods = client.resource<Pod>(PodKind);
    const onPool = { nodeSelector: { pool: 'prio' } };
    await pods.create(pod('victim', 'prio', { cpu: '3', priorityClassName: 'low', spec: onPool }));
    await waitFor('victim bound', async () => ((await pods.get('victim', { namespace: 'prio' })).spec?.nodeName ? true : undefined));
    await pods.create(pod('preemptor', 'prio', { cpu: '3', priorityClassName: 'high', spec: onPool }));
    const p = await waitFor('preemptor bound', async () => {
      const cur = await pods.get('preemptor', { namespace: 'prio' });
      return cur.spec?.nodeName ? cur : undefined;
    });
    assert.equal(p.spec?.nodeName, 'prio-0');
    assert.equal(p.status?.nominatedNodeName, 'prio-0');
    await waitFor('victim gone', async () => {
      try {
        await pods.get('victim', { namespace: 'prio' });
        return undefined;
      } catch {
        return true;
      }
    });
  });

  it('keeps zones within maxSkew across 100 pods with a required spread', async () => {
    sims.push(await startSim({ client, nodes: 6, template: { prefix: 'zoned', zones: ['z1', 'z2', 'z3'], labels: { pool: 'zoned' } }, logger: silentLogger, leaseIntervalMs: 0, podStages: [] }));
    await client.resource<Namespace>({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }).create({ metadata: { name: 'spread' } } as Namespace);
    const pods = client.resource<Pod>(PodKind);
    const spec = {
      nodeSelector: { pool: 'zoned' },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }],
    };
    await mapLimit(Array.from({ length: 100 }, (_, i) => i), 16, async (i) => {
      await pods.create(pod(`s-${i}`, 'spread', { labels: { app: 'spread' }, spec }));
    });
    const placed = await waitFor('100 pods bound', async () => {
      const list = await pods.list({ namespace: 'spread' });
      return list.items.filter((x) => x.spec?.nodeName).length === 100 ? list.items : undefined;
    }, 30_000);
    const zoneOf = (n: string): string => `z${(Number(n.split('-')[1]) % 3) + 1}`;
    const perZone = new Map<string, number>();
    for (const x of placed) perZone.set(zoneOf(x.spec?.nodeName ?? ''), (perZone.get(zoneOf(x.spec?.nodeName ?? '')) ?? 0) + 1);
    const counts = [...perZone.values()];
    assert.equal(counts.length, 3);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `zones: ${JSON.stringify([...perZone])}`);
  });
});

interface Namespace {
  metadata: { name: string };
}
