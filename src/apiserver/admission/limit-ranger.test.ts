import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigMapKind } from '../../api/core/v1/config-map.js';
import { PodKind } from '../../api/core/v1/pod.js';
import { ApiError } from '../../machinery/status.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { limitRanger } from './limit-ranger.js';
import type { AdmissionAttributes } from './types.js';

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({ operation: 'CREATE', spec: PodKind, namespace: 'ns', name: 'p', user: { name: 'u', groups: [] }, dryRun: false, ...over }) as AdmissionAttributes;
const range = (...limits: object[]): KubeObject => ({ metadata: { name: 'lr', namespace: 'ns' }, spec: { limits } });
const plugin = (...ranges: KubeObject[]) => limitRanger({ limitRanges: (ns) => (ns === 'ns' ? ranges : []) });
const rejects = (p: ReturnType<typeof plugin>, pod: object, message: string) =>
  assert.rejects(async () => p.admit(attrs(), pod as KubeObject, undefined), (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === `pods "p" is forbidden: ${message}`);

describe('LimitRanger admission', () => {
  const defaults = range({ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } });

  it('gives containers the default requests and limits they lack, and says so in the annotation', async () => {
    const pod = { metadata: { name: 'p' }, spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app', resources: { requests: { cpu: '50m' } } }] } } as any;
    await plugin(defaults).admit(attrs(), pod, undefined);
    assert.deepEqual(pod.spec.containers[0].resources, { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    assert.deepEqual(pod.spec.initContainers[0].resources, { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    assert.equal(pod.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: memory request for container app; cpu, memory limit for container app; cpu, memory request for init container init; cpu, memory limit for init container init');
  });

  it('refuses containers and pods outside min, max and the limit/request ratio, in upstream words', async () => {
    const bounds = range({ type: 'Container', min: { cpu: '100m' }, max: { memory: '1Gi' }, maxLimitRequestRatio: { cpu: '2' } });
    await rejects(plugin(bounds), { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '50m' }, limits: { cpu: '50m', memory: '2Gi' } } }] } }, '[minimum cpu usage per Container is 100m, but request is 50m, maximum memory usage per Container is 1Gi, but limit is 2Gi]');
    await rejects(plugin(bounds), { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m' }, limits: { cpu: '300m', memory: '1Gi' } } }] } }, 'cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000');
    await rejects(plugin(bounds), { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m' }, limits: { cpu: '100m' } } }] } }, 'maximum memory usage per Container is 1Gi.  No limit is specified');
    const pods = range({ type: 'Pod', max: { cpu: '1' } });
    await rejects(plugin(pods), { spec: { containers: [{ name: 'a', resources: { limits: { cpu: '600m' } } }, { name: 'b', resources: { limits: { cpu: '600m' } } }] } }, 'maximum cpu usage per Pod is 1, but limit is 1200m');
    const fits = { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '200m' }, limits: { cpu: '400m', memory: '1Gi' } } }] } } as any;
    await plugin(bounds, pods).admit(attrs(), fits, undefined);
  });

  it('counts sidecars (restartPolicy Always init containers) with the app containers in the Pod totals', async () => {
    const pods = range({ type: 'Pod', max: { cpu: '1' } });
    const withSidecar = (restartPolicy?: string) => ({ spec: { initContainers: [{ name: 's', ...(restartPolicy ? { restartPolicy } : {}), resources: { limits: { cpu: '600m' } } }], containers: [{ name: 'a', resources: { limits: { cpu: '600m' } } }] } });
    await rejects(plugin(pods), withSidecar('Always'), 'maximum cpu usage per Pod is 1, but limit is 1200m');
    await plugin(pods).admit(attrs(), withSidecar() as unknown as KubeObject, undefined); // a plain init container runs alone
  });

  it('leaves pods without a LimitRange, pod updates and other kinds alone', async () => {
    const bare = { spec: { containers: [{ name: 'a' }] } } as any;
    await limitRanger({ limitRanges: () => [] }).admit(attrs(), bare, undefined);
    assert.deepEqual(bare, { spec: { containers: [{ name: 'a' }] } });
    const upd = { spec: { containers: [{ name: 'a' }] } } as any;
    await plugin(defaults).admit(attrs({ operation: 'UPDATE' }), upd, undefined);
    assert.equal(upd.spec.containers[0].resources, undefined);
    const cm = { data: {} } as any;
    await plugin(defaults).admit(attrs({ spec: ConfigMapKind }), cm, undefined);
    assert.deepEqual(cm, { data: {} });
  });
});
