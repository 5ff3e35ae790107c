import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobKind, generateJobSelector, jobLabels, type Job } from './index.js';
import { sampleTemplate } from '../../apps/v1/testdata.js';
import { render } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, toTable, validateObject } from '../../schema/index.js';

const uid = '6c9f1d2e-0000-4000-8000-000000000001';

/** What a user applies: a pi-style batch Job with restartPolicy Never. */
const manifest = (): Job => {
  const template = sampleTemplate('pi');
  template.spec!.restartPolicy = 'Never';
  template.spec!.containers![0] = { name: 'pi', image: 'perl:5.34', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(200)'] };
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' }, spec: { backoffLimit: 4, template } };
};

/** As the API server stores it: uid assigned, selector generated, defaults applied. */
const prepared = (j: Job = manifest()): Job => {
  j.metadata!.uid = uid;
  j.metadata!.creationTimestamp = '2026-01-01T00:00:00Z';
  generateJobSelector(j);
  applyDefaults(JobKind, j as Record<string, unknown>);
  return j;
};

test('Job: defaults and generated selector', () => {
  const j = prepared();
  assert.equal(j.spec?.completions, 1);
  assert.equal(j.spec?.parallelism, 1);
  assert.equal(j.spec?.backoffLimit, 4, 'explicit value kept');
  assert.equal(j.spec?.completionMode, 'NonIndexed');
  assert.equal(j.spec?.suspend, false);
  assert.equal(j.spec?.podReplacementPolicy, 'TerminatingOrFailed');
  assert.deepEqual(j.spec?.selector, { matchLabels: { [jobLabels.controllerUid]: uid } });
  assert.deepEqual(j.spec?.template?.metadata?.labels, {
    app: 'pi',
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': uid,
    'batch.kubernetes.io/controller-uid': uid,
  });
  assert.deepEqual(j.metadata?.labels, j.spec?.template?.metadata?.labels, 'unlabelled Job takes template labels');
  const bare = manifest();
  delete bare.spec!.backoffLimit;
  assert.equal(prepared(bare).spec?.backoffLimit, 6);
  const parallel = manifest();
  parallel.spec!.parallelism = 3;
  assert.equal(prepared(parallel).spec?.completions, undefined, 'work-queue Jobs keep completions unset');
});

test('Job: a realistic Job is valid', () => {
  assert.deepEqual(render(validateObject(JobKind, prepared())), []);
  const indexed = manifest();
  Object.assign(indexed.spec!, { completionMode: 'Indexed', completions: 5, parallelism: 2, backoffLimitPerIndex: 1, maxFailedIndexes: 2 });
  assert.deepEqual(render(validateObject(JobKind, prepared(indexed))), []);
  const pfp = manifest();
  pfp.spec!.podFailurePolicy = {
    rules: [
      { action: 'FailJob', onExitCodes: { containerName: 'pi', operator: 'In', values: [42] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    ],
  };
  const p = prepared(pfp);
  assert.equal(p.spec?.podReplacementPolicy, 'Failed');
  assert.equal(p.spec?.podFailurePolicy?.rules?.[1]?.onPodConditions?.[0]?.status, 'True');
  assert.deepEqual(render(validateObject(JobKind, p)), []);
});

test('Job: invalid specs', () => {
  type Spec = NonNullable<Job['spec']>;
  const cases: Array<[string, (s: Spec) => void, string[]]> = [
    ['restartPolicy Always', (s) => (s.template!.spec!.restartPolicy = 'Always'), [
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]],
    ['negative parallelism', (s) => (s.parallelism = -1), ['spec.parallelism: Invalid value: -1: must be greater than or equal to 0']],
    ['negative backoffLimit', (s) => (s.backoffLimit = -1), ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0']],
    ['Indexed without completions', (s) => {
      s.completionMode = 'Indexed';
      delete s.completions;
    }, ['spec.completions: Required value: when completion mode is Indexed']],
    ['backoffLimitPerIndex on NonIndexed', (s) => (s.backoffLimitPerIndex = 1), ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode']],
    ['podFailurePolicy with OnFailure', (s) => {
      s.template!.spec!.restartPolicy = 'OnFailure';
      s.podFailurePolicy = { rules: [{ action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } }] };
      s.podReplacementPolicy = 'Failed';
    }, ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified']],
    ['exit code 0 with In', (s) => {
      s.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [0, 3] } }] };
      s.podReplacementPolicy = 'Failed';
    }, ['spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator']],
    ['selector does not match', (s) => (s.selector = { matchLabels: { [jobLabels.controllerUid]: uid, app: 'other' } }), [
      `spec.template.metadata.labels: Invalid value: {"app":"pi","job-name":"pi","batch.kubernetes.io/job-name":"pi","controller-uid":"${uid}","batch.kubernetes.io/controller-uid":"${uid}"}: \`selector\` does not match template \`labels\``,
    ]],
  ];
  for (const [name, mutate, want] of cases) {
    const j = prepared();
    mutate(j.spec!);
    assert.deepEqual(render(validateObject(JobKind, j)), want, name);
  }
});

test('Job: selector and template immutable unless suspended', () => {
  const old = prepared();
  const sel = structuredClone(old);
  sel.spec!.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid, 'job-name': 'pi' } };
  assert.match(render(validateObject(JobKind, sel, old))[0] ?? '', /^spec\.selector: Invalid value: .*: field is immutable$/);
  const img = structuredClone(old);
  img.spec!.template!.spec!.containers![0]!.image = 'perl:5.36';
  assert.match(render(validateObject(JobKind, img, old)).join('\n'), /^spec\.template: Invalid value: .*: field is immutable$/);
  const suspended = structuredClone(old);
  suspended.spec!.suspend = true;
  const resumedEdit = structuredClone(suspended);
  resumedEdit.spec!.template!.spec!.containers![0]!.image = 'perl:5.36';
  assert.deepEqual(validateObject(JobKind, resumedEdit, suspended), []);
});

