/** The Available condition the aggregator writes, and whether a stored one must change. */
import { availableCondition, type APIService, type APIServiceCondition } from '../../api/apiregistration/v1/api-service.js';

export type WantedCondition = Pick<APIServiceCondition, 'status' | 'reason' | 'message'>;

/**
 * The status to store for `wanted`, or undefined when the stored condition already says
 * it. lastTransitionTime moves only when the status (True/False) changes.
 */
export function statusUpdate(svc: APIService, wanted: WantedCondition, now: Date): APIService | undefined {
  const current = availableCondition(svc);
  if (current && current.status === wanted.status && current.reason === wanted.reason && current.message === wanted.message) return undefined;
  const lastTransitionTime =
    current && current.status === wanted.status && current.lastTransitionTime ? current.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const others = (svc.status?.conditions ?? []).filter((c) => c.type !== 'Available');
  return { ...svc, status: { ...svc.status, conditions: [...others, { type: 'Available', ...wanted, lastTransitionTime }] } };
}
