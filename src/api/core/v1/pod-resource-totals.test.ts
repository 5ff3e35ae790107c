import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quantity } from '../../../machinery/quantity.js';
import type { Container } from './container.js';
import { podResourceTotals, type AmountMath } from './pod-resource-totals.js';

const milli: AmountMath<number> = { parse: (_k, v) => Quantity.parse(String(v)).milliValue(), add: (a, b) => a + b, max: Math.max };
const ctr = (name: string, cpu?: string, sidecar = false): Container => ({ name, ...(cpu ? { resources: { requests: { cpu } } } : {}), ...(sidecar ? { restartPolicy: 'Always' } : {}) });
const cpu = (spec: Parameters<typeof podResourceTotals>[0], opts = {}) => podResourceTotals(spec, 'requests', milli, opts).get('cpu');

// Table from upstream's rule: max(max over init steps, apps + all sidecars) + overhead.
const cases: { name: string; inits: Container[]; apps: Container[]; want: number | undefined; overhead?: Record<string, string> }[] = [
  { name: 'apps only', inits: [], apps: [ctr('a', '100m'), ctr('b', '200m')], want: 300 },
  { name: 'a big plain init container is a floor', inits: [ctr('i', '1')], apps: [ctr('a', '100m')], want: 1000 },
  { name: 'a sidecar adds to the apps', inits: [ctr('s', '50m', true)], apps: [ctr('a', '100m')], want: 150 },
  { name: 'an init after a sidecar runs beside it', inits: [ctr('s', '500m', true), ctr('i', '600m')], apps: [ctr('a', '100m')], want: 1100 },
  { name: 'an init before a sidecar runs alone', inits: [ctr('i', '600m'), ctr('s', '500m', true)], apps: [ctr('a', '100m')], want: 600 },
  { name: 'overhead on top', inits: [ctr('s', '50m', true)], apps: [ctr('a', '100m')], overhead: { cpu: '10m' }, want: 160 },
  { name: 'nothing stated', inits: [ctr('s', undefined, true)], apps: [ctr('a')], want: undefined },
];
for (const c of cases) {
  test(`podResourceTotals: ${c.name}`, () => {
    assert.equal(cpu({ initContainers: c.inits, containers: c.apps, ...(c.overhead ? { overhead: c.overhead } : {}) }), c.want);
  });
}

test('podResourceTotals: nonMissing defaults apply to every container, sidecars and init containers included; overhead can be left out', () => {
  const spec = { initContainers: [ctr('s', undefined, true), ctr('i', '1')], containers: [ctr('a')], overhead: { cpu: '10m' } };
  assert.equal(cpu(spec, { nonMissing: { cpu: 100 } }), Math.max(100 + 1000, 100 + 100) + 10);
  assert.equal(cpu(spec, { excludeOverhead: true }), 1000);
});
