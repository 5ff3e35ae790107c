/**
 * e2e: `skiff server` runs (by default) the controller manager and the scheduler in the
 * server's process. With no nodes, a Deployment's pods are created but stay Pending with
 * PodScheduled=False and a FailedScheduling event; once simulated nodes register, the
 * same pods are bound and become Running. SIGTERM stops everything and exits 0.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlFor, kubectlMissing, startTestServer, type TestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig, silentLogger, type RestClient } from '../../src/client/index.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { EventKind, type Event } from '../../src/api/core/v1/event.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';


describe('skiff server (controllers and scheduler in the server process)', { skip: kubectlMissing() }, () => {
  let server: TestServer;
  let client: RestClient;
  let sim: RunningSim | undefined;

  before(async () => {
    server = await startTestServer({ components: true });
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
  });
  after(async () => {
    await sim?.stop();
    client?.close();
    await server?.stop();
  });

  it('announces the embedded components', async () => {
    // The harness returns on the first "serving on" line, before the components report.
    await waitFor('components announced', async () => (/controller-manager running \(in-process\)/.test(server.output()) ? true : undefined));
    assert.match(server.output(), /skiff server: scheduler running \(in-process\)/);
  });

  it('a deployment gets pods; without nodes they are unschedulable; with nodes they are bound and Running', async () => {
    const k = kubectlFor(server);
    const r = await k(['create', 'deployment', 'web', '--image=x', '--replicas=2']);
    assert.equal(r.code, 0, r.stderr);
    const pods = client.resource<Pod>(PodKind);
    const webPods = async (): Promise<Pod[]> => (await pods.list({ namespace: 'default', labelSelector: 'app=web' })).items;

    const pending = await waitFor('2 unschedulable pods', async () => {
      const items = await webPods();
      const unsched = items.filter((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'));
      return unsched.length === 2 ? unsched : undefined;
    });
    assert.ok(pending.every((p) => !p.spec?.nodeName));
    const events = client.resource<Event>(EventKind);
    await waitFor('a FailedScheduling event', async () => {
      const list = await events.list({ namespace: 'default' });
      return list.items.find((e) => e.reason === 'FailedScheduling' && e.involvedObject?.name?.startsWith('web-')) ?? undefined;
    });

    sim = await startSim({ client, nodes: 2, readyDelayMs: 100, leaseIntervalMs: 0, logger: silentLogger });
    const running = await waitFor('2 bound, Running pods', async () => {
      const items = await webPods();
      const ok = items.filter((p) => p.spec?.nodeName && p.status?.phase === 'Running');
      return ok.length === 2 ? ok : undefined;
    });
    for (const p of running) assert.ok(sim.nodeNames.includes(p.spec?.nodeName ?? ''), `${p.metadata?.name} on ${p.spec?.nodeName}`);
    // The very pods that were Pending were bound (the scheduler retried them on node add).
    assert.deepEqual(running.map((p) => p.metadata?.uid).sort(), pending.map((p) => p.metadata?.uid).sort());
  });

  it('SIGTERM stops the controllers, the scheduler and the server; exit code 0', async () => {
    await sim?.stop();
    sim = undefined;
    const res = await server.stop();
    assert.equal(res.code, 0, server.output().slice(-2000));
    assert.match(server.output(), /skiff server: SIGTERM, shutting down/);
  });
});
