/** The kubelet: node agent running pods on a container runtime. */
export { startKubelet, type KubeletConfig, type RunningKubelet } from './kubelet.js';
export { ProcessRuntime, type ProcessRuntimeConfig } from './process-runtime.js';
export { ContainerStartError, type Runtime, type PodSandbox, type PodSandboxConfig, type ContainerConfig, type ContainerStatus, type ExecSyncResult } from './runtime.js';
export { CrashBackoff } from './backoff.js';
export { buildNode, allocatable, detectNodeIP, type NodeIdentity, type Taint } from './node-status.js';
