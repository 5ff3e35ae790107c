/**
 * The kubelet's resource metrics endpoint (`GET /metrics/resource`), which metrics-server
 * scrapes: node, pod and container CPU time and working set, in the Prometheus text format
 * with upstream's metric names, labels and sample timestamps.
 */
import { readFile } from 'node:fs/promises';
import type { Runtime } from './runtime.js';
import { nodeCpuSeconds, nodeWorkingSetBytes } from './usage-parse.js';

export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** One reading, with when it was taken (ms since the epoch). */
export interface Reading {
  timestampMs: number;
  value: number;
}

export interface ContainerUsage {
  name: string;
  /** When the container started, in seconds since the epoch (restarts show as a new start). */
  startTimeSeconds?: number;
  cpuSeconds?: Reading;
  workingSetBytes?: Reading;
}

export interface PodUsage {
  namespace: string;
  name: string;
  containers: ContainerUsage[];
}

/** Everything one scrape reports. */
export interface ResourceSnapshot {
  node: { cpuSeconds?: Reading; workingSetBytes?: Reading };
  pods: PodUsage[];
  /** Container figures could not be read (resource_scrape_error 1). */
  error: boolean;
}

const read = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');

/** Reads the node's and every running container's usage now. */
export async function collectResourceSnapshot(runtime: Runtime, now: () => number = Date.now): Promise<ResourceSnapshot> {
  const [stat, meminfo] = await Promise.all([read('/proc/stat'), read('/proc/meminfo')]);
  const at = now();
  const cpu = nodeCpuSeconds(stat);
  const mem = nodeWorkingSetBytes(meminfo);
  const node = { ...(cpu !== undefined ? { cpuSeconds: { timestampMs: at, value: cpu } } : {}), ...(mem !== undefined ? { workingSetBytes: { timestampMs: at, value: mem } } : {}) };
  if (!runtime.listContainerStats) return { node, pods: [], error: false };
  try {
    const [sandboxes, containers, stats] = await Promise.all([runtime.listPodSandboxes(), runtime.listContainers(), runtime.listContainerStats()]);
    const bySandbox = new Map(sandboxes.map((s) => [s.id, s]));
    const byId = new Map(stats.map((s) => [s.id, s]));
    const pods = new Map<string, PodUsage>();
    for (const c of containers) {
      const s = byId.get(c.id);
      const sb = bySandbox.get(c.sandboxId);
      if (!s || !sb || c.state !== 'running') continue;
      const key = `${sb.config.namespace}/${sb.config.name}`;
      let pod = pods.get(key);
      if (!pod) pods.set(key, (pod = { namespace: sb.config.namespace, name: sb.config.name, containers: [] }));
      pod.containers.push({
        name: c.name,
        ...(c.startedAt ? { startTimeSeconds: c.startedAt / 1000 } : {}),
        ...(s.cpuUsageCoreNanoSeconds !== undefined ? { cpuSeconds: { timestampMs: s.timestampMs, value: s.cpuUsageCoreNanoSeconds / 1e9 } } : {}),
        ...(s.workingSetBytes !== undefined ? { workingSetBytes: { timestampMs: s.timestampMs, value: s.workingSetBytes } } : {}),
      });
    }
    return { node, pods: [...pods.values()], error: false };
  } catch {
    return { node, pods: [], error: true };
  }
}

/**
 * A float as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it (Prometheus' expfmt):
 * shortest digits, exponent form below 1e-4 or from 1e6 up (`1.2345678e+07`).
 */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [mantissa, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(v);
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

interface Sample {
  labels: Array<[string, string]>;
  value: number;
  timestampMs?: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: Sample[];
}

function renderFamily(f: Family): string {
  if (f.samples.length === 0) return '';
  const line = (s: Sample): string => {
    const labels = [...s.labels].sort(([a], [b]) => a.localeCompare(b));
    const l = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
    return `${f.name}${l} ${goFloat(s.value)}${s.timestampMs !== undefined ? ` ${Math.round(s.timestampMs)}` : ''}\n`;
  };
  const sorted = [...f.samples].sort((a, b) => {
    const ka = [...a.labels].sort(([x], [y]) => x.localeCompare(y)).map(([, v]) => v).join('\0');
    const kb = [...b.labels].sort(([x], [y]) => x.localeCompare(y)).map(([, v]) => v).join('\0');
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return `# HELP ${f.name} [STABLE] ${f.help}\n# TYPE ${f.name} ${f.type}\n${sorted.map(line).join('')}`;
}

const sum = (readings: Array<Reading | undefined>): Reading | undefined =>
  readings.length === 0 || readings.some((r) => r === undefined)
    ? undefined
    : { timestampMs: Math.max(...readings.map((r) => (r as Reading).timestampMs)), value: readings.reduce((t, r) => t + (r as Reading).value, 0) };

/**
 * The snapshot in the Prometheus text format, as the kubelet's resource metrics collector
 * writes it: families sorted by name, samples by label values, usage samples timestamped,
 * pod figures the sums of their containers'.
 */
export function formatResourceMetrics(snap: ResourceSnapshot): string {
  const fam = (name: string, type: Family['type'], help: string): Family => ({ name, type, help, samples: [] });
  const cCpu = fam('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds');
  const cMem = fam('container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes');
  const cStart = fam('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds');
  const nCpu = fam('node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds');
  const nMem = fam('node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes');
  const pCpu = fam('pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds');
  const pMem = fam('pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes');
  const scrapeError = fam('resource_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise');
  const timed = (f: Family, labels: Array<[string, string]>, r: Reading | undefined): void => {
    if (r) f.samples.push({ labels, value: r.value, timestampMs: r.timestampMs });
  };
  timed(nCpu, [], snap.node.cpuSeconds);
  timed(nMem, [], snap.node.workingSetBytes);
  for (const pod of snap.pods) {
    const podLabels: Array<[string, string]> = [['pod', pod.name], ['namespace', pod.namespace]];
    for (const c of pod.containers) {
      const labels: Array<[string, string]> = [['container', c.name], ...podLabels];
      if (c.startTimeSeconds !== undefined) cStart.samples.push({ labels, value: c.startTimeSeconds });
      timed(cCpu, labels, c.cpuSeconds);
      timed(cMem, labels, c.workingSetBytes);
    }
    timed(pCpu, podLabels, sum(pod.containers.map((c) => c.cpuSeconds)));
    timed(pMem, podLabels, sum(pod.containers.map((c) => c.workingSetBytes)));
  }
  scrapeError.samples.push({ labels: [], value: snap.error ? 1 : 0 });
  return [cCpu, cMem, cStart, nCpu, nMem, pCpu, pMem, scrapeError].map(renderFamily).join('');
}
