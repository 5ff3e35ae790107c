// @ts-check
/**
 * The dashboard's only way to the cluster: the Kubernetes REST API on this origin, with
 * the user's bearer token, so the user's RBAC applies to everything shown and done.
 */
import { readNdjson } from './ndjson.js';

/** How often a request that got no answer at all is sent before giving up. */
const NETWORK_ATTEMPTS = 3;

/** A failed API call: the HTTP status and the Status message the server gave. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string} [reason]
   */
  constructor(status, message, reason) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason ?? '';
  }
}

/**
 * The path of a resource collection or object.
 * @param {{ group?: string; version: string; resource: string; namespace?: string; name?: string; subresource?: string }} r
 */
export function resourcePath(r) {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespace ? `/namespaces/${encodeURIComponent(r.namespace)}` : '';
  const name = r.name ? `/${encodeURIComponent(r.name)}` : '';
  const sub = r.name && r.subresource ? `/${r.subresource}` : '';
  return `${base}${ns}/${r.resource}${name}${sub}`;
}

export class ApiClient {
  /**
   * @param {{ token: string; baseUrl?: string; fetch?: typeof fetch }} config
   */
  constructor(config) {
    if (!config.token) throw new Error('ApiClient: a token is required');
    this.token = config.token;
    this.baseUrl = config.baseUrl ?? '';
    this.fetch = config.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * Sends a request; resolves with the Response when it is 2xx, else throws ApiError
   * carrying the server's Status message.
   * @param {string} method
   * @param {string} path
   * @param {{ body?: string; contentType?: string; signal?: AbortSignal }} [opts]
   */
  async request(method, path, opts = {}) {
    /** @type {Record<string, string>} */
    const headers = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
    const init = {
      method,
      headers,
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    const res = await this.fetchRetrying(this.baseUrl + path, init);
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    /** @type {any} */
    let status;
    try {
      status = JSON.parse(text);
    } catch {
      status = undefined;
    }
    throw new ApiError(res.status, status?.message || text.trim() || res.statusText || `HTTP ${res.status}`, status?.reason);
  }

  /**
   * fetch, tried again when it fails without an answer (a dropped connection, the
   * browser's "network changed"). Safe because every call the dashboard makes is
   * idempotent: reads, apply, merge patches with absolute values, delete.
   * @param {string} url
   * @param {RequestInit} init
   * @returns {Promise<Response>}
   */
  async fetchRetrying(url, init) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetch(url, init);
      } catch (err) {
        if (init.signal?.aborted || !(err instanceof TypeError) || attempt >= NETWORK_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /** @param {string} path @param {AbortSignal} [signal] @returns {Promise<any>} */
  async get(path, signal) {
    return (await this.request('GET', path, signal ? { signal } : {})).json();
  }

  /** @param {string} path @param {unknown} body @param {string} contentType @returns {Promise<any>} */
  async patch(path, body, contentType) {
    const res = await this.request('PATCH', path, { body: typeof body === 'string' ? body : JSON.stringify(body), contentType });
    return res.json();
  }

  /** @param {string} path @param {unknown} body @returns {Promise<any>} */
  async post(path, body) {
    return (await this.request('POST', path, { body: JSON.stringify(body), contentType: 'application/json' })).json();
  }

  /** @param {string} path @returns {Promise<any>} */
  async delete(path) {
    return (await this.request('DELETE', path)).json();
  }

  /**
   * Watches a collection from a resourceVersion; yields `{ type, object }` events until
   * the server ends the stream or `signal` aborts (then it returns quietly).
   * @param {string} collectionPath
   * @param {string} resourceVersion
   * @param {AbortSignal} signal
   * @returns {AsyncGenerator<{ type: string; object: any }, void, undefined>}
   */
  async *watch(collectionPath, resourceVersion, signal) {
    const sep = collectionPath.includes('?') ? '&' : '?';
    const path = `${collectionPath}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(resourceVersion)}`;
    const res = await this.request('GET', path, { signal });
    if (!res.body) return;
    try {
      for await (const ev of readNdjson(res.body)) yield /** @type {{ type: string; object: any }} */ (ev);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
  }
}
