import type { SchemaFieldError } from '../../schema/dsl.js';
import type { LabelSelector } from './label-selector.js';
import { fieldError, fieldPath } from './field-errors.js';

/**
 * metav1.LabelSelector semantics, as the workload validations and printers need them:
 * a missing selector matches nothing, an empty one matches everything, and all
 * requirements are ANDed.
 */
export function labelSelectorMatches(selector: LabelSelector | undefined | null, labels: Readonly<Record<string, string>> = {}): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const key = req.key ?? '';
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when the selector has neither matchLabels nor matchExpressions (it selects everything). */
export function isEmptyLabelSelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/**
 * The selector as labels.Selector.String() renders it: requirements sorted by key,
 * `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. An empty or missing selector gives ''.
 */
export function labelSelectorString(selector: LabelSelector | undefined | null): string {
  if (!selector) return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const r of selector.matchExpressions ?? []) {
    const key = r.key ?? '';
    const values = [...new Set(r.values ?? [])].sort();
    switch (r.operator) {
      case 'In':
        reqs.push({ key, text: `${key} in (${values.join(',')})` });
        break;
      case 'NotIn':
        reqs.push({ key, text: `${key} notin (${values.join(',')})` });
        break;
      case 'Exists':
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        reqs.push({ key, text: `!${key}` });
        break;
    }
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: like {@link labelSelectorString}, but '<none>' when it selects everything or nothing. */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  return labelSelectorString(selector) || '<none>';
}

/** labels.FormatLabels: `k=v` pairs sorted by key, '<none>' when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${(labels as Record<string, string>)[k]}`).join(',');
}

/**
 * Upstream's ValidateLabelSelector checks beyond the schema: In/NotIn need values,
 * Exists/DoesNotExist must have none.
 */
export function validateLabelSelector(selector: LabelSelector | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  (selector?.matchExpressions ?? []).forEach((r, i) => {
    const p = fieldPath(`${fieldPath(path, 'matchExpressions')}[${i}]`, 'values');
    const n = (r.values ?? []).length;
    if ((r.operator === 'In' || r.operator === 'NotIn') && n === 0) {
      errs.push(fieldError.required(p, "must be specified when `operator` is 'In' or 'NotIn'"));
    }
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && n > 0) {
      errs.push(fieldError.forbidden(p, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
  });
  return errs;
}
