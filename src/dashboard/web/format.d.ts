export function humanDuration(ms: number): string;
export function age(timestamp: string | undefined, now: number): string;
export function parseQuantity(q: string | number | undefined): number;
export function formatCpu(q: string | undefined): string;
export function formatBytes(q: string | undefined): string;
