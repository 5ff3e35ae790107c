import type { Container } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import type { Timer } from '../client/clock.js';
import { rfc3339 } from '../client/micro-time.js';
import { containerFieldPath } from './kubelet-events.js';
import { podSandboxConfig } from './container-config.js';
import { ephemeralContainers } from './ephemeral-containers.js';
import { startContainerInstance, type StartContext } from './container-start.js';
import { killContainer } from './container-kill.js';
import { buildPodStatus, shouldRestart, type Policy } from './pod-status-builder.js';
import type { ContainerStatus, PodSandbox } from './runtime.js';
import type { CState, PodWorkerDeps } from './pod-worker-deps.js';
import { traceStart } from './start-trace.js';
import { onlyStatusChanged } from './pod-update-echo.js';
import { ImagePulls } from './image-pulls.js';
import { sidecarsReversed, stopWaves, syncInitContainers, terminationWaves, wasInitialized } from './pod-sidecars.js';

export type { PodWorkerDeps } from './pod-worker-deps.js';

/** The waiting reason of an ephemeral container whose target has not started yet. */
const NO_TARGET = 'CreateContainerConfigError';

/**
 * Drives one pod towards its spec on the runtime: sandbox, init containers in order (and
 * sidecars, pod-sidecars.ts), app containers with restartPolicy and CrashLoopBackOff, probes
 * and hooks, and writes the status Kubernetes reports. Syncs are serialized; requestSync() coalesces requests.
 */
export class PodWorker {
  pod: Pod;
  private sandbox: PodSandbox | undefined;
  private readonly states = new Map<string, CState>();
  private readonly pulls: ImagePulls;
  private syncing = false;
  private dirty = false;
  private deleted = false;
  private terminal = false;
  private finished = false;
  /** The init sequence has completed once: from then on only sidecars are kept running. */
  private initialized = false;
  private resyncTimer: Timer | undefined;
  private resyncAt = Infinity;
  private lastPosted = '';
  private startTime: string | undefined;
  /** Every volume was set up once: containers may start (later failures keep the last contents, as Kubernetes). */
  private volumesReady = false;
  private readonly key: string;
  /** What starting a container instance (container-start.ts) sees of this worker. */
  private readonly starter: StartContext;

  constructor(pod: Pod, private readonly deps: PodWorkerDeps, adopted?: { sandbox: PodSandbox; containers: ContainerStatus[] }) {
    this.pod = pod;
    this.pulls = new ImagePulls(deps.backoff);
    const worker = this;
    this.starter = {
      get pod() {
        return worker.pod;
      },
      deps,
      pulls: this.pulls,
      sandbox: () => this.sandbox,
      event: (type, reason, message, c) => this.event(type, reason, message, c),
      trace: (step) => this.trace(step),
      resyncIn: (ms) => this.resyncIn(ms),
      requestSync: () => this.requestSync(),
      active: () => !this.terminal && !this.finished,
    };
    this.key = `${pod.metadata?.namespace}/${pod.metadata?.name}/${pod.metadata?.uid}`;
    this.startTime = pod.status?.startTime ?? undefined;
    if (adopted) this.adopt(adopted.sandbox, adopted.containers);
  }

  /** Re-adopts what the runtime still runs for this pod (kubelet restart). */
  private adopt(sandbox: PodSandbox, containers: ContainerStatus[]): void {
    this.sandbox = sandbox;
    this.initialized = wasInitialized(this.pod);
    const st = this.pod.status;
    const prev = new Map([...(st?.containerStatuses ?? []), ...(st?.initContainerStatuses ?? []), ...(st?.ephemeralContainerStatuses ?? [])].map((s) => [s.name, s]));
    const byName = new Map<string, ContainerStatus[]>();
    for (const c of containers) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
    for (const [name, list] of byName) {
      list.sort((a, b) => a.createdAt - b.createdAt);
      const cur = list.at(-1) as ContainerStatus;
      const p = prev.get(name);
      this.states.set(name, { id: cur.id, restartCount: p?.restartCount ?? Number(cur.labels['skiff.dev/restart-count'] ?? 0), ready: p?.ready ?? false, started: p?.started ?? true, probeTimers: [], ...(list.length > 1 ? { last: list.at(-2) as ContainerStatus } : {}) });
    }
  }

