/**
 * The node's MemoryPressure, DiskPressure and PIDPressure conditions with upstream's
 * reasons and messages (nodestatus setters), from the set the eviction manager reports.
 */
import type { PressureCondition } from './thresholds.js';

interface Wording {
  reason: string;
  message: string;
}

const WORDING: Record<PressureCondition, { pressure: Wording; clear: Wording }> = {
  MemoryPressure: {
    pressure: { reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' },
    clear: { reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  },
  DiskPressure: {
    pressure: { reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' },
    clear: { reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  },
  PIDPressure: {
    pressure: { reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' },
    clear: { reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  },
};

export const PRESSURE_CONDITIONS: readonly PressureCondition[] = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** The three conditions, True for those in `pressure`, stamped `ts` (the caller keeps unchanged transition times). */
export function pressureConditions(pressure: ReadonlySet<PressureCondition>, ts: string): Array<{ type: string; status: 'True' | 'False'; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string }> {
  return PRESSURE_CONDITIONS.map((type) => {
    const on = pressure.has(type);
    const w = on ? WORDING[type].pressure : WORDING[type].clear;
    return { type, status: on ? 'True' : 'False', ...w, lastHeartbeatTime: ts, lastTransitionTime: ts };
  });
}

/**
 * The node event upstream records when a condition flips ("NodeHasInsufficientMemory",
 * "NodeHasSufficientMemory", "NodeHasDiskPressure", "NodeHasNoDiskPressure", …).
 */
export function pressureEventReason(type: PressureCondition, on: boolean): string {
  return (on ? WORDING[type].pressure : WORDING[type].clear).reason.replace(/^Kubelet/, 'Node');
}
