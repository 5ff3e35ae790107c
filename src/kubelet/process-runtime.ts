import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { oomKilled, openCgroups, procsFiles, removeCgroup, type Cgroups } from './cgroups.js';
import { attachContainer } from './container-attach.js';
import { readContainerStats } from './container-stats.js';
import { CriLogTailer, DEFAULT_LOG_ROTATION } from './cri-log-tailer.js';
import { containerEnv, execIn, execSyncIn, resolveExecutable } from './process-exec.js';
import { KeeperSpawner, type KeeperProcess, type KeeperStarter } from './keeper-spawner.js';
import { BASH, KeeperLauncher } from './keeper-launcher.js';
import { isSameProcessAlive, killGroup, launchContainer, processStartTime, recordedExitCode } from './process-launch.js';
import { LoopbackAddresses } from './loopback-ipam.js';
import { describeLimitations } from './process-limitations.js';
import { RuntimeStateDir } from './process-state.js';
import { setUpContainer } from './container-setup.js';
import { traceStart } from './start-trace.js';
import { PerlKeeperLauncher } from './perl-launcher.js';
import { ContainerPrivileges } from './process-privileges.js';
import { ContainerMountNamespaces, resolveInContainer } from './mount-namespace.js';
import { netnsExists, netnsWrap, PodNetwork, removeNetns } from './pod-network.js';
import { filesOf, type Container, type ProcessRuntimeConfig } from './process-runtime-config.js';
import {
  ContainerStartError,
  type ContainerConfig,
  type ContainerStats,
  type ContainerStatus,
  type ExecSession,
  type ExecSyncResult,
  type PodSandbox,
  type PodSandboxConfig,
  type Runtime,
} from './runtime.js';

const ADOPTED_POLL_MS = 250;
const OFFSET_SAVE_MS = 1000;

export type { ProcessRuntimeConfig } from './process-runtime-config.js';

/**
 * The `process` runtime: each container is a host process in its own process group,
 * started by a keeper (see process-launch.ts) so it survives a kubelet restart. Each
 * sandbox gets its own IP (exposed to the container as POD_IP / SKIFF_POD_IP): as root with
 * `podNetwork`, its own network namespace on a node bridge (pod-network.ts), which the
 * containers and execs enter; otherwise a distinct loopback address 127.x.y.z. With a
 * `stateDir`, a new runtime finds the sandboxes and containers an earlier one left running.
 * As root, each container also gets its own cgroup enforcing its CPU and memory limits
 * (cgroups.ts). What is missing here (no root…) limitations() says, and the kubelet reports it.
 */
export class ProcessRuntime implements Runtime {
  readonly name = 'process';
  readonly version = '0.2.0';
  private readonly sandboxes = new Map<string, PodSandbox>();
  private readonly containers = new Map<string, Container>();
  private readonly listeners: Array<(s: ContainerStatus) => void> = [];
  private readonly loopback: LoopbackAddresses;
  private readonly now: () => number;
  private readonly hostIP: string;
  private readonly state: RuntimeStateDir;
  private readonly cgroups: Cgroups | undefined;
  /** Why containers get no cgroup (not root, no writable hierarchy…). */
  private readonly noCgroups: string | undefined;
  /** Pod network namespaces on a bridge (root, podNetwork configured); none: loopback addresses. */
  private readonly network: PodNetwork | undefined;
  private readonly stateDir: string | undefined;
  private readonly mountNs: ContainerMountNamespaces;
  /** securityContext users, groups, capabilities: a setpriv prefix before the container's command (process-privileges.ts). */
  private readonly privileges: ContainerPrivileges;
  private readonly logRotation: { maxBytes: number; maxFiles: number };
  /** Keepers start from a bash launcher (cheap forks, keeper-launcher.ts); without bash, from a worker thread. */
  private readonly spawner: KeeperStarter = PerlKeeperLauncher.available() ? new PerlKeeperLauncher() : existsSync(BASH) ? new KeeperLauncher() : new KeeperSpawner();