  update(pod: Pod): void {
    const echo = onlyStatusChanged(this.pod, pod);
    this.pod = pod;
    if (!echo) this.requestSync();
  }

  /** The pod is gone from the API (force deletion): stop everything. */
  markDeleted(): void {
    this.deleted = true;
    this.requestSync();
  }

  requestSync(): void {
    if (this.finished) return;
    if (this.syncing) {
      this.dirty = true;
      return;
    }
    this.syncing = true;
    void (async () => {
      do {
        this.dirty = false;
        const starting = this.lastPosted || this.deleted || this.pod.metadata?.deletionTimestamp ? undefined : this.deps.podStarting?.();
        try {
          await this.sync();
        } catch (err) {
          this.deps.logger.warn('pod sync failed', { pod: this.key, error: String(err) });
          this.resyncIn(2000);
        } finally {
          starting?.();
        }
      } while (this.dirty && !this.finished);
      this.syncing = false;
    })();
  }

  private resyncIn(ms: number): void {
    const at = this.deps.clock.now() + Math.max(0, ms);
    if (this.resyncTimer && at >= this.resyncAt) return;
    this.resyncTimer?.cancel();
    this.resyncAt = at;
    this.resyncTimer = this.deps.clock.setTimeout(() => {
      this.resyncTimer = undefined;
      this.resyncAt = Infinity;
      this.requestSync();
    }, ms);
  }

  private state(name: string): CState {
    let s = this.states.get(name);
    if (!s) {
      s = { restartCount: 0, ready: false, started: false, probeTimers: [] };
      this.states.set(name, s);
    }
    return s;
  }

  /** A step of the pod's start, for bench:kubelet's timeline (start-trace.ts). */
  private trace(step: string): void {
    traceStart(this.pod.metadata?.name ?? '', step);
  }

  /** An Event about the pod, or about container c (its fieldPath in the pod, as Kubernetes' container references). */
  private event(type: 'Normal' | 'Warning', reason: string, message: string, c?: Container): void {
    const fieldPath = c ? containerFieldPath(this.pod, c.name ?? '') : undefined;
    this.deps.events.event(this.pod, type, reason, message, fieldPath);
  }

  private policy(): Policy {
    return (this.pod.spec?.restartPolicy as Policy | undefined) ?? 'Always';
  }

