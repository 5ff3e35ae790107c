/**
 * The TARGETS cell of `kubectl get hpa` (formatHPAMetrics in pkg/printers/internalversion):
 * `current/target` per metric, in spec order, the current value taken from the status
 * entry at the same index; at most two shown, then `+ N more...`.
 */
import type { MetricSpec, MetricStatus } from './metrics.js';

const UNKNOWN = '<unknown>';
const SHOWN = 2;

/** A quantity as Go's Quantity.String() prints an unset one ("0"). */
const q = (v: string | number | undefined): string => (v === undefined ? '0' : String(v));

function one(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const src = spec.type === 'External' ? spec.external : spec.object;
      const cur = spec.type === 'External' ? status?.external : status?.object;
      if (src?.target?.averageValue !== undefined) {
        const current = cur?.current?.averageValue !== undefined ? String(cur.current.averageValue) : UNKNOWN;
        return `${current}/${String(src.target.averageValue)} (avg)`;
      }
      return `${cur ? q(cur.current?.value) : UNKNOWN}/${q(src?.target?.value)}`;
    }
    case 'Pods':
      return `${status?.pods ? q(status.pods.current?.averageValue) : UNKNOWN}/${q(spec.pods?.target?.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const cur = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      const name = src?.name ?? '';
      if (src?.target?.averageValue !== undefined) {
        return `${name}: ${cur ? q(cur.current?.averageValue) : UNKNOWN}/${String(src.target.averageValue)}`;
      }
      const utilization = cur?.current?.averageUtilization;
      const target = src?.target?.averageUtilization;
      return `${name}: ${utilization !== undefined ? `${utilization}%` : UNKNOWN}/${target !== undefined ? `${target}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

export function formatHpaMetrics(specs: readonly MetricSpec[] | undefined, statuses: readonly MetricStatus[] | undefined): string {
  if (!specs || specs.length === 0) return '<none>';
  const list = specs.map((s, i) => one(s ?? {}, statuses?.[i]));
  if (list.length <= SHOWN) return list.join(', ');
  return `${list.slice(0, SHOWN).join(', ')} + ${list.length - SHOWN} more...`;
}
