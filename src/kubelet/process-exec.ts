/**
 * Exec into a process-runtime container: a new host process with the container's
 * environment and working directory, run under the same argv prefixes as the container
 * (`wrap`: e.g. nsenter into the pod's network namespace, which execs what follows in
 * place). A TTY comes from util-linux script(1) (container-tty.ts), so no native code is
 * needed; the client's resizes are applied to it as they come.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { commandStarted, onTerminal, resizeCommandTerminal, resizesInOrder } from './container-tty.js';
import { ContainerStartError, type ContainerConfig, type ExecSession, type ExecSyncResult, type PodSandbox } from './runtime.js';

/** Resolves argv[0] like execvp would; undefined when it cannot be executed. */
export function resolveExecutable(cmd: string, env: Record<string, string>, cwd?: string): string | undefined {
  const canExec = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) {
    const p = isAbsolute(cmd) ? cmd : join(cwd ?? process.cwd(), cmd);
    return canExec(p) ? p : undefined;
  }
  const path = env.PATH ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  for (const dir of path.split(delimiter)) {
    if (dir && canExec(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** HOSTNAME as containerd's CRI sets it: the pod's name (the node's with hostNetwork); user env still wins. */
export function podHostname(sb: PodSandbox | undefined): string {
  if (!sb) return '';
  return sb.config.hostNetwork ? hostname() : sb.config.name;
}

/** The environment a container's processes see: its own, plus POD_IP and HOSTNAME. */
export function containerEnv(config: ContainerConfig, sb: PodSandbox | undefined): Record<string, string> {
  return { ...config.env, POD_IP: config.env.POD_IP ?? sb?.ip ?? '', HOSTNAME: config.env.HOSTNAME ?? podHostname(sb) };
}

function signalNumber(sig: NodeJS.Signals): number | undefined {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };
  return table[sig];
}

/** [command, args] of `exe args` run under the prefixes of `wrap` (outermost first). */
function wrapped(wrap: string[][], exe: string, args: string[]): [string, string[]] {
  const [bin, ...rest] = [...wrap.flat(), exe, ...args] as [string, ...string[]];
  return [bin, rest];
}

const killGroup = (child: ChildProcess): void => {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // gone
  }
};

/** Runs a command to completion (probes): exit code and output; killed after `timeoutMs`. */
export function execSyncIn(config: ContainerConfig, sb: PodSandbox | undefined, argv: string[], timeoutMs: number, wrap: string[][] = []): Promise<ExecSyncResult> {
  const env = containerEnv(config, sb);
  const [cmd, ...args] = argv;
  const exe = cmd ? resolveExecutable(cmd, env, config.workingDir) : undefined;
  if (!exe) return Promise.resolve({ exitCode: 126, stdout: '', stderr: `exec: "${cmd ?? ''}": executable file not found in $PATH` });
  return new Promise((resolve) => {
    const [bin, binArgs] = wrapped(wrap, exe, args);
    const child = spawn(bin, binArgs, { env, cwd: config.workingDir || undefined, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => killGroup(child), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: 126, stdout, stderr: err.message });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 137 : 1), stdout, stderr });
    });
  });
}

/** An interactive exec session (kubectl exec, with or without a TTY). */
export function execIn(config: ContainerConfig, sb: PodSandbox | undefined, argv: string[], opts: { tty: boolean }, wrap: string[][] = []): ExecSession {
  const env = { ...containerEnv(config, sb), TERM: opts.tty ? 'xterm' : (config.env.TERM ?? '') };
  const [cmd, ...args] = argv;
  const exe = cmd ? resolveExecutable(cmd, env, config.workingDir) : undefined;
  if (!exe) throw new ContainerStartError(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd ?? ''}": executable file not found in $PATH: unknown`);
  let child: ChildProcess;
  let resize: ExecSession['resize'] = () => {};
  if (opts.tty) {
    // The shell in front of the command sets a default size; the client's sizes follow it, in order.
    const onPty = onTerminal([exe, ...args], { cols: 80, rows: 24 });
    const [bin, binArgs] = wrapped(wrap, onPty[0] as string, onPty.slice(1));
    child = spawn(bin, binArgs, { env, cwd: config.workingDir || undefined, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr?.resume();
    const scriptPid = child.pid;
    if (scriptPid !== undefined) {
      const alive = (): boolean => child.exitCode === null && child.signalCode === null;
      resize = resizesInOrder((cols, rows) => resizeCommandTerminal(scriptPid, cols, rows), commandStarted(scriptPid, onPty[2] as string, alive));
    }
  } else {
    const [bin, binArgs] = wrapped(wrap, exe, args);
    // argv0 only applies to a direct spawn (a wrapper execs the resolved path).
    child = spawn(bin, binArgs, { ...(wrap.length ? {} : { argv0: cmd }), env, cwd: config.workingDir || undefined, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  }
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => resolve(126));
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 9) : 1)));
  });
  return {
    stdin: child.stdin as NodeJS.WritableStream,
    stdout: child.stdout as NodeJS.ReadableStream,
    ...(opts.tty ? {} : { stderr: child.stderr as NodeJS.ReadableStream }),
    resize,
    wait: () => exited,
    kill: () => killGroup(child),
  };
}
