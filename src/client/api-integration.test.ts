/**
 * Informer, leader election and event recorder against the API server's resource layer
 * (real store, watch cache and admission) over loopback HTTP, with real time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from '../api/coordination/v1/lease.js';
import { LeaseKind } from '../api/coordination/v1/lease.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import { controller } from './controller.js';
import { EventRecorder } from './event-recorder.js';
import { SharedInformerFactory } from './informer-factory.js';
import { LeaderElector } from './leader-election.js';
import { memoryLogger, silentLogger } from './logger.js';
import { isAlreadyExists, isNotFound } from './status-error.js';
import { startClientHarness, ThingKind, WidgetKind, type ClientHarness } from './test-harness.js';

type Thing = { metadata?: any; data?: Record<string, string> };

async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('client against the API server resource layer', () => {
  let h: ClientHarness;
  before(async () => {
    h = await startClientHarness({ bookmarkIntervalMs: 200, watchWindowSize: 5 });
  });
  after(async () => {
    await h?.close();
  });

  it('informer sees adds, updates and deletes; re-lists after its revision is compacted', async () => {
    const things = h.client.resource<Thing>(ThingKind);
    const ns = { namespace: 'default' };
    await things.create({ metadata: { name: 'pre', namespace: 'default' }, data: { v: '1' } });
    const factory = new SharedInformerFactory({ client: h.client, logger: silentLogger });
    const inf = factory.informerFor<Thing>(ThingKind, ns);
    assert.equal(factory.informerFor<Thing>(ThingKind, ns), inf, 'shared: one informer per resource and filter');
    const log: string[] = [];
    inf.addEventHandler({
      onAdd: (o) => log.push(`add ${o.metadata.name}`),
      onUpdate: (o, n) => o.metadata.resourceVersion !== n.metadata.resourceVersion && log.push(`update ${n.metadata.name} ${n.data?.v}`),
      onDelete: (o) => log.push(`delete ${o.metadata.name}`),
    });
    factory.start();
    assert.equal(await factory.waitForSync(5000), true);
    assert.deepEqual(log, ['add pre']);

    await things.create({ metadata: { name: 'a', namespace: 'default' }, data: { v: '1' } });
    await things.patch('a', { data: { v: '2' } }, 'merge', ns);
    await things.delete('pre', ns);
    await until(() => log.length === 4, 5000, 'three watch events');
    assert.deepEqual(log, ['add pre', 'add a', 'update a 2', 'delete pre']);
    assert.equal(inf.get('default/a')?.data?.v, '2');
    assert.equal(inf.get('default/pre'), undefined);

    // Bookmarks (every 200 ms here) keep the informer's revision current without changes to its objects.
    const elsewhere = await things.create({ metadata: { name: 'elsewhere', namespace: 'kube-system' } });
    await until(() => Number(inf.lastSyncResourceVersion()) >= Number(elsewhere.metadata.resourceVersion), 5000, 'a bookmark');
    assert.equal(log.length, 4);
    const listsBefore = inf.listsMade();

    // Cut the watch connection, change things meanwhile (more than the watch cache's
    // window holds) and compact history: the informer's revision is gone (410), so it
    // must re-list and report exactly what changed.
    h.api.server.server.closeAllConnections();
    await things.create({ metadata: { name: 'b', namespace: 'default' }, data: { v: '1' } });
    await things.delete('a', ns);
    for (let i = 0; i < 8; i++) await things.create({ metadata: { name: `noise-${i}`, namespace: 'kube-system' } });
    const last = await things.create({ metadata: { name: 'c', namespace: 'default' } });
    await h.api.store.compact(Number(last.metadata.resourceVersion));
    await until(() => inf.listsMade() > listsBefore, 15_000, 're-list after 410');
    await until(() => log.length === 7, 5000, 'the changes found by the re-list');
    assert.deepEqual(log.slice(4).sort(), ['add b', 'add c', 'delete a']);
    assert.deepEqual(inf.list().map((t) => t.metadata.name).sort(), ['b', 'c']);
    await factory.stop();
  });

  it('leader election: two electors, one leads; when the leader dies the other takes over within the lease duration', async () => {
    const timings = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 };
    const events: string[] = [];
    const mk = (identity: string, releaseOnCancel: boolean) =>
      new LeaderElector({
        leases: h.newClient().resource<Lease>(LeaseKind),
        namespace: 'kube-system',
        name: 'test-controller',
        identity,
        ...timings,
        releaseOnCancel,
        logger: silentLogger,
        onStartedLeading: () => events.push(`${identity} leads`),
        onStoppedLeading: () => events.push(`${identity} stops`),
      });
    const a = mk('a', false);
    const b = mk('b', true);
    a.start();
    await until(() => a.isLeader(), 5000, 'a leads');
    b.start();
    await new Promise((r) => setTimeout(r, 2500)); // longer than the lease: a keeps renewing
    assert.equal(a.isLeader(), true);
    assert.equal(b.isLeader(), false);
    assert.equal(b.leader(), 'a');
    const lease = await h.client.resource<Lease>(LeaseKind).get('test-controller', { namespace: 'kube-system' });
    assert.equal(lease.spec?.holderIdentity, 'a');
    assert.equal(lease.spec?.leaseDurationSeconds, 2);

    await a.stop(); // no release: as if the process died
    const diedAt = Date.now();
    await until(() => b.isLeader(), 5000, 'b takes over');
    const took = Date.now() - diedAt;
    assert.ok(took <= 2000 + 200 * 2.2 + 500, `takeover took ${took} ms`);
    const after = await h.client.resource<Lease>(LeaseKind).get('test-controller', { namespace: 'kube-system' });
    assert.equal(after.spec?.holderIdentity, 'b');
    assert.equal(after.spec?.leaseTransitions, 1);
    await b.stop(); // releases
    const released = await h.client.resource<Lease>(LeaseKind).get('test-controller', { namespace: 'kube-system' });
    assert.equal(released.spec?.holderIdentity, '');
    assert.deepEqual(events, ['a leads', 'a stops', 'b leads', 'b stops']);
  });

  it('event recorder aggregates repeats into one Event with a growing count and never throws', async () => {
    const eventsClient = h.client.resource<Event>(EventKind);
    const rec = new EventRecorder({ events: eventsClient, component: 'test-controller', host: 'node-1', logger: silentLogger });
    const thing = await h.client.resource<Thing>(ThingKind).create({ metadata: { name: 'evented', namespace: 'default' } });
    const ref = { kind: 'Thing', apiVersion: 'v1' };
    for (let i = 0; i < 3; i++) rec.event(thing, 'Warning', 'FailedSync', 'could not sync', ref);
    rec.event(thing, 'Normal', 'Synced', 'synced', ref);
    await rec.flush();
    const list = await eventsClient.list({ namespace: 'default', fieldSelector: 'involvedObject.name=evented' });
    const byReason = new Map(list.items.map((e) => [e.reason, e]));
    assert.equal(list.items.length, 2);
    const failed = byReason.get('FailedSync');
    assert.equal(failed?.count, 3);
    assert.equal(failed?.type, 'Warning');
    assert.equal(failed?.message, 'could not sync');
    assert.deepEqual(failed?.source, { component: 'test-controller', host: 'node-1' });
    assert.equal(failed?.reportingComponent, 'test-controller');
    assert.equal(failed?.involvedObject?.kind, 'Thing');
    assert.equal(failed?.involvedObject?.uid, thing.metadata.uid);
    assert.match(failed?.metadata?.name ?? '', /^evented\.[0-9a-f]+$/);
    assert.ok(failed?.firstTimestamp && failed.lastTimestamp && failed.lastTimestamp >= failed.firstTimestamp);
    assert.equal(byReason.get('Synced')?.count, 1);

    // The Event disappears (TTL): the next repeat starts a new Event carrying the count.
    await eventsClient.delete(failed?.metadata?.name ?? '', { namespace: 'default' });
    rec.event(thing, 'Warning', 'FailedSync', 'could not sync', ref);
    await rec.flush();
    const again = await eventsClient.list({ namespace: 'default', fieldSelector: 'involvedObject.name=evented,reason=FailedSync' });
    assert.equal(again.items.length, 1);
    assert.equal(again.items[0]?.count, 4);

    // A failing API never reaches the caller.
    const brokenLog = memoryLogger();
    const broken = new EventRecorder({
      events: { create: async () => { throw new Error('down'); }, patch: async () => { throw new Error('down'); } },
      component: 'x',
      logger: brokenLog,
    });
    assert.doesNotThrow(() => broken.event(thing, 'Normal', 'R', 'm'));
    await broken.flush();
    assert.deepEqual(brokenLog.lines.map((l) => [l.level, l.msg]), [['warn', 'cannot write event']]);
  });

  it('a controller built from informers keeps an owned object in line with its owner', async () => {
    type Widget = { metadata?: any; spec?: { replicas?: number } };
    const client = h.newClient();
    const factory = new SharedInformerFactory({ client, logger: silentLogger });
    const thingsInf = factory.informerFor<Thing>(ThingKind, { namespace: 'mirror' });
    const widgetsInf = factory.informerFor<Widget>(WidgetKind, { namespace: 'mirror' });
    const widgets = client.resource<Widget>(WidgetKind);
    let reconciles = 0;
    const c = controller('mirror', {
      workers: 2,
      logger: silentLogger,
      reconcile: async (key) => {
        reconciles++;
        const thing = thingsInf.get(key);
        if (!thing) return; // garbage collection removes the widget
        const want = Number(thing.data?.replicas ?? '0');
        const have = widgetsInf.get(key);
        if (!have) {
          try {
            await widgets.create({
              metadata: { name: thing.metadata.name, namespace: 'mirror', ownerReferences: [{ apiVersion: 'v1', kind: 'Thing', name: thing.metadata.name, uid: thing.metadata.uid, controller: true }] },
              spec: { replicas: want },
            });
          } catch (err) {
            if (!isAlreadyExists(err)) throw err;
          }
          return;
        }
        if (have.spec?.replicas !== want) await widgets.update({ ...structuredClone(have), spec: { replicas: want } });
      },
    })
      .watches(thingsInf)
      .owns(widgetsInf);
    await client.resource({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }).create({ metadata: { name: 'mirror' } });
    factory.start();
    await c.start({ syncTimeoutMs: 5000 });
    const things = client.resource<Thing>(ThingKind);
    await things.create({ metadata: { name: 'm', namespace: 'mirror' }, data: { replicas: '2' } });
    const replicas = async () => {
      try {
        return (await widgets.get('m', { namespace: 'mirror' })).spec?.replicas;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    };
    const eventually = async (want: number | undefined, what: string) => {
      const deadline = Date.now() + 5000;
      while ((await replicas()) !== want) {
        if (Date.now() > deadline) assert.fail(`${what}: widget replicas never became ${want}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await eventually(2, 'create');
    await things.patch('m', { data: { replicas: '5' } }, 'merge', { namespace: 'mirror' });
    await eventually(5, 'owner change');
    await widgets.patch('m', { spec: { replicas: 1 } }, 'merge', { namespace: 'mirror' });
    await eventually(5, 'drift of the owned object is corrected via owns()');
    await widgets.delete('m', { namespace: 'mirror' });
    await eventually(5, 'deleted owned object is recreated');
    assert.ok(reconciles >= 4);
    await c.stop();
    await factory.stop();
  });
});
