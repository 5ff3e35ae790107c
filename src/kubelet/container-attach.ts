/**
 * Attach to a process-runtime container's stdin and terminal. The keeper made the stdin
 * FIFO and holds it open (process-launch.ts), so an attach session only adds a writer:
 * when the session ends the container's stdin stays open — unless stdinOnce, when the
 * FIFO is unlinked (no later session can open it, even after a kubelet restart) and the
 * keeper is told to let go (SIGUSR1), so the container reads EOF.
 */
import { constants, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { resizesInOrder, resizeTerminal, terminalStarted } from './container-tty.js';
import { NoStdinError, type ContainerAttach } from './runtime.js';

const OPEN_TIMEOUT_MS = 2000;
const OPEN_RETRY_MS = 50;

export interface AttachConfig {
  /** The keeper's PID (it leads the container's process group). */
  keeperPid: number;
  /** The stdin FIFO; undefined when the container was created without stdin. */
  fifo: string | undefined;
  stdin: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
}

/**
 * Opens the FIFO for writing without blocking (O_NONBLOCK: a FIFO nobody reads fails with
 * ENXIO instead of hanging). Retries briefly: a just-started keeper may not have made it yet.
 */
async function openWriter(fifo: string): Promise<Socket> {
  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  for (;;) {
    try {
      const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      return new Socket({ fd, readable: false, writable: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENXIO') || Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, OPEN_RETRY_MS));
  }
}

/** One attach session's hold on the container: rejects with NoStdinError when stdin is asked for and there is none. */
export async function attachContainer(cfg: AttachConfig): Promise<ContainerAttach> {
  let writer: Socket | undefined;
  if (cfg.stdin) {
    if (!cfg.fifo) throw new NoStdinError('the process runtime starts containers with stdin from /dev/null unless they set stdin: true');
    try {
      writer = await openWriter(cfg.fifo);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new NoStdinError(cfg.stdinOnce ? 'its stdin was closed when the first attach session ended (stdinOnce)' : 'its stdin is gone');
    }
    // The container stopped reading (EPIPE): what is left of the input has nowhere to go.
    writer.on('error', () => writer?.destroy());
  }
  let ended = false;
  // One after the other, so the last size wins (kubectl sends two at once on attach), and
  // only once the container is on its terminal: `kubectl debug -it` attaches right after the start.
  const resize = resizesInOrder((cols, rows) => resizeTerminal(cfg.keeperPid, cols, rows), cfg.tty ? terminalStarted(cfg.keeperPid) : undefined);
  return {
    ...(writer ? { stdin: writer } : {}),
    end: () => {
      if (ended || !writer) return;
      ended = true;
      if (cfg.stdinOnce && cfg.fifo) {
        rmSync(cfg.fifo, { force: true });
        try {
          process.kill(cfg.keeperPid, 'SIGUSR1');
        } catch {
          // the keeper is gone, and the container's stdin with it
        }
      }
      writer.end();
    },
    resize: (cols, rows) => {
      if (cfg.tty) resize(cols, rows);
    },
  };
}
