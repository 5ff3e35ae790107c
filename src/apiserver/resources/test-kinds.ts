/**
 * Test support only: small kinds for exercising the verbs without depending on the
 * built-in kinds' schemas (which other engineers are still adding).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../../api/registry.js';
import { NamespaceKind, NodeKind } from '../../api/core/v1/index.js';
import { PodDisruptionBudgetKind } from '../../api/policy/v1/index.js';
import { ObjectMetaSchema } from '../../api/meta/v1/index.js';
import { f, kind, object, t, type KindSpec } from '../../api/schema/dsl.js';
import { openStore, type Store } from '../../storage/index.js';
import { createResourceHandler } from './index.js';
import { startTestServer, type TestServer } from './test-server.js';

export const ThingSchema = object('Thing', 'A test object with data.', {
  apiVersion: f(0, t.string(), 'v'),
  kind: f(0, t.string(), 'k'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'm'),
  data: f(2, t.map(t.string()), 'd'),
});

export const ThingKind: KindSpec = kind({
  group: '',
  version: 'v1',
  kind: 'Thing',
  plural: 'things',
  singular: 'thing',
  namespaced: true,
  schema: ThingSchema,
  fieldSelectors: { 'data.color': (o: any) => o.data?.color },
  printerColumns: [
    { name: 'Data', type: 'integer', description: 'Number of entries.', value: (o: any) => Object.keys(o.data ?? {}).length },
    { name: 'Age', type: 'date', description: 'Age.', value: (o: any) => o.metadata?.creationTimestamp },
  ],
});

const PortSchema = object('WidgetPort', 'p', {
  name: f(1, t.string(), 'n'),
  port: f(2, t.int32(), 'p'),
});
const WidgetSpecSchema = object('WidgetSpec', 's', {
  replicas: f(1, t.int32(), 'r', { minimum: 0 }),
  selector: f(2, t.map(t.string()), 'sel'),
  ports: f(3, t.list(t.object(() => PortSchema)), 'ports', { patchStrategy: ['merge'], patchMergeKey: 'port' }),
  image: f(4, t.string(), 'image'),
});
const WidgetStatusSchema = object('WidgetStatus', 's', {
  replicas: f(1, t.int32(), 'r'),
  phase: f(2, t.string(), 'p'),
});
export const WidgetSchema = object('Widget', 'A test object with spec and status.', {
  apiVersion: f(0, t.string(), 'v'),
  kind: f(0, t.string(), 'k'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'm'),
  spec: f(2, t.object(() => WidgetSpecSchema), 's'),
  status: f(3, t.object(() => WidgetStatusSchema), 's'),
});

export const WidgetKind: KindSpec = kind({
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  namespaced: true,
  schema: WidgetSchema,
  hasGeneration: true,
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  printerColumns: [{ name: 'Replicas', type: 'integer', description: 'r', value: (o: any) => o.spec?.replicas ?? 0 }],
});

const TestPodSpecSchema = object('TestPodSpec', 's', {
  nodeName: f(10, t.string(), 'n'),
  terminationGracePeriodSeconds: f(4, t.int64(), 'g'),
  containers: f(2, t.raw(), 'c'),
});
const TestPodStatusSchema = object('TestPodStatus', 's', {
  phase: f(1, t.string(), 'p'),
  conditions: f(2, t.raw(), 'c'),
});
/** A stand-in for core/v1 Pod (only the fields the pod subresources look at). */
export const TestPodKind: KindSpec = kind({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  schema: object('Pod', 'p', {
    apiVersion: f(0, t.string(), 'v'),
    kind: f(0, t.string(), 'k'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'm'),
    spec: f(2, t.object(() => TestPodSpecSchema), 's'),
    status: f(3, t.object(() => TestPodStatusSchema), 's'),
  }),
  subresources: { status: true },
  fieldSelectors: { 'spec.nodeName': (p: any) => p.spec?.nodeName, 'status.phase': (p: any) => p.status?.phase },
  printerColumns: [{ name: 'Status', type: 'string', description: 's', value: (p: any) => p.status?.phase ?? '' }],
});

export interface Harness {
  url: string;
  store: Store;
  server: TestServer;
  handler: ReturnType<typeof createResourceHandler>;
  /** fetch relative to the server, JSON body helper. */
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** A resource layer on a fresh SQLite store behind a loopback HTTP server. */
export async function startHarness(opts: {
  layer?: import('./index.js').ResourceLayerOptions;
  kubelet?: import('./kubelet-proxy.js').KubeletClientConfig; kinds?: KindSpec[]; bookmarkIntervalMs?: number; maxWatcherBufferBytes?: number; watchWindowSize?: number; consistentReadTimeoutMs?: number } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-res-'));
  const store = await openStore({ backend: 'sqlite', path: join(dir, 'db.sqlite') });
  const registry = new Registry([{ group: '', version: 'v1', kinds: [NamespaceKind, ThingKind, TestPodKind, NodeKind] }, { group: 'policy', version: 'v1', kinds: [PodDisruptionBudgetKind] }, { group: 'example.com', version: 'v1', kinds: [WidgetKind] }]);
  for (const k of opts.kinds ?? []) registry.add(k);
  const handler = createResourceHandler({
    store,
    registry,
    ...(opts.bookmarkIntervalMs ? { bookmarkIntervalMs: opts.bookmarkIntervalMs } : {}),
    ...(opts.maxWatcherBufferBytes ? { maxWatcherBufferBytes: opts.maxWatcherBufferBytes } : {}),
    ...(opts.watchWindowSize ? { watchWindowSize: opts.watchWindowSize } : {}),
    ...(opts.kubelet ? { kubelet: opts.kubelet } : {}),
    ...(opts.layer ?? {}),
    ...(opts.consistentReadTimeoutMs ? { consistentReadTimeoutMs: opts.consistentReadTimeoutMs } : {}),
  });
  await handler.ready();
  const server = await startTestServer(handler);
  return {
    url: server.url,
    store,
    server,
    handler,
    async req(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const r = await fetch(server.url + path, init);
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: r.status, body: parsed, headers: r.headers };
    },
    async close() {
      await handler.close();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
