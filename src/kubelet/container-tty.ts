/**
 * A terminal for `tty: true` process-runtime containers without native code: the keeper
 * runs the container under util-linux script(1), which allocates a real pty, copies its
 * own stdin (the container's stdin FIFO) to the pty and the pty's output to its stdout
 * (the container's log). The pty is resized from outside with stty on the slave, which
 * the container's own process holds as fd 0: the kernel then sends it SIGWINCH.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/**
 * Sets the terminal size of the container whose keeper is `keeperPid` (keeper → script →
 * container). Resolves false when there is no such terminal (no TTY, or it has ended).
 */
export async function resizeTerminal(keeperPid: number, cols: number, rows: number): Promise<boolean> {
  const script = firstChild(keeperPid);
  const container = script === undefined ? undefined : firstChild(script);
  if (container === undefined || !Number.isInteger(cols) || !Number.isInteger(rows) || cols <= 0 || rows <= 0) return false;
  return new Promise((resolve) => {
    execFile('stty', ['-F', `/proc/${container}/fd/0`, 'cols', String(cols), 'rows', String(rows)], { timeout: 5000 }, (err) => resolve(!err));
  });
}