  constructor(config: ProcessRuntimeConfig = {}) {
    this.loopback = new LoopbackAddresses(config.loopbackBase ?? 1);
    this.now = config.now ?? Date.now;
    this.hostIP = config.hostIP ?? '127.0.0.1';
    this.state = new RuntimeStateDir(config.stateDir);
    const found = config.cgroups === undefined ? openCgroups() : config.cgroups ? { cgroups: config.cgroups } : { unavailable: 'disabled by configuration' };
    this.cgroups = 'cgroups' in found ? found.cgroups : undefined;
    this.noCgroups = 'unavailable' in found ? found.unavailable : undefined;
    this.stateDir = config.stateDir;
    this.privileges = config.privileges ?? new ContainerPrivileges();
    const rot = config.logRotation ?? DEFAULT_LOG_ROTATION;
    this.logRotation = { maxBytes: rot.maxBytes < 0 ? Infinity : rot.maxBytes, maxFiles: rot.maxFiles };
    this.mountNs = new ContainerMountNamespaces(config.stateDir ? join(config.stateDir, 'mounts') : join(tmpdir(), `skiff-mounts-${process.pid}`), config.mountNamespaces);
    if (config.podNetwork && process.getuid?.() === 0) this.network = new PodNetwork(config.podNetwork, config.stateDir);
    this.restore();
  }

  /** The node's pod range when pods get their own network namespaces, else undefined. */
  get podCidr(): string | undefined {
    return this.network?.podCidr;
  }

  limitations(): string[] {
    return [...describeLimitations({ network: this.network?.describe(), noMounts: this.mountNs.unavailable(), cgroups: this.cgroups?.describe(), noCgroups: this.noCgroups }), this.privileges.describe()];
  }

  /** Takes back what an earlier runtime on this state dir left: running keepers are watched again, ended ones are finished. */
  private restore(): void {
    const { sandboxes, containers } = this.state.load();
    for (const sb of sandboxes) {
      this.sandboxes.set(sb.id, sb);
      if (sb.state === 'ready' && !sb.netns) this.loopback.reserve(sb.ip);
      // Its namespace is gone (the machine rebooted): the pod needs a new sandbox.
      if (sb.netns && sb.state === 'ready' && !netnsExists(sb.netns)) sb.state = 'notready';
      if (sb.netns && sb.state === 'ready') this.network?.reserve(sb.ip);
    }
    for (const rec of containers) {
      if (!this.sandboxes.has(rec.status.sandboxId)) {
        // Its sandbox was removed (e.g. `skiff killall` while a kubelet still ran and restarted
        // it): nobody can stop it through a pod any more, so it is stopped, not forgotten.
        if (rec.status.state === 'running' && isSameProcessAlive(rec.status.pid ?? 0, rec.startTime)) killGroup(rec.status.pid!);
        this.state.removeContainer(rec.status.id);
        continue;
      }
      const c: Container = { ...rec };
      this.containers.set(rec.status.id, c);
      if (rec.status.state !== 'running') {
        // Ended while its cgroup was being removed: finish the removal.
        if (c.cgroup) c.exited = this.dropCgroup(c);
        continue;
      }
      this.follow(c, rec.logOffsets ?? [0, 0]);
      c.exited = new Promise<void>((resolve) => {
        const check = (): void => {
          if (isSameProcessAlive(rec.status.pid ?? 0, rec.startTime)) return;
          clearInterval(c.poll);
          this.finish(c, resolve);
        };
        c.poll = setInterval(check, ADOPTED_POLL_MS);
        check();
      });
    }
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<PodSandbox> {
    const id = randomBytes(16).toString('hex');
    const net = !config.hostNetwork && this.network ? await this.network.attach(id) : undefined;
    const sb: PodSandbox = { id, config, ip: config.hostNetwork ? this.hostIP : (net?.ip ?? this.loopback.allocate()), state: 'ready', createdAt: this.now(), ...(net ? { netns: net.netns } : {}) };
    this.sandboxes.set(sb.id, sb);
    this.state.saveSandbox(sb);
    return sb;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    const mine = [...this.containers.values()].filter((c) => c.status.sandboxId === id);
    await Promise.all(mine.map((c) => this.stopContainer(c.status.id, 0)));
    // The pod's network namespace goes with it (idempotent: a removal after a failed stop retries).
    if (sb.netns) await (this.network ? (sb.state === 'ready' ? this.network.detach(sb.netns, sb.ip) : removeNetns(sb.netns)) : removeNetns(sb.netns));
    else if (sb.state === 'ready' && !sb.config.hostNetwork) this.loopback.release(sb.ip);
    sb.state = 'notready';
    this.state.saveSandbox(sb);
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.stopPodSandbox(id);
    for (const c of [...this.containers.values()]) if (c.status.sandboxId === id) await this.removeContainer(c.status.id);
    this.sandboxes.delete(id);
    this.state.removeSandbox(id);
  }

  async listPodSandboxes(): Promise<PodSandbox[]> {
    return [...this.sandboxes.values()];
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) throw new Error(`sandbox ${sandboxId} not found`);
    this.privileges.check(sb.config, config);
    const id = randomBytes(16).toString('hex');
    const c: Container = {
      config,
      status: { id, sandboxId, name: config.name, image: config.image, state: 'created', createdAt: this.now(), logPath: config.logPath, labels: config.labels },
    };
    this.containers.set(id, c);
    this.save(c);
    return id;
  }

