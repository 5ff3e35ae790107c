/**
 * Structured logging for the client machinery: one line per operation, with the
 * component and object key as fields. Components inject their own Logger; the default
 * writes JSON lines to stderr.
 */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Lines for stderr, written once per turn of the event loop: a write to a pipe or a file
 * is a synchronous system call in Node, and a server that logs every request paid one per
 * request (~0.3 ms each under load). What is pending goes out on exit too.
 */
let pending = '';
let scheduled = false;
function flushStderr(): void {
  scheduled = false;
  if (!pending) return;
  const text = pending;
  pending = '';
  process.stderr.write(text);
}
function toStderr(line: string): void {
  pending += line;
  if (scheduled) return;
  if (pending.length > 1 << 20) return flushStderr();
  scheduled = true;
  setImmediate(flushStderr);
}
process.on('exit', flushStderr);

/** JSON lines on stderr: {"ts","level","component","msg",...fields}. */
export function jsonLogger(component: string, write: (line: string) => void = toStderr): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>): void => {
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields ?? {})) extra[k] = v instanceof Error ? v.message : v;
    write(`${JSON.stringify({ ts: new Date().toISOString(), level, component, msg, ...extra })}\n`);
  };
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/** Discards everything (tests that assert on behaviour, not logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Keeps lines in memory, for tests that assert on what was logged. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const push = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push({ level, msg, fields: fields ?? {} });
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