test('Job: kubectl get columns', () => {
  const now = new Date('2026-01-01T00:10:00Z');
  const j = prepared();
  const row = (job: Job) => (toTable(JobKind, [job], { now }) as { rows: Array<{ cells: unknown[] }> }).rows[0]?.cells;
  const cols = (toTable(JobKind, []) as { columnDefinitions: Array<{ name: string; priority: number }> }).columnDefinitions;
  assert.deepEqual(cols.map((c) => `${c.name}:${c.priority}`), ['Name:0', 'Status:0', 'Completions:0', 'Duration:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1']);
  assert.deepEqual(row(j), ['pi', 'Running', '0/1', '', '10m', 'pi', 'perl:5.34', `batch.kubernetes.io/controller-uid=${uid}`]);
  j.status = {
    startTime: '2026-01-01T00:00:05Z',
    completionTime: '2026-01-01T00:00:47Z',
    succeeded: 1,
    conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }],
  };
  assert.deepEqual(row(j)?.slice(1, 4), ['Complete', '1/1', '42s']);
  j.status = { startTime: '2026-01-01T00:07:00Z', conditions: [{ type: 'Failed', status: 'True' }] };
  assert.deepEqual(row(j)?.slice(1, 4), ['Failed', '0/1', '3m']);
  const wq = prepared(Object.assign(manifest(), { spec: { ...manifest().spec, parallelism: 3 } }));
  assert.equal(row(wq)?.[2], '0/1 of 3');
  assert.equal(JobKind.fieldSelectors?.['status.successful']?.({ status: { succeeded: 2 } }), '2');
});

test('Job: protobuf numbers', () => {
  const spec = JobKind.schema.fields.spec?.type;
  assert.ok(spec?.kind === 'object');
  const f = spec.ref().fields;
  assert.deepEqual(
    ['parallelism', 'completions', 'activeDeadlineSeconds', 'selector', 'manualSelector', 'template', 'backoffLimit', 'ttlSecondsAfterFinished', 'completionMode', 'suspend', 'podFailurePolicy', 'backoffLimitPerIndex', 'maxFailedIndexes', 'podReplacementPolicy', 'managedBy', 'successPolicy'].map((k) => f[k]?.proto),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
  );
  const status = JobKind.schema.fields.status?.type;
  assert.ok(status?.kind === 'object');
  const s = status.ref().fields;
  assert.deepEqual(['conditions', 'startTime', 'completionTime', 'active', 'succeeded', 'failed', 'completedIndexes', 'uncountedTerminatedPods', 'ready', 'failedIndexes', 'terminating'].map((k) => s[k]?.proto), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});
