/**
 * Table output (meta.k8s.io/v1 Table) for `kubectl get`, from a kind's printer columns.
 */
import type { KindSpec, PrinterColumn } from './dsl.js';
import { timestampSince } from '../meta/v1/printing.js';
import { isPlainObject } from './errors.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** What each row's `object` carries: PartialObjectMetadata (default), the object, or nothing. */
  includeObject?: IncludeObject;
  /** The clock for ages (default: now). */
  now?: Date;
  listMeta?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

/** Description of the implicit NAME column (ObjectMeta.name's documentation, in our words). */
const NAME_DESCRIPTION =
  'Name must be unique within a namespace. It is required when creating resources and cannot be updated.';

/**
 * Renders objects as a Table: NAME first (type string, format name — kubectl's `kind/name`
 * prefix relies on it), then the kind's printer columns with their priorities. Cells are
 * what kube-apiserver sends: `date` columns become ages ('5m', '<unknown>' when unset)
 * and are declared as `string` columns, as upstream's built-in printers declare AGE;
 * absent values are null (kubectl prints `<none>`). A column function that throws yields
 * a null cell rather than failing the whole list.
 */
export function toTable(spec: KindSpec, objects: readonly object[], opts: TableOptions = {}): Record<string, unknown> {
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const columns = spec.printerColumns as readonly PrinterColumn<unknown>[];
  const columnDefinitions = [
    { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
    ...columns.map((c) => ({
      name: c.name,
      type: c.type === 'date' ? 'string' : c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority ?? 0,
    })),
  ];
  const rows = objects.map((obj) => {
    const meta = isPlainObject((obj as Record<string, unknown>)['metadata'])
      ? ((obj as Record<string, unknown>)['metadata'] as Record<string, unknown>)
      : {};
    const name = typeof meta['name'] === 'string' ? meta['name'] : '';
    const cells: unknown[] = [spec.nameCell ? spec.nameCell(obj) : name];
    for (const c of columns) cells.push(cell(c, obj, now));
    const row: Record<string, unknown> = { cells };
    if (include === 'Object') row['object'] = obj;
    else if (include === 'Metadata') row['object'] = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta };
    return row;
  });
  const metadata: Record<string, unknown> = {};
  if (opts.listMeta?.resourceVersion !== undefined) metadata['resourceVersion'] = opts.listMeta.resourceVersion;
  if (opts.listMeta?.continue) metadata['continue'] = opts.listMeta.continue;
  if (opts.listMeta?.remainingItemCount !== undefined) metadata['remainingItemCount'] = opts.listMeta.remainingItemCount;
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions, rows };
}

function cell(column: PrinterColumn<unknown>, obj: object, now: Date): unknown {
  let v: unknown;
  try {
    v = column.value(obj, now);
  } catch {
    return null;
  }
  if (column.type === 'date') return typeof v === 'string' || v == null ? timestampSince(v as string | undefined, now) : String(v);
  return v === undefined ? null : v;
}