  private async sync(): Promise<void> {
    if (this.deleted || this.pod.metadata?.deletionTimestamp) return this.terminate();
    if (this.terminal) return;
    const now = this.deps.clock.now();
    this.startTime ??= rfc3339(now);
    if (!this.sandbox) {
      this.sandbox = await this.deps.runtime.runPodSandbox(podSandboxConfig(this.pod));
    }
    const inits = this.pod.spec?.initContainers ?? [];
    // Set up or refreshed on every sync, so ConfigMap, Secret and label changes reach the files.
    this.trace('sandbox');
    const volumesOk = (await this.deps.volumes?.setUp(this.pod)) ?? true;
    this.trace('volumes');
    if (!volumesOk) this.resyncIn(2000);
    if (!(this.volumesReady ||= volumesOk)) return this.post(await this.buildStatus(!inits.length, false));
    // Before the init containers, as upstream: a pod stuck initializing can still be debugged.
    const ephemeral = ephemeralContainers(this.pod);
    for (const e of ephemeral) await this.ensureEphemeral(e);
    const host = { ensure: (c: Container, p: Policy) => this.ensure(c, p), started: (n: string) => this.states.get(n)?.started ?? false };
    const { done: initDone, failed } = await syncInitContainers(inits, this.policy(), this.initialized, host);
    this.initialized ||= initDone;
    if (initDone) for (const c of this.pod.spec?.containers ?? []) await this.ensure(c, this.policy(), { restartChanged: true });
    // Those whose target has only now been started (upstream retries on the next sync).
    for (const e of ephemeral) if (this.states.get(e.container.name ?? '')?.waiting?.reason === NO_TARGET) await this.ensureEphemeral(e);
    let status = await this.buildStatus(initDone, failed);
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      this.terminal = true; // first: sidecars stopped below must not be restarted
      this.stopProbes();
      // The app containers are done (a Job's pod): its sidecars stop after them, last declared first.
      if (await this.stopWaves(sidecarsReversed(this.pod).map((c) => [c]), this.graceSeconds())) status = await this.buildStatus(initDone, failed);
      await this.deps.runtime.stopPodSandbox(this.sandbox.id);
    }
    await this.post(status);
  }

  private async post(status: PodStatus): Promise<void> {
    const text = JSON.stringify(status);
    if (text === this.lastPosted) return;
    await this.deps.patchStatus(this.pod, status);
    this.lastPosted = text;
  }

  /**
   * Brings one container to its desired state; returns the runtime status of its current
   * instance. With restartChanged (app containers), a running instance started from another
   * image than the spec's is killed and started again whatever the restartPolicy, as
   * Kubernetes' computePodActions does when containerChanged (the image is the only
   * container field a pod update may change; upstream hashes name and image). Blocks for
   * that kill (up to the grace period). With targetId (an ephemeral container's target),
   * a new instance joins that container's process namespace.
   */
  private async ensure(c: Container, policy: Policy, opts: { restartChanged?: boolean; targetId?: string } = {}): Promise<ContainerStatus | undefined> {
    const restartChanged = opts.restartChanged ?? false;
    const rt = this.deps.runtime;
    const st = this.state(c.name ?? '');
    let cur = st.id ? await rt.containerStatus(st.id) : undefined;
    const changed = cur !== undefined && cur.image !== (c.image ?? '');
    let killedForChange = false;
    if (cur?.state === 'running') {
      if (!changed || !restartChanged) return cur;
      this.stopProbes(st);
      await this.kill(c, cur.id, `Container ${c.name} definition changed, will be restarted`, this.graceSeconds());
      cur = await rt.containerStatus(cur.id);
      // Deleted meanwhile: terminate() takes over on the next sync, nothing to start.
      if (cur?.state !== 'exited' || this.deleted || this.pod.metadata?.deletionTimestamp) return cur;
      killedForChange = true;
    }
    const now = this.deps.clock.now();
    const bkey = `${this.key}/${c.name}`;
    if (cur?.state === 'exited') {
      if (!killedForChange && !shouldRestart(policy, cur.exitCode)) return cur;
      // Upstream keys back-off by the container's hash: a new definition starts without one.
      if (changed) this.deps.backoff.reset(bkey);
      // A failed start never ran (startedAt 0): its run counts from its creation.
      const { at, delayMs } = this.deps.backoff.restartAt(bkey, cur.startedAt || cur.createdAt, cur.finishedAt ?? now);
      if (now < at) {
        const podName = `${this.pod.metadata?.name}_${this.pod.metadata?.namespace}(${this.pod.metadata?.uid})`;
        if (st.waiting?.reason !== 'CrashLoopBackOff') this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podName}`, c);
        st.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delayMs / 1000)}s restarting failed container=${c.name} pod=${podName}` };
        this.resyncIn(at - now);
        return cur;
      }
      this.deps.backoff.restarted(bkey);
      this.stopProbes(st);
      st.last = cur;
      st.restartCount++;
      st.ready = false;
      st.started = false;
      st.id = undefined;
      st.killedFor = undefined;
      await rt.removeContainer(cur.id);
      cur = undefined;
    } else if (ImagePulls.failed(st)) {
      const wait = this.pulls.backingOff(c, st, now);
      if (wait !== undefined) {
        this.resyncIn(wait);
        return undefined;
      }
    } else if (st.waiting && (st.waiting.reason === 'RunContainerError' || st.waiting.reason === 'CreateContainerConfigError')) {
      const { at } = this.deps.backoff.restartAt(bkey, now, now);
      if (now < at) {
        this.resyncIn(at - now);
        return undefined;
      }
    }
    return startContainerInstance(this.starter, c, st, bkey, now, opts.targetId);
  }

  /**
   * An ephemeral container: started once, never restarted (policy Never). Its target must
   * have an instance first, whose process namespace it joins; until then it waits with
   * CreateContainerConfigError, as upstream's getTargetID makes it.
   */
  private async ensureEphemeral({ container: c, target }: { container: Container; target?: string }): Promise<void> {
    const st = this.state(c.name ?? '');
    const targetId = target ? this.states.get(target)?.id : undefined;
    if (!st.id && target && !targetId) {
      const message = `unable to find target container ${target}`;
      if (st.waiting?.message !== message) this.event('Warning', 'Failed', `Error: ${message}`, c);
      st.waiting = { reason: NO_TARGET, message };
      return;
    }
    await this.ensure(c, 'Never', { ...(targetId ? { targetId } : {}) });
  }

  private stopProbes(only?: CState): void {
    for (const st of only ? [only] : this.states.values()) {
      for (const t of st.probeTimers) t.cancel();
      st.probeTimers = [];
    }
  }

  private buildStatus(initDone: boolean, initFailed: boolean): Promise<PodStatus> {
    return buildPodStatus({
      pod: this.pod,
      runtimeName: this.deps.runtime.name,
      now: () => this.deps.clock.now(),
      hostIP: this.deps.hostIP,
      sandbox: this.sandbox,
      terminal: this.terminal,
      startTime: this.startTime,
      initDone,
      initFailed,
      policy: this.policy(),
      view: async (name) => {
        const st = this.state(name);
        return { ...st, cur: st.id ? await this.deps.runtime.containerStatus(st.id) : undefined };
      },
    });
  }
  /** Graceful termination: preStop hooks, SIGTERM, SIGKILL after the grace period, then final deletion. */
  private async terminate(): Promise<void> {
    if (this.finished) return;
    this.stopProbes();
    const rt = this.deps.runtime;
    await this.stopWaves(terminationWaves(this.pod, ephemeralContainers(this.pod).map((e) => e.container)), this.graceSeconds());
    if (this.sandbox) await rt.removePodSandbox(this.sandbox.id);
    await this.deps.volumes?.tearDown(this.pod);
    this.sandbox = undefined;
    this.resyncTimer?.cancel();
    this.finished = true;
    this.deps.backoff.forget(this.key);
    if (!this.deleted) await this.deps.deletePod(this.pod);
    this.deps.onFinished();
  }

  /** stopWaves (pod-sidecars.ts) with this pod's containers and kill. */
  private stopWaves(waves: Container[][], grace: number): Promise<boolean> {
    const { clock, runtime } = this.deps;
    return stopWaves(waves, grace, { clock, runtime, idOf: (name) => this.states.get(name)?.id, kill: (c, id, g) => this.kill(c, id, `Stopping container ${c.name}`, g) });
  }

  /** The pod's grace period for killing its containers: the deletion's, else the spec's (default 30 s). */
  private graceSeconds(): number {
    return this.pod.metadata?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
  }

  /** killContainer with this pod's runtime, address and Events. */
  private kill(c: Container, id: string, message: string, graceSeconds: number): Promise<void> {
    const { runtime, clock } = this.deps;
    return killContainer(c, id, { runtime, clock, podIP: this.sandbox?.ip ?? '', message, graceSeconds, event: (type, reason, msg) => this.event(type, reason, msg, c) });
  }

  /** The current (or previous) instance of a container: runtime id, log file, whether it runs. */
  async containerRef(name: string, previous: boolean): Promise<{ id: string; logPath: string; running: boolean } | undefined> {
    const st = this.states.get(name);
    if (!st) return undefined;
    if (previous) return st.last ? { id: st.last.id, logPath: st.last.logPath, running: false } : undefined;
    const cur = st.id ? await this.deps.runtime.containerStatus(st.id) : undefined;
    return cur ? { id: cur.id, logPath: cur.logPath, running: cur.state === 'running' } : undefined;
  }

  /** Kubelet shutdown: stop timers, leave the processes running (they are re-adopted). */
  detach(): void {
    this.stopProbes();
    this.resyncTimer?.cancel();
    this.finished = true;
  }
}
