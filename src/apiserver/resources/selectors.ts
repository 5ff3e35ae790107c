import type { KindSpec } from '../../api/schema/dsl.js';
import { FieldSelector, parseFieldSelector } from '../../machinery/field-selector.js';
import { LabelSelector, parseLabelSelector } from '../../machinery/label-selector.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { RequestInfo } from '../types.js';
import { badRequest } from './errors.js';

/** The label and field selectors of a list or watch, compiled into one predicate. */
export interface ObjectFilter {
  /** True when the object matches both selectors. */
  matches(obj: KubeObject): boolean;
  /** True when no selector narrows anything. */
  readonly everything: boolean;
  /** The exact name required by `metadata.name=`, if any (lets a list read one key). */
  readonly name: string | undefined;
}

/** The values of every supported field selector of `obj`. */
export function fieldValues(spec: KindSpec, obj: KubeObject): Record<string, string> {
  const values: Record<string, string> = {
    'metadata.name': String(obj.metadata?.name ?? ''),
  };
  if (spec.namespaced) values['metadata.namespace'] = String(obj.metadata?.namespace ?? '');
  for (const [field, get] of Object.entries(spec.fieldSelectors ?? {})) {
    let v: string | undefined;
    try {
      v = get(obj);
    } catch {
      v = undefined;
    }
    values[field] = v ?? '';
  }
  return values;
}

/**
 * Parses `labelSelector` and `fieldSelector` from the query; 400 BadRequest (with
 * Kubernetes' wording) when either is malformed or names a field the kind does not index.
 */
export function compileFilter(spec: KindSpec, info: RequestInfo): ObjectFilter {
  const ls = info.query.get('labelSelector') ?? '';
  const fs = info.query.get('fieldSelector') ?? '';
  let labels: LabelSelector;
  let fields: FieldSelector;
  try {
    labels = ls.trim() ? parseLabelSelector(ls) : LabelSelector.everything();
  } catch (err) {
    throw badRequest(`unable to parse requirement: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    fields = fs.trim() ? parseFieldSelector(fs) : FieldSelector.everything();
  } catch (err) {
    throw badRequest(err instanceof Error ? err.message : String(err));
  }
  const known = new Set(['metadata.name', ...(spec.namespaced ? ['metadata.namespace'] : []), ...Object.keys(spec.fieldSelectors ?? {})]);
  for (const f of fields.fields()) {
    if (!known.has(f)) {
      throw badRequest(
        `Unable to find {"${spec.group}" "${spec.version}" "${spec.plural}"} that match label selector "${ls}", field selector "${fs}": field label not supported: ${f}`,
      );
    }
  }
  const noLabels = labels.requirements.length === 0;
  const noFields = fields.isEmpty();
  return {
    everything: noLabels && noFields,
    name: fields.requiresExactMatch('metadata.name'),
    matches(obj) {
      if (!noLabels && !labels.matches((obj.metadata?.labels as Record<string, string> | undefined) ?? {})) return false;
      if (!noFields && !fields.matches(fieldValues(spec, obj))) return false;
      return true;
    },
  };
}
