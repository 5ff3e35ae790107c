import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteOptionsSchema } from './delete-options.js';
import { StatusSchema } from './status.js';
import { WatchEventSchema } from './list.js';
import { APIResourceSchema } from './discovery.js';
import { TableSchema } from './table.js';
import { formatLabelSelector, formatLabels, labelSelectorMatches, labelSelectorString, validateLabelSelector } from './label-selector-eval.js';
import { humanDuration, listWithMore, timestampSince } from './printing.js';
import { render, runSchemaHooks } from './testing/schema-hooks.js';

test('DeleteOptions: kubectl bodies are valid', () => {
  for (const body of [
    { propagationPolicy: 'Background' },
    { gracePeriodSeconds: 0, propagationPolicy: 'Background' },
    { propagationPolicy: 'Foreground', dryRun: ['All'] },
    { orphanDependents: true, preconditions: { uid: 'u', resourceVersion: '5' } },
  ]) {
    assert.deepEqual(runSchemaHooks(DeleteOptionsSchema, body), [], JSON.stringify(body));
  }
});

test('DeleteOptions: invalid bodies get upstream errors', () => {
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ orphanDependents: true, propagationPolicy: 'Orphan' }, ['propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set']],
    [{ propagationPolicy: 'Later' }, ['propagationPolicy: Unsupported value: "Later": supported values: "Foreground", "Background", "Orphan", "nil"']],
    [{ dryRun: ['Some'] }, ['dryRun: Unsupported value: ["Some"]: supported values: "All"']],
  ];
  for (const [body, want] of cases) assert.deepEqual(render(runSchemaHooks(DeleteOptionsSchema, body)), want);
});

test('DeleteOptions and Status carry upstream protobuf numbers', () => {
  const nums = (s: { fields: Record<string, { proto: number }> }) => Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, v.proto]));
  assert.deepEqual(nums(DeleteOptionsSchema), {
    apiVersion: 0, kind: 0, gracePeriodSeconds: 1, preconditions: 2, orphanDependents: 3, propagationPolicy: 4, dryRun: 5,
    ignoreStoreReadErrorWithClusterBreakingPotential: 6,
  });
  assert.deepEqual(nums(StatusSchema), { apiVersion: 0, kind: 0, metadata: 1, status: 2, message: 3, reason: 4, details: 5, code: 6 });
  assert.equal(WatchEventSchema.fields.object?.proto, 2);
  assert.equal(APIResourceSchema.fields.singularName?.proto, 6);
  assert.ok(Object.values(TableSchema.fields).every((f) => f.proto === 0), 'Table has no protobuf form');
});

test('label selectors: matching', () => {
  const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a', 'b'] }] };
  assert.equal(labelSelectorMatches(sel, { app: 'web', tier: 'a' }), true);
  assert.equal(labelSelectorMatches(sel, { app: 'web', tier: 'c' }), false);
  assert.equal(labelSelectorMatches(sel, { tier: 'a' }), false);
  assert.equal(labelSelectorMatches({}, {}), true, 'empty selector matches everything');
  assert.equal(labelSelectorMatches(undefined, { a: 'b' }), false, 'missing selector matches nothing');
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, { y: '1' }), true);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }] }, { x: '1' }), false);
});

test('label selectors: rendering as kubectl shows them', () => {
  assert.equal(
    labelSelectorString({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'zz', operator: 'Exists' },
        { key: 'beta', operator: 'DoesNotExist' },
      ],
    }),
    'app=web,!beta,env notin (prod),tier in (a,b),zz',
  );
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
});

test('label selectors: operator/value consistency', () => {
  const errs = validateLabelSelector(
    { matchExpressions: [{ key: 'a', operator: 'In', values: [] }, { key: 'b', operator: 'Exists', values: ['x'] }] },
    'spec.selector',
  );
  assert.deepEqual(render(errs), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  ]);
});

test('humanDuration matches apimachinery', () => {
  const s = 1000;
  const cases: Array<[number, string]> = [
    [-5 * s, '<invalid>'], [-1 * s, '0s'], [0, '0s'], [59 * s, '59s'], [119 * s, '119s'], [120 * s, '2m'], [200 * s, '3m20s'],
    [600 * s, '10m'], [179 * 60 * s, '179m'], [3 * 3600 * s, '3h'], [(5 * 60 + 30) * 60 * s, '5h30m'], [30 * 3600 * s, '30h'],
    [(3 * 24 + 4) * 3600 * s, '3d4h'], [48 * 3600 * s, '2d'], [30 * 24 * 3600 * s, '30d'], [(3 * 365 + 10) * 24 * 3600 * s, '3y10d'],
    [10 * 365 * 24 * 3600 * s, '10y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
  assert.equal(timestampSince('2026-01-01T00:00:00Z', new Date('2026-01-01T00:05:00Z')), '5m');
  assert.equal(timestampSince(undefined, new Date()), '<unknown>');
  assert.equal(listWithMore(['a', 'b', 'c', 'd', 'e']), 'a,b,c + 2 more...');
  assert.equal(listWithMore([]), '<unset>');
});
