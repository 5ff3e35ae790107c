/**
 * Namespace lifecycle, EndpointSlices/Endpoints, ServiceAccounts, pod GC, the garbage
 * collector on arbitrary kinds, Recreate, and failure isolation — real kubectl, real
 * `skiff server`, the controller manager in this process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/core/v1/pod.js';
import { PodKind } from '../../src/api/core/v1/pod.js';
import { markPodsReady, startCluster, waitFor, type TestCluster } from '../../src/controllers/test-support.js';
import { startControllerManager } from '../../src/controllers/manager.js';
import { silentLogger } from '../../src/client/logger.js';
import { isNotFound } from '../../src/client/status-error.js';

let c: TestCluster;

const json = async (args: string[]): Promise<any> => JSON.parse(await c.kk([...args, '-o', 'json']));

describe('controllers e2e: cluster controllers', { timeout: 240_000 }, () => {
  const markers: Array<{ stop(): Promise<void> }> = [];
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    for (const m of markers) await m.stop();
    await c?.stop();
  });

  it('every active namespace gets a default ServiceAccount (recreated when deleted)', async () => {
    await c.kk(['create', 'namespace', 'sa-test']);
    await waitFor('default SA', async () => (await c.k(['get', 'serviceaccount', 'default', '-n', 'sa-test'])).code === 0);
    await c.kk(['delete', 'serviceaccount', 'default', '-n', 'sa-test']);
    await waitFor('default SA again', async () => (await c.k(['get', 'serviceaccount', 'default', '-n', 'sa-test'])).code === 0);
  });

  it('deleting a namespace empties it, then the namespace goes', async () => {
    await c.kk(['create', 'namespace', 'doomed']);
    await c.kk(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '-n', 'doomed']);
    await c.kk(['create', 'configmap', 'cfg', '--from-literal=a=b', '-n', 'doomed']);
    await c.kk(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'doomed']);
    await waitFor('2 pods', async () => (await json(['get', 'pods', '-n', 'doomed'])).items.length === 2);
    await c.kk(['delete', 'namespace', 'doomed', '--wait=false']);
    const ns = await json(['get', 'namespace', 'doomed']).catch(() => undefined);
    if (ns) assert.equal(ns.status.phase, 'Terminating');
    await waitFor('namespace gone', async () => (await c.k(['get', 'namespace', 'doomed'])).code !== 0, 60_000, 250);
    // Everything in it went first (the namespace only goes once it is empty).
    const left = await c.client.resource<Pod>(PodKind).list({ namespace: 'doomed' });
    assert.equal(left.items.length, 0);
  });

  it('EndpointSlices and Endpoints follow pod readiness and named target ports', async () => {
    await c.kk(['create', 'namespace', 'svc']);
    const yaml = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: svc}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: web}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: svc}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx, ports: [{name: web, containerPort: 8080}]}]
`;
    await c.kk(['apply', '-f', '-'], yaml);
    await waitFor('2 pods', async () => (await json(['get', 'pods', '-n', 'svc'])).items.length === 2);
    // Pods without an IP are not endpoints yet.
    const slice0 = await waitFor('a managed slice', async () => (await json(['get', 'endpointslices', '-n', 'svc', '-l', 'kubernetes.io/service-name=web'])).items[0]);
    assert.equal(slice0.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice0.metadata.ownerReferences[0].kind, 'Service');
    assert.equal((slice0.endpoints ?? []).length, 0);
    markers.push(markPodsReady(c.client, 'svc'));
    const slice = await waitFor('2 ready endpoints', async () => {
      const s = (await json(['get', 'endpointslices', '-n', 'svc', '-l', 'kubernetes.io/service-name=web'])).items[0];
      return (s?.endpoints ?? []).filter((e: any) => e.conditions.ready).length === 2 ? s : undefined;
    });
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.equal(slice.addressType, 'IPv4');
    for (const e of slice.endpoints) {
      assert.equal(e.targetRef.kind, 'Pod');
      assert.match(e.addresses[0], /^198\.18\./);
      assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
    }
    const ep = await waitFor('legacy endpoints', async () => {
      const e = await json(['get', 'endpoints', 'web', '-n', 'svc']).catch(() => undefined);
      return e?.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    });
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    // A pod turning unready moves to ready=false / notReadyAddresses.
    const pods = (await json(['get', 'pods', '-n', 'svc'])).items;
    const target = pods[0].metadata.name;
    await c.client.resource<Pod>(PodKind).subresource('status').patch(target, { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, 'strategic', { namespace: 'svc' });
    await waitFor('slice shows it unready', async () => {
      const s = (await json(['get', 'endpointslices', '-n', 'svc', '-l', 'kubernetes.io/service-name=web'])).items[0];
      const e = s.endpoints.find((x: any) => x.targetRef.name === target);
      return e && e.conditions.ready === false && e.conditions.serving === false;
    });
    await waitFor('endpoints shows it not ready', async () => {
      const e = await json(['get', 'endpoints', 'web', '-n', 'svc']);
      return e.subsets?.[0]?.notReadyAddresses?.some((a: any) => a.targetRef.name === target);
    });
  });

  it('a failing object shows an Event and a condition and never stops the others', async () => {
    await c.kk(['create', 'namespace', 'bad']);
    markers.push(markPodsReady(c.client, 'bad'));
    // Annotations just under the 256 KiB limit are valid on the Deployment; the ReplicaSet
    // gets them plus its revision/replicas annotations, which tips it over: a 422.
    const long = 'toobig';
    const big = 'x'.repeat(256 * 1024 - 'big'.length - 16);
    await c.kk(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: long, namespace: 'bad', annotations: { big } },
        spec: { replicas: 1, selector: { matchLabels: { app: 'bad' } }, template: { metadata: { labels: { app: 'bad' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
    );
    await c.kk(['create', 'deployment', 'good', '--image=nginx', '--replicas=2', '-n', 'bad']);
    await c.kk(['rollout', 'status', 'deployment/good', '-n', 'bad', '--timeout=60s']);
    const cond = await waitFor('ReplicaSetCreateError condition', async () => {
      const d = await json(['get', 'deployment', long, '-n', 'bad']);
      return d.status?.conditions?.find((x: any) => x.type === 'Progressing' && x.reason === 'ReplicaSetCreateError');
    });
    assert.equal(cond.status, 'False');
    assert.match(cond.message, /Failed to create new replica set/);
    const ev = await waitFor('Warning event', async () => {
      const list = await json(['get', 'events', '-n', 'bad']);
      return list.items.find((e: any) => e.type === 'Warning' && e.reason === 'ReplicaSetCreateError' && e.involvedObject.name === long);
    });
    assert.match(ev.message, /Invalid|invalid|too long|must have at most/);
    // And after the failure, other work still flows: scale the good one.
    await c.kk(['scale', 'deployment', 'good', '--replicas=3', '-n', 'bad']);
    await c.kk(['rollout', 'status', 'deployment/good', '-n', 'bad', '--timeout=60s']);
  });

  it('ReplicaSet: pods the API rejects (422) → ReplicaFailure FailedCreate and a Warning event', async () => {
    // Ephemeral containers pass template validation but may not be set when a pod is created.
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'eph', namespace: 'bad' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'eph' } },
        template: { metadata: { labels: { app: 'eph' } }, spec: { containers: [{ name: 'c', image: 'nginx' }], ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] } },
      },
    };
    const created = await c.k(['create', '-f', '-'], JSON.stringify(rs));
    if (created.code !== 0) {
      // This server rejects such templates up front; nothing for the controller to do.
      assert.match(created.stderr, /ephemeralContainers/);
      return;
    }
    const cond = await waitFor('ReplicaFailure', async () => {
      const r = await json(['get', 'rs', 'eph', '-n', 'bad']);
      return r.status?.conditions?.find((x: any) => x.type === 'ReplicaFailure');
    });
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'FailedCreate');
    const ev = await waitFor('FailedCreate event', async () => (await json(['get', 'events', '-n', 'bad'])).items.find((e: any) => e.reason === 'FailedCreate' && e.involvedObject.name === 'eph'));
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.involvedObject.kind, 'ReplicaSet');
    assert.match(ev.message, /ephemeralContainers/);
    // Slow start: one failed create stops the batch, so the API saw few attempts, not a flood.
    assert.ok(ev.count >= 1);
    await c.kk(['delete', 'rs', 'eph', '-n', 'bad']);
  });

  it('progressDeadlineSeconds: a rollout that never gets ready is reported as failed', async () => {
    await c.kk(['create', 'namespace', 'stuck']); // no pod marker here: pods never become ready
    await c.kk(['create', 'deployment', 'slow', '--image=nginx', '--replicas=2', '-n', 'stuck']);
    await c.kk(['patch', 'deployment', 'slow', '-n', 'stuck', '--type=merge', '-p', '{"spec":{"progressDeadlineSeconds":2}}']);
    const cond = await waitFor('ProgressDeadlineExceeded', async () => {
      const d = await json(['get', 'deployment', 'slow', '-n', 'stuck']);
      return d.status?.conditions?.find((x: any) => x.type === 'Progressing' && x.reason === 'ProgressDeadlineExceeded');
    }, 30_000, 250);
    assert.equal(cond.status, 'False');
    const d = await json(['get', 'deployment', 'slow', '-n', 'stuck']);
    const avail = d.status.conditions.find((x: any) => x.type === 'Available');
    assert.equal(avail.reason, 'MinimumReplicasUnavailable');
    assert.equal(d.status.unavailableReplicas, 2);
    const r = await c.k(['rollout', 'status', 'deployment/slow', '-n', 'stuck', '--timeout=20s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /exceeded its progress deadline/);
  });

  it('Recreate: old pods all gone before new ones are made', async () => {
    await c.kk(['create', 'namespace', 'rec']);
    markers.push(markPodsReady(c.client, 'rec'));
    await c.kk(['create', 'deployment', 'r', '--image=nginx:1', '--replicas=3', '-n', 'rec']);
    await c.kk(['patch', 'deployment', 'r', '-n', 'rec', '--type=merge', '-p', '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}']);
    await c.kk(['rollout', 'status', 'deployment/r', '-n', 'rec', '--timeout=60s']);
    let mixed = false;
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        const pods = (await c.client.resource<Pod>(PodKind).list({ namespace: 'rec' })).items;
        const images = new Set(pods.map((p) => p.spec?.containers?.[0]?.image));
        if (images.size > 1) mixed = true;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await c.kk(['set', 'image', 'deployment/r', 'nginx=nginx:2', '-n', 'rec']);
    await c.kk(['rollout', 'status', 'deployment/r', '-n', 'rec', '--timeout=60s']);
    stop = true;
    await watcher;
    assert.equal(mixed, false, 'old and new pods never coexist');
    const pods = (await c.client.resource<Pod>(PodKind).list({ namespace: 'rec' })).items;
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.spec?.containers?.[0]?.image === 'nginx:2'));
  });

  it('garbage collector: any kind; background, foreground and orphan; dangling references', async () => {
    await c.kk(['create', 'namespace', 'gc']);
    const owner = await json(['create', 'configmap', 'owner', '--from-literal=a=b', '-n', 'gc']);
    const ref = (blocking: boolean) => `[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"${owner.metadata.uid}"${blocking ? ',"blockOwnerDeletion":true' : ''}}]`;
    for (const [name, blocking] of [['dep1', true], ['dep2', false]] as const) {
      await c.kk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'gc', ownerReferences: JSON.parse(ref(blocking)) }, stringData: { x: 'y' } }));
    }
    await c.kk(['delete', 'configmap', 'owner', '-n', 'gc', '--cascade=foreground', '--timeout=60s']);
    assert.equal((await json(['get', 'secrets', '-n', 'gc'])).items.filter((s: any) => s.metadata.name.startsWith('dep')).length, 0);

    // Dependent of an owner that never existed (by UID): deleted after a live check.
    await c.kk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dangling', namespace: 'gc', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000001' }] } }));
    await waitFor('dangling dependent deleted', async () => (await c.k(['get', 'configmap', 'dangling', '-n', 'gc'])).code !== 0);

    // Orphan: dependents keep living, without the reference.
    const o2 = await json(['create', 'configmap', 'owner2', '--from-literal=a=b', '-n', 'gc']);
    await c.kk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', namespace: 'gc', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner2', uid: o2.metadata.uid }] } }));
    await c.kk(['delete', 'configmap', 'owner2', '-n', 'gc', '--cascade=orphan', '--timeout=60s']);
    await waitFor('owner2 gone', async () => (await c.k(['get', 'configmap', 'owner2', '-n', 'gc'])).code !== 0);
    const kept = await json(['get', 'configmap', 'kept', '-n', 'gc']);
    assert.equal((kept.metadata.ownerReferences ?? []).length, 0);
  });

  it('garbage collector: custom resources found through discovery', async () => {
    await c.kk(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
        },
      }),
    );
    await waitFor('widgets served', async () => {
      try {
        await c.client.request({ method: 'GET', path: '/apis/example.com/v1/namespaces/gc/widgets' });
        return true;
      } catch {
        return false;
      }
    }, 15_000, 250);
    const owner = await json(['create', 'configmap', 'widget-owner', '--from-literal=a=b', '-n', 'gc']);
    const widgets = c.client.resource({ group: 'example.com', version: 'v1', plural: 'widgets', namespaced: true, kind: 'Widget' });
    await widgets.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'gc', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'widget-owner', uid: owner.metadata.uid }] } });
    await c.kk(['delete', 'configmap', 'widget-owner', '-n', 'gc']);
    await waitFor('widget collected', async () => {
      try {
        await widgets.get('w1', { namespace: 'gc' });
        return false;
      } catch (err) {
        return isNotFound(err);
      }
    }, 30_000, 250);
  });

  it('pod GC deletes pods bound to a node that does not exist', async () => {
    await c.kk(['create', 'namespace', 'pgc']);
    await c.kk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lost', namespace: 'pgc' }, spec: { nodeName: 'no-such-node', containers: [{ name: 'c', image: 'nginx' }] } }));
    await waitFor('orphaned pod deleted', async () => (await c.k(['get', 'pod', 'lost', '-n', 'pgc'])).code !== 0, 30_000, 250);
  });

  it('pod GC keeps only --terminated-pod-gc-threshold finished pods, deleting the oldest', async () => {
    await c.kk(['create', 'namespace', 'done']);
    const gc = await startControllerManager({ client: c.client, log: silentLogger, controllers: ['podgc'], options: { terminatedPodGcThreshold: 2, resyncPeriodMs: 1000 } });
    try {
      const pods = c.client.resource<Pod>(PodKind);
      for (let i = 1; i <= 4; i++) {
        await c.kk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `job-${i}`, namespace: 'done' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }));
        // Distinct creation seconds, so "oldest" is well defined.
        if (i < 4) await new Promise((r) => setTimeout(r, 1000));
      }
      for (let i = 1; i <= 4; i++) await pods.subresource('status').patch(`job-${i}`, { status: { phase: 'Succeeded' } }, 'merge', { namespace: 'done' });
      const left = await waitFor('2 finished pods left', async () => {
        const items = (await pods.list({ namespace: 'done' })).items;
        return items.length === 2 ? items : undefined;
      });
      assert.deepEqual(left.map((p) => p.metadata?.name).sort(), ['job-3', 'job-4']);
    } finally {
      await gc.stop();
    }
  });
});
