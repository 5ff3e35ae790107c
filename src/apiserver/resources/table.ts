import type { KindSpec } from '../../api/schema/dsl.js';
import { toTable } from '../../api/schema/table.js';
import type { KubeObject } from '../watch-cache/cached-object.js';

/** What a Table row carries besides its cells (`includeObject`). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Parses `includeObject`; Metadata is Kubernetes' default. */
export function parseIncludeObject(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/**
 * Renders objects as a meta.k8s.io Table (the schema engine's `toTable`), in the
 * version the client asked for (v1 or v1beta1).
 */
export function renderTable(
  spec: KindSpec,
  objects: readonly KubeObject[],
  opts: { includeObject: IncludeObject; version: 'v1' | 'v1beta1'; now: Date; listMeta?: Record<string, unknown> },
): Record<string, unknown> {
  const table = toTable(spec, objects, { includeObject: opts.includeObject, now: opts.now, ...(opts.listMeta ? { listMeta: opts.listMeta } : {}) });
  if (opts.version === 'v1beta1') {
    table.apiVersion = 'meta.k8s.io/v1beta1';
    for (const row of table.rows as { object?: { apiVersion?: string; kind?: string } }[]) {
      if (row.object?.kind === 'PartialObjectMetadata') row.object = { ...row.object, apiVersion: 'meta.k8s.io/v1beta1' };
    }
  }
  return table;
}
