import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision } from '../api/apps/v1/controller-revision.js';
import { ControllerRevisionKind } from '../api/apps/v1/controller-revision.js';
import type { DaemonSet } from '../api/apps/v1/daemon-set.js';
import { DaemonSetKind } from '../api/apps/v1/daemon-set.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { daemonPodNode, nodeShouldRunDaemonPod, pinToNode } from './daemonset-placement.js';
import { daemonPod, resolveMaxUnavailable } from './daemonset.js';
import { markPodsReady, startCluster, waitFor, type TestCluster } from './test-support.js';

const node = (name: string, labels: Record<string, string> = {}, taints: unknown[] = []): Node => ({ metadata: { name, labels }, spec: { taints } }) as Node;
const tpl = (spec: Record<string, unknown>): Pod => ({ spec: { containers: [], ...spec } }) as Pod;

describe('daemonset placement (pure)', () => {
  it('nodeSelector, affinity and taints decide; the default daemon tolerations apply', () => {
    assert.deepEqual(nodeShouldRunDaemonPod(tpl({ nodeSelector: { role: 'w' } }), node('a', { role: 'w' })), { shouldRun: true, shouldContinueRunning: true });
    assert.equal(nodeShouldRunDaemonPod(tpl({ nodeSelector: { role: 'w' } }), node('a')).shouldRun, false);
    assert.deepEqual(nodeShouldRunDaemonPod(tpl({}), node('a', {}, [{ key: 'x', effect: 'NoSchedule' }])), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(tpl({}), node('a', {}, [{ key: 'x', effect: 'NoExecute' }])), { shouldRun: false, shouldContinueRunning: false });
    assert.equal(nodeShouldRunDaemonPod(tpl({ tolerations: [{ key: 'x', operator: 'Exists' }] }), node('a', {}, [{ key: 'x', effect: 'NoExecute' }])).shouldRun, true);
    for (const k of ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready']) assert.equal(nodeShouldRunDaemonPod(tpl({}), node('a', {}, [{ key: k, effect: 'NoExecute' }])).shouldRun, true, k);
    assert.equal(nodeShouldRunDaemonPod(tpl({}), node('a', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }])).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(tpl({}), node('a', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }])).shouldRun, false);
    assert.equal(nodeShouldRunDaemonPod(tpl({ hostNetwork: true }), node('a', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }])).shouldRun, true);
  });

  it('pods are pinned by required node affinity on metadata.name, keeping label terms', () => {
    const a = pinToNode({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }] } } }, 'n1');
    assert.deepEqual(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
    ]);
    const ds = { metadata: { name: 'd', namespace: 'ns', uid: 'u', generation: 2 }, spec: { template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c' }] } } } } as DaemonSet;
    const p = daemonPod(ds, 'n2', 'h1');
    assert.equal(daemonPodNode(p), 'n2');
    assert.equal(p.spec?.nodeName, undefined, 'the scheduler binds it');
    assert.equal(p.metadata?.labels?.['controller-revision-hash'], 'h1');
    assert.ok(p.spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.tolerationSeconds === undefined));
    assert.equal(resolveMaxUnavailable({ spec: { updateStrategy: { rollingUpdate: { maxUnavailable: '25%' } } } } as DaemonSet, 10), 3);
    assert.equal(resolveMaxUnavailable({ spec: {} } as DaemonSet, 10), 1);
  });
});

describe('daemonset controller (e2e)', () => {
  let c: TestCluster;
  let ready: { stop(): Promise<void> } | undefined;
  before(async () => {
    c = await startCluster({ controllers: ['daemonset'] });
    ready = markPodsReady(c.client, 'default');
  });
  after(async () => {
    await ready?.stop();
    await c?.stop();
  });
  const dsPods = async () => (await c.client.resource<Pod>(PodKind).list({ namespace: 'default', labelSelector: 'app=agent' })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const getDs = () => c.client.resource<DaemonSet>(DaemonSetKind).get('agent', { namespace: 'default' });

  it('runs one pod per eligible node and rolls a template change node by node', async () => {
    for (const n of [node('a', { role: 'w' }), node('b', { role: 'w' }), node('c', { role: 'w' }, [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]), node('d')]) {
      await c.client.resource<Node>(NodeKind).create({ apiVersion: 'v1', kind: 'Node', ...n } as Node);
    }
    await c.client.resource<DaemonSet>(DaemonSetKind).create(
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { role: 'w' }, containers: [{ name: 'c', image: 'agent:1' }] } } } } as DaemonSet,
      { namespace: 'default' },
    );
    const first = await waitFor('two pods', async () => {
      const ps = await dsPods();
      return ps.length === 2 ? ps : undefined;
    });
    assert.deepEqual(first.map(daemonPodNode).sort(), ['a', 'b']);
    await waitFor('status', async () => {
      const s = (await getDs()).status;
      // numberMisscheduled is printed even when 0; numberUnavailable (omitempty) goes once every pod is available.
      return s?.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.numberReady === 2 && s.updatedNumberScheduled === 2 && s.numberMisscheduled === 0 && !('numberUnavailable' in s);
    });
    // One SuccessfulCreate per pod, naming it (not the node).
    const created = first.map((p) => `Created pod: ${p.metadata?.name ?? ''}`).sort();
    await waitFor('SuccessfulCreate events', async () => {
      const evs = (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.name === 'agent' && e.reason === 'SuccessfulCreate');
      return JSON.stringify(evs.map((e) => e.message).sort()) === JSON.stringify(created);
    });

    await c.client.resource<DaemonSet>(DaemonSetKind).patch('agent', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } }, 'strategic', { namespace: 'default' });
    let maxGone = 0;
    await waitFor('all pods updated', async () => {
      const ps = await dsPods();
      maxGone = Math.max(maxGone, 2 - ps.length);
      return ps.length === 2 && ps.every((p) => p.spec?.containers?.[0]?.image === 'agent:2') && ps.every((p) => p.status?.phase === 'Running');
    });
    assert.ok(maxGone <= 1, 'maxUnavailable 1');
    await waitFor('updated status', async () => (await getDs()).status?.updatedNumberScheduled === 2);
    const revs = (await c.client.resource<ControllerRevision>(ControllerRevisionKind).list({ namespace: 'default' })).items.filter((r) => r.metadata?.ownerReferences?.[0]?.name === 'agent');
    assert.deepEqual(revs.map((r) => r.revision).sort(), [1, 2]);
  });
});
