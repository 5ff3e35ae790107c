/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and
 * histograms with labels. Written here rather than taking prom-client: the API server
 * needs a handful of series and nothing else.
 */

type Labels = Readonly<Record<string, string>>;

/** `a="x",b="y"` in key order; built in one loop, as every request counts itself twice. */
function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out += `${i > 0 ? ',' : ''}${k}="${escapeLabel(labels[k] as string)}"`;
  }
  return out;
}

const NEEDS_ESCAPE = /[\\\n"]/;

function escapeLabel(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v; // the common case: three regex replaces for nothing
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function fmt(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${fmt(v)}`);
    return lines.join('\n');
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string, private readonly collect?: () => Array<[Labels, number]>) {}
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  add(labels: Labels, by: number): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render(): string {
    if (this.collect) for (const [l, v] of this.collect()) this.set(l, v);
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${fmt(v)}`);
    return lines.join('\n');
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number; labels: Labels }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}
  observe(labels: Labels, value: number): void {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0, labels };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? ',' : '';
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{${k}${sep}le="${fmt(b)}"} ${s.counts[i] ?? 0}`));
      lines.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${fmt(s.sum)}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  register<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  /** The whole exposition, ending with a newline. */
  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The API server's series (names as kube-apiserver's, so dashboards carry over). */
export function apiServerMetrics(startTime = Date.now()): {
  registry: MetricsRegistry;
  requests: Counter;
  latency: Histogram;
  inflight: Gauge;
} {
  const registry = new MetricsRegistry();
  const requests = registry.register(
    new Counter('apiserver_request_total', 'Counter of API server requests by verb, group, version, resource, subresource, scope and HTTP code.'),
  );
  const latency = registry.register(
    new Histogram('apiserver_request_duration_seconds', 'Response latency by verb, group, version, resource, subresource and scope, in seconds.', [
      0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
    ]),
  );
  const inflight = registry.register(
    new Gauge('apiserver_current_inflight_requests', 'Requests currently being served, by kind (readOnly or mutating).'),
  );
  inflight.set({ request_kind: 'readOnly' }, 0);
  inflight.set({ request_kind: 'mutating' }, 0);
  registry.register(
    new Gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => [[{}, process.memoryUsage().rss]]),
  );
  registry.register(
    new Gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', () => [[{}, process.memoryUsage().heapUsed]]),
  );
  registry.register(
    new Gauge('process_cpu_seconds_total', 'User and system CPU time spent, in seconds.', () => {
      const u = process.cpuUsage();
      return [[{}, (u.user + u.system) / 1e6]];
    }),
  );
  registry.register(new Gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', () => [[{}, startTime / 1000]]));
  return { registry, requests, latency, inflight };
}
