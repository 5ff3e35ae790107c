export const STDIN: 0;
export const STDOUT: 1;
export const STDERR: 2;
export const STATUS: 3;
export const RESIZE: 4;
export const CLOSE: 255;
export const EXEC_PROTOCOLS: string[];
export const BEARER_PROTOCOL_PREFIX: string;
export function encodeFrame(channel: number, payload: Uint8Array | string): Uint8Array;
export function encodeStdin(data: Uint8Array | string): Uint8Array;
export function encodeResize(cols: number, rows: number): Uint8Array;
export function encodeClose(channel: number): Uint8Array;
export function decodeFrame(message: ArrayBuffer | Uint8Array): { channel: number; data: Uint8Array } | undefined;
export function parseExecStatus(text: string): { exitCode: number } | { error: string };
export function describeSessionEnd(outcome: { exitCode: number } | { error: string }): string;
export function bearerProtocol(token: string): string;
export function execUrl(
  origin: { protocol: string; host: string },
  target: { namespace: string; pod: string; container: string; command: string[] },
): string;
