import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EvictionKind, PodDisruptionBudgetKind, policyV1Kinds, policyV1SubresourceKinds, type PodDisruptionBudget } from './index.js';
import { render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { validateObject } from '../../schema/index.js';

const pdb = (spec: NonNullable<PodDisruptionBudget['spec']>): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web-pdb', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec,
  status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
});

test('PDB: realistic budgets are valid and print like kubectl', () => {
  const a = pdb({ minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
  assert.deepEqual(validateWithHooks(PodDisruptionBudgetKind, a), []);
  assert.deepEqual(validateObject(PodDisruptionBudgetKind, a), []);
  assert.deepEqual(validateWithHooks(PodDisruptionBudgetKind, pdb({ maxUnavailable: '25%', selector: {} })), []);
  const now = new Date();
  assert.deepEqual(PodDisruptionBudgetKind.printerColumns.slice(0, 3).map((c) => c.value(a, now)), ['2', 'N/A', 1]);
  const b = pdb({ maxUnavailable: '25%' });
  assert.deepEqual(PodDisruptionBudgetKind.printerColumns.slice(0, 2).map((c) => c.value(b, now)), ['N/A', '25%']);
});

test('PDB: invalid budgets', () => {
  const cases: Array<[NonNullable<PodDisruptionBudget['spec']>, string[]]> = [
    [{ minAvailable: 1, maxUnavailable: 1 }, ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set']],
    [{ minAvailable: -1 }, ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']],
    [{ maxUnavailable: '150%' }, ['spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%']],
    [{ maxUnavailable: 'half' }, [
      "spec.maxUnavailable: Invalid value: \"half\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]],
    [{ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }, [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]],
  ];
  for (const [spec, want] of cases) assert.deepEqual(render(validateWithHooks(PodDisruptionBudgetKind, pdb(spec))), want, JSON.stringify(spec));
});

test('PDB: wire and patch facts; Eviction is create-only and not top-level', () => {
  const spec = PodDisruptionBudgetKind.schema.fields.spec?.type;
  assert.ok(spec?.kind === 'object');
  assert.deepEqual(spec.ref().fields.selector?.patchStrategy, ['replace']);
  assert.equal(spec.ref().fields.unhealthyPodEvictionPolicy?.proto, 4);
  assert.deepEqual(policyV1Kinds.map((k) => k.plural), ['poddisruptionbudgets']);
  assert.deepEqual(policyV1SubresourceKinds, [EvictionKind]);
  assert.deepEqual(EvictionKind.verbs, ['create']);
  assert.equal(EvictionKind.schema.fields.deleteOptions?.proto, 2);
  assert.deepEqual(
    validateWithHooks(EvictionKind, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-1', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 30 } }),
    [],
  );
  assert.deepEqual(render(validateWithHooks(EvictionKind, { deleteOptions: { propagationPolicy: 'Later' } })), [
    'deleteOptions.propagationPolicy: Unsupported value: "Later": supported values: "Foreground", "Background", "Orphan", "nil"',
  ]);
});
