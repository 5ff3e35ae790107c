/**
 * metrics-server's arithmetic: CPU usage is the rate of the cumulative counter between
 * the last two scrapes, memory the last working set; both written as Kubernetes
 * quantities (nano-cores, binary-suffixed bytes), the window as a Go duration.
 */
import { Quantity } from '../../machinery/quantity.js';
import type { NodeScrape, UsagePoint } from './scrape-parse.js';

/** Usage over one window, ready to serve. */
export interface WindowUsage {
  timestampMs: number;
  windowMs: number;
  cpuNanoCores: number;
  memoryBytes: number;
}

/**
 * The usage between two points of the same thing, or undefined when there is no sound
 * answer: no time passed, the counter went backwards, or (containers) it restarted between.
 */
export function usageBetween(prev: UsagePoint, last: UsagePoint): WindowUsage | undefined {
  const windowMs = last.timestampMs - prev.timestampMs;
  if (windowMs <= 0) return undefined;
  if (prev.startTimeSeconds !== undefined && last.startTimeSeconds !== undefined && prev.startTimeSeconds !== last.startTimeSeconds) return undefined;
  const delta = last.cpuSeconds - prev.cpuSeconds;
  if (delta < 0) return undefined;
  return { timestampMs: last.timestampMs, windowMs, cpuNanoCores: Math.round((delta * 1e9) / (windowMs / 1000)), memoryBytes: Math.max(0, Math.round(last.memoryBytes)) };
}

/** The node's usage from its last two scrapes. */
export function nodeUsage(prev: NodeScrape, last: NodeScrape): WindowUsage | undefined {
  return prev.node && last.node ? usageBetween(prev.node, last.node) : undefined;
}

/**
 * A pod's containers' usage from the last two scrapes, or undefined unless every container
 * of the last scrape has a sound usage (metrics-server leaves such a pod out, rather than
 * show part of it). The window is the latest container's.
 */
export function podUsage(prev: NodeScrape, last: NodeScrape, podKey: string): { timestampMs: number; windowMs: number; containers: Array<{ name: string; usage: WindowUsage }> } | undefined {
  const now = last.pods.get(podKey);
  const before = prev.pods.get(podKey);
  if (!now || !before || now.size === 0) return undefined;
  const containers: Array<{ name: string; usage: WindowUsage }> = [];
  for (const [name, point] of now) {
    const p = before.get(name);
    const usage = p ? usageBetween(p, point) : undefined;
    if (!usage) return undefined;
    containers.push({ name, usage });
  }
  containers.sort((a, b) => a.name.localeCompare(b.name));
  const latest = containers.reduce((a, b) => (b.usage.timestampMs > a.usage.timestampMs ? b : a));
  return { timestampMs: latest.usage.timestampMs, windowMs: latest.usage.windowMs, containers };
}

/** CPU as metrics-server writes it: a nano-core quantity in canonical form ("12345n", "250m"). */
export const cpuQuantity = (nanoCores: number): string => Quantity.fromNanos(BigInt(Math.max(0, Math.round(nanoCores)))).toString();

/** Memory as metrics-server writes it: a BinarySI quantity of bytes ("12345Ki", or bytes when not a multiple of 1024). */
export const memoryQuantity = (bytes: number): string => Quantity.fromValue(BigInt(Math.max(0, Math.round(bytes))), 'BinarySI').toString();

/** A duration as Go's time.Duration.String() writes it ("15.003s", "1m0.5s", "500ms"). */
export function goDuration(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return '0s';
  const sign = total < 0 ? '-' : '';
  const abs = Math.abs(total);
  if (abs < 1000) return `${sign}${abs}ms`;
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const sMs = abs % 60_000;
  const frac = String(sMs % 1000).padStart(3, '0').replace(/0+$/, '');
  const s = `${Math.floor(sMs / 1000)}${frac ? `.${frac}` : ''}s`;
  return `${sign}${h ? `${h}h${m}m` : m ? `${m}m` : ''}${s}`;
}

/** A metav1.Time: RFC 3339 at second precision. */
export const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
