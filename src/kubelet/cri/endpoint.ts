import { existsSync } from 'node:fs';

/** containerd's default socket, as k3s's --container-runtime-endpoint names it. */
export const DEFAULT_CRI_ENDPOINT = 'unix:///run/containerd/containerd.sock';

/** The socket path of a `unix:///path` (or bare `/path`) endpoint; only unix sockets are supported. */
export function socketPathOf(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint.slice('unix://'.length);
  if (endpoint.startsWith('/')) return endpoint;
  throw new Error(`container runtime endpoint "${endpoint}" is not a unix socket (unix:///path/to/sock)`);
}

/** Why the endpoint cannot be used (one line), or undefined when its socket is there. */
export function criEndpointProblem(endpoint: string): string | undefined {
  let path: string;
  try {
    path = socketPathOf(endpoint);
  } catch (err) {
    return (err as Error).message;
  }
  return existsSync(path) ? undefined : `container runtime endpoint ${endpoint}: no socket at ${path} (is containerd running?)`;
}
