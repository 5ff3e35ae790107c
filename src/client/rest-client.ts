import type { KindSpec } from '../api/schema/dsl.js';
import { realClock, sleep, type Clock } from './clock.js';
import { HttpsTransport } from './https-transport.js';
import { loadKubeconfig, type ClusterConnection } from './kubeconfig.js';
import { ResourceClient, type ResourceRef } from './resource-client.js';
import { apiErrorFrom } from './status-error.js';
import { TokenBucket } from './token-bucket.js';
import { readBody, type Transport, type TransportRequest, type TransportResponse } from './transport.js';

export interface RestClientConfig {
  transport: Transport;
  /** Client-side rate limit; off unless qps is set (in-process components need none). */
  qps?: number;
  /** Burst for the rate limit (default: qps rounded up, at least 1). */
  burst?: number;
  clock?: Clock;
  /** Default namespace for callers that want one (the kubeconfig context's). */
  namespace?: string;
  /**
   * Deadline for a whole non-streaming request, response body included (default 60 s;
   * 0 = none), so a stalled server cannot hang a controller worker forever. Watches are
   * bounded by their timeoutSeconds instead.
   */
  requestTimeoutMs?: number;
}

export interface RawRequest {
  method: TransportRequest['method'];
  path: string;
  query?: URLSearchParams;
  /** Serialized as JSON unless already a Buffer or string. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * The Kubernetes REST client: JSON over a pluggable Transport, non-2xx responses thrown as
 * ApiError (with the server's Status), optional QPS/burst limiting. Typed verbs per kind
 * come from resource(spec).
 */
export class RestClient {
  readonly transport: Transport;
  readonly namespace: string;
  private readonly limiter: TokenBucket | undefined;
  private readonly clock: Clock;
  private readonly requestTimeoutMs: number;

  constructor(config: RestClientConfig) {
    this.transport = config.transport;
    this.requestTimeoutMs = config.requestTimeoutMs ?? 60_000;
    this.clock = config.clock ?? realClock;
    this.namespace = config.namespace ?? 'default';
    if (config.qps !== undefined && config.qps > 0) {
      this.limiter = new TokenBucket({ qps: config.qps, burst: config.burst ?? Math.max(1, Math.ceil(config.qps)), clock: this.clock });
    }
  }

  /** Typed verbs for one resource: a KindSpec from src/api, or just its coordinates. */
  resource<T = any>(spec: KindSpec<T> | ResourceRef): ResourceClient<T> {
    return new ResourceClient<T>({ rest: this, ref: { group: spec.group, version: spec.version, plural: spec.plural, namespaced: spec.namespaced, ...('kind' in spec ? { kind: spec.kind } : {}) } });
  }

  /** Sends a request and parses the JSON response; throws ApiError on non-2xx. */
  async request<R = unknown>(req: RawRequest): Promise<R> {
    const signal = this.requestTimeoutMs > 0 ? AbortSignal.timeout(this.requestTimeoutMs) : undefined;
    let text: string;
    let res: TransportResponse;
    try {
      res = await this.send(req, signal);
      text = (await readBody(res.body)).toString('utf8');
    } catch (err) {
      if (signal?.aborted) throw new Error(`${req.method} ${req.path}: no complete response within ${this.requestTimeoutMs} ms`, { cause: err });
      throw err;
    }
    if (res.status < 200 || res.status > 299) throw apiErrorFrom(res.status, text);
    if (text === '') return undefined as R;
    try {
      return JSON.parse(text) as R;
    } catch (err) {
      throw new Error(`${req.method} ${req.path}: response is not JSON: ${text.slice(0, 200)}`, { cause: err });
    }
  }

  /** Sends a request and returns the streaming response (2xx only; else throws ApiError). */
  async stream(req: RawRequest): Promise<TransportResponse> {
    const res = await this.send(req);
    if (res.status >= 200 && res.status <= 299) return res;
    const text = (await readBody(res.body)).toString('utf8');
    throw apiErrorFrom(res.status, text);
  }

  /** Releases pooled connections. */
  close(): void {
    this.transport.close();
  }

  private async send(req: RawRequest, signal?: AbortSignal): Promise<TransportResponse> {
    if (this.limiter) {
      const wait = this.limiter.reserve();
      if (wait > 0) await sleep(this.clock, wait);
    }
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: Buffer | undefined;
    if (req.body !== undefined) {
      body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
      headers['content-type'] = req.contentType ?? 'application/json';
    }
    return this.transport.request({ method: req.method, path: req.path, ...(req.query ? { query: req.query } : {}), ...(body ? { body } : {}), headers, ...(signal ? { signal } : {}) });
  }
}

/** A client for a kubeconfig (path / $KUBECONFIG first entry / ~/.kube/config; see loadKubeconfig). */
export function clientFromKubeconfig(
  options: { path?: string; context?: string; env?: NodeJS.ProcessEnv; qps?: number; burst?: number; userAgent?: string; requestTimeoutMs?: number; maxSockets?: number } = {},
): RestClient {
  const conn = loadKubeconfig({ ...(options.path ? { path: options.path } : {}), ...(options.context ? { context: options.context } : {}), ...(options.env ? { env: options.env } : {}) });
  return clientFromConnection(conn, options);
}

/** A client over HTTPS for an already-resolved connection. */
export function clientFromConnection(
  conn: ClusterConnection,
  options: { qps?: number; burst?: number; userAgent?: string; clock?: Clock; requestTimeoutMs?: number; maxSockets?: number } = {},
): RestClient {
  const transport = new HttpsTransport({
    connection: conn,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
  });
  return new RestClient({
    transport,
    namespace: conn.namespace,
    ...(options.qps !== undefined ? { qps: options.qps } : {}),
    ...(options.burst !== undefined ? { burst: options.burst } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
}
