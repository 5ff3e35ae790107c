/**
 * Serves metrics.k8s.io/v1beta1 as metrics-server does: NodeMetrics and PodMetrics, get
 * and list (label and field selectors, all namespaces), computed from the last two scrapes
 * of each node's kubelet. What has no sound figure yet (a node or pod scraped once, a
 * container just restarted) is left out of lists and is 404 on get.
 */
import type { KindSpec } from '../../api/schema/dsl.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { ResourceContext, VerbArgs } from '../resources/context.js';
import { methodNotSupported, notFound, resourceNotFound, statusError } from '../resources/errors.js';
import { kubeletBaseOf, openKubelet, type KubeletClientConfig } from '../resources/kubelet-proxy.js';
import { responseShape } from '../resources/media-type.js';
import { sendJson } from '../resources/respond.js';
import { compileFilter } from '../resources/selectors.js';
import { parseIncludeObject, renderTable } from '../resources/table.js';
import { MetricsScraper } from './scraper.js';
import { cpuQuantity, goDuration, memoryQuantity, nodeUsage, podUsage, rfc3339 } from './usage-rate.js';

export const METRICS_GROUP = 'metrics.k8s.io';
const API_VERSION = 'metrics.k8s.io/v1beta1';
const SCRAPE_TIMEOUT_MS = 5000;

const isReady = (node: KubeObject): boolean => ((node.status?.conditions ?? []) as Array<{ type?: string; status?: string }>).some((c) => c.type === 'Ready' && c.status === 'True');
/** Nodes run by a kubelet serving its API (simulated nodes have no endpoint). */
const hasKubelet = (node: KubeObject): boolean => Number(node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0) > 0;

/** GET <kubelet>/metrics/resource with the API server's kubelet client certificate. */
function fetchResourceMetrics(cfg: KubeletClientConfig, node: KubeObject): Promise<string> {
  const base = kubeletBaseOf(node, cfg.scheme ?? 'https');
  if (!base) return Promise.reject(new Error('the node has no address'));
  return new Promise((resolve, reject) => {
    const req = openKubelet(cfg, new URL(`${base}/metrics/resource`), { accept: 'text/plain' });
    req.setTimeout(SCRAPE_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${SCRAPE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`kubelet answered ${res.statusCode}`))));
    });
    req.end();
  });
}

/** The scraper of the cluster's kubelets, reading nodes from the watch cache. */
export function kubeletMetricsScraper(ctx: Pick<ResourceContext, 'cache' | 'kubelet'>, opts: { resolutionMs?: number; minWindowMs?: number } = {}): MetricsScraper {
  return new MetricsScraper({
    ...opts,
    nodes: () => ctx.cache.resource('/registry/core/nodes/').list().map((o) => o.obj).filter((n) => isReady(n) && hasKubelet(n)),
    fetch: (node) => fetchResourceMetrics(ctx.kubelet, node),
    onError: (node, err) => console.error(JSON.stringify({ component: 'metrics-api', node, error: `scrape failed: ${String(err)}` })),
  });
}

function metadataOf(obj: KubeObject, now: Date): Record<string, unknown> {
  const labels = obj.metadata?.labels as Record<string, string> | undefined;
  return {
    name: obj.metadata?.name,
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
    creationTimestamp: rfc3339(now.getTime()),
    ...(labels && Object.keys(labels).length ? { labels } : {}),
  };
}

function nodeMetrics(scraper: MetricsScraper, node: KubeObject, now: Date): KubeObject | undefined {
  const data = scraper.latest(String(node.metadata?.name ?? ''));
  const u = data && nodeUsage(data.prev, data.last);
  if (!u) return undefined;
  return { kind: 'NodeMetrics', apiVersion: API_VERSION, metadata: metadataOf(node, now), timestamp: rfc3339(u.timestampMs), window: goDuration(u.windowMs), usage: { cpu: cpuQuantity(u.cpuNanoCores), memory: memoryQuantity(u.memoryBytes) } };
}

function podMetrics(scraper: MetricsScraper, pod: KubeObject, now: Date): KubeObject | undefined {
  const nodeName = pod.spec?.nodeName;
  const data = nodeName ? scraper.latest(String(nodeName)) : undefined;
  const u = data && podUsage(data.prev, data.last, `${String(pod.metadata?.namespace ?? '')}/${String(pod.metadata?.name ?? '')}`);
  if (!u) return undefined;
  return {
    kind: 'PodMetrics',
    apiVersion: API_VERSION,
    metadata: metadataOf(pod, now),
    timestamp: rfc3339(u.timestampMs),
    window: goDuration(u.windowMs),
    containers: u.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.usage.cpuNanoCores), memory: memoryQuantity(c.usage.memoryBytes) } })),
  };
}

/** The node or pod objects a request is about (from the watch cache), selectors applied. */
function sources(a: VerbArgs): KubeObject[] {
  const { ctx, spec, info } = a;
  const base = spec.plural === 'nodes' ? '/registry/core/nodes/' : '/registry/core/pods/';
  if (info.name) {
    const key = spec.namespaced ? `${base}${info.namespace ?? ''}/${info.name}` : `${base}${info.name}`;
    const got = ctx.cache.resource(base).get(key)?.obj;
    return got ? [got] : [];
  }
  const filter = compileFilter(spec, info);
  const prefix = spec.namespaced && info.namespace ? `${base}${info.namespace}/` : base;
  return ctx.cache.resource(base).list(prefix).map((o) => o.obj).filter((o) => filter.everything || filter.matches(o));
}

/** GET or LIST of NodeMetrics / PodMetrics; a Table when the client asks for one (kubectl get). */
export async function serveMetrics(a: VerbArgs, scraper: MetricsScraper | undefined): Promise<void> {
  const { info, spec, ctx } = a;
  if (info.subresource) throw resourceNotFound();
  if (info.verb !== 'get' && info.verb !== 'list') throw methodNotSupported(spec, info.verb);
  if (!scraper) throw statusError(503, 'ServiceUnavailable', 'the metrics API is not available');
  await scraper.fresh();
  const now = ctx.now();
  const toMetrics = (o: KubeObject) => (spec.plural === 'nodes' ? nodeMetrics(scraper, o, now) : podMetrics(scraper, o, now));
  const items = sources(a).map(toMetrics).filter((m): m is KubeObject => m !== undefined);
  if (info.verb === 'get' && items.length === 0) throw notFound(spec, info.name ?? '');
  sendMetrics(a, spec, info.verb === 'get' ? (items[0] as KubeObject) : items, now);
}

function sendMetrics(a: VerbArgs, spec: KindSpec, body: KubeObject | KubeObject[], now: Date): void {
  const shape = responseShape(a.req.headers.accept);
  if (shape.as === 'Table') {
    const table = renderTable(spec, Array.isArray(body) ? body : [body], { includeObject: parseIncludeObject(a.info.query.get('includeObject')), version: shape.version, now });
    return sendJson(a.res, 200, table, { contentType: `application/json;as=Table;v=${shape.version};g=meta.k8s.io` });
  }
  sendJson(a.res, 200, Array.isArray(body) ? { kind: `${spec.kind}List`, apiVersion: API_VERSION, metadata: {}, items: body } : body);
}
