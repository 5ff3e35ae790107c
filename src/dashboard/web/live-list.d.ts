import type { ApiClient } from './api.js';
export function liveList(
  api: ApiClient,
  path: string,
  opts: { onChange(items: any[]): void; onError(err: unknown): void; signal: AbortSignal },
): void;
