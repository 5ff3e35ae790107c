/**
 * Simulated behaviour as data, as kwok's Stage resources: a stage says which objects it
 * applies to (selector on fields), how long to wait, and what the object becomes next
 * (a status to merge, or deletion). One generic engine (engine.ts) runs any list of them.
 */
export interface FieldRequirement {
  /** Dot path into the object, e.g. `metadata.deletionTimestamp`, `status.phase`. */
  field: string;
  op: 'Exists' | 'DoesNotExist' | 'In' | 'NotIn';
  values?: string[];
}

export interface Stage {
  name: string;
  selector: FieldRequirement[];
  delayMs: number;
  next: {
    /** Merged into status; string values may use {{podIP}}, {{hostIP}}, {{now}}. */
    status?: Record<string, unknown>;
    /** Delete the object at once (grace period 0). */
    delete?: boolean;
  };
}

export function fieldValue(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Whether every requirement holds (empty strings count as absent, as in the API). */
export function stageMatches(stage: Stage, obj: unknown): boolean {
  return stage.selector.every((r) => {
    const v = fieldValue(obj, r.field);
    const present = v !== undefined && v !== null && v !== '';
    switch (r.op) {
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      case 'In':
        return present && (r.values ?? []).includes(String(v));
      case 'NotIn':
        return !present || !(r.values ?? []).includes(String(v));
      default:
        return false;
    }
  });
}

/** The first stage that applies to obj. */
export function firstMatchingStage(stages: readonly Stage[], obj: unknown): Stage | undefined {
  return stages.find((s) => stageMatches(s, obj));
}

/** Replaces {{name}} placeholders in string leaves. */
export function renderTemplate(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => vars[k] ?? '');
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplate(v, vars)]));
  return value;
}

const readyConditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: '{{now}}' }));

/** kwok's default pod lifecycle: bound pods become Running/Ready after `readyDelayMs`; deleting pods go at once. */
export function defaultPodStages(readyDelayMs = 1000): Stage[] {
  return [
    {
      name: 'pod-delete',
      selector: [{ field: 'metadata.deletionTimestamp', op: 'Exists' }],
      delayMs: 0,
      next: { delete: true },
    },
    {
      name: 'pod-ready',
      selector: [
        { field: 'spec.nodeName', op: 'Exists' },
        { field: 'status.podIP', op: 'DoesNotExist' },
        { field: 'status.phase', op: 'NotIn', values: ['Succeeded', 'Failed'] },
      ],
      delayMs: readyDelayMs,
      next: {
        status: {
          phase: 'Running',
          podIP: '{{podIP}}',
          podIPs: [{ ip: '{{podIP}}' }],
          hostIP: '{{hostIP}}',
          hostIPs: [{ ip: '{{hostIP}}' }],
          startTime: '{{now}}',
          conditions: readyConditions,
        },
      },
    },
  ];
}

/** Nodes that are not Ready become Ready at once. */
export function defaultNodeStages(): Stage[] {
  return [
    {
      name: 'node-ready',
      selector: [{ field: 'metadata.deletionTimestamp', op: 'DoesNotExist' }, { field: 'status.phase', op: 'NotIn', values: ['Running'] }],
      delayMs: 0,
      next: {
        status: {
          phase: 'Running',
          conditions: [
            { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status (simulated)', lastHeartbeatTime: '{{now}}', lastTransitionTime: '{{now}}' },
            { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: '{{now}}', lastTransitionTime: '{{now}}' },
            { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', lastHeartbeatTime: '{{now}}', lastTransitionTime: '{{now}}' },
            { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', lastHeartbeatTime: '{{now}}', lastTransitionTime: '{{now}}' },
          ],
        },
      },
    },
  ];
}
