import { rfc3339 } from '../client/micro-time.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

/**
 * Sets a condition in `status.conditions`: lastTransitionTime moves only when the status
 * flips (as Kubernetes' SetCondition helpers); lastUpdateTime is set when `withUpdateTime`.
 */
export function setCondition(status: { conditions?: any[] | undefined }, cond: Condition, now: number, withUpdateTime = false): void {
  const list: Condition[] = (status.conditions ??= []);
  const i = list.findIndex((c) => c.type === cond.type);
  const prev = i >= 0 ? list[i] : undefined;
  if (prev && prev.status === cond.status && prev.reason === cond.reason && prev.message === cond.message) return;
  const t = rfc3339(now);
  const next: Condition = {
    ...cond,
    ...(withUpdateTime ? { lastUpdateTime: t } : {}),
    lastTransitionTime: prev && prev.status === cond.status ? (prev.lastTransitionTime ?? t) : t,
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
}

export function removeCondition(status: { conditions?: any[] | undefined }, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c: Condition) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

export function getCondition(status: { conditions?: any[] | undefined } | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c: Condition) => c.type === type);
}
