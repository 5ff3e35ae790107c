import { createReadStream, existsSync, readFileSync, statSync, watch } from 'node:fs';
import type { Writable } from 'node:stream';

export interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  /** Only lines at or after this time (ms since epoch). */
  sinceMs?: number;
  /** Follow ends when this says the container is no longer running. */
  running(): Promise<boolean>;
}

/** Parses one CRI log line: `<RFC3339Nano> <stream> <F|P> <content>`. */
export function parseCriLine(line: string): { time: string; stream: string; partial: boolean; content: string } | undefined {
  // s: a TTY's output ends its lines with \r, which `.` would not match.
  const m = /^(\S+) (stdout|stderr) (F|P) ?(.*)$/s.exec(line);
  if (!m) return undefined;
  return { time: m[1] as string, stream: m[2] as string, partial: m[3] === 'P', content: m[4] as string };
}

/**
 * Writes a CRI-format log as `kubectl logs` shows it (content only, or with its
 * timestamp), honouring tailLines, sinceSeconds/sinceTime, limitBytes and follow.
 */
export async function writeLogs(path: string, out: Writable, opts: LogOptions): Promise<void> {
  let written = 0;
  let done = false;
  const emit = (line: string): void => {
    if (done) return;
    const p = parseCriLine(line);
    if (!p) return;
    if (opts.sinceMs !== undefined && Date.parse(p.time) < opts.sinceMs) return;
    let text = (opts.timestamps ? `${p.time} ` : '') + p.content + (p.partial ? '' : '\n');
    if (opts.limitBytes !== undefined) {
      const left = opts.limitBytes - written;
      if (left <= 0) return void (done = true);
      if (Buffer.byteLength(text) > left) {
        text = Buffer.from(text).subarray(0, left).toString();
        done = true;
      }
    }
    written += Buffer.byteLength(text);
    out.write(text);
  };
  const content = existsSync(path) ? readFileSync(path, 'utf8') : '';
  let offset = Buffer.byteLength(content);
  let lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (opts.tailLines !== undefined) lines = opts.tailLines <= 0 ? [] : lines.slice(-opts.tailLines);
  for (const l of lines) emit(l);
  if (!opts.follow || done) return;
  await new Promise<void>((resolve) => {
    let partial = '';
    let reading = false;
    let closed = false;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      watcher?.close();
      resolve();
    };
    const readMore = (): void => {
      if (reading || closed || !existsSync(path)) return;
      const size = statSync(path).size;
      if (size <= offset) return;
      reading = true;
      const s = createReadStream(path, { start: offset, end: size - 1, encoding: 'utf8' });
      s.on('data', (chunk: string | Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        for (const l of parts) emit(l);
      });
      s.on('close', () => {
        offset = size;
        reading = false;
        if (done) finish();
      });
    };
    let watcher: ReturnType<typeof watch> | undefined;
    try {
      watcher = watch(path, () => readMore());
    } catch {
      watcher = undefined;
    }
    // The watch can miss events; a slow poll also notices the container's exit.
    const poll = setInterval(() => {
      readMore();
      void opts.running().then((r) => {
        if (!r) setTimeout(() => (readMore(), finish()), 100);
      });
    }, 250);
    out.on('close', finish);
  });
}
