import type { Socket } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ContainerStartError,
  type ContainerConfig,
  type ContainerStatus,
  type ExecSession,
  type ExecSyncResult,
  type PodSandbox,
  type PodSandboxConfig,
  type Runtime,
} from './runtime.js';

export interface ProcessRuntimeConfig {
  /** Loopback addresses are 127.<base>.y.z (default 127.1.0.2 upwards). */
  loopbackBase?: number;
  hostIP?: string;
  now?: () => number;
}

interface Container {
  status: ContainerStatus;
  config: ContainerConfig;
  child?: ChildProcess;
  log?: WriteStream;
  exited?: Promise<void>;
}

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

/** Appends CRI-format lines (`<RFC3339Nano> <stream> F <line>`) to a log file. */
function pipeCriLog(src: NodeJS.ReadableStream, stream: 'stdout' | 'stderr', out: WriteStream): void {
  let partial = '';
  src.setEncoding('utf8');
  src.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    const ts = new Date().toISOString().replace('Z', '000000Z');
    for (const line of parts) out.write(`${ts} ${stream} F ${line}\n`);
  });
  src.on('end', () => {
    if (partial) out.write(`${new Date().toISOString().replace('Z', '000000Z')} ${stream} P ${partial}\n`);
  });
}

/** HOSTNAME as containerd's CRI sets it: the pod's name (the node's with hostNetwork); user env still wins. */
function podHostname(sb: PodSandbox | undefined): string {
  if (!sb) return '';
  return sb.config.hostNetwork ? hostname() : sb.config.name;
}

/**
 * The `process` runtime, unprivileged path: each container is a host process in its own
 * process group; each sandbox gets a distinct loopback address 127.x.y.z (exposed to the
 * container as POD_IP / SKIFF_POD_IP so it can bind there). There is no network, mount,
 * or cgroup isolation — limitations() says so, and the kubelet reports it as an Event.
 */
export class ProcessRuntime implements Runtime {
  readonly name = 'process';
  readonly version = '0.1.0';
  private readonly sandboxes = new Map<string, PodSandbox>();
  private readonly containers = new Map<string, Container>();
  private readonly listeners: Array<(s: ContainerStatus) => void> = [];
  private readonly freeIps: string[] = [];
  private nextIp: number;
  private readonly base: number;
  private readonly now: () => number;
  private readonly hostIP: string;

  constructor(config: ProcessRuntimeConfig = {}) {
    this.base = config.loopbackBase ?? 1;
    this.nextIp = 2;
    this.now = config.now ?? Date.now;
    this.hostIP = config.hostIP ?? '127.0.0.1';
  }

  limitations(): string[] {
    return [
      'process runtime without root: no network namespace (pods get a loopback address 127.x.y.z), no mount namespace (volumes are not mounted at their mountPaths), no cgroup (CPU and memory limits are not enforced)',
    ];
  }

