import type { QueuedPod, QueueSortPlugin } from '../interfaces.js';

export const PRIORITY_SORT = 'PrioritySort';

/** Higher priority first; equal priorities in the order they entered the queue. */
export function prioritySortLess(a: QueuedPod, b: QueuedPod): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.timestamp < b.timestamp;
}

export function prioritySort(): QueueSortPlugin {
  return { name: PRIORITY_SORT, less: prioritySortLess };
}
