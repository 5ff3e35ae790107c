import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { formatResourceMetrics, goFloat } from './resource-metrics.js';
import { readContainerStats } from './container-stats.js';
import { cgroupCpuNanos, cgroupWorkingSet, containerProcesses, nodeCpuSeconds, nodeWorkingSetBytes, parsePidStat } from './usage-parse.js';

test('node CPU: busy ticks of the cpu line, in seconds', () => {
  const stat = 'cpu  100 20 30 1000 50 6 4 10 0 0\ncpu0 50 10 15 500 25 3 2 5 0 0\nintr 1\n';
  assert.equal(nodeCpuSeconds(stat), (100 + 20 + 30 + 6 + 4 + 10) / 100);
  assert.equal(nodeCpuSeconds('intr 1\n'), undefined);
});

test('node working set: MemTotal − MemAvailable', () => {
  assert.equal(nodeWorkingSetBytes('MemTotal:       2000 kB\nMemFree:         100 kB\nMemAvailable:    1500 kB\n'), 500 * 1024);
  assert.equal(nodeWorkingSetBytes('MemTotal: 2000 kB\n'), undefined);
});

test('pid stat: a command name with spaces and parentheses', () => {
  const s = parsePidStat('42 (a (b) c) S 7 42 42 0 -1 4194560 100 0 0 0 11 22 33 44 20 0 1 0 555 1000 10');
  assert.deepEqual(s, { pid: 42, ppid: 7, pgrp: 42, cpuTicks: 11 + 22 + 33 + 44 });
});

test('container processes: the tree under the keeper and its re-parented group', () => {
  const p = (pid: number, ppid: number, pgrp: number) => ({ pid, ppid, pgrp, cpuTicks: 1 });
  const all = [p(1, 0, 1), p(10, 1, 10), p(11, 10, 10), p(12, 11, 10), p(13, 1, 10), p(20, 1, 20), p(21, 12, 21)];
  assert.deepEqual(containerProcesses(10, all).map((x) => x.pid).sort((a, b) => a - b), [10, 11, 12, 13, 21]);
});

test('cgroup files: working set without inactive file pages; CPU in nanoseconds', () => {
  assert.equal(cgroupWorkingSet(1, '10000\n', 'cache 5\ntotal_inactive_file 3000\n'), 7000);
  assert.equal(cgroupWorkingSet(2, '10000\n', 'anon 1\ninactive_file 12000\n'), 0);
  assert.equal(cgroupCpuNanos(1, '123456789\n'), 123456789);
  assert.equal(cgroupCpuNanos(2, 'usage_usec 1500\nuser_usec 1000\n'), 1_500_000);
  assert.equal(cgroupCpuNanos(2, 'nr_periods 0\n'), undefined);
});

test('goFloat writes what Go strconv g -1 writes', () => {
  assert.equal(goFloat(0), '0');
  assert.equal(goFloat(6.41), '6.41');
  assert.equal(goFloat(123456), '123456');
  assert.equal(goFloat(1234567), '1.234567e+06');
  assert.equal(goFloat(1e6), '1e+06');
  assert.equal(goFloat(21225472), '2.1225472e+07');
  assert.equal(goFloat(0.0001), '0.0001');
  assert.equal(goFloat(0.00001), '1e-05');
  assert.equal(goFloat(1700000000.5), '1.7000000005e+09');
});

test('the Prometheus text: upstream names, sorted families and samples, timestamps, pod sums', () => {
  const text = formatResourceMetrics({
    node: { cpuSeconds: { timestampMs: 1000, value: 12.5 }, workingSetBytes: { timestampMs: 1000, value: 2048 } },
    pods: [
      {
        namespace: 'default',
        name: 'web',
        containers: [
          { name: 'b', startTimeSeconds: 900, cpuSeconds: { timestampMs: 1001, value: 1.5 }, workingSetBytes: { timestampMs: 1001, value: 100 } },
          { name: 'a', cpuSeconds: { timestampMs: 1002, value: 0.25 }, workingSetBytes: { timestampMs: 1002, value: 50 } },
        ],
      },
    ],
    error: false,
  });
  assert.equal(
    text,
    [
      '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
      '# TYPE container_cpu_usage_seconds_total counter',
      'container_cpu_usage_seconds_total{container="a",namespace="default",pod="web"} 0.25 1002',
      'container_cpu_usage_seconds_total{container="b",namespace="default",pod="web"} 1.5 1001',
      '# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes',
      '# TYPE container_memory_working_set_bytes gauge',
      'container_memory_working_set_bytes{container="a",namespace="default",pod="web"} 50 1002',
      'container_memory_working_set_bytes{container="b",namespace="default",pod="web"} 100 1001',
      '# HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds',
      '# TYPE container_start_time_seconds gauge',
      'container_start_time_seconds{container="b",namespace="default",pod="web"} 900',
      '# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds',
      '# TYPE node_cpu_usage_seconds_total counter',
      'node_cpu_usage_seconds_total 12.5 1000',
      '# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes',
      '# TYPE node_memory_working_set_bytes gauge',
      'node_memory_working_set_bytes 2048 1000',
      '# HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds',
      '# TYPE pod_cpu_usage_seconds_total counter',
      'pod_cpu_usage_seconds_total{namespace="default",pod="web"} 1.75 1002',
      '# HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes',
      '# TYPE pod_memory_working_set_bytes gauge',
      'pod_memory_working_set_bytes{namespace="default",pod="web"} 150 1002',
      '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise',
      '# TYPE resource_scrape_error gauge',
      'resource_scrape_error 0',
      '',
    ].join('\n'),
  );
});

test('a process tree without a cgroup: its CPU time grows while it spins', async (t) => {
  const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end) {}'], { stdio: 'ignore', detached: true });
  t.after(() => child.kill('SIGKILL'));
  const pid = child.pid as number;
  const first = readContainerStats([{ id: 'c', pid }])[0];
  assert.ok(first, 'the process is found');
  const deadline = Date.now() + 10_000;
  let cpu = first.cpuUsageCoreNanoSeconds ?? 0;
  while (cpu - (first.cpuUsageCoreNanoSeconds ?? 0) < 100e6) {
    assert.ok(Date.now() < deadline, 'CPU time did not grow by 100 ms');
    await new Promise((r) => setTimeout(r, 50));
    cpu = readContainerStats([{ id: 'c', pid }])[0]?.cpuUsageCoreNanoSeconds ?? 0;
  }
  const rss = readContainerStats([{ id: 'c', pid }])[0]?.workingSetBytes ?? 0;
  assert.ok(rss > 10 * 1024 * 1024, `a running node process has an RSS over 10 MiB, not ${rss}`);
});
