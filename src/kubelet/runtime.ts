/**
 * The container runtime interface, shaped like CRI v1 (RuntimeService): a pod is a
 * sandbox (network identity) holding containers. Two implementations: the process runtime
 * (process-runtime.ts) and containerd over CRI gRPC (cri/cri-runtime.ts).
 */

import type { PodSecurityContext, SecurityContext } from '../api/core/v1/security-context.js';
import type { Mount } from './mount-namespace-plan.js';

export type { Mount } from './mount-namespace-plan.js';

export interface PodSandboxConfig {
  uid: string;
  namespace: string;
  name: string;
  /** Pods with hostNetwork share the node's address. */
  hostNetwork?: boolean;
  /** The pod's resolver settings (CRI DNSConfig); none = the runtime's default. */
  dns?: { servers: string[]; searches: string[]; options: string[] };
  /** spec.hostPID / hostIPC / shareProcessNamespace: which process and IPC namespaces the pod's containers share. */
  hostPID?: boolean;
  hostIPC?: boolean;
  shareProcessNamespace?: boolean;
  /** spec.securityContext (users, groups, sysctls, seccomp), applied where the runtime can. */
  securityContext?: PodSecurityContext;
  /** Some container of the pod is privileged: a CRI sandbox must be told before its containers exist. */
  privileged?: boolean;
  /** The containers' ports that have a hostPort (CRI PortMapping); applied where the runtime can. */
  portMappings?: PortMapping[];
}

export interface PortMapping {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  containerPort: number;
  hostPort: number;
  /** Empty: every address of the node. */
  hostIP?: string;
}

export interface PodSandbox {
  id: string;
  config: PodSandboxConfig;
  ip: string;
  state: 'ready' | 'notready';
  createdAt: number;
  /** The pod's network namespace (process runtime as root: /run/netns/<netns>); none = the host's. */
  netns?: string;
}

export interface ContainerConfig {
  name: string;
  image: string;
  /** command + args, already expanded ($(VAR) references resolved). */
  argv: string[];
  /** The same split as in the spec (for CRI: an empty command keeps the image's entrypoint). */
  command?: string[];
  args?: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** Where the runtime writes the CRI-format log (`<ts> stdout|stderr F|P <line>`). */
  logPath: string;
  /** Opaque labels the kubelet uses to find its containers again (like CRI labels). */
  labels: Record<string, string>;
  /** From resources.limits (cpu, memory) and requests.cpu; enforced where the runtime can (limitations() says). */
  resources?: ContainerResources;
  /** Volumes and files (resolv.conf) to show at container paths (CRI Mount); applied where the runtime can (limitations() says). */
  mounts?: Mount[];
  /** spec.stdin: a stdin that attach sessions can write to, open until the container ends (or stdinOnce closes it). */
  stdin?: boolean;
  /** spec.stdinOnce: the container's stdin reaches EOF when the first attach session with stdin ends. */
  stdinOnce?: boolean;
  /** spec.tty: the container runs on a terminal (stderr merged into stdout). */
  tty?: boolean;
  /**
   * An ephemeral container's targetContainerName, as the runtime id of its current
   * instance: the new container joins that container's process namespace (CRI's
   * NamespaceMode TARGET). Process runtime: every container already shares the host's.
   */
  targetContainerId?: string;
  /** The container's own securityContext; the runtime merges it over the pod's (PodSandboxConfig.securityContext). */
  securityContext?: SecurityContext;
}

export interface ContainerResources {
  /** CPU limit in millicores. */
  cpuMillis?: number;
  /** Memory limit in bytes. */
  memoryBytes?: number;
  /** CPU request in millicores: the container's share when CPUs are contended. */
  cpuRequestMillis?: number;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  sandboxId: string;
  name: string;
  image: string;
  state: ContainerState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** Kubernetes-facing reason for an exited container (Completed, Error, OOMKilled). */
  reason?: string;
  message?: string;
  logPath: string;
  labels: Record<string, string>;
  pid?: number;
}

