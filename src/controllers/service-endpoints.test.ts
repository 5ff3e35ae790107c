import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import type { Service } from '../api/core/v1/service.js';
import { desiredSubsets } from './endpoints.js';
import { desiredSlices, sliceLabels } from './endpointslice.js';
import { managesEndpoints, resolveTargetPort } from './service-endpoints.js';
import { terminatedPodsToDelete } from './podgc.js';
import { selectControllers } from './manager.js';

function pod(name: string, ip: string | undefined, o: { ready?: boolean; deleting?: boolean; port?: number; hostname?: string; phase?: string; created?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}), ...(o.created ? { creationTimestamp: o.created } : {}) },
    spec: { nodeName: 'n1', ...(o.hostname ? { hostname: o.hostname, subdomain: 'svc' } : {}), containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: o.port ?? 8080, protocol: 'TCP' }] }] },
    status: { phase: o.phase ?? 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] },
  } as Pod;
}

const svc = (publish = false) =>
  ({ metadata: { name: 'svc', namespace: 'ns' }, spec: { selector: { app: 'x' }, publishNotReadyAddresses: publish, ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] } }) as unknown as Service;

describe('service endpoints', () => {
  it('slices: conditions, named target ports per pod, hostname, no IP → left out', () => {
    const pods = [pod('a', '198.18.0.1', { ready: true, hostname: 'a' }), pod('b', '198.18.0.2'), pod('c', '198.18.0.3', { ready: true, deleting: true }), pod('d', undefined, { ready: true }), pod('e', '198.18.0.5', { ready: true, port: 9090 })];
    const slices = desiredSlices(svc(), pods);
    assert.equal(slices.length, 2, 'two port sets → two slices');
    const s8080 = slices.find((s) => s.ports?.[0]?.port === 8080);
    assert.deepEqual(s8080?.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    const byName = Object.fromEntries((s8080?.endpoints ?? []).map((e) => [e.targetRef?.name, e]));
    assert.deepEqual(byName.a?.conditions, { ready: true, serving: true, terminating: false });
    assert.equal(byName.a?.hostname, 'a');
    assert.deepEqual(byName.b?.conditions, { ready: false, serving: false, terminating: false });
    assert.deepEqual(byName.c?.conditions, { ready: false, serving: true, terminating: true });
    assert.equal(byName.d, undefined);
    assert.equal(byName.a?.nodeName, 'n1');
  });

  it('publishNotReadyAddresses makes every backend ready, but serving still says whether the pod is Ready', () => {
    const [s] = desiredSlices(svc(true), [pod('b', '198.18.0.2')]);
    assert.deepEqual(s?.endpoints?.[0]?.conditions, { ready: true, serving: false, terminating: false });
    const subsets = desiredSubsets(svc(true), [pod('b', '198.18.0.2')]);
    assert.equal(subsets[0]?.addresses?.[0]?.ip, '198.18.0.2');
  });

  it('legacy Endpoints: ready in addresses, not ready in notReadyAddresses, terminating left out', () => {
    const subsets = desiredSubsets(svc(), [pod('a', '198.18.0.1', { ready: true }), pod('b', '198.18.0.2'), pod('c', '198.18.0.3', { ready: true, deleting: true })]);
    assert.equal(subsets.length, 1);
    assert.deepEqual(subsets[0]?.addresses?.map((a) => a.ip), ['198.18.0.1']);
    assert.deepEqual(subsets[0]?.notReadyAddresses?.map((a) => a.ip), ['198.18.0.2']);
    assert.deepEqual(subsets[0]?.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
  });

  it('legacy Endpoints list addresses in IP order', () => {
    const subsets = desiredSubsets(svc(), [pod('a', '198.18.0.9', { ready: true }), pod('b', '198.18.0.10', { ready: true }), pod('c', '198.18.0.1', { ready: true })]);
    assert.deepEqual(subsets[0]?.addresses?.map((a) => a.ip), ['198.18.0.1', '198.18.0.10', '198.18.0.9']);
  });

  it('slice labels: the service labels minus reserved keys, plus the headless label for a headless service', () => {
    const s = (clusterIP: string) =>
      ({ metadata: { name: 'svc', namespace: 'ns', labels: { team: 'a', 'kubernetes.io/service-name': 'other', 'service.kubernetes.io/headless': 'x' } }, spec: { clusterIP } }) as unknown as Service;
    assert.deepEqual(sliceLabels(s('None')), { team: 'a', 'service.kubernetes.io/headless': '', 'kubernetes.io/service-name': 'svc', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(sliceLabels(s('198.18.0.1')), { team: 'a', 'kubernetes.io/service-name': 'svc', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  });

  it('ExternalName services get no endpoints, even with a selector', () => {
    const ext = { metadata: { name: 'x', namespace: 'ns' }, spec: { type: 'ExternalName', externalName: 'a.example', selector: { app: 'x' } } } as unknown as Service;
    assert.equal(managesEndpoints(ext), false);
    assert.equal(managesEndpoints(svc()), true);
  });

  it('a named target port is also found on a sidecar (restartable init container), not on a plain init container', () => {
    const p = pod('a', '198.18.0.1');
    p.spec!.initContainers = [
      { name: 'init', image: 'i', ports: [{ name: 'init-port', containerPort: 7000, protocol: 'TCP' }] },
      { name: 'side', image: 'i', restartPolicy: 'Always', ports: [{ name: 'side-port', containerPort: 7001, protocol: 'TCP' }] },
    ] as NonNullable<Pod['spec']>['initContainers'];
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 'side-port' }), 7001);
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 'init-port' }), undefined);
  });

  it('pod GC picks the oldest terminated pods over the threshold', () => {
    const pods = [
      pod('old', '1', { phase: 'Succeeded', created: '2024-01-01T00:00:00Z' }),
      pod('mid', '1', { phase: 'Failed', created: '2024-01-02T00:00:00Z' }),
      pod('new', '1', { phase: 'Succeeded', created: '2024-01-03T00:00:00Z' }),
      pod('run', '1', { created: '2023-01-01T00:00:00Z' }),
    ];
    assert.deepEqual(terminatedPodsToDelete(pods, 1).map((p) => p.metadata?.name), ['old', 'mid']);
    assert.deepEqual(terminatedPodsToDelete(pods, 3), []);
  });

  it('--controllers: names, *, -name; unknown names rejected', () => {
    assert.deepEqual(selectControllers(['replicaset', 'deployment']).map((c) => c.name), ['replicaset', 'deployment']);
    const all = selectControllers(undefined).map((c) => c.name);
    assert.ok(all.includes('garbage-collector') && all.includes('podgc'));
    assert.ok(!selectControllers(['*', '-podgc']).some((c) => c.name === 'podgc'));
    assert.throws(() => selectControllers(['nope']), /unknown controller "nope"/);
  });
});
