import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import { FakeClock } from '../client/fake-clock.js';
import { memoryLogger } from '../client/logger.js';
import { ApiError } from '../machinery/status.js';
import { MirrorPods, mirrorPodOf, type MirrorPodApi, type MirrorStatusApi } from './mirror-pods.js';
import { staticPodFrom } from './static-pods.js';

const notFound = () => new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' });

/** An API of pods in a map; `down` makes every call fail as an unreachable server would. */
function fakeApi() {
  const store = new Map<string, Pod>();
  let n = 0;
  const calls: string[] = [];
  const state = { down: false };
  const check = (verb: string) => {
    calls.push(verb);
    if (state.down) throw new Error('connect ECONNREFUSED');
  };
  const pods: MirrorPodApi = {
    async get(name, o) {
      check('get');
      const p = store.get(`${o?.namespace}/${name}`);
      if (!p) throw notFound();
      return structuredClone(p);
    },
    async create(obj, o) {
      check('create');
      const p = { ...structuredClone(obj), metadata: { ...obj.metadata, uid: `m${++n}` } };
      store.set(`${o?.namespace}/${obj.metadata?.name}`, p);
      return structuredClone(p);
    },
    async delete(name, o) {
      check('delete');
      const key = `${o?.namespace}/${name}`;
      if (!store.has(key)) throw notFound();
      if (o?.preconditions?.uid && store.get(key)?.metadata?.uid !== o.preconditions.uid) throw new Error('conflict');
      store.delete(key);
      return {};
    },
  };
  const status: MirrorStatusApi = {
    async patch(name, patch, _t, o) {
      check('status');
      const p = store.get(`${o?.namespace}/${name}`);
      if (!p) throw notFound();
      p.status = (patch as { status: PodStatus }).status;
      return p;
    },
  };
  return { store, pods, status, calls, state };
}

const manifest = (cmd: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', command: ['sh', '-c', cmd] }] } });
const staticPod = (cmd = 'sleep 1') => staticPodFrom(manifest(cmd), { nodeName: 'n1', file: '/m/web.yaml', seenOf: () => 't' });

async function settle(clock: FakeClock, until: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !until(); i++) await clock.advance(100);
  assert.ok(until(), what);
}

