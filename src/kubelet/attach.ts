import { closeSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { parseCriLine } from './log-reader.js';
import { NoStdinError, type ContainerAttach, type Runtime } from './runtime.js';
import { endSession, writeStdin, type StreamChannels } from './stream-channels.js';

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

/** Joins the container's stdin and terminal when the session asks for them; refuses (and ends the session) when it cannot. */
async function joinContainer(io: StreamChannels, runtime: Runtime, target: AttachTarget, q: URLSearchParams): Promise<ContainerAttach | false | undefined> {
  const stdin = q.get('stdin') === 'true';
  if (!stdin && q.get('tty') !== 'true') return undefined;
  const refuse = (why: string, reason = 'BadRequest', code = 400): false => (endSession(io, { status: 'Failure', reason, code, message: `cannot attach to the stdin of container ${target.container} in pod ${target.pod}: ${why}` }), false);
  if (!runtime.attach) return stdin ? refuse(`the ${runtime.name} runtime cannot attach to stdin`) : undefined;
  try {
    return await runtime.attach(target.id, { stdin });
  } catch (err) {
    // No stdin is the client's mistake; anything else (the container just ended, I/O) is ours.
    return err instanceof NoStdinError ? refuse(err.message) : refuse((err as Error).message, 'InternalError', 500);
  }
}

/**
 * `kubectl attach` for a runtime whose containers write to files (the process runtime):
 * what the container writes from now on — read back from its CRI log, so stdout and stderr
 * keep their channels (1, 2; both on 1 with a TTY) — until the container exits (then a
 * Success status) or the client goes away. With `stdin`, the client's input goes to the
 * container's stdin (runtime.attach: the container must have been created with stdin);
 * the client closing stdin or leaving ends this session's hold on it (stdinOnce: for good).
 */
export async function serveAttach(io: StreamChannels, runtime: Runtime, target: AttachTarget, q: URLSearchParams): Promise<void> {
  // From here on, before any input can reach the container and make it answer.
  let offset = fileSize(target.logPath);
  const held = await joinContainer(io, runtime, target, q);
  if (held === false) return;
  io.onInput({ stdin: (d) => held?.stdin && writeStdin(io, held.stdin, d), stdinEnd: () => held?.end(), resize: (cols, rows) => held?.resize(cols, rows) });
  const tty = q.get('tty') === 'true';
  const wantOut = q.get('stdout') !== 'false';
  const wantErr = q.get('stderr') !== 'false';
  const pump = (): void => {
    const got = readLines(target.logPath, offset);
    offset = got.offset;
    for (const line of got.lines) {
      const p = parseCriLine(line);
      if (!p) continue;
      const text = p.content + (p.partial ? '' : '\n');
      if (p.stream === 'stdout' && wantOut) io.send(1, text);
      else if (p.stream === 'stderr' && (tty ? wantOut : wantErr)) io.send(tty ? 1 : 2, text);
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
      held?.end();
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
        endSession(io, { status: 'Success' });
        stop();
      });
    }, POLL_MS);
    io.onClose(stop);
  });
}