  private allocateIp(): string {
    const reused = this.freeIps.shift();
    if (reused) return reused;
    const n = this.nextIp++;
    if (n >= 256 * 256) throw new Error('loopback pod addresses exhausted');
    return `127.${this.base}.${Math.floor(n / 256)}.${n % 256}`;
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<PodSandbox> {
    const sb: PodSandbox = { id: randomBytes(16).toString('hex'), config, ip: config.hostNetwork ? this.hostIP : this.allocateIp(), state: 'ready', createdAt: this.now() };
    this.sandboxes.set(sb.id, sb);
    return sb;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    const mine = [...this.containers.values()].filter((c) => c.status.sandboxId === id);
    await Promise.all(mine.map((c) => this.stopContainer(c.status.id, 0)));
    if (sb.state === 'ready' && !sb.config.hostNetwork) this.freeIps.push(sb.ip);
    sb.state = 'notready';
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.stopPodSandbox(id);
    for (const c of [...this.containers.values()]) if (c.status.sandboxId === id) this.containers.delete(c.status.id);
    this.sandboxes.delete(id);
  }

  async listPodSandboxes(): Promise<PodSandbox[]> {
    return [...this.sandboxes.values()];
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    if (!this.sandboxes.has(sandboxId)) throw new Error(`sandbox ${sandboxId} not found`);
    const id = randomBytes(16).toString('hex');
    this.containers.set(id, {
      config,
      status: { id, sandboxId, name: config.name, image: config.image, state: 'created', createdAt: this.now(), logPath: config.logPath, labels: config.labels },
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id} not found`);
    const sb = this.sandboxes.get(c.status.sandboxId);
    const [cmd, ...args] = c.config.argv;
    if (!cmd) throw new ContainerStartError('no command specified (the process runtime does not read image entrypoints)');
    const env = { ...c.config.env, POD_IP: c.config.env.POD_IP ?? sb?.ip ?? '', SKIFF_POD_IP: sb?.ip ?? '', HOSTNAME: c.config.env.HOSTNAME ?? podHostname(sb) };
    const exe = resolveExecutable(cmd, env, c.config.workingDir);
    if (!exe) throw new ContainerStartError(`failed to start container "${c.config.name}": exec: "${cmd}": executable file not found in $PATH`);
    mkdirSync(dirname(c.config.logPath), { recursive: true });
    const log = createWriteStream(c.config.logPath, { flags: 'a' });
    let child: ChildProcess;
    try {
      child = spawn(exe, args, { argv0: cmd, env, cwd: c.config.workingDir || undefined, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      log.end();
      throw new ContainerStartError(`failed to start container "${c.config.name}": ${(err as Error).message}`);
    }
    c.child = child;
    c.log = log;
    c.status.state = 'running';
    c.status.startedAt = this.now();
    c.status.pid = child.pid;
    if (child.stdout) pipeCriLog(child.stdout, 'stdout', log);
    if (child.stderr) pipeCriLog(child.stderr, 'stderr', log);
    c.exited = new Promise<void>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, message?: string): void => {
        if (done) return;
        done = true;
        c.status.state = 'exited';
        c.status.finishedAt = this.now();
        // As a shell reports it: 128 + signal number for a signal death.
        c.status.exitCode = code ?? (signal ? 128 + (signalNumber(signal) ?? 9) : 1);
        c.status.reason = c.status.exitCode === 0 ? 'Completed' : 'Error';
        if (message) c.status.message = message;
        // Report the exit only once the log is on disk, so logs of a finished container are complete.
        log.end(() => {
          resolve();
          for (const l of this.listeners) l({ ...c.status });
        });
      };
      child.once('error', (err) => finish(128, null, err.message));
      child.once('close', (code, signal) => finish(code, signal));
    });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running' || !c.child?.pid) return;
    const pgid = c.child.pid;
    const kill = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pgid, sig);
      } catch {
        // group already gone
      }
    };
    if (timeoutSeconds > 0) {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), timeoutSeconds * 1000);
      await c.exited;
      clearTimeout(timer);
    } else {
      kill('SIGKILL');
      await c.exited;
    }
    // Children the container left behind in its group go too.
    kill('SIGKILL');
  }

  async removeContainer(id: string): Promise<void> {
    await this.stopContainer(id, 0);
    this.containers.delete(id);
  }

  async listContainers(filter: { sandboxId?: string } = {}): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((c) => !filter.sandboxId || c.status.sandboxId === filter.sandboxId).map((c) => ({ ...c.status }));
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(id);
    return c ? { ...c.status } : undefined;
  }

  async execSync(id: string, argv: string[], timeoutMs: number): Promise<ExecSyncResult> {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running') throw new Error(`container ${id} is not running`);
    const sb = this.sandboxes.get(c.status.sandboxId);
    const env = { ...c.config.env, POD_IP: c.config.env.POD_IP ?? sb?.ip ?? '', HOSTNAME: c.config.env.HOSTNAME ?? podHostname(sb) };
    const [cmd, ...args] = argv;
    const exe = cmd ? resolveExecutable(cmd, env, c.config.workingDir) : undefined;
    if (!exe) return { exitCode: 126, stdout: '', stderr: `exec: "${cmd ?? ''}": executable file not found in $PATH` };
    return new Promise((resolve) => {
      const child = spawn(exe, args, { env, cwd: c.config.workingDir || undefined, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, timeoutMs);
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

  async exec(id: string, argv: string[], opts: { tty: boolean }): Promise<ExecSession> {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running') throw new Error(`container not running (${id})`);
    const sb = this.sandboxes.get(c.status.sandboxId);
    const env = { ...c.config.env, POD_IP: c.config.env.POD_IP ?? sb?.ip ?? '', HOSTNAME: c.config.env.HOSTNAME ?? podHostname(sb), TERM: opts.tty ? 'xterm' : (c.config.env.TERM ?? '') };
    const [cmd, ...args] = argv;
    const exe = cmd ? resolveExecutable(cmd, env, c.config.workingDir) : undefined;
    if (!exe) throw new ContainerStartError(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd ?? ''}": executable file not found in $PATH: unknown`);
    let child: ChildProcess;
    let size = { cols: 80, rows: 24 };
    if (opts.tty) {
      // A real pseudo-terminal without native code: util-linux script(1) allocates one.
      const quoted = [exe, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      const sizeCmd = () => `stty cols ${size.cols} rows ${size.rows} 2>/dev/null; `;
      child = spawn('script', ['-qfec', `${sizeCmd()}exec ${quoted}`, '/dev/null'], { env, cwd: c.config.workingDir || undefined, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      child.stderr?.resume();
    } else {
      child = spawn(exe, args, { argv0: cmd, env, cwd: c.config.workingDir || undefined, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    }
    const exited = new Promise<number>((resolve) => {
      child.once('error', () => resolve(126));
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 9) : 1)));
    });
    return {
      stdin: child.stdin as NodeJS.WritableStream,
      stdout: child.stdout as NodeJS.ReadableStream,
      ...(opts.tty ? {} : { stderr: child.stderr as NodeJS.ReadableStream }),
      resize: (cols, rows) => {
        size = { cols, rows };
      },
      wait: () => exited,
      kill: () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      },
    };
  }

  onContainerEvent(fn: (status: ContainerStatus) => void): void {
    this.listeners.push(fn);
  }

  /** Kills every container (used when the kubelet is stopped with killPods). */
  async close(): Promise<void> {
    for (const sb of [...this.sandboxes.keys()]) await this.removePodSandbox(sb);
  }

  release(): void {
    for (const c of this.containers.values()) {
      c.child?.unref();
      // The stdio pipes are net.Sockets; their handles would keep the process alive.
      for (const pipe of [c.child?.stdout, c.child?.stderr]) (pipe as Partial<Socket> | null | undefined)?.unref?.();
    }
  }
}

function signalNumber(sig: NodeJS.Signals): number | undefined {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };
  return table[sig];
}
