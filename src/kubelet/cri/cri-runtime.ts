import {
  ContainerStartError,
  ImagePullError,
  NoStdinError,
  type ContainerAttach,
  type ContainerConfig,
  type ContainerStats,
  type ContainerStatus,
  type ExecSession,
  type ExecSyncResult,
  type PodSandbox,
  type PodSandboxConfig,
  type Runtime,
} from '../runtime.js';
import { CriClient, CriError, type CriCaller } from './client.js';
import { criEndpointProblem } from './endpoint.js';
import { openAttachSession, openExecSession } from './cri-streams.js';
import { removePodCgroups } from './pod-cgroups.js';
import { criContainerRequest, imageUserOf } from './container-request.js';
import { IMAGE_LABEL, MANAGED_LABEL, containerStateOf, nsToMs, podCgroupParent, stdioOf } from './mapping.js';
import { criSandboxConfig, sandboxConfigOf, type SandboxPaths } from './sandbox-config.js';

export interface CriRuntimeConfig {
  /** unix:///run/containerd/containerd.sock (k3s's --container-runtime-endpoint). */
  endpoint: string;
  /** The kubelet's pod log root: each sandbox's log_directory is `<logDir>/<ns>_<name>_<uid>`. */
  logDir: string;
  /** cgroupfs directory (under every hierarchy) holding the pods' cgroups. */
  cgroupRoot?: string;
  /** How often containers are relisted to notice exits (containerd 1.6 has no event stream over CRI). */
  relistMs?: number;
  /** Where seccompProfile type Localhost files are (upstream: <kubelet root-dir>/seccomp). */
  seccompProfileRoot?: string;
}

/** The endpoint's socket is not there: a one-line reason for the CLI. */
export class CriUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CriUnavailableError';
  }
}

const NOT_FOUND = 5;
const DEADLINE_EXCEEDED = 4;

/**
 * The `cri` runtime: pods as containerd sandboxes, containers from images, over CRI v1.
 * Exits are noticed by relisting (generic PLEG). Streaming exec and attach go through
 * CRI Exec/Attach and the runtime's streaming server, dialled as SPDY (cri-streams.ts);
 * port-forward needs nothing of the runtime (the kubelet dials the sandbox's IP).
 */
export class CriRuntime implements Runtime {
  readonly name: string;
  readonly version: string;
  private readonly listeners: Array<(s: ContainerStatus) => void> = [];
  private readonly lastStates = new Map<string, string>();
  private readonly sandboxOf = new Map<string, string>();
  /** Containers whose stdinOnce stdin an attach session has closed for good. */
  private readonly stdinClosed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly cgroupRoot: string;
  private readonly paths: SandboxPaths;

  private constructor(
    private readonly client: CriCaller,
    config: CriRuntimeConfig,
    version: { runtime_name: string; runtime_version: string },
  ) {
    this.name = version.runtime_name || 'cri';
    this.version = version.runtime_version || 'unknown';
    this.cgroupRoot = config.cgroupRoot ?? 'skiff-cri';
    this.paths = { logDir: config.logDir, cgroupRoot: this.cgroupRoot, seccompRoot: config.seccompProfileRoot ?? '/var/lib/kubelet/seccomp' };
    this.timer = setInterval(() => void this.relist().catch(() => {}), config.relistMs ?? 1000);
  }

