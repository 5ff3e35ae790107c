/**
 * The periodic startup/liveness/readiness probes of one container instance, as the
 * kubelet's prober workers run them: thresholds, Unhealthy events, readiness flips and
 * restarts on liveness/startup failure. Moved out of pod-worker.ts (one concern per file).
 */
import type { Container } from '../api/core/v1/container.js';
import type { Probe } from '../api/core/v1/probe.js';
import type { Clock, Timer } from '../client/clock.js';
import { runProbe } from './prober.js';
import type { Runtime } from './runtime.js';

type ProbeKind = 'startup' | 'liveness' | 'readiness';

const PROBE_NAMES: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

/** What the worker knows of the container; the loops update `ready`, `started`, `killedFor` and add their timers. */
export interface ProbedContainer {
  id?: string | undefined;
  ready: boolean;
  started: boolean;
  probeTimers: Timer[];
  killedFor?: string | undefined;
}

export interface ProbeLoopHost {
  clock: Clock;
  runtime: Runtime;
  podIP(): string;
  /** False once the pod is terminal or its worker finished: the loops stop. */
  active(): boolean;
  /** The pod's terminationGracePeriodSeconds (default 30). */
  podGraceSeconds(): number;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  requestSync(): void;
}

/** Starts the probe loops of container instance `id`; they stop when `st.id` changes or the host is inactive. */
export function startProbeLoops(c: Container, st: ProbedContainer, id: string, host: ProbeLoopHost): void {
  const kinds: Array<[ProbeKind, Probe | undefined]> = [['startup', c.startupProbe], ['liveness', c.livenessProbe], ['readiness', c.readinessProbe]];
  for (const [kind, probe] of kinds) {
    if (!probe) continue;
    let fails = 0;
    let oks = 0;
    const period = (probe.periodSeconds ?? 10) * 1000;
    const tick = async (): Promise<void> => {
      if (st.id !== id || !host.active()) return;
      if (kind !== 'startup' && !st.started) return;
      if (kind === 'startup' && st.started) return;
      const r = await runProbe(probe, c, { runtime: host.runtime, containerId: id, podIP: host.podIP() }).catch((e: Error) => ({ ok: false, message: e.message }));
      if (st.id !== id) return;
      if (r.ok) {
        fails = 0;
        oks++;
        if (oks >= (probe.successThreshold ?? 1)) {
          if (kind === 'readiness' && !st.ready) (st.ready = true), host.requestSync();
          if (kind === 'startup' && !st.started) (st.started = true), host.requestSync();
        }
        return;
      }
      oks = 0;
      fails++;
      host.event('Warning', 'Unhealthy', `${PROBE_NAMES[kind]} probe failed: ${r.message}`);
      if (fails < (probe.failureThreshold ?? 3)) return;
      if (kind === 'readiness') {
        if (st.ready) (st.ready = false), host.requestSync();
        return;
      }
      fails = 0;
      st.killedFor = kind;
      host.event('Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`);
      const grace = probe.terminationGracePeriodSeconds ?? host.podGraceSeconds();
      await host.runtime.stopContainer(id, grace);
    };
    const loop = (delay: number): void => {
      const t = host.clock.setTimeout(() => {
        void tick().finally(() => {
          if (st.id === id && host.active()) loop(period);
        });
      }, delay);
      st.probeTimers.push(t);
    };
    loop((probe.initialDelaySeconds ?? 0) * 1000);
  }
}