  /**
   * A start that failed leaves the container exited with 128 and reason StartError, never
   * having started (startedAt 0), as containerd records it: the kubelet's restart policy
   * and back-off then apply as to any exit.
   */
  private failStart(c: Container, message: string): never {
    Object.assign(c.status, { state: 'exited', exitCode: 128, reason: 'StartError', message, startedAt: 0, finishedAt: this.now() });
    this.save(c);
    throw new ContainerStartError(message);
  }

  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id} not found`);
    const sb = this.sandboxes.get(c.status.sandboxId);
    const [cmd, ...args] = c.config.argv;
    if (!cmd) throw new ContainerStartError('no command specified (the process runtime does not read image entrypoints)');
    const env = { ...containerEnv(c.config, sb), SKIFF_POD_IP: sb?.ip ?? '' };
    const mounts = this.mountNs.uses(c.config.mounts) ? c.config.mounts : undefined;
    const exe = mounts ? resolveInContainer(cmd, env, c.config.workingDir, mounts) : resolveExecutable(cmd, env, c.config.workingDir);
    if (!exe) this.failStart(c, `failed to start container "${c.config.name}": exec: "${cmd}": executable file not found in $PATH`);
    mkdirSync(dirname(c.config.logPath), { recursive: true });
    const files = filesOf(c);
    for (const f of Object.values(files)) rmSync(f, { force: true });
    const tk = c.config.labels['io.kubernetes.pod.name'] ?? '';
    // Innermost, so every wrapper before it still runs as the keeper's user.
    const argv = [...this.privileges.prefix(sb?.config, c.config), exe, ...args];
    const { ns, cgroup } = setUpContainer(this.mountNs, this.cgroups, { id, name: c.config.name, pod: { name: tk, uid: sb?.config.uid || c.status.sandboxId }, argv, files, ...(mounts ? { mounts } : {}), ...(c.config.workingDir ? { workingDir: c.config.workingDir } : {}), limits: c.config.resources ?? {} });
    if (cgroup) c.cgroup = cgroup;
    let child: KeeperProcess;
    try {
      const [bin, ...binArgs] = ns?.argv ?? argv;
      child = await launchContainer(bin as string, binArgs, { spawner: this.spawner, env, ...(c.config.workingDir && !ns ? { cwd: c.config.workingDir } : {}), files, ...(c.cgroup ? { cgroupProcs: procsFiles(c.cgroup) } : {}), ...(ns ? { setup: ns.setup, ...(ns.binds ? { binds: ns.binds } : {}) } : {}), wrap: [...this.wrapOf(sb), ...(ns ? [ns.keeperPrefix] : [])], ...(c.config.tty ? { tty: true } : {}) });
      // Removed (runtime closing) while the keeper was starting: it must not outlive its record.
      if (this.containers.get(id) !== c) {
        if (child.pid !== undefined) killGroup(child.pid);
        throw new Error('it was removed while starting');
      }
    } catch (err) {
      await this.dropCgroup(c);
      this.failStart(c, `failed to start container "${c.config.name}": ${(err as Error).message}`);
    }
    traceStart(tk, 'spawned');
    c.child = child;
    c.status.state = 'running';
    c.status.startedAt = this.now();
    if (child.pid !== undefined) c.status.pid = child.pid;
    const startTime = child.pid !== undefined ? processStartTime(child.pid) : undefined;
    if (startTime !== undefined) c.startTime = startTime;
    this.follow(c, [0, 0]);
    c.exited = new Promise<void>((resolve) => {
      child.once('error', () => this.finish(c, resolve));
      child.once('exit', () => this.finish(c, resolve));
    });
    this.save(c);
    if (ns) await this.mountNs.waitReady(id, () => c.status.state === 'running');
    traceStart(tk, 'ready');
  }

  /** Converts the container's raw output into its CRI log as it comes. */
  private follow(c: Container, offsets: [number, number]): void {
    const files = filesOf(c);
    let savedAt = 0;
    c.tailer = new CriLogTailer(
      [
        { path: files.stdout, stream: 'stdout', offset: offsets[0] },
        { path: files.stderr, stream: 'stderr', offset: offsets[1] },
      ],
      c.config.logPath,
      (o) => {
        c.logOffsets = [o[0] ?? 0, o[1] ?? 0];
        if (this.now() - savedAt < OFFSET_SAVE_MS) return;
        savedAt = this.now();
        this.save(c);
      },
      this.logRotation,
    );
    c.tailer.start();
  }

  /**
   * The keeper is gone: the last output goes to the log, then the exit is reported (so the
   * logs of a finished container are complete); `resolve` once its cgroup is gone too.
   */
  private finish(c: Container, resolve: () => void): void {
    if (c.status.state !== 'running') return resolve();
    const files = filesOf(c);
    c.tailer?.flush(true);
    c.tailer?.stop();
    c.status.state = 'exited';
    c.status.finishedAt = this.now();
    c.status.exitCode = recordedExitCode(files);
    c.status.reason = c.status.exitCode === 0 ? 'Completed' : 'Error';
    // Killed (137) by the kernel for its memory limit, as Kubernetes reports it.
    if (c.status.exitCode === 137 && c.cgroup && oomKilled(c.cgroup)) c.status.reason = 'OOMKilled';
    if (c.tailer) c.logOffsets = [0, 0];
    for (const f of Object.values(files)) rmSync(f, { force: true });
    this.save(c);
    for (const l of this.listeners) l({ ...c.status });
    void this.dropCgroup(c).then(resolve);
  }

  /** Removes the container's cgroup (killing what is left in it) and forgets it. */
  private async dropCgroup(c: Container): Promise<void> {
    const cg = c.cgroup;
    if (!cg) return;
    if (!(await removeCgroup(cg))) return;
    if (c.cgroup !== cg) return;
    delete c.cgroup;
    this.save(c);
  }

  private save(c: Container): void {
    // A removed container stays removed, whatever finishes after.
    if (this.containers.get(c.status.id) !== c) return;
    const { status, config, startTime, logOffsets, cgroup } = c;
    this.state.saveContainer({ status, config, ...(startTime ? { startTime } : {}), ...(logOffsets ? { logOffsets } : {}), ...(cgroup ? { cgroup } : {}) });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running' || !c.status.pid) return;
    const pgid = c.status.pid;
    const kill = (sig: NodeJS.Signals): void => killGroup(pgid, sig);
    if (timeoutSeconds > 0) {
      kill('SIGTERM');
      // Not holding the kubelet's process open: pods outlive it, and the next one finishes the stop.
      const timer = setTimeout(() => kill('SIGKILL'), timeoutSeconds * 1000).unref();
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
    await this.containers.get(id)?.exited;
    this.containers.delete(id);
    this.state.removeContainer(id);
    this.mountNs.remove(id);
  }

  async listContainers(filter: { sandboxId?: string } = {}): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((c) => !filter.sandboxId || c.status.sandboxId === filter.sandboxId).map((c) => ({ ...c.status }));
  }

  /** CRI ListContainerStats: each running container's cgroup, or its process tree without one (container-stats.ts). */
  async listContainerStats(): Promise<ContainerStats[]> {
    const running = [...this.containers.values()].filter((c) => c.status.state === 'running' && c.status.pid);
    return readContainerStats(running.map((c) => ({ id: c.status.id, pid: c.status.pid as number, ...(c.cgroup ? { cgroup: c.cgroup } : {}) })), this.now);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(id);
    return c ? { ...c.status } : undefined;
  }

  async execSync(id: string, argv: string[], timeoutMs: number): Promise<ExecSyncResult> {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running') throw new Error(`container ${id} is not running`);
    const sb = this.sandboxes.get(c.status.sandboxId);
    const x = this.execPlan(c, sb, argv);
    return execSyncIn(x.config, sb, x.argv, timeoutMs, x.wrap);
  }

  async exec(id: string, argv: string[], opts: { tty: boolean }): Promise<ExecSession> {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running') throw new Error(`container not running (${id})`);
    const sb = this.sandboxes.get(c.status.sandboxId);
    const x = this.execPlan(c, sb, argv);
    return execIn(x.config, sb, x.argv, opts, x.wrap);
  }

  /** Joins the container's stdin FIFO and terminal (container-attach.ts). */
  async attach(id: string, opts: { stdin: boolean }) {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running' || !c.status.pid) throw new Error(`container not running (${id})`);
    return attachContainer({ keeperPid: c.status.pid, fifo: filesOf(c).stdin, stdin: opts.stdin, ...(c.config.stdinOnce ? { stdinOnce: true } : {}), ...(c.config.tty ? { tty: true } : {}) });
  }

  /** An exec into a namespaced container enters its mount namespace and root (the command is resolved there). */
  private execPlan(c: Container, sb: PodSandbox | undefined, command: string[]): { config: ContainerConfig; argv: string[]; wrap: string[][] } {
    // An exec runs with the container's users and capabilities, as in upstream.
    const argv = [...this.privileges.prefix(sb?.config, c.config), ...command];
    if (!this.mountNs.uses(c.config.mounts) || !c.status.pid) return { config: c.config, argv, wrap: this.wrapOf(sb) };
    const [nsenter, ...rest] = this.mountNs.execPrefix(c.status.id, c.status.pid, c.config.workingDir);
    return { config: { ...c.config, workingDir: '' }, argv: [nsenter as string, ...rest, ...argv], wrap: this.wrapOf(sb) };
  }

  /** The argv prefixes a container and its execs run under: into the pod's network namespace, if it has one. */
  private wrapOf(sb: PodSandbox | undefined): string[][] {
    return sb?.netns ? [netnsWrap(sb.netns)] : [];
  }

  onContainerEvent(fn: (status: ContainerStatus) => void): void {
    this.listeners.push(fn);
  }

  /** Kills every container and removes the pods' networks and the node bridge (kubelet stopped with killPods, skiff killall). */
  async close(): Promise<void> {
    for (const sb of [...this.sandboxes.keys()]) await this.removePodSandbox(sb);
    await (this.network ?? PodNetwork.saved(this.stateDir))?.teardownNode();
  }

  /**
   * Hands the running containers to a successor (a restarted kubelet): log offsets are
   * saved, this runtime stops watching, and nothing it holds keeps the process alive.
   */
  release(): void {
    for (const c of this.containers.values()) {
      c.tailer?.flush();
      c.tailer?.stop();
      c.child?.removeAllListeners('exit').removeAllListeners('error').unref();
      clearInterval(c.poll);
      if (c.status.state === 'running') this.save(c);
    }
  }
}
