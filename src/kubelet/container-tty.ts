/**
 * A terminal for `tty: true` process-runtime containers without native code: the keeper
 * runs the container under util-linux script(1), which allocates a real pty, copies its
 * own stdin (the container's stdin FIFO) to the pty and the pty's output to its stdout
 * (the container's log). The pty is resized from outside with stty on the slave, which
 * the container's own process holds as fd 0: the kernel then sends it SIGWINCH. An exec
 * with a TTY runs the same way (process-exec.ts), script being the exec'd process.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;

/** argv that runs `argv` on a new pty, of `size` if given (script exits with the command's status: -e). */
export function onTerminal(argv: readonly string[], size?: { cols: number; rows: number }): string[] {
  const setSize = size ? `stty cols ${Math.trunc(size.cols)} rows ${Math.trunc(size.rows)}; ` : '';
  return ['script', '-qfec', `${setSize}exec ${argv.map(quote).join(' ')}`, '/dev/null'];
}

function firstChild(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** A process's argv, NUL-separated as in /proc; undefined once it has ended. */
function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Sets the size of the terminal `pid` holds as fd 0 (the kernel then sends it SIGWINCH); false when it cannot. */
function setSize(pid: number | undefined, cols: number, rows: number): Promise<boolean> {
  if (pid === undefined || !Number.isInteger(cols) || !Number.isInteger(rows) || cols <= 0 || rows <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('stty', ['-F', `/proc/${pid}/fd/0`, 'cols', String(cols), 'rows', String(rows)], { timeout: 5000 }, (err) => resolve(!err));
  });
}

/**
 * Sets the terminal size of the command that script(1) `scriptPid` runs (onTerminal).
 * Resolves false when there is no such terminal (not started yet, or ended).
 */
export function resizeCommandTerminal(scriptPid: number, cols: number, rows: number): Promise<boolean> {
  return setSize(firstChild(scriptPid), cols, rows);
}

/**
 * Sets the terminal size of the container whose keeper is `keeperPid` (keeper → script →
 * container). Resolves false when there is no such terminal (no TTY, or it has ended).
 */
export async function resizeTerminal(keeperPid: number, cols: number, rows: number): Promise<boolean> {
  const script = firstChild(keeperPid);
  return script === undefined ? false : resizeCommandTerminal(script, cols, rows);
}

/**
 * Resolves true once the command of `onTerminal(argv, size)` run by script `scriptPid` has
 * started — the shell in front of it has set the size and exec'd it (its argv no longer
 * holds `shellCommand`, onTerminal's third element), so a size set from then on is not
 * overwritten. Resolves false once `alive()` is false or after `timeoutMs`. Polls /proc.
 */
export async function commandStarted(scriptPid: number, shellCommand: string, alive: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive() && Date.now() < deadline) {
    const child = firstChild(scriptPid);
    const argv = child === undefined ? undefined : cmdline(child);
    if (argv !== undefined && argv !== '' && !argv.includes(shellCommand)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

/**
 * Resolves true once the container whose keeper is `keeperPid` runs on its terminal
 * (keeper → script → a process whose fd 0 is a pty), so a size set from then on reaches it;
 * false after `timeoutMs`. A container reported running may still be on its way there
 * (mount set-up, script's fork): an attach right after its start must wait. Polls /proc.
 */
export async function terminalStarted(keeperPid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const script = firstChild(keeperPid);
    const child = script === undefined ? undefined : firstChild(script);
    try {
      if (child !== undefined && readlinkSync(`/proc/${child}/fd/0`).startsWith('/dev/pts/')) return true;
    } catch {
      // gone, or not there yet
    }
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A resize function that applies each size with `apply`, one after the other in the order
 * given (so the last size wins), none before `ready` has settled. Never rejects.
 */
export function resizesInOrder(apply: (cols: number, rows: number) => Promise<unknown>, ready: Promise<unknown> = Promise.resolve()): (cols: number, rows: number) => void {
  let queue = ready.then(
    () => undefined,
    () => undefined,
  );
  return (cols, rows) => {
    queue = queue.then(() => apply(cols, rows)).then(
      () => undefined,
      () => undefined,
    );
  };
}
