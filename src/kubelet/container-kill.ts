import type { Container } from '../api/core/v1/container.js';
import type { Probe } from '../api/core/v1/probe.js';
import type { Clock } from '../client/clock.js';
import { runProbe } from './prober.js';
import type { Runtime } from './runtime.js';

/**
 * Kills a running container as Kubernetes' killContainer: a Killing Event with `message`,
 * the preStop hook, SIGTERM, and SIGKILL once the rest of the grace period is over.
 * Resolves once it has exited.
 */
export async function killContainer(
  c: Container,
  id: string,
  k: { runtime: Runtime; clock: Clock; podIP: string; message: string; graceSeconds: number; event(type: 'Normal' | 'Warning', reason: string, message: string): void },
): Promise<void> {
  const grace = k.graceSeconds;
  k.event('Normal', 'Killing', k.message);
  const started = k.clock.now();
  if (c.lifecycle?.preStop) {
    const r = await runProbe({ ...c.lifecycle.preStop, timeoutSeconds: grace } as Probe, c, { runtime: k.runtime, containerId: id, podIP: k.podIP }).catch((e: Error) => ({ ok: false, message: e.message }));
    if (!r.ok) k.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.message}`);
  }
  const left = Math.max(2, grace - Math.floor((k.clock.now() - started) / 1000));
  await k.runtime.stopContainer(id, grace === 0 ? 0 : left);
}