describe('mirror pods', () => {
  it('a mirror is the static pod with the mirror annotation and the Node as controller owner, no uid or status', () => {
    const p = { ...staticPod(), status: { phase: 'Running' } } as Pod;
    const m = mirrorPodOf(p, 'n1', 'node-uid');
    assert.equal(m.metadata?.uid, undefined);
    assert.equal(m.status, undefined);
    assert.equal(m.metadata?.annotations?.['kubernetes.io/config.mirror'], p.metadata?.uid);
    assert.equal(m.metadata?.annotations?.['kubernetes.io/config.hash'], p.metadata?.uid);
    assert.deepEqual(m.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid', controller: true }]);
  });

  it('creates the mirror, posts the status to it, recreates it when deleted or outdated, deletes it when the pod goes', async () => {
    const api = fakeApi();
    const clock = new FakeClock();
    const mirrors = new MirrorPods({ pods: api.pods, status: api.status, nodeName: 'n1', nodeUid: () => 'nu', clock, logger: memoryLogger() });
    const p = staticPod();
    const mirror = () => api.store.get('default/web-n1');
    mirrors.setStaticPods([p]);
    mirrors.postStatus(p, { phase: 'Running' });
    await settle(clock, () => mirror()?.status?.phase === 'Running', 'mirror created with the status');
    const first = mirror()?.metadata?.uid;

    // Deleted in the API (the informer's delete event): back, with the status again.
    api.store.delete('default/web-n1');
    mirrors.mirrorEvent({ ...structuredClone(p), metadata: { ...p.metadata, annotations: { ...p.metadata?.annotations, 'kubernetes.io/config.mirror': p.metadata?.uid ?? '' } } }, true);
    await settle(clock, () => mirror() !== undefined && mirror()?.metadata?.uid !== first && mirror()?.status?.phase === 'Running', 'mirror recreated');

    // Graceful deletion (deletionTimestamp): deleted at once and recreated.
    const m2 = mirror() as Pod;
    (m2.metadata ??= {}).deletionTimestamp = '2026-01-01T00:00:00Z';
    mirrors.mirrorEvent(m2, false);
    await settle(clock, () => mirror()?.metadata?.uid !== m2.metadata?.uid && !mirror()?.metadata?.deletionTimestamp, 'terminating mirror replaced');

    // An edited manifest: the mirror with the old hash is replaced.
    const edited = staticPod('sleep 2');
    mirrors.setStaticPods([edited]);
    await settle(clock, () => mirror()?.metadata?.annotations?.['kubernetes.io/config.mirror'] === edited.metadata?.uid, 'mirror of the edited pod');
    mirrors.postStatus(p, { phase: 'Failed' });
    mirrors.postStatus(edited, { phase: 'Pending' });
    await settle(clock, () => mirror()?.status?.phase === 'Pending', 'status of the new pod');

    mirrors.setStaticPods([]);
    await settle(clock, () => mirror() === undefined, 'mirror deleted with its static pod');
    mirrors.stop();
  });

  it('an echo of the wanted mirror costs no request; an unreachable API is retried until it answers', async () => {
    const api = fakeApi();
    const clock = new FakeClock();
    const logger = memoryLogger();
    const mirrors = new MirrorPods({ pods: api.pods, status: api.status, nodeName: 'n1', nodeUid: () => undefined, clock, logger, retryMs: 1000 });
    api.state.down = true;
    const p = staticPod();
    mirrors.setStaticPods([p]);
    mirrors.postStatus(p, { phase: 'Running' });
    for (let i = 0; i < 5; i++) await clock.advance(1000);
    assert.equal(api.store.size, 0);
    assert.equal(logger.lines.filter((l) => l.msg.startsWith('mirror pod sync failed')).length, 1, 'one line per kind of failure');
    api.state.down = false;
    await settle(clock, () => api.store.get('default/web-n1')?.status?.phase === 'Running', 'mirror created once the API answers');
    const before = api.calls.length;
    mirrors.mirrorEvent(api.store.get('default/web-n1') as Pod, false);
    for (let i = 0; i < 3; i++) await clock.advance(1000);
    assert.equal(api.calls.length, before);
    mirrors.stop();
  });

  it('resync() brings back a mirror deleted without an event', async () => {
    const api = fakeApi();
    const clock = new FakeClock();
    const mirrors = new MirrorPods({ pods: api.pods, status: api.status, nodeName: 'n1', nodeUid: () => undefined, clock, logger: memoryLogger() });
    mirrors.setStaticPods([staticPod()]);
    await settle(clock, () => api.store.has('default/web-n1'), 'mirror created');
    api.store.delete('default/web-n1');
    for (let i = 0; i < 3; i++) await clock.advance(1000);
    assert.equal(api.store.has('default/web-n1'), false, 'nothing without an event or a resync');
    mirrors.resync();
    await settle(clock, () => api.store.has('default/web-n1'), 'mirror recreated by the resync');
    mirrors.stop();
  });

  it('leaves alone a pod of the API that has the name and is not a mirror', async () => {
    const api = fakeApi();
    const clock = new FakeClock();
    api.store.set('default/web-n1', { metadata: { name: 'web-n1', namespace: 'default', uid: 'user' } });
    const mirrors = new MirrorPods({ pods: api.pods, status: api.status, nodeName: 'n1', nodeUid: () => undefined, clock, logger: memoryLogger(), retryMs: 1000 });
    mirrors.setStaticPods([staticPod()]);
    for (let i = 0; i < 5; i++) await clock.advance(1000);
    assert.equal(api.store.get('default/web-n1')?.metadata?.uid, 'user');
    mirrors.setStaticPods([]);
    for (let i = 0; i < 5; i++) await clock.advance(1000);
    assert.equal(api.store.get('default/web-n1')?.metadata?.uid, 'user');
    mirrors.stop();
  });
});
