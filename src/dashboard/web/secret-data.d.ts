export const HIDDEN: string;
export function decodeBase64(b64: string): string | undefined;
export function secretForDisplay<T>(obj: T, reveal: boolean): T;
