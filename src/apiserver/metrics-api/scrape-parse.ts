/**
 * Reads a kubelet's `/metrics/resource` (Prometheus text) into points, as metrics-server's
 * decoder does: the node's, and each running container's, cumulative CPU seconds and
 * working set, with when they were measured.
 */

/** One measurement: cumulative CPU (core-seconds) and the working set (bytes). */
export interface UsagePoint {
  timestampMs: number;
  cpuSeconds: number;
  memoryBytes: number;
  /** Containers: when the instance started (s); a change between scrapes is a restart. */
  startTimeSeconds?: number;
}

/** One scrape of one kubelet. */
export interface NodeScrape {
  node?: UsagePoint;
  /** "<namespace>/<pod>" → container name → point. */
  pods: Map<string, Map<string, UsagePoint>>;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/y;

const unescape = (v: string): string => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The samples of a Prometheus text exposition; malformed lines are skipped. */
export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    let ok = true;
    while (LABEL.lastIndex < body.length) {
      const l = LABEL.exec(body);
      if (!l) {
        ok = false;
        break;
      }
      labels[l[1] as string] = unescape(l[2] as string);
    }
    const value = parseValue(m[3] as string);
    if (!ok || Number.isNaN(value)) continue;
    out.push({ name: m[1] as string, labels, value, ...(m[4] !== undefined ? { timestampMs: Number(m[4]) } : {}) });
  }
  return out;
}

/**
 * The node's and containers' points of one scrape. A sample without a timestamp is taken
 * as measured at `scrapedAtMs`; a container lacking its CPU or memory sample is left out
 * (nothing sound can be reported for it).
 */
export function decodeResourceMetrics(text: string, scrapedAtMs: number): NodeScrape {
  let nodeCpu: Sample | undefined;
  let nodeMem: Sample | undefined;
  const containers = new Map<string, { ns: string; pod: string; name: string; cpu?: Sample; mem?: Sample; start?: number }>();
  const container = (s: Sample) => {
    const { namespace: ns = '', pod = '', container: name = '' } = s.labels;
    const key = `${ns}/${pod}/${name}`;
    let c = containers.get(key);
    if (!c) containers.set(key, (c = { ns, pod, name }));
    return c;
  };
  for (const s of parseSamples(text)) {
    if (s.name === 'node_cpu_usage_seconds_total') nodeCpu = s;
    else if (s.name === 'node_memory_working_set_bytes') nodeMem = s;
    else if (s.name === 'container_cpu_usage_seconds_total') container(s).cpu = s;
    else if (s.name === 'container_memory_working_set_bytes') container(s).mem = s;
    else if (s.name === 'container_start_time_seconds') container(s).start = s.value;
  }
  const scrape: NodeScrape = { pods: new Map() };
  if (nodeCpu && nodeMem) scrape.node = { timestampMs: nodeCpu.timestampMs ?? scrapedAtMs, cpuSeconds: nodeCpu.value, memoryBytes: nodeMem.value };
  for (const c of containers.values()) {
    if (!c.cpu || !c.mem || !c.ns || !c.pod || !c.name) continue;
    const podKey = `${c.ns}/${c.pod}`;
    let pod = scrape.pods.get(podKey);
    if (!pod) scrape.pods.set(podKey, (pod = new Map()));
    pod.set(c.name, { timestampMs: c.cpu.timestampMs ?? scrapedAtMs, cpuSeconds: c.cpu.value, memoryBytes: c.mem.value, ...(c.start !== undefined ? { startTimeSeconds: c.start } : {}) });
  }
  return scrape;
}
