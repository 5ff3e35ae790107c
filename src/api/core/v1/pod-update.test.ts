/**
 * validatePodSpecUpdate compares specs structurally and returns at once for an unchanged
 * spec. These tests hold it to the version that compared sorted-key JSON of deep copies
 * (kept below as the reference) on random pods and random edits of their specs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyDefaults, validateObject } from '../../schema/index.js';
import { scribbledSample } from '../../schema/test-corpus.js';
import type { SchemaFieldError } from '../../schema/dsl.js';
import { fe } from './field-errors.js';
import { PodKind } from './pod.js';
import type { PodSpec } from './pod-spec.js';
import type { Toleration } from './toleration.js';
import { POD_UPDATE_FORBIDDEN_MESSAGE, validatePodSpecUpdate } from './pod-update.js';

// ---- The reference: the implementation before the structural comparison. ----
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      return Object.fromEntries(Object.entries(val as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return val;
  });
}
const sameToleration = (a: Toleration, b: Toleration): boolean =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
function reference(next: PodSpec, old: PodSpec, path = 'spec'): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const munged = JSON.parse(JSON.stringify(next)) as PodSpec;
  for (const list of ['containers', 'initContainers'] as const) {
    const oldList = old[list] ?? [];
    (munged[list] ?? []).forEach((c, i) => {
      const o = oldList[i];
      if (o) c.image = o.image;
    });
  }
  const oldAds = old.activeDeadlineSeconds;
  const newAds = next.activeDeadlineSeconds;
  if (newAds !== undefined) {
    if (newAds < 0 || newAds > 2147483647) return [fe.invalid(`${path}.activeDeadlineSeconds`, newAds, 'must be between 0 and 2147483647, inclusive')];
    if (oldAds !== undefined && oldAds < newAds) return [fe.invalid(`${path}.activeDeadlineSeconds`, newAds, 'must be less than or equal to previous value')];
  } else if (oldAds !== undefined) {
    errs.push(fe.invalid(`${path}.activeDeadlineSeconds`, null, 'must not update from a positive integer to nil value'));
  }
  munged.activeDeadlineSeconds = oldAds;
  const oldTols = old.tolerations ?? [];
  const newTols = next.tolerations ?? [];
  for (const ot of oldTols) {
    const nt = newTols.find((t) => sameToleration(t, ot));
    const secondsOk =
      nt !== undefined &&
      (ot.tolerationSeconds === nt.tolerationSeconds ||
        (ot.effect === 'NoExecute' && ot.tolerationSeconds !== undefined && nt.tolerationSeconds !== undefined && nt.tolerationSeconds <= ot.tolerationSeconds));
    if (!secondsOk) {
      errs.push(fe.forbidden(`${path}.tolerations`, 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  munged.tolerations = old.tolerations;
  const oldGrace = old.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && next.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  const oldGates = new Set((old.schedulingGates ?? []).map((g) => g.name));
  for (const g of next.schedulingGates ?? []) {
    if (!oldGates.has(g.name)) errs.push(fe.forbidden(`${path}.schedulingGates`, `only deletion is allowed, but found new scheduling gate '${g.name ?? ''}'`));
  }
  munged.schedulingGates = old.schedulingGates;
  if (oldGates.size > 0) {
    const oldSel = old.nodeSelector ?? {};
    const newSel = next.nodeSelector ?? {};
    if (Object.entries(oldSel).every(([k, v]) => newSel[k] === v)) munged.nodeSelector = old.nodeSelector;
  }
  if (canonical(munged) !== canonical(old)) {
    const keys = new Set([...Object.keys(munged), ...Object.keys(old)]);
    const changed = [...keys].filter((k) => canonical((munged as Record<string, unknown>)[k]) !== canonical((old as Record<string, unknown>)[k])).sort();
    errs.push(fe.forbidden(path, `${POD_UPDATE_FORBIDDEN_MESSAGE}\n  changed: ${changed.map((k) => `${path}.${k}`).join(', ')}`));
  }
  return errs;
}

// ---- Inputs: well-typed pods (the hook never sees others) and edits of their specs. ----
const wellTyped = scribbledSample(PodKind).filter((pod) => {
  applyDefaults(PodKind, pod);
  return typeof pod['spec'] === 'object' && pod['spec'] !== null && !validateObject(PodKind, pod).some((e) => e.type === 'FieldValueTypeInvalid' || e.message.includes('nested'));
});

type Edit = (s: Record<string, any>) => void;
const edits: fc.Arbitrary<Edit> = fc.oneof(
  fc.constant<Edit>(() => {}),
  fc.string({ maxLength: 3 }).map<Edit>((img) => (s) => s.containers?.[0] && (s.containers[0].image = img)),
  fc.integer({ min: -2, max: 100 }).map<Edit>((n) => (s) => (s.activeDeadlineSeconds = n)),
  fc.constant<Edit>((s) => delete s.activeDeadlineSeconds),
  fc.record({ key: fc.constantFrom('a', 'b'), effect: fc.constantFrom('NoExecute', 'NoSchedule'), tolerationSeconds: fc.integer({ min: 0, max: 600 }) }).map<Edit>((t) => (s) => (s.tolerations = [...(s.tolerations ?? []), { ...t, operator: 'Exists' }])),
  fc.integer({ min: 0, max: 600 }).map<Edit>((n) => (s) => s.tolerations?.[0] && (s.tolerations[0].tolerationSeconds = n)),
  fc.constant<Edit>((s) => s.tolerations?.pop()),
  fc.constantFrom('g1', 'g2').map<Edit>((g) => (s) => (s.schedulingGates = [...(s.schedulingGates ?? []), { name: g }])),
  fc.constant<Edit>((s) => s.schedulingGates?.pop()),
  fc.constantFrom('x', 'y').map<Edit>((k) => (s) => (s.nodeSelector = { ...(s.nodeSelector ?? {}), [k]: 'v' })),
  fc.constantFrom(1, 30, -1).map<Edit>((n) => (s) => (s.terminationGracePeriodSeconds = n)),
  fc.constantFrom('Always', 'Never').map<Edit>((p) => (s) => (s.restartPolicy = p)),
  fc.constantFrom('hostname', 'subdomain', 'priorityClassName').map<Edit>((k) => (s) => (s[k] = null)),
  fc.constantFrom('hostname', 'nodeName').map<Edit>((k) => (s) => (s[k] = undefined)),
  fc.constant<Edit>((s) => {
    for (const [k, v] of Object.entries(s).reverse()) (delete s[k], (s[k] = v));
  }),
);

test('the same errors as comparing sorted-key JSON, on random specs and edits', () => {
  fc.assert(
    fc.property(wellTyped, fc.array(edits, { maxLength: 4 }), fc.boolean(), (pod, es, grace) => {
      const old = pod['spec'] as Record<string, any>;
      if (grace) old['terminationGracePeriodSeconds'] = -1;
      const next = structuredClone(old);
      for (const e of es) e(next);
      const before = JSON.stringify(next);
      assert.deepStrictEqual(validatePodSpecUpdate(next as PodSpec, old as PodSpec), reference(next as PodSpec, old as PodSpec));
      assert.equal(JSON.stringify(next), before, 'the new spec is not modified');
    }),
    { numRuns: Number(process.env.SCHEMA_PROPERTY_RUNS ?? 300) },
  );
});

test('an unchanged spec is valid at once; key order and undefined keys do not count, null does', () => {
  const old: PodSpec = { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Always', activeDeadlineSeconds: 30 };
  assert.deepEqual(validatePodSpecUpdate({ activeDeadlineSeconds: 30, restartPolicy: 'Always', containers: [{ image: 'busybox', name: 'c' }], hostname: undefined }, old), []);
  const withNull = validatePodSpecUpdate({ ...old, hostname: null } as unknown as PodSpec, old);
  assert.deepEqual(withNull.map((e) => e.message.split('\n')[1]), ['  changed: spec.hostname']);
  assert.deepEqual(validatePodSpecUpdate({ ...old, activeDeadlineSeconds: -1 }, old).map((e) => e.field), ['spec.activeDeadlineSeconds']);
});
