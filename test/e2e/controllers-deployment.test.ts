/**
 * Deployments and ReplicaSets end to end: the real kubectl against a real `skiff server`
 * with the controller manager running in this process; pods are marked Running/Ready by
 * the test (no kubelet yet).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/core/v1/pod.js';
import { PodKind } from '../../src/api/core/v1/pod.js';
import { Informer } from '../../src/client/informer.js';
import { silentLogger } from '../../src/client/logger.js';
import { markPodsReady, startCluster, waitFor, type TestCluster } from '../../src/controllers/test-support.js';

let c: TestCluster;
const NS = 'default';

async function podsOf(app: string): Promise<Pod[]> {
  const list = await c.client.resource<Pod>(PodKind).list({ namespace: NS, labelSelector: `app=${app}` });
  return list.items;
}

describe('controllers e2e: deployments', { timeout: 240_000 }, () => {
  let marker: { stop(): Promise<void> };
  before(async () => {
    c = await startCluster();
    marker = markPodsReady(c.client, NS, (p) => !p.metadata?.labels?.['no-ready']);
  });
  after(async () => {
    await marker?.stop();
    await c?.stop();
  });

  it('create deployment → 3 ready pods, status and rollout status', async () => {
    await c.kk(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']);
    await waitFor('3 pods', async () => (await podsOf('web')).length === 3);
    const out = await c.kk(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(out, /successfully rolled out/);
    const d = JSON.parse(await c.kk(['get', 'deployment', 'web', '-o', 'json']));
    assert.equal(d.status.replicas, 3);
    assert.equal(d.status.availableReplicas, 3);
    assert.equal(d.status.updatedReplicas, 3);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    const conds = Object.fromEntries(d.status.conditions.map((x: any) => [x.type, x.reason]));
    assert.equal(conds.Available, 'MinimumReplicasAvailable');
    assert.equal(conds.Progressing, 'NewReplicaSetAvailable');
    const rs = JSON.parse(await c.kk(['get', 'rs', '-l', 'app=web', '-o', 'json'])).items;
    assert.equal(rs.length, 1);
    const hash = rs[0].metadata.labels['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs[0].metadata.name, `web-${hash}`);
    assert.equal(rs[0].spec.selector.matchLabels['pod-template-hash'], hash);
    assert.equal(rs[0].metadata.ownerReferences[0].controller, true);
    assert.equal(rs[0].metadata.ownerReferences[0].blockOwnerDeletion, true);
    const pods = await podsOf('web');
    for (const p of pods) assert.equal(p.metadata?.ownerReferences?.[0]?.name, rs[0].metadata.name);
    const events = await c.kk(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'json']);
    assert.match(events, new RegExp(`Scaled up replica set web-${hash} from 0 to 3`));
  });

  it('set image rolls out within maxSurge/maxUnavailable; history and undo', async () => {
    await c.kk(['scale', 'deployment', 'web', '--replicas=4']);
    await c.kk(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    await c.kk(['annotate', 'deployment', 'web', 'kubernetes.io/change-cause=nginx 1.26']);
    // maxSurge 25% of 4 → 1, maxUnavailable 25% of 4 → 1.
    const watch = new Informer<Pod>({ listerWatcher: c.client.resource<Pod>(PodKind), namespace: NS, labelSelector: 'app=web', logger: silentLogger });
    let maxTotal = 0;
    let minReady = Infinity;
    let synced = false; // the initial list arrives one add at a time: judge only once complete
    const observe = () => {
      if (!synced) return;
      const all = watch.indexer.list();
      maxTotal = Math.max(maxTotal, all.length);
      const ready = all.filter((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;
      minReady = Math.min(minReady, ready);
    };
    watch.addEventHandler({ onAdd: observe, onUpdate: observe, onDelete: observe });
    watch.start();
    await watch.waitForSync(10_000);
    synced = true;
    observe();
    try {
      await c.kk(['set', 'image', 'deployment/web', 'nginx=nginx:1.26']);
      await c.kk(['rollout', 'status', 'deployment/web', '--timeout=90s']);
      await waitFor('old pods gone', async () => (await podsOf('web')).length === 4);
    } finally {
      await watch.stop();
    }
    assert.ok(maxTotal <= 5, `at most replicas + maxSurge = 5 pods, saw ${maxTotal}`);
    assert.ok(minReady >= 3, `at least replicas − maxUnavailable = 3 ready, saw ${minReady}`);
    for (const p of await podsOf('web')) assert.equal(p.spec?.containers?.[0]?.image, 'nginx:1.26');

    const hist = await c.kk(['rollout', 'history', 'deployment/web']);
    assert.match(hist, /^1\s/m);
    assert.match(hist, /^2\s+nginx 1\.26/m);
    const rev1 = await c.kk(['rollout', 'history', 'deployment/web', '--revision=1']);
    assert.match(rev1, /nginx:1\.25/);

    await c.kk(['rollout', 'undo', 'deployment/web']);
    await c.kk(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    await waitFor('pods back on nginx:1.25', async () => {
      const ps = await podsOf('web');
      return ps.length === 4 && ps.every((p) => p.spec?.containers?.[0]?.image === 'nginx:1.25');
    });
    const d = JSON.parse(await c.kk(['get', 'deployment', 'web', '-o', 'json']));
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    const hist2 = await c.kk(['rollout', 'history', 'deployment/web']);
    assert.match(hist2, /^2\s/m);
    assert.match(hist2, /^3\s/m);
    assert.doesNotMatch(hist2, /^1\s/m, 'revision 1 became 3');
  });

  it('pause, resume and restart', async () => {
    await c.kk(['rollout', 'pause', 'deployment/web']);
    await c.kk(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    await waitFor('paused condition', async () => {
      const d = JSON.parse(await c.kk(['get', 'deployment', 'web', '-o', 'json']));
      return d.status.conditions.some((x: any) => x.type === 'Progressing' && x.reason === 'DeploymentPaused');
    });
    assert.ok((await podsOf('web')).every((p) => p.spec?.containers?.[0]?.image === 'nginx:1.25'), 'no rollout while paused');
    await c.kk(['rollout', 'resume', 'deployment/web']);
    await c.kk(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    await waitFor('pods on 1.27', async () => {
      const ps = await podsOf('web');
      return ps.length === 4 && ps.every((p) => p.spec?.containers?.[0]?.image === 'nginx:1.27');
    });
    const before = new Set((await podsOf('web')).map((p) => p.metadata?.name));
    await c.kk(['rollout', 'restart', 'deployment/web']);
    await c.kk(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    await waitFor('all pods replaced', async () => {
      const ps = await podsOf('web');
      return ps.length === 4 && ps.every((p) => !before.has(p.metadata?.name));
    });
  });

  it('revisionHistoryLimit prunes old ReplicaSets (lowest revisions first)', async () => {
    const before = JSON.parse(await c.kk(['get', 'rs', '-l', 'app=web', '-o', 'json'])).items;
    assert.ok(before.length >= 3, `several revisions kept so far (${before.length})`);
    await c.kk(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"revisionHistoryLimit":1}}']);
    const rss = await waitFor('2 ReplicaSets left', async () => {
      const items = JSON.parse(await c.kk(['get', 'rs', '-l', 'app=web', '-o', 'json'])).items;
      return items.length === 2 ? items : undefined;
    });
    const revs = rss.map((r: any) => Number(r.metadata.annotations['deployment.kubernetes.io/revision'])).sort((a: number, b: number) => a - b);
    const max = Math.max(...before.map((r: any) => Number(r.metadata.annotations['deployment.kubernetes.io/revision'])));
    assert.deepEqual(revs, [max - 1, max]);
  });

  it('undo --to-revision, and scaling in the middle of a rollout (proportional) converges', async () => {
    await c.kk(['create', 'deployment', 'prop', '--image=nginx:1', '--replicas=4']);
    await c.kk(['rollout', 'status', 'deployment/prop', '--timeout=60s']);
    await c.kk(['set', 'image', 'deployment/prop', 'nginx=nginx:2']);
    await c.kk(['rollout', 'status', 'deployment/prop', '--timeout=60s']);
    await c.kk(['rollout', 'pause', 'deployment/prop']);
    await c.kk(['set', 'image', 'deployment/prop', 'nginx=nginx:3']);
    await c.kk(['rollout', 'resume', 'deployment/prop']);
    await c.kk(['scale', 'deployment', 'prop', '--replicas=10']);
    await c.kk(['rollout', 'status', 'deployment/prop', '--timeout=60s']);
    await waitFor('10 pods on nginx:3', async () => {
      const ps = await podsOf('prop');
      return ps.length === 10 && ps.every((p) => p.spec?.containers?.[0]?.image === 'nginx:3');
    });
    await c.kk(['rollout', 'undo', 'deployment/prop', '--to-revision=1']);
    await c.kk(['rollout', 'status', 'deployment/prop', '--timeout=60s']);
    await waitFor('10 pods back on nginx:1', async () => {
      const ps = await podsOf('prop');
      return ps.length === 10 && ps.every((p) => p.spec?.containers?.[0]?.image === 'nginx:1');
    });
  });

  it('a pod deleted by hand is replaced; an orphan matching the selector is adopted', async () => {
    const [victim] = await podsOf('web');
    await c.kk(['delete', 'pod', victim?.metadata?.name ?? '', '--wait=false']);
    await waitFor('replacement', async () => {
      const ps = await podsOf('web');
      return ps.length === 4 && !ps.some((p) => p.metadata?.name === victim?.metadata?.name);
    });
    await c.kk(['create', 'deployment', 'adopt', '--image=nginx', '--replicas=2']);
    await c.kk(['rollout', 'status', 'deployment/adopt', '--timeout=60s']);
    const rs = JSON.parse(await c.kk(['get', 'rs', '-l', 'app=adopt', '-o', 'json'])).items[0];
    const hash = rs.metadata.labels['pod-template-hash'];
    // A bare pod with the RS's labels: adopted, and then the RS is one over and deletes one.
    await c.kk(['run', 'stray', '--image=nginx', `--labels=app=adopt,pod-template-hash=${hash}`]);
    await waitFor('back to 2 pods', async () => (await podsOf('adopt')).length === 2, 30_000);
    const owners = (await podsOf('adopt')).map((p) => p.metadata?.ownerReferences?.[0]?.uid);
    assert.ok(owners.every((u) => u === rs.metadata.uid));
    // Releasing: a pod relabelled out of the selector loses its owner reference.
    const [p0] = await podsOf('adopt');
    await c.kk(['label', 'pod', p0?.metadata?.name ?? '', 'app=gone', '--overwrite']);
    await waitFor('released', async () => {
      const p = await c.client.resource<Pod>(PodKind).get(p0?.metadata?.name ?? '', { namespace: NS });
      return (p.metadata?.ownerReferences ?? []).length === 0;
    });
    await waitFor('replacement for the released pod', async () => (await podsOf('adopt')).length === 2);
  });

  it('delete deployment cascades: background, foreground; orphan keeps the ReplicaSet', async () => {
    for (const name of ['bg', 'fg', 'orph']) await c.kk(['create', 'deployment', name, '--image=nginx', '--replicas=2']);
    for (const name of ['bg', 'fg', 'orph']) await c.kk(['rollout', 'status', `deployment/${name}`, '--timeout=60s']);
    await c.kk(['delete', 'deployment', 'bg']);
    await waitFor('bg RS and pods gone', async () => {
      const rs = JSON.parse(await c.kk(['get', 'rs', '-l', 'app=bg', '-o', 'json'])).items;
      return rs.length === 0 && (await podsOf('bg')).length === 0;
    });
    await c.kk(['delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=60s']);
    // With foreground deletion the Deployment is only gone once its dependents are.
    assert.equal((await podsOf('fg')).length, 0);
    assert.equal(JSON.parse(await c.kk(['get', 'rs', '-l', 'app=fg', '-o', 'json'])).items.length, 0);
    await c.kk(['delete', 'deployment', 'orph', '--cascade=orphan']);
    await waitFor('orph deployment gone', async () => (await c.k(['get', 'deployment', 'orph'])).code !== 0);
    const rs = JSON.parse(await c.kk(['get', 'rs', '-l', 'app=orph', '-o', 'json'])).items;
    assert.equal(rs.length, 1);
    assert.equal((rs[0].metadata.ownerReferences ?? []).length, 0);
    const podNames = (await podsOf('orph')).map((p) => p.metadata?.name).sort();
    assert.equal(podNames.length, 2);
    // A new Deployment with the same selector and template adopts the orphaned ReplicaSet and its pods.
    await c.kk(['create', 'deployment', 'orph', '--image=nginx', '--replicas=2']);
    const d = JSON.parse(await c.kk(['get', 'deployment', 'orph', '-o', 'json']));
    await waitFor('RS adopted', async () => {
      const items = JSON.parse(await c.kk(['get', 'rs', '-l', 'app=orph', '-o', 'json'])).items;
      return items.length === 1 && items[0].metadata.ownerReferences?.[0]?.uid === d.metadata.uid;
    });
    await c.kk(['rollout', 'status', 'deployment/orph', '--timeout=60s']);
    assert.deepEqual((await podsOf('orph')).map((p) => p.metadata?.name).sort(), podNames, 'the same pods, not new ones');
  });
});
