/**
 * Test support only: a real API server resource layer (SQLite store, watch cache,
 * admission) on loopback HTTP, and a RestClient pointed at it through the ordinary
 * HTTP(S) transport. Used until the full server's e2e helper (HTTPS + kubeconfig) is
 * available to every client test.
 */
import { LeaseKind } from '../api/coordination/v1/lease.js';
import { EventKind } from '../api/core/v1/event.js';
import type { KindSpec } from '../api/schema/dsl.js';
import { startHarness, ThingKind, WidgetKind, type Harness } from '../apiserver/resources/test-kinds.js';
import { clientFromConnection, type RestClient } from './rest-client.js';

export { ThingKind, WidgetKind };

export interface ClientHarness {
  api: Harness;
  client: RestClient;
  /** A second, independent client (its own connection pool). */
  newClient(): RestClient;
  close(): Promise<void>;
}

export async function startClientHarness(opts: { kinds?: KindSpec[]; bookmarkIntervalMs?: number; watchWindowSize?: number } = {}): Promise<ClientHarness> {
  const api = await startHarness({ kinds: [LeaseKind, EventKind, ...(opts.kinds ?? [])], ...(opts.bookmarkIntervalMs ? { bookmarkIntervalMs: opts.bookmarkIntervalMs } : {}), ...(opts.watchWindowSize ? { watchWindowSize: opts.watchWindowSize } : {}) });
  const clients: RestClient[] = [];
  const newClient = () => {
    const c = clientFromConnection({ server: api.url, namespace: 'default', context: 'test' });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    api,
    client,
    newClient,
    async close() {
      for (const c of clients) c.close();
      await api.close();
    },
  };
}
