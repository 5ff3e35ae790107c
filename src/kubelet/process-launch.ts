/**
 * How the process runtime starts a container so that it outlives the kubelet: a small
 * `sh` keeper leads the container's process group, sends its output to plain files and,
 * when the container ends, writes its exit status to a file. The kubelet holds no pipe
 * to it, so a kubelet restart neither kills the container nor loses its exit code.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { onTerminal } from './container-tty.js';
import type { KeeperBind, KeeperProcess, KeeperStarter } from './keeper-spawner.js';

export interface ContainerFiles {
  stdout: string;
  stderr: string;
  /** Written with the exit status (as `$?`: 128 + signal for a signal death). */
  exit: string;
  /** A FIFO the keeper makes and holds open as the container's stdin (spec.stdin); none: /dev/null. */
  stdin?: string;
}

// The keeper survives the SIGTERM sent to the group (its trap is a no-op; a trapped
// signal, unlike an ignored one, is reset to default in the container), waits again
// until the container is really gone, then records the status. SIGKILL takes the keeper
// too; no exit file then means 137.
// Before anything else it joins the container's cgroups (so the container inherits them);
// if it cannot, the container does not run unconstrained: it ends with status 128.
// Then it evaluates the container's setup script, if it has one (the mount namespace's
// view, mount-namespace.ts) — in this same shell: one process image less per container start.
// A stdin FIFO is held open by the keeper (fd 4, read-write so opening never blocks), so
// the container sees EOF only once SIGUSR1 tells the keeper to let go (stdinOnce).
const KEEPER = [
  'o=$1 e=$2 x=$3 i=$4 s=$5 n=$6; shift 6',
  'rec() { echo "$1" >"$x.tmp" && mv "$x.tmp" "$x"; }',
  'while [ "$n" -gt 0 ]; do',
  '  echo $$ 2>>"$e" >"$1" || { echo "skiff: cannot join cgroup $1" >>"$e"; rec 128; exit 128; }',
  '  shift; n=$((n - 1))',
  'done',
  'if [ "$s" != - ]; then eval "$s"; fi',
  '[ "$i" = /dev/null ] || { rm -f "$i" && mkfifo -m 600 "$i"; } 2>>"$e" || { rec 128; exit 128; }',
  'exec 4<>"$i"',
  "trap ':' TERM INT HUP",
  "trap 'exec 4>&-' USR1",
  '"$@" >>"$o" 2>>"$e" <"$i" 4>&- &',
  'p=$!',
  'while :; do wait "$p"; c=$?; kill -0 "$p" 2>/dev/null || break; done',
  'rec "$c"',
].join('\n');

/**
 * Starts the keeper; `cgroupProcs` are the cgroup.procs files it joins before starting the
 * container, `setup` a script's text it evaluates after that (set -e, its own failure handling).
 * `wrap` are argv prefixes the keeper runs under, outermost first (e.g. nsenter into the
 * pod's network namespace); each must exec its command in place, so the keeper
 * keeps the PID and process group the runtime knows. With a `spawner`, the fork and exec
 * happen elsewhere than the calling thread (keeper-launcher.ts, keeper-spawner.ts).
 */
export async function launchContainer(exe: string, args: string[], opts: { env: Record<string, string>; cwd?: string; files: ContainerFiles; cgroupProcs?: string[]; setup?: string; binds?: readonly KeeperBind[]; wrap?: string[][]; tty?: boolean; spawner?: KeeperStarter }): Promise<KeeperProcess> {
  const { stdout, stderr, exit, stdin = '/dev/null' } = opts.files;
  const procs = opts.cgroupProcs ?? [];
  const prefix = (opts.wrap ?? []).flat();
  const argv = opts.tty ? onTerminal([exe, ...args]) : [exe, ...args];
  const file = prefix[0] ?? '/bin/sh';
  const keeperArgs = [...prefix.slice(1), ...(prefix.length ? ['/bin/sh'] : []), '-c', KEEPER, 'skiff-keeper', stdout, stderr, exit, stdin, opts.setup ?? '-', String(procs.length), ...procs, ...argv];
  const options = { env: opts.env, cwd: opts.cwd || undefined, detached: true, stdio: 'ignore' } as const;
  return opts.spawner ? opts.spawner.spawn(file, keeperArgs, { ...options, ...(opts.binds ? { binds: opts.binds } : {}) }) : spawn(file, keeperArgs, options);
}

/** The exit status the keeper recorded; 137 (SIGKILL) when it could not record one. */
export function recordedExitCode(files: ContainerFiles): number {
  try {
    const n = Number.parseInt(readFileSync(files.exit, 'utf8').trim(), 10);
    return Number.isInteger(n) ? n : 137;
  } catch {
    return 137;
  }
}

/** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), to tell a reused PID apart. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

/** True while `pid` is the very process that was started (same start time) and not a zombie. */
export function isSameProcessAlive(pid: number, startTime: string | undefined): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[0] !== 'Z' && rest[0] !== 'X' && (startTime === undefined || rest[19] === startTime);
  } catch {
    return false;
  }
}

/** Signals a keeper's process group (the container and what it started); gone already is fine. */
export function killGroup(pgid: number, sig: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // group already gone
  }
}
