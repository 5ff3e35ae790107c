export const DEFAULT_VIEW: string;
export function parseRoute(hash: string): { view: string; params: Record<string, string> };
export function formatRoute(view: string, params?: Record<string, string | undefined>): string;
