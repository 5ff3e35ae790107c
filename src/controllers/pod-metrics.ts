/**
 * Pods' resource use (cpu, memory) as the resource metrics API (metrics.k8s.io/v1beta1,
 * metrics-server's) reports it: per pod, the sum of its containers' usage over the
 * sample's window.
 */
import type { RestClient } from '../client/rest-client.js';
import { Quantity } from '../machinery/quantity.js';
import type { PodUsage } from './hpa-replicas.js';

interface PodMetricsList {
  items?: Array<{
    metadata?: { name?: string };
    timestamp?: string;
    window?: string;
    containers?: Array<{ name?: string; usage?: Record<string, string> }>;
  }>;
}

/** A Go duration as metav1.Duration prints it ("15s", "1m0.5s", "20.046s"), in ms; 0 if unreadable. */
export function goDurationMs(text: string | undefined): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  let ms = 0;
  for (const [, n, unit] of (text ?? '').matchAll(/([\d.]+)(h|ms|m|s|us|µs|ns)/g)) ms += Number(n) * (units[unit as string] ?? 0);
  return ms;
}

/**
 * Use of `resource` (milli-units: millicores, milli-bytes) by the namespace's pods matching
 * `selector`, by pod name: the sum over their containers, or the one named `container`
 * (a pod without it is left out, as upstream's resource metrics client does).
 */
export async function podResourceUsage(client: RestClient, namespace: string, selector: string, resource: string, container?: string): Promise<Map<string, PodUsage>> {
  const list = await client.request<PodMetricsList>({
    method: 'GET',
    path: `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`,
    query: new URLSearchParams(selector ? { labelSelector: selector } : {}),
  });
  const out = new Map<string, PodUsage>();
  for (const m of list.items ?? []) {
    const containers = (m.containers ?? []).filter((c) => container === undefined || c.name === container);
    if (containers.length === 0) continue;
    let nanos = 0n;
    for (const c of containers) nanos += Quantity.parse(c.usage?.[resource] ?? '0').nanos;
    out.set(m.metadata?.name ?? '', { milli: Number(nanos) / 1e6, timestamp: Date.parse(m.timestamp ?? '') || 0, windowMs: goDurationMs(m.window) });
  }
  return out;
}

/** CPU use (millicores) of the namespace's pods matching `selector`, by pod name. */
export function podCpuUsage(client: RestClient, namespace: string, selector: string): Promise<Map<string, PodUsage>> {
  return podResourceUsage(client, namespace, selector, 'cpu');
}
