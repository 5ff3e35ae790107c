/**
 * e2e: `skiff sim` and `skiff scheduler` as separate processes against `skiff server`:
 * simulated nodes register and renew their Leases, the scheduler wins leader election and
 * binds a pod, and the pod becomes Running/Ready with a fake IP from 198.18.0.0/15.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, startTestServer, type TestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { NodeKind, type Node } from '../../src/api/core/v1/node.js';
import { LeaseKind, type Lease } from '../../src/api/coordination/v1/lease.js';

const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');


describe('skiff sim + skiff scheduler (processes)', () => {
  let server: TestServer;
  let client: RestClient;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const run = (args: string[]): ChildProcess => {
    const c = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--kubeconfig', server.kubeconfigPath], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    c.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    children.push(c);
    return c;
  };

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
  });
  after(async () => {
    for (const c of children) {
      if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        process.kill(c.pid, 'SIGTERM');
        const t = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    }
    client?.close();
    await server?.stop();
  });

  it('registers nodes with leases, schedules a pod and runs it (simulated)', async () => {
    run(['sim', '--nodes', '3', '--prefix', 'kw', '--zones', 'z1,z2', '--labels', 'tier=sim', '--ready-delay', '200ms', '--lease-interval', '1s']);
    run(['scheduler']);
    const nodes = client.resource<Node>(NodeKind);
    const n = await waitFor('3 simulated nodes', async () => {
      const list = await nodes.list();
      const kw = list.items.filter((x) => x.metadata?.name?.startsWith('kw-'));
      return kw.length === 3 ? kw : undefined;
    });
    assert.deepEqual(n.map((x) => x.metadata?.labels?.['topology.kubernetes.io/zone']).sort(), ['z1', 'z1', 'z2']);
    assert.ok(n.every((x) => x.metadata?.labels?.tier === 'sim'));
    const leases = client.resource<Lease>(LeaseKind);
    const first = await waitFor('lease', async () => leases.get('kw-0', { namespace: 'kube-node-lease' }));
    await waitFor('lease renewed', async () => {
      const l = await leases.get('kw-0', { namespace: 'kube-node-lease' });
      return l.spec?.renewTime !== first.spec?.renewTime ? l : undefined;
    }, 10_000);
    await waitFor('scheduler leader lease', async () => {
      const l = await leases.get('kube-scheduler', { namespace: 'kube-system' });
      return l.spec?.holderIdentity ? l : undefined;
    });
    const pods = client.resource<Pod>(PodKind);
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'default' }, spec: { nodeSelector: { tier: 'sim' }, containers: [{ name: 'c', image: 'busybox' }] } } as Pod);
    const running = await waitFor('pod Running/Ready', async () => {
      const p = await pods.get('app', { namespace: 'default' });
      return p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    });
    assert.match(running.spec?.nodeName ?? '', /^kw-[012]$/);
    assert.match(running.status?.podIP ?? '', /^198\.1[89]\./);
    // Deletion is honoured: the simulated kubelet removes the pod (grace 0).
    await pods.delete('app', { namespace: 'default' });
    await waitFor('pod gone', async () => {
      try {
        await pods.get('app', { namespace: 'default' });
        return undefined;
      } catch {
        return true;
      }
    });
  });
});
