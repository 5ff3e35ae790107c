import type { SchemaFieldError } from '../../schema/dsl.js';
import type { PodTemplateSpec } from '../../core/v1/pod-template.js';
import {
  fieldError,
  fieldPath,
  isEmptyLabelSelector,
  labelSelectorMatches,
  validateLabelSelector,
  type LabelSelector,
} from '../../meta/v1/index.js';

/**
 * The selector/template rules shared by the workload controllers (upstream's
 * ValidatePodTemplateSpecForReplicaSet and friends). PodSpec itself is validated by the
 * core/v1 schema hook on `<path>.template.spec`.
 */
export function validateSelectorAndTemplate(
  spec: { selector?: LabelSelector; template?: PodTemplateSpec },
  path: string,
  opts: {
    /** Word in "empty selector is invalid for <word>". */
    kindWord: string;
    /** Kind name in "activeDeadlineSeconds in <Kind> is not Supported". */
    kindName: string;
    /** Allowed template restart policies (Always for long-running workloads). */
    restartPolicies?: readonly string[];
  },
): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const selPath = fieldPath(path, 'selector');
  const sel = spec.selector;
  if (!sel) {
    errs.push(fieldError.required(selPath));
  } else {
    errs.push(...validateLabelSelector(sel, selPath));
    if (isEmptyLabelSelector(sel)) errs.push(fieldError.invalid(selPath, sel, `empty selector is invalid for ${opts.kindWord}`));
  }
  const tplPath = fieldPath(path, 'template');
  const tpl = spec.template;
  if (!tpl) {
    errs.push(fieldError.required(tplPath));
    return errs;
  }
  const labels = tpl.metadata?.labels ?? {};
  if (sel && !isEmptyLabelSelector(sel) && !labelSelectorMatches(sel, labels)) {
    errs.push(fieldError.invalid(`${tplPath}.metadata.labels`, labels, '`selector` does not match template `labels`'));
  }
  const allowed = opts.restartPolicies ?? ['Always'];
  const rp = tpl.spec?.restartPolicy;
  if (rp !== undefined && !allowed.includes(rp)) errs.push(fieldError.notSupported(`${tplPath}.spec.restartPolicy`, rp, allowed));
  if (tpl.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      fieldError.invalid(`${tplPath}.spec.activeDeadlineSeconds`, tpl.spec.activeDeadlineSeconds, `activeDeadlineSeconds in ${opts.kindName} is not Supported`),
    );
  }
  return errs;
}
