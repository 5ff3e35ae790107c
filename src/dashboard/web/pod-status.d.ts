export function podColumns(pod: object): { status: string; ready: string; restarts: number };
