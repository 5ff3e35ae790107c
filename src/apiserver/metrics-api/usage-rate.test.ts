import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatResourceMetrics } from '../../kubelet/resource-metrics.js';
import { decodeResourceMetrics, parseSamples } from './scrape-parse.js';
import { cpuQuantity, goDuration, memoryQuantity, nodeUsage, podUsage, rfc3339, usageBetween } from './usage-rate.js';
import { MetricsScraper } from './scraper.js';

const kubeletText = (t: number, nodeCpu: number, containerCpu: number, start = 900) =>
  formatResourceMetrics({
    node: { cpuSeconds: { timestampMs: t, value: nodeCpu }, workingSetBytes: { timestampMs: t, value: 3 * 1024 * 1024 } },
    pods: [{ namespace: 'default', name: 'busy', containers: [{ name: 'main', startTimeSeconds: start, cpuSeconds: { timestampMs: t, value: containerCpu }, workingSetBytes: { timestampMs: t, value: 12345 * 1024 } }] }],
    error: false,
  });

test('the parser reads what the kubelet writes (labels, escapes, exponents, timestamps)', () => {
  const samples = parseSamples('# HELP x y\nm{a="q\\"uote",b="back\\\\slash"} 1.5e+06 1700000000123\nplain 7\nbroken{a=} 1\n');
  assert.deepEqual(samples, [
    { name: 'm', labels: { a: 'q"uote', b: 'back\\slash' }, value: 1.5e6, timestampMs: 1700000000123 },
    { name: 'plain', labels: {}, value: 7 },
  ]);
  const s = decodeResourceMetrics(kubeletText(5000, 100, 2), 1);
  assert.deepEqual(s.node, { timestampMs: 5000, cpuSeconds: 100, memoryBytes: 3 * 1024 * 1024 });
  assert.deepEqual(s.pods.get('default/busy')?.get('main'), { timestampMs: 5000, cpuSeconds: 2, memoryBytes: 12345 * 1024, startTimeSeconds: 900 });
});

test('CPU is the counter rate over the window; memory the last working set', () => {
  const prev = decodeResourceMetrics(kubeletText(10_000, 100, 2), 0);
  const last = decodeResourceMetrics(kubeletText(25_003, 115.003, 3.5), 0);
  const node = nodeUsage(prev, last);
  assert.equal(node?.windowMs, 15_003);
  assert.equal(node?.cpuNanoCores, 1_000_000_000);
  const pod = podUsage(prev, last, 'default/busy');
  assert.equal(pod?.containers[0]?.name, 'main');
  assert.equal(pod?.containers[0]?.usage.cpuNanoCores, Math.round((1.5e9 * 1000) / 15_003));
  assert.equal(memoryQuantity(pod?.containers[0]?.usage.memoryBytes ?? 0), '12345Ki');
  assert.equal(podUsage(prev, last, 'default/other'), undefined);
});

test('no sound rate: no time passed, a counter going back, a restarted container', () => {
  const p = { timestampMs: 1000, cpuSeconds: 5, memoryBytes: 1, startTimeSeconds: 1 };
  assert.equal(usageBetween(p, { ...p }), undefined);
  assert.equal(usageBetween(p, { ...p, timestampMs: 2000, cpuSeconds: 4 }), undefined);
  assert.equal(usageBetween(p, { ...p, timestampMs: 2000, cpuSeconds: 6, startTimeSeconds: 2 }), undefined);
  assert.equal(usageBetween(p, { ...p, timestampMs: 3000, cpuSeconds: 6 })?.cpuNanoCores, 500_000_000);
  const prev = decodeResourceMetrics(kubeletText(1000, 1, 1, 900), 0);
  const restarted = decodeResourceMetrics(kubeletText(2000, 2, 0.1, 950), 0);
  assert.equal(podUsage(prev, restarted, 'default/busy'), undefined);
});

test('quantities and durations as metrics-server writes them', () => {
  assert.equal(cpuQuantity(1234567), '1234567n');
  assert.equal(cpuQuantity(250_000_000), '250m');
  assert.equal(cpuQuantity(2_000_000_000), '2');
  assert.equal(cpuQuantity(0), '0');
  assert.equal(memoryQuantity(12345 * 1024), '12345Ki');
  assert.equal(memoryQuantity(1024 * 1024), '1Mi');
  assert.equal(memoryQuantity(1000), '1k'); // below 1024, BinarySI prints as DecimalSI (upstream's CanonicalizeBytes)
  assert.equal(memoryQuantity(1500), '1500');
  assert.equal(goDuration(15_003), '15.003s');
  assert.equal(goDuration(15_000), '15s');
  assert.equal(goDuration(60_500), '1m0.5s');
  assert.equal(goDuration(3_723_000), '1h2m3s');
  assert.equal(goDuration(500), '500ms');
  assert.equal(rfc3339(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), '2024-01-02T03:04:05Z');
});

test('the scraper: the first request scrapes twice a minimum window apart; a failing node is left out', async () => {
  let t = 100_000;
  const slept: number[] = [];
  let cpu = 0;
  const fetched: string[] = [];
  const node = (name: string) => ({ metadata: { name } });
  const scraper = new MetricsScraper({
    nodes: () => [node('a'), node('b')],
    fetch: async (n) => {
      const name = String(n.metadata?.name);
      fetched.push(name);
      if (name === 'b') throw new Error('unreachable');
      cpu += 1;
      return kubeletText(t, cpu, cpu / 2);
    },
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    minWindowMs: 1000,
    resolutionMs: 15_000,
  });
  try {
    await scraper.fresh();
    assert.deepEqual(slept, [1000]);
    assert.deepEqual(fetched, ['a', 'b', 'a']);
    assert.deepEqual(scraper.nodesWithData(), ['a']);
    const d = scraper.latest('a');
    assert.equal(d && nodeUsage(d.prev, d.last)?.cpuNanoCores, 1_000_000_000);
    // Fresh data: no scrape.
    await scraper.fresh();
    assert.equal(fetched.length, 3);
    // Long unused: everything is scraped again from scratch.
    t += 60_000;
    await scraper.fresh();
    assert.deepEqual(fetched.slice(3), ['a', 'b', 'a']);
  } finally {
    scraper.close();
  }
});
