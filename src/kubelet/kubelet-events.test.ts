import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import type { Pod } from '../api/core/v1/pod.js';
import { FakeClock } from '../client/fake-clock.js';
import type { EventClient } from '../client/event-recorder.js';
import { silentLogger } from '../client/logger.js';
import { containerFieldPath, KubeletEvents } from './kubelet-events.js';

/** An EventClient keeping what was written. */
function capture(): EventClient & { created: Event[]; patched: Array<{ name: string; patch: unknown }> } {
  const created: Event[] = [];
  const patched: Array<{ name: string; patch: unknown }> = [];
  return {
    created,
    patched,
    create: async (e) => (created.push(e), e),
    patch: async (name, patch) => (patched.push({ name, patch }), {} as Event),
  };
}

const pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
  spec: { initContainers: [{ name: 'setup', image: 'x' }], containers: [{ name: 'app', image: 'x' }, { name: 'side', image: 'x' }] },
} as Pod;

/** Field selectors as the API server evaluates them on an Event. */
const field = (e: Event, name: string): string => EventKind.fieldSelectors?.[name]?.(e) ?? '';

test('node Events refer to the node as the kubelet does: no namespace, its name as uid; the Event lives in default', async () => {
  const sink = capture();
  const events = new KubeletEvents({ events: sink, nodeName: 'node-1', clock: new FakeClock(), logger: silentLogger });
  events.node('Normal', 'Starting', 'Starting kubelet.');
  await events.flush();
  const [e] = sink.created;
  assert.ok(e);
  assert.equal(e.metadata?.namespace, 'default');
  assert.equal(e.involvedObject?.kind, 'Node');
  assert.equal(e.involvedObject?.name, 'node-1');
  assert.equal(e.involvedObject?.uid, 'node-1');
  assert.equal(e.involvedObject?.namespace, undefined);
  assert.equal(e.involvedObject?.fieldPath, undefined);
  assert.equal(e.source?.host, 'node-1');
  // What `kubectl describe node node-1` asks for (its second search: uid = the node's name).
  const selector: Record<string, string> = { 'involvedObject.kind': 'Node', 'involvedObject.name': 'node-1', 'involvedObject.namespace': '', 'involvedObject.uid': 'node-1' };
  for (const [k, v] of Object.entries(selector)) assert.equal(field(e, k), v, k);
});

test('container Events carry the container fieldPath, pod Events none', async () => {
  const sink = capture();
  const events = new KubeletEvents({ events: sink, nodeName: 'node-1', clock: new FakeClock(), logger: silentLogger });
  events.event(pod, 'Warning', 'FailedMount', 'no volume');
  events.event(pod, 'Normal', 'Started', 'Started container app', containerFieldPath(pod, 'app'));
  events.event(pod, 'Normal', 'Started', 'Started container setup', containerFieldPath(pod, 'setup'));
  await events.flush();
  const by = (reason: string, message: string) => sink.created.find((e) => e.reason === reason && e.message === message);
  assert.equal(by('FailedMount', 'no volume')?.involvedObject?.fieldPath, undefined);
  const app = by('Started', 'Started container app');
  assert.equal(app?.involvedObject?.fieldPath, 'spec.containers{app}');
  assert.equal(app?.involvedObject?.kind, 'Pod');
  assert.equal(app?.involvedObject?.namespace, 'ns');
  assert.equal(app?.involvedObject?.uid, 'u1');
  assert.equal(app?.metadata?.namespace, 'ns');
  assert.equal(by('Started', 'Started container setup')?.involvedObject?.fieldPath, 'spec.initContainers{setup}');
});

test('the same Event about two containers is two Events; a repeat for one is counted on its own', async () => {
  const sink = capture();
  const events = new KubeletEvents({ events: sink, nodeName: 'node-1', clock: new FakeClock(), logger: silentLogger });
  const msg = 'Readiness probe failed: connection refused';
  events.event(pod, 'Warning', 'Unhealthy', msg, 'spec.containers{app}');
  events.event(pod, 'Warning', 'Unhealthy', msg, 'spec.containers{side}');
  events.event(pod, 'Warning', 'Unhealthy', msg, 'spec.containers{app}');
  await events.flush();
  assert.deepEqual(sink.created.map((e) => e.involvedObject?.fieldPath).sort(), ['spec.containers{app}', 'spec.containers{side}']);
  const app = sink.created.find((e) => e.involvedObject?.fieldPath === 'spec.containers{app}');
  assert.deepEqual(sink.patched.map((p) => [p.name, (p.patch as { count: number }).count]), [[app?.metadata?.name, 2]]);
});

test('containerFieldPath: by name in containers, then initContainers; by index when unnamed; undefined when absent', () => {
  assert.equal(containerFieldPath(pod, 'side'), 'spec.containers{side}');
  assert.equal(containerFieldPath(pod, 'setup'), 'spec.initContainers{setup}');
  assert.equal(containerFieldPath({ spec: { containers: [{ name: 'a' }, { image: 'x' }] } } as Pod, ''), 'spec.containers[1]');
  assert.equal(containerFieldPath(pod, 'nope'), undefined);
});
