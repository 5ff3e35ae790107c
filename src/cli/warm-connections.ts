/**
 * Keeps a pool's TLS connections open and ready before they are needed.
 *
 * The kubelet's status pool is idle until pods start; then a burst of starts needs all of
 * its sockets at once. Opened then, each TLS handshake takes several turns of two busy
 * event loops (the kubelet's, setting up pods, and the API server's): in bench:kubelet the
 * first status patch waited ~430 ms for its connection and was then answered in 3 ms.
 * So the pool is opened at start (`sockets` requests at once make `sockets` connections)
 * and used again before the API server's idle timeout (65 s) would close it — the role the
 * HTTP/2 PINGs on client-go's idle connections play upstream.
 */
import type { RestClient } from '../client/rest-client.js';

export interface WarmConnections {
  stop(): void;
}

export function keepConnectionsWarm(client: RestClient, sockets: number, everyMs = 30_000): WarmConnections {
  const warm = (): void => {
    // A failure says nothing the pool's real requests will not: they retry and report.
    void Promise.all(Array.from({ length: sockets }, () => client.request({ method: 'GET', path: '/version' }))).catch(() => {});
  };
  warm();
  const timer = setInterval(warm, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