  /** Connects and checks the runtime answers CRI v1 (Version); rejects with CriUnavailableError when the socket is missing. */
  static async connect(config: CriRuntimeConfig, deps: { client?: CriCaller } = {}): Promise<CriRuntime> {
    const problem = deps.client ? undefined : criEndpointProblem(config.endpoint);
    if (problem) throw new CriUnavailableError(problem);
    const client = deps.client ?? new CriClient({ endpoint: config.endpoint });
    try {
      const v = await client.rt<{ runtime_name: string; runtime_version: string; runtime_api_version: string }>('Version', {}, 10_000);
      return new CriRuntime(client, config, v);
    } catch (err) {
      client.close();
      throw new CriUnavailableError(`container runtime endpoint ${config.endpoint} does not answer CRI v1: ${(err as Error).message}`);
    }
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<PodSandbox> {
    // A sandbox name (<name>_<ns>_<uid>_<attempt>) must be unique among those containerd still has.
    const before = (await this.rawSandboxes()).filter((s) => s.metadata?.uid === config.uid);
    const attempt = before.reduce((n, s) => Math.max(n, (s.metadata?.attempt ?? 0) + 1), 0);
    let id: string;
    try {
      id = (await this.client.rt<{ pod_sandbox_id: string }>('RunPodSandbox', { config: criSandboxConfig(config, this.paths, attempt) })).pod_sandbox_id;
    } catch (err) {
      // A failed RunPodSandbox (CNI) can leave a NOTREADY sandbox behind.
      for (const s of await this.rawSandboxes()) if (s.metadata?.uid === config.uid && s.metadata.attempt === attempt) await this.removePodSandbox(s.id).catch(() => {});
      throw err;
    }
    const st = await this.client.rt<{ status: { network: { ip: string } | null; created_at: string; state: string } }>('PodSandboxStatus', { pod_sandbox_id: id });
    return { id, config, ip: st.status.network?.ip ?? '', state: st.status.state === 'SANDBOX_READY' ? 'ready' : 'notready', createdAt: nsToMs(st.status.created_at) ?? Date.now() };
  }

  async stopPodSandbox(id: string): Promise<void> {
    await this.ignoreNotFound(this.client.rt('StopPodSandbox', { pod_sandbox_id: id }));
  }

  async removePodSandbox(id: string): Promise<void> {
    const sb = (await this.rawSandboxes()).find((s) => s.id === id);
    await this.ignoreNotFound(this.client.rt('StopPodSandbox', { pod_sandbox_id: id }));
    await this.ignoreNotFound(this.client.rt('RemovePodSandbox', { pod_sandbox_id: id }));
    // runc creates the pod's cgroup parent in every hierarchy but removes only the leaves.
    if (sb?.metadata?.uid) removePodCgroups(podCgroupParent(this.cgroupRoot, sb.metadata.uid));
  }

  async listPodSandboxes(): Promise<PodSandbox[]> {
    const out: PodSandbox[] = [];
    for (const s of await this.rawSandboxes()) {
      const st = await this.ignoreNotFound(this.client.rt<{ status: { network: { ip: string } | null } }>('PodSandboxStatus', { pod_sandbox_id: s.id }));
      out.push({
        id: s.id,
        config: sandboxConfigOf(s),
        ip: st?.status.network?.ip ?? '',
        state: s.state === 'SANDBOX_READY' ? 'ready' : 'notready',
        createdAt: nsToMs(s.created_at) ?? 0,
      });
    }
    return out;
  }

  async ensureImage(image: string, policy: 'Always' | 'IfNotPresent' | 'Never'): Promise<boolean> {
    if (policy !== 'Always') {
      const st = await this.client.img<{ image: unknown }>('ImageStatus', { image: { image } });
      if (st.image) return false;
      if (policy === 'Never') throw new ImagePullError('ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
    }
    try {
      await this.client.img('PullImage', { image: { image } });
      return true;
    } catch (err) {
      throw new ImagePullError('ErrImagePull', `failed to pull image "${image}": ${err instanceof CriError ? err.details : String(err)}`, { cause: err });
    }
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sb = await this.sandboxById(sandboxId);
    if (!sb) throw new ContainerStartError(`pod sandbox ${sandboxId} not found`);
    // The image's user: the spec may name none, and runAsNonRoot is checked against it.
    const image = imageUserOf((await this.client.img<{ image: Parameters<typeof imageUserOf>[0] }>('ImageStatus', { image: { image: config.image } })).image);
    const req = criContainerRequest(sb, config, image, this.paths);
    try {
      const id = (await this.client.rt<{ container_id: string }>('CreateContainer', req)).container_id;
      this.sandboxOf.set(id, sandboxId);
      return id;
    } catch (err) {
      throw new ContainerStartError(err instanceof CriError ? err.details : String(err));
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.client.rt('StartContainer', { container_id: id });
    } catch (err) {
      throw new ContainerStartError(err instanceof CriError ? err.details : String(err));
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.ignoreNotFound(this.client.rt('StopContainer', { container_id: id, timeout: timeoutSeconds }, (timeoutSeconds + 30) * 1000));
  }

  /** CRI ReopenContainerLog: containerd starts a new file at the container's log path (after the log manager renamed it). */
  async reopenContainerLog(id: string): Promise<void> {
    await this.client.rt('ReopenContainerLog', { container_id: id }, 10_000);
  }

  async removeContainer(id: string): Promise<void> {
    await this.ignoreNotFound(this.client.rt('RemoveContainer', { container_id: id }));
    this.sandboxOf.delete(id);
    this.stdinClosed.delete(id);
  }

  async listContainers(filter?: { sandboxId?: string }): Promise<ContainerStatus[]> {
    const res = await this.client.rt<{ containers: { id: string; pod_sandbox_id: string }[] }>('ListContainers', {
      filter: { label_selector: { [MANAGED_LABEL]: 'true' }, ...(filter?.sandboxId ? { pod_sandbox_id: filter.sandboxId } : {}) },
    });
    const out: ContainerStatus[] = [];
    for (const c of res.containers) {
      this.sandboxOf.set(c.id, c.pod_sandbox_id);
      const st = await this.containerStatus(c.id);
      if (st) out.push(st);
    }
    return out;
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const res = await this.ignoreNotFound(this.client.rt<{ status: CriContainerStatus | null }>('ContainerStatus', { container_id: id }));
    const s = res?.status;
    if (!s) return undefined;
    // ContainerStatus does not name the sandbox: remembered from create/list, else asked once.
    let sandboxId = this.sandboxOf.get(id);
    if (sandboxId === undefined) {
      sandboxId = (await this.client.rt<{ containers: { pod_sandbox_id: string }[] }>('ListContainers', { filter: { id } })).containers[0]?.pod_sandbox_id ?? '';
      this.sandboxOf.set(id, sandboxId);
    }
    return toContainerStatus(s, sandboxId);
  }

  async execSync(id: string, argv: string[], timeoutMs: number): Promise<ExecSyncResult> {
    try {
      const r = await this.client.rt<{ stdout: Buffer; stderr: Buffer; exit_code: number }>('ExecSync', { container_id: id, cmd: argv, timeout: Math.max(1, Math.ceil(timeoutMs / 1000)) }, timeoutMs + 5000);
      return { exitCode: r.exit_code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
    } catch (err) {
      if (err instanceof CriError && err.code === DEADLINE_EXCEEDED) throw new Error(`command timed out after ${timeoutMs} ms`, { cause: err });
      throw err;
    }
  }

  /** CRI Exec, then its URL dialled as SPDY; stdin is asked for only when the client sends some. */
  async exec(id: string, argv: string[], opts: { tty: boolean; stdin?: boolean }): Promise<ExecSession> {
    const stdin = opts.stdin !== false;
    const { url } = await this.client.rt<{ url: string }>('Exec', { container_id: id, cmd: argv, tty: opts.tty, stdin, stdout: true, stderr: !opts.tty });
    return openExecSession(url, { stdin, tty: opts.tty });
  }

  /** CRI Attach for stdin and the terminal (output is read from the log); NoStdinError when the container has no stdin (left). */
  async attach(id: string, opts: { stdin: boolean }): Promise<ContainerAttach> {
    const st = await this.containerStatus(id);
    if (!st || st.state !== 'running') throw new Error(`container not running (${id})`);
    const io = stdioOf(st.labels);
    if (opts.stdin && !io.stdin) throw new NoStdinError('the container was created without stdin (set stdin: true in its spec)');
    if (opts.stdin && this.stdinClosed.has(id)) throw new NoStdinError('its stdin was closed when the first attach session ended (stdinOnce)');
    const { url } = await this.client.rt<{ url: string }>('Attach', { container_id: id, stdin: opts.stdin, tty: io.tty, stdout: !opts.stdin, stderr: false });
    const held = await openAttachSession(url, { stdin: opts.stdin, tty: io.tty });
    return {
      ...held,
      end: () => {
        if (opts.stdin && io.stdinOnce) this.stdinClosed.add(id);
        held.end();
      },
    };
  }

  async listContainerStats(): Promise<ContainerStats[]> {
    const res = await this.client.rt<{ stats: CriStats[] }>('ListContainerStats', { filter: { label_selector: { [MANAGED_LABEL]: 'true' } } });
    return res.stats.map((s) => ({
      id: s.attributes?.id ?? '',
      timestampMs: nsToMs(s.cpu?.timestamp ?? s.memory?.timestamp) ?? Date.now(),
      ...(s.cpu?.usage_core_nano_seconds ? { cpuUsageCoreNanoSeconds: Number(s.cpu.usage_core_nano_seconds.value) } : {}),
      ...(s.memory?.working_set_bytes ? { workingSetBytes: Number(s.memory.working_set_bytes.value) } : {}),
    }));
  }

  onContainerEvent(fn: (status: ContainerStatus) => void): void {
    this.listeners.push(fn);
  }

  limitations(): string[] {
    return [];
  }

  async close(): Promise<void> {
    this.release();
  }

  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.client.close();
  }

  /** Generic PLEG: a container whose state changed since the last relist is reported to the listeners. */
  private async relist(): Promise<void> {
    if (!this.listeners.length) return;
    const res = await this.client.rt<{ containers: { id: string; state: string }[] }>('ListContainers', { filter: { label_selector: { [MANAGED_LABEL]: 'true' } } }, 10_000);
    const seen = new Set<string>();
    for (const c of res.containers) {
      seen.add(c.id);
      const prev = this.lastStates.get(c.id);
      this.lastStates.set(c.id, c.state);
      // A first sighting counts too: a short-lived container may be EXITED by its first relist.
      if (prev === c.state) continue;
      const st = await this.containerStatus(c.id);
      if (st) for (const fn of this.listeners) fn(st);
    }
    for (const id of this.lastStates.keys()) if (!seen.has(id)) this.lastStates.delete(id);
  }

  /** One sandbox's identity, from PodSandboxStatus (undefined when containerd does not know it). */
  private async sandboxById(id: string): Promise<PodSandbox | undefined> {
    const res = await this.ignoreNotFound(
      this.client.rt<{ status: { id: string; metadata: CriSandbox['metadata']; state: string; created_at: string; network: { ip: string } | null; labels: Record<string, string>; annotations: Record<string, string> } | null }>('PodSandboxStatus', { pod_sandbox_id: id }),
    );
    const s = res?.status;
    if (!s?.metadata) return undefined;
    return {
      id: s.id,
      config: sandboxConfigOf(s),
      ip: s.network?.ip ?? '',
      state: s.state === 'SANDBOX_READY' ? 'ready' : 'notready',
      createdAt: nsToMs(s.created_at) ?? 0,
    };
  }

  private async rawSandboxes(): Promise<CriSandbox[]> {
    const res = await this.client.rt<{ items: CriSandbox[] }>('ListPodSandbox', { filter: { label_selector: { [MANAGED_LABEL]: 'true' } } });
    return res.items;
  }

  private async ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof CriError && err.code === NOT_FOUND) return undefined;
      throw err;
    }
  }
}

