import type { SchemaFieldError } from '../../schema/dsl.js';
import { fieldError, labelSelectorMatches, nonNegative, validateLabelSelector } from '../../meta/v1/index.js';
import type { JobSpec } from './job.js';
import { jobLabels } from './job-selector.js';

const maxParallelismForIndexedJob = 100_000;
const maxPodFailurePolicyRules = 20;
const maxExitCodeValues = 255;

/**
 * Upstream's validateJobSpec: the rules shared by Jobs and CronJob job templates.
 * Selector rules that only apply to Jobs themselves live in {@link validateJobSelector}.
 */
export function validateJobSpec(spec: JobSpec, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const p = (c: string) => `${path}.${c}`;
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
    errs.push(...nonNegative(spec[k], p(k)));
  }
  const indexed = spec.completionMode === 'Indexed';
  if (spec.backoffLimitPerIndex !== undefined && !indexed) {
    errs.push(fieldError.invalid(p('backoffLimitPerIndex'), spec.backoffLimitPerIndex, 'requires indexed completion mode'));
  }
  if (spec.maxFailedIndexes !== undefined) {
    if (spec.backoffLimitPerIndex === undefined) errs.push(fieldError.required(p('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
    if (spec.completions !== undefined && spec.maxFailedIndexes > spec.completions) {
      errs.push(fieldError.invalid(p('maxFailedIndexes'), spec.maxFailedIndexes, 'must be less than or equal to completions'));
    }
  }
  if (indexed) {
    if (spec.completions === undefined) errs.push(fieldError.required(p('completions'), 'when completion mode is Indexed'));
    if (spec.parallelism !== undefined && spec.parallelism > maxParallelismForIndexedJob) {
      errs.push(
        fieldError.invalid(p('parallelism'), spec.parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`),
      );
    }
  }
  if (spec.podFailurePolicy) errs.push(...validatePodFailurePolicy(spec, p('podFailurePolicy')));
  if (spec.successPolicy && !indexed) errs.push(fieldError.invalid(p('successPolicy'), spec.successPolicy, 'requires indexed completion mode'));
  (spec.successPolicy?.rules ?? []).forEach((r, i) => {
    if (r.succeededIndexes === undefined && r.succeededCount === undefined) {
      errs.push(fieldError.required(`${p('successPolicy')}.rules[${i}]`, 'at least one of succeededCount or succeededIndexes must be specified'));
    }
    if (r.succeededCount !== undefined && spec.completions !== undefined && r.succeededCount > spec.completions) {
      errs.push(fieldError.invalid(`${p('successPolicy')}.rules[${i}].succeededCount`, r.succeededCount, `must be less than or equal to ${spec.completions} (the number of specified completions)`));
    }
  });
  if (spec.podReplacementPolicy !== undefined) {
    const allowed = spec.podFailurePolicy ? ['Failed'] : ['TerminatingOrFailed', 'Failed'];
    if (!allowed.includes(spec.podReplacementPolicy)) errs.push(fieldError.notSupported(p('podReplacementPolicy'), spec.podReplacementPolicy, allowed));
  }
  const rp = spec.template?.spec?.restartPolicy;
  const rpPath = p('template.spec.restartPolicy');
  if (rp === undefined || rp === 'Always') {
    errs.push(fieldError.required(rpPath, 'valid values: "OnFailure", "Never"'));
  } else if (rp !== 'OnFailure' && rp !== 'Never') {
    errs.push(fieldError.notSupported(rpPath, rp, ['OnFailure', 'Never']));
  } else if (spec.podFailurePolicy && rp !== 'Never') {
    errs.push(fieldError.invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

function validatePodFailurePolicy(spec: JobSpec, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const rules = spec.podFailurePolicy?.rules ?? [];
  if (rules.length > maxPodFailurePolicyRules) errs.push(fieldError.tooMany(`${path}.rules`, rules.length, maxPodFailurePolicyRules));
  const containers = new Set([...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])].map((c) => c.name));
  rules.forEach((rule, i) => {
    const rp = `${path}.rules[${i}]`;
    if (rule.action === 'FailIndex' && spec.backoffLimitPerIndex === undefined) {
      errs.push(fieldError.invalid(`${rp}.action`, rule.action, 'requires the backoffLimitPerIndex to be set'));
    }
    const hasCodes = rule.onExitCodes !== undefined;
    const hasConds = rule.onPodConditions !== undefined;
    if (hasCodes && hasConds) errs.push(fieldError.invalid(rp, rule, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!hasCodes && !hasConds) errs.push(fieldError.invalid(rp, rule, 'specifying one of OnExitCodes and OnPodConditions is required'));
    const codes = rule.onExitCodes;
    if (codes) {
      const cp = `${rp}.onExitCodes`;
      const values = codes.values ?? [];
      if (codes.containerName !== undefined && !containers.has(codes.containerName)) {
        errs.push(fieldError.invalid(`${cp}.containerName`, codes.containerName, 'must be one of the container or initContainer names in the pod template'));
      }
      if (values.length === 0) errs.push(fieldError.invalid(`${cp}.values`, values, 'at least one value is required'));
      if (values.length > maxExitCodeValues) errs.push(fieldError.tooMany(`${cp}.values`, values.length, maxExitCodeValues));
      values.forEach((v, j) => {
        if (codes.operator === 'In' && v === 0) errs.push(fieldError.invalid(`${cp}.values[${j}]`, v, 'must not be 0 for the In operator'));
        const prev = values[j - 1];
        if (prev !== undefined && prev === v) errs.push(fieldError.duplicate(`${cp}.values[${j}]`, v));
        else if (prev !== undefined && prev > v) errs.push(fieldError.invalid(`${cp}.values[${j}]`, v, 'must be ordered'));
      });
    }
  });
  return errs;
}

/**
 * The Job-only part of upstream's ValidateJobSpec: the selector must match the template's
 * labels and, unless manualSelector is set, be the one generateJobSelector made.
 * An absent selector is accepted only for a Job not yet prepared (no uid): the API server
 * generates it on create.
 */
export function validateJobSelector(
  spec: JobSpec,
  uid: string | undefined,
  path = 'spec',
): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const sel = spec.selector;
  const labels = spec.template?.metadata?.labels ?? {};
  if (!sel) {
    if (spec.manualSelector === true || uid) errs.push(fieldError.required(`${path}.selector`));
    return errs;
  }
  errs.push(...validateLabelSelector(sel, `${path}.selector`));
  if (!labelSelectorMatches(sel, labels)) {
    errs.push(fieldError.invalid(`${path}.template.metadata.labels`, labels, '`selector` does not match template `labels`'));
  }
  if (spec.manualSelector !== true && uid) {
    if (sel.matchLabels?.[jobLabels.controllerUid] !== uid) {
      errs.push(fieldError.invalid(`${path}.selector`, sel, '`selector` not auto-generated'));
    }
    const got = labels[jobLabels.controllerUid];
    if (got !== undefined && got !== uid) {
      errs.push(fieldError.invalid(`${path}.template.metadata.labels[${jobLabels.controllerUid}]`, got, `must be '${uid}'`));
    }
  }
  return errs;
}
