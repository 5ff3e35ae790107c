import type { PrinterColumn } from '../../schema/dsl.js';

/**
 * Cell formatting shared by the printer columns of many kinds, matching kube-apiserver's
 * pkg/printers/internalversion so `kubectl get` reads the same against skiff.
 */

/**
 * apimachinery's duration.HumanDuration: '45s', '3m20s', '15m', '5h30m', '3d4h', '2y10d'.
 * Slightly negative durations (clock skew under 2s) read as '0s'; more negative ones as '<invalid>'.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** translateTimestampSince: the age of an RFC 3339 timestamp, '<unknown>' when absent or unparsable. */
export function timestampSince(timestamp: string | undefined | null, now: Date): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** layoutContainerCells: container names and images, each comma-joined in container order. */
export function containerCells(containers: ReadonlyArray<{ name?: string; image?: string }> | undefined): {
  names: string;
  images: string;
} {
  const list = containers ?? [];
  return { names: list.map((c) => c.name ?? '').join(','), images: list.map((c) => c.image ?? '').join(',') };
}

/** printBoolPtr: 'True' / 'False', '<unset>' when absent. */
export function boolPtr(value: boolean | undefined): string {
  if (value === undefined) return '<unset>';
  return value ? 'True' : 'False';
}

/** listWithMoreString: the first `max` items comma-joined, then ' + N more...'; '<unset>' when empty. */
export function listWithMore(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** intstr.String(): a number prints as digits, a string as itself. */
export function intOrStringText(v: number | string | undefined): string {
  return v === undefined ? '' : String(v);
}

type WithCreation = { metadata?: { creationTimestamp?: string } };

/**
 * The AGE column most printers end with: a 'date' cell holding creationTimestamp, which
 * the Table engine must turn into a human age ('5m') as kube-apiserver does.
 */
export function ageColumn<O extends WithCreation>(): PrinterColumn<O> {
  return { name: 'Age', type: 'date', description: 'Time since the object was created.', value: (o) => o.metadata?.creationTimestamp };
}

/**
 * The CREATED AT column of kinds without a printer upstream (Role, ClusterRole, CRD): the
 * default table shows the raw RFC 3339 timestamp, not an age, so the cell is a string.
 */
export function createdAtColumn<O extends WithCreation>(): PrinterColumn<O> {
  return {
    name: 'Created At',
    type: 'string',
    description: 'When the object was created (RFC 3339).',
    value: (o) => o.metadata?.creationTimestamp ?? '',
  };
}
