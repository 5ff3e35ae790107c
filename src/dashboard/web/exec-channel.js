// @ts-check
/**
 * The `v5.channel.k8s.io` exec protocol, pure (no DOM, no socket): every WebSocket
 * message is binary, its first byte the channel — 0 stdin, 1 stdout, 2 stderr, 3 the
 * final Status (JSON), 4 terminal resize (JSON), 255 close a stream — then the payload.
 * Runs in the browser and in Node's tests alike.
 */

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const STATUS = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** The subprotocols offered, best first; the bearer token protocol is added beside them. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

const encoder = new TextEncoder();

/**
 * One message: the channel byte, then the payload.
 * @param {number} channel
 * @param {Uint8Array | string} payload
 * @returns {Uint8Array}
 */
export function encodeFrame(channel, payload) {
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const out = new Uint8Array(body.length + 1);
  out[0] = channel;
  out.set(body, 1);
  return out;
}

/**
 * Keystrokes (or pasted text) for the process's stdin.
 * @param {Uint8Array | string} data
 */
export function encodeStdin(data) {
  return encodeFrame(STDIN, data);
}

/**
 * The terminal's size, as kubectl sends it on connecting and on every resize.
 * @param {number} cols
 * @param {number} rows
 */
export function encodeResize(cols, rows) {
  return encodeFrame(RESIZE, JSON.stringify({ Width: Math.max(0, Math.floor(cols)), Height: Math.max(0, Math.floor(rows)) }));
}

/**
 * Closes one of our streams (v5 only), e.g. stdin's EOF.
 * @param {number} channel
 */
export function encodeClose(channel) {
  return Uint8Array.of(CLOSE, channel);
}

/**
 * Splits a received message; undefined for an empty one (nothing to do).
 * @param {ArrayBuffer | Uint8Array} message
 * @returns {{ channel: number; data: Uint8Array } | undefined}
 */
export function decodeFrame(message) {
  const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
  if (bytes.length === 0) return undefined;
  return { channel: /** @type {number} */ (bytes[0]), data: bytes.subarray(1) };
}

/**
 * What a session's final Status says. Success: exit code 0. A NonZeroExitCode failure:
 * the code from its ExitCode cause. Any other failure (or unreadable JSON): its message.
 * @param {string} text the channel 3 payload
 * @returns {{ exitCode: number } | { error: string }}
 */
export function parseExecStatus(text) {
  /** @type {any} */
  let status;
  try {
    status = JSON.parse(text);
  } catch {
    return { error: text.trim() || 'the session ended with an unreadable status' };
  }
  if (status?.status === 'Success') return { exitCode: 0 };
  const cause = Array.isArray(status?.details?.causes) ? status.details.causes.find((/** @type {any} */ c) => c?.reason === 'ExitCode') : undefined;
  const code = Number(cause?.message);
  if (status?.reason === 'NonZeroExitCode' && cause && Number.isInteger(code)) return { exitCode: code };
  return { error: String(status?.message || 'the session failed') };
}

/**
 * The line shown when a session ends.
 * @param {{ exitCode: number } | { error: string }} outcome
 */
export function describeSessionEnd(outcome) {
  return 'exitCode' in outcome ? `Session ended: exit code ${outcome.exitCode}` : `Session ended with an error: ${outcome.error}`;
}

/**
 * The subprotocol carrying a bearer token: base64url of its UTF-8 bytes, no padding.
 * @param {string} token
 */
export function bearerProtocol(token) {
  let binary = '';
  for (const b of encoder.encode(token)) binary += String.fromCharCode(b);
  return BEARER_PROTOCOL_PREFIX + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The exec URL of a container, on the page's own server (wss: for https: pages).
 * @param {{ protocol: string; host: string }} origin the page's location
 * @param {{ namespace: string; pod: string; container: string; command: string[] }} target
 */
export function execUrl(origin, target) {
  const q = new URLSearchParams();
  for (const c of target.command) q.append('command', c);
  q.set('container', target.container);
  q.set('stdin', 'true');
  q.set('stdout', 'true');
  q.set('tty', 'true');
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  const ns = encodeURIComponent(target.namespace);
  return `${scheme}//${origin.host}/api/v1/namespaces/${ns}/pods/${encodeURIComponent(target.pod)}/exec?${q}`;
}
