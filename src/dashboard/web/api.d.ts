export class ApiError extends Error {
  constructor(status: number, message: string, reason?: string);
  status: number;
  reason: string;
}
export function resourcePath(r: { group?: string; version: string; resource: string; namespace?: string; name?: string; subresource?: string }): string;
export class ApiClient {
  constructor(config: { token: string; baseUrl?: string; fetch?: typeof fetch });
  token: string;
  baseUrl: string;
  request(method: string, path: string, opts?: { body?: string; contentType?: string; signal?: AbortSignal }): Promise<Response>;
  fetchRetrying(url: string, init: RequestInit): Promise<Response>;
  get(path: string, signal?: AbortSignal): Promise<any>;
  patch(path: string, body: unknown, contentType: string): Promise<any>;
  post(path: string, body: unknown): Promise<any>;
  delete(path: string): Promise<any>;
  watch(collectionPath: string, resourceVersion: string, signal: AbortSignal): AsyncGenerator<{ type: string; object: any }, void, undefined>;
}
