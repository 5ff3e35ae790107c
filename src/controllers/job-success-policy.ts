/**
 * spec.successPolicy for Indexed Jobs (upstream's matchSuccessPolicy): the first rule met
 * lets the Job succeed before every index has. Pure; tested in job-policies.test.ts.
 */
import type { Job } from '../api/batch/v1/job.js';

/**
 * Parses an index list like "0,2-4" into the indexes below `completions`; an
 * unparsable list yields an empty set (the rule is then skipped, as upstream).
 */
export function parseIndexes(text: string, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return new Set();
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return new Set();
    for (let i = lo; i <= Math.min(hi, completions - 1); i++) out.add(i);
  }
  return out;
}

/** The SuccessCriteriaMet message ("Matched rules at index N") when a rule is met, else undefined. */
export function matchSuccessPolicy(job: Job, succeededIndexes: ReadonlySet<number>): string | undefined {
  const rules = job.spec?.successPolicy?.rules;
  if (!rules || succeededIndexes.size === 0) return undefined;
  const completions = job.spec?.completions ?? 1;
  for (const [index, rule] of rules.entries()) {
    let met = false;
    if (rule.succeededIndexes !== undefined && rule.succeededIndexes !== null) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      if (required.size === 0) continue;
      const done = [...required].filter((i) => succeededIndexes.has(i)).length;
      met = rule.succeededCount !== undefined && rule.succeededCount !== null ? done >= rule.succeededCount : done === required.size;
    } else if (rule.succeededCount !== undefined && rule.succeededCount !== null) {
      met = succeededIndexes.size >= rule.succeededCount;
    }
    if (met) return `Matched rules at index ${index}`;
  }
  return undefined;
}
