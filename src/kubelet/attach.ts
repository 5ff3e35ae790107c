import { closeSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import type { WebSocket } from 'ws';
import { parseCriLine } from './log-reader.js';
import type { Runtime } from './runtime.js';

const POLL_MS = 100;
const CHUNK = 256 * 1024;

export interface AttachTarget {
  /** Runtime container id. */
  id: string;
  /** The container's CRI log (`<time> stdout|stderr F|P <text>`). */
  logPath: string;
  container: string;
  pod: string;
}

/** Bytes of `path` from `offset` up to the end of its last complete line (a shrunk file restarts at 0). */
function readLines(path: string, offset: number): { lines: string[]; offset: number } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { lines: [], offset };
  }
  if (size < offset) offset = 0;
  if (size === offset) return { lines: [], offset };
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size - offset, CHUNK));
    const n = readSync(fd, buf, 0, buf.length, offset);
    const end = buf.lastIndexOf(0x0a, n - 1) + 1;
    if (end === 0) return { lines: [], offset };
    return { lines: buf.subarray(0, end - 1).toString('utf8').split('\n'), offset: offset + end };
  } finally {
    closeSync(fd);
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * `kubectl attach` for a runtime whose containers write to files (the process runtime):
 * what the container writes from now on — read back from its CRI log, so stdout and stderr
 * keep their channels (1, 2; both on 1 with a TTY) — until the container exits (then a
 * Success status) or the client goes away. Container stdin is /dev/null, so a request
 * for stdin is refused with a Failure status instead of silently dropping the input.
 */
export function serveAttach(ws: WebSocket, runtime: Runtime, target: AttachTarget, q: URLSearchParams): Promise<void> {
  const send = (ch: number, data: string): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)]));
  };
  const finish = (status: Record<string, unknown>): void => {
    send(3, JSON.stringify({ metadata: {}, ...status }));
    ws.close(1000);
  };
  if (q.get('stdin') === 'true') {
    finish({ status: 'Failure', reason: 'BadRequest', code: 400, message: `cannot attach to the stdin of container ${target.container} in pod ${target.pod}: the process runtime starts containers with stdin from /dev/null` });
    return Promise.resolve();
  }
  const tty = q.get('tty') === 'true';
  const wantOut = q.get('stdout') !== 'false';
  const wantErr = q.get('stderr') !== 'false';
  let offset = fileSize(target.logPath);
  const pump = (): void => {
    const got = readLines(target.logPath, offset);
    offset = got.offset;
    for (const line of got.lines) {
      const p = parseCriLine(line);
      if (!p) continue;
      const text = p.content + (p.partial ? '' : '\n');
      if (p.stream === 'stdout' && wantOut) send(1, text);
      else if (p.stream === 'stderr' && (tty ? wantOut : wantErr)) send(tty ? 1 : 2, text);
    }
  };
  return new Promise<void>((resolve) => {
    let done = false;
    let watcher: FSWatcher | undefined;
    const stop = (): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      watcher?.close();
      resolve();
    };
    try {
      watcher = watch(target.logPath, () => pump());
    } catch {
      // No log yet, or no inotify: the poll below reads it.
    }
    // The runtime writes the last output to the log before it reports the exit.
    const timer = setInterval(() => {
      pump();
      void runtime.containerStatus(target.id).then((st) => {
        if (done || st?.state === 'running') return;
        pump();
        finish({ status: 'Success' });
        stop();
      });
    }, POLL_MS);
    ws.on('close', stop);
  });
}