/** CRI ContainerStats, reduced to what the resource metrics need: cumulative CPU and the working set. */
export interface ContainerStats {
  id: string;
  /** When the figures were read (ms since the epoch). */
  timestampMs: number;
  /** CPU time used since the container started, in nanoseconds. */
  cpuUsageCoreNanoSeconds?: number;
  workingSetBytes?: number;
}

/** A streaming exec session (CRI Exec/Attach, served by the kubelet API). */
export interface ExecSession {
  stdin: NodeJS.WritableStream;
  stdout: NodeJS.ReadableStream;
  /** Absent with a TTY (stderr is merged into stdout). */
  stderr?: NodeJS.ReadableStream;
  resize(width: number, height: number): void;
  /** Resolves with the exit code; rejects when the command could not run (the message says why). */
  wait(): Promise<number>;
  kill(): void;
}

/** One attach session's hold on a container's stdin and terminal (CRI Attach). */
export interface ContainerAttach {
  /** The container's stdin, when the session asked for it (finish with end(), not by ending this). */
  stdin?: NodeJS.WritableStream;
  /** The session is done with stdin; with stdinOnce the container's stdin reaches EOF for good. Idempotent. */
  end(): void;
  /** The size of the container's terminal (a no-op without a TTY). */
  resize(cols: number, rows: number): void;
}

export interface ExecSyncResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Raised by createContainer/startContainer when the container cannot be started (→ RunContainerError). */
export class ContainerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerStartError';
  }
}

/** Raised by ensureImage: the kubelet's waiting reason (ErrImagePull, ErrImageNeverPull) and message. */
export class ImagePullError extends Error {
  constructor(
    readonly reason: 'ErrImagePull' | 'ErrImageNeverPull',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImagePullError';
  }
}

/** Raised by attach when stdin is asked for and the container has none (→ a BadRequest Status). */
export class NoStdinError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoStdinError';
  }
}

export interface Runtime {
  readonly name: string;
  readonly version: string;
  runPodSandbox(config: PodSandboxConfig): Promise<PodSandbox>;
  /** Stops every container in the sandbox (SIGKILL) and releases its network identity. */
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  listPodSandboxes(): Promise<PodSandbox[]>;
  /**
   * Makes the image present per the pull policy before createContainer (CRI ImageStatus,
   * then PullImage). Resolves with true when it pulled, false when the image was there;
   * rejects with ImagePullError. Runtimes without images (process) leave it out.
   */
  ensureImage?(image: string, policy: 'Always' | 'IfNotPresent' | 'Never'): Promise<boolean>;
  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after timeoutSeconds; resolves once the container has exited. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: { sandboxId?: string }): Promise<ContainerStatus[]>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;
  execSync(id: string, argv: string[], timeoutMs: number): Promise<ExecSyncResult>;
  /** A streaming exec; `stdin: false` tells the runtime no input will come (default: stdin is open). */
  exec(id: string, argv: string[], opts: { tty: boolean; stdin?: boolean }): Promise<ExecSession>;
  /**
   * Joins a running container's stdin (when `stdin`) and terminal for an attach session.
   * Rejects with NoStdinError when stdin is asked for and the container has none: created
   * without stdin, or closed for good by stdinOnce. Runtimes without it serve output-only attach.
   */
  attach?(id: string, opts: { stdin: boolean }): Promise<ContainerAttach>;
  /** CRI ListContainerStats: usage of the running containers (runtimes without it serve no container metrics). */
  listContainerStats?(): Promise<ContainerStats[]>;
  /** Called whenever a container changes state (exit), so pod workers resync at once. */
  onContainerEvent(fn: (status: ContainerStatus) => void): void;
  /** Isolation this runtime cannot provide in the current environment (reported as an Event). */
  limitations(): string[];
  close(): Promise<void>;
  /**
   * Lets the kubelet's process exit while containers keep running (an agent stopped for
   * an upgrade or a restart): nothing the runtime holds may keep the event loop alive.
   */
  release?(): void;
}
