/**
 * What a plugin answers at an extension point. Plugins return a Status, never throw:
 * `Unschedulable` means "not this node, but preemption or a cluster change could help",
 * `UnschedulableAndUnresolvable` means "not this node, and evicting pods here won't help",
 * `Skip` (PreFilter/PreScore only) means "my Filter/Score has nothing to say this cycle".
 */
export type StatusCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip' | 'Wait';

export interface Status {
  readonly code: StatusCode;
  /** Human reasons, in Kubernetes' wording (they are histogrammed into FailedScheduling). */
  readonly reasons: readonly string[];
  /** The plugin that produced a non-success status (filled in by the framework). */
  plugin?: string;
}

/** The shared success status (plugins return it on the hot path without allocating). */
export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [] }) as Status;
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] }) as Status;

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}
export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}
/** A shared, frozen rejection for a constant reason (no allocation on the Filter hot path). */
export function constantStatus(code: 'Unschedulable' | 'UnschedulableAndUnresolvable', reason: string, plugin: string): Status {
  return Object.freeze({ code, reasons: Object.freeze([reason]), plugin }) as Status;
}
export function errorStatus(reason: string): Status {
  return { code: 'Error', reasons: [reason] };
}
export function isSuccess(s: Status): boolean {
  return s.code === 'Success';
}
/** Unschedulable or UnschedulableAndUnresolvable. */
export function isRejection(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';
}
