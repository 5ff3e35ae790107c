// @ts-check
/**
 * The columns `kubectl get pods` shows, computed from a Pod as kubectl's printer does:
 * STATUS is the most telling reason (a waiting or terminated container's reason, an init
 * step "Init:1/2", "Terminating"), not just the phase.
 */

/**
 * @typedef {{ name?: string; restartCount?: number; ready?: boolean; started?: boolean;
 *   state?: { waiting?: { reason?: string }; running?: object;
 *     terminated?: { reason?: string; exitCode?: number; signal?: number } } }} ContainerStatus
 * @typedef {{ metadata?: { deletionTimestamp?: string };
 *   spec?: { containers?: unknown[]; initContainers?: { name?: string; restartPolicy?: string }[] };
 *   status?: { phase?: string; reason?: string; conditions?: { type?: string; status?: string; reason?: string }[];
 *     initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] } }} Pod
 */

/**
 * @param {Pod} pod
 * @returns {{ status: string; ready: string; restarts: number }}
 */
export function podColumns(pod) {
  const spec = pod.spec ?? {};
  const st = pod.status ?? {};
  const conditions = st.conditions ?? [];
  const initSpecs = spec.initContainers ?? [];
  const sidecars = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = (spec.containers ?? []).length + sidecars.size;
  let reason = st.reason || st.phase || '';
  let restarts = 0;
  let ready = 0;
  const gated = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'SchedulingGated');
  if (gated) reason = 'SchedulingGated';

  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = /** @type {ContainerStatus} */ (inits[i]);
    restarts += c.restartCount ?? 0;
    const term = c.state?.terminated;
    if (term && term.exitCode === 0) continue;
    if (sidecars.has(c.name)) {
      if (c.ready) ready++;
      if (c.started) continue;
    }
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }
  const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    let hasRunning = false;
    const containers = st.containerStatuses ?? [];
    for (let i = containers.length - 1; i >= 0; i--) {
      const c = /** @type {ContainerStatus} */ (containers[i]);
      restarts += c.restartCount ?? 0;
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp) {
    if (st.reason === 'NodeLost') reason = 'Unknown';
    else if (st.phase !== 'Succeeded' && st.phase !== 'Failed') reason = 'Terminating';
  }
  return { status: reason, ready: `${ready}/${total}`, restarts };
}