interface CriSandbox {
  id: string;
  metadata: { name: string; uid: string; namespace: string; attempt?: number } | null;
  state: string;
  created_at: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface CriContainerStatus {
  id: string;
  metadata: { name: string } | null;
  state: string;
  created_at: string;
  started_at: string;
  finished_at: string;
  exit_code: number;
  image: { image: string } | null;
  reason: string;
  message: string;
  labels: Record<string, string>;
  log_path: string;
}

interface CriStats {
  attributes: { id: string } | null;
  cpu: { timestamp: string; usage_core_nano_seconds: { value: string } | null } | null;
  memory: { timestamp: string; working_set_bytes: { value: string } | null } | null;
}

function toContainerStatus(s: CriContainerStatus, sandboxId: string): ContainerStatus {
  const state = containerStateOf(s.state);
  const startedAt = nsToMs(s.started_at);
  const finishedAt = nsToMs(s.finished_at);
  return {
    id: s.id,
    sandboxId,
    name: s.metadata?.name ?? '',
    image: s.labels[IMAGE_LABEL] ?? s.image?.image ?? '',
    state,
    createdAt: nsToMs(s.created_at) ?? 0,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(state === 'exited' ? { exitCode: s.exit_code } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
    ...(s.message ? { message: s.message } : {}),
    logPath: s.log_path,
    labels: s.labels,
  };
}
