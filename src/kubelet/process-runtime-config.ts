/** What a ProcessRuntime (process-runtime.ts) is configured with, and what it keeps per container. */
import type { Cgroups } from './cgroups.js';
import type { ContainerPrivileges } from './process-privileges.js';
import type { CriLogTailer } from './cri-log-tailer.js';
import type { KeeperProcess } from './keeper-spawner.js';
import type { PodNetworkConfig } from './pod-network.js';
import type { ContainerFiles } from './process-launch.js';
import type { ContainerRecord } from './process-state.js';

export interface ProcessRuntimeConfig {
  /** Loopback addresses are 127.<base>.y.z (default 127.1.0.2 upwards). */
  loopbackBase?: number;
  hostIP?: string;
  now?: () => number;
  /** Where sandboxes and containers are remembered, so a new runtime re-adopts running pods; none = in memory only. */
  stateDir?: string;
  /** Per-container cgroups enforcing CPU and memory limits; default: found on this machine when root; null: none. */
  cgroups?: Cgroups | null;
  /** As root, each pod gets its own network namespace on a node bridge with an address from podCidr (pod-network.ts); else loopback addresses. */
  podNetwork?: PodNetworkConfig;
  /** A mount namespace per container showing its mounts (mount-namespace.ts); default: when root; false: never. */
  mountNamespaces?: boolean;
  /** How securityContext users, groups and capabilities are applied (process-privileges.ts); default: as this process can. */
  privileges?: ContainerPrivileges;
  /** The kubelet's containerLogMaxSize (negative: never rotate) and containerLogMaxFiles, for the logs this runtime writes (default 10Mi, 5). */
  logRotation?: { maxBytes: number; maxFiles: number };
}

export interface Container extends ContainerRecord {
  /** The keeper, when this runtime started it (not after a restart). */
  child?: KeeperProcess;
  tailer?: CriLogTailer;
  /** Polls a re-adopted keeper, which is not our child, for its end. */
  poll?: NodeJS.Timeout;
  exited?: Promise<void>;
}

/** The keeper's files beside the CRI log: raw output and the exit status. */
export const filesOf = (c: ContainerRecord): ContainerFiles => ({ stdout: `${c.config.logPath}.stdout`, stderr: `${c.config.logPath}.stderr`, exit: `${c.config.logPath}.exit`, ...(c.config.stdin ? { stdin: `${c.config.logPath}.stdin` } : {}) });
