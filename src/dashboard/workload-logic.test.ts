import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobCompletions, jobDuration, jobStatus, manualJobFor, randomSuffix } from './web/job-status.js';
import { nodeInternalIp, nodeRoles, nodeStatus } from './web/node-status.js';
import { HIDDEN, decodeBase64, secretForDisplay } from './web/secret-data.js';

const cond = (type: string, status = 'True') => ({ type, status });

test('job STATUS is what kubectl 1.32 prints', () => {
  const cases: Array<[object, string]> = [
    [{}, 'Running'],
    [{ status: { conditions: [cond('Complete')] } }, 'Complete'],
    [{ status: { conditions: [cond('Complete', 'False')] } }, 'Running'],
    [{ status: { conditions: [cond('Failed')] } }, 'Failed'],
    [{ status: { conditions: [cond('Suspended')] } }, 'Suspended'],
    [{ status: { conditions: [cond('Suspended', 'False')] } }, 'Running'],
    [{ status: { conditions: [cond('FailureTarget')] } }, 'FailureTarget'],
    [{ status: { conditions: [cond('SuccessCriteriaMet')] } }, 'SuccessCriteriaMet'],
    [{ status: { conditions: [cond('SuccessCriteriaMet'), cond('Complete')] } }, 'Complete'],
    [{ status: { conditions: [cond('FailureTarget'), cond('Failed')] } }, 'Failed'],
    [{ metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' }, status: { conditions: [cond('Suspended')] } }, 'Terminating'],
    [{ metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' }, status: { conditions: [cond('Complete')] } }, 'Complete'],
  ];
  for (const [job, want] of cases) assert.equal(jobStatus(job), want, JSON.stringify(job));
});

test('job COMPLETIONS and DURATION', () => {
  assert.equal(jobCompletions({ spec: { completions: 3 }, status: { succeeded: 2 } }), '2/3');
  assert.equal(jobCompletions({ spec: { completions: 1 } }), '0/1');
  assert.equal(jobCompletions({ spec: {}, status: { succeeded: 1 } }), '1/1');
  assert.equal(jobCompletions({ spec: { parallelism: 4 }, status: { succeeded: 1 } }), '1/1 of 4');
  const start = '2025-01-01T00:00:00Z';
  const now = Date.parse(start) + 95_000;
  assert.equal(jobDuration({}, now), '');
  assert.equal(jobDuration({ status: { startTime: start } }, now), '95s');
  assert.equal(jobDuration({ status: { startTime: start, completionTime: '2025-01-01T00:04:00Z' } }, now), '4m');
});

test('"Run now" builds the Job kubectl create job --from=cronjob builds', () => {
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'ops', uid: 'u-1', labels: { not: 'copied' } },
    spec: {
      schedule: '0 0 * * *',
      jobTemplate: {
        metadata: { labels: { app: 'backup' }, annotations: { note: 'x' } },
        spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
    },
  };
  const job = manualJobFor(cronJob, 'abc12');
  assert.deepEqual(job, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'nightly-manual-abc12',
      namespace: 'ops',
      labels: { app: 'backup' },
      annotations: { note: 'x', 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    },
    spec: cronJob.spec.jobTemplate.spec,
  });
  // A copy: changing the Job leaves the CronJob alone.
  job.spec.backoffLimit = 9;
  assert.equal(cronJob.spec.jobTemplate.spec.backoffLimit, 2);
  // Long names are cut so the Job's name stays a valid label value.
  const long = manualJobFor({ metadata: { name: 'a'.repeat(52), uid: 'u' }, spec: { jobTemplate: { spec: {} } } }, 'zzzzz');
  assert.equal(long.metadata.name.length, 63);
  assert.match(long.metadata.name, /^a+-manual-zzzzz$/);
  assert.equal(long.metadata.labels, undefined);

  let i = 0;
  const seq = [0, 0.999, 0.5];
  assert.match(randomSuffix(5, () => seq[i++ % seq.length] as number), /^[a-z0-9]{5}$/);
  assert.match(randomSuffix(), /^[a-z0-9]{5}$/);
});

test('node STATUS, ROLES and INTERNAL-IP', () => {
  const ready = { status: { conditions: [cond('MemoryPressure', 'False'), cond('Ready')] } };
  assert.equal(nodeStatus(ready), 'Ready');
  assert.equal(nodeStatus({ ...ready, spec: { unschedulable: true } }), 'Ready,SchedulingDisabled');
  assert.equal(nodeStatus({ status: { conditions: [cond('Ready', 'False')] } }), 'NotReady');
  assert.equal(nodeStatus({ spec: { unschedulable: true } }), 'Unknown,SchedulingDisabled');

  assert.equal(nodeRoles({ metadata: { labels: { 'kubernetes.io/hostname': 'n1' } } }), '<none>');
  assert.equal(nodeRoles({}), '<none>');
  assert.equal(
    nodeRoles({ metadata: { labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/': '' } } }),
    'control-plane,worker',
  );
  assert.equal(nodeRoles({ metadata: { labels: { 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/master': '' } } }), 'master');

  assert.equal(nodeInternalIp({ status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '198.18.0.5' }] } }), '198.18.0.5');
  assert.equal(nodeInternalIp({}), '<none>');
});

test('a Secret shows keys only until revealed, then decoded values', () => {
  const secret = {
    kind: 'Secret',
    metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"czNjcjN0"}}', keep: 'me' } },
    type: 'Opaque',
    data: { password: 'czNjcjN0', greeting: 'aMOpbGxv' },
  };
  const hidden = secretForDisplay(secret, false);
  assert.deepEqual(hidden.data, { password: HIDDEN, greeting: HIDDEN });
  assert.doesNotMatch(JSON.stringify(hidden), /czNjcjN0|s3cr3t/);
  assert.equal(hidden.metadata.annotations.keep, 'me');
  const shown = secretForDisplay(secret, true);
  assert.deepEqual(shown.data, { password: 's3cr3t', greeting: 'héllo' });
  assert.equal(secret.data.password, 'czNjcjN0');
  assert.equal(decodeBase64('!!not base64'), undefined);
  const cm = { kind: 'ConfigMap', data: { a: 'b' } };
  assert.equal(secretForDisplay(cm, false), cm);
});
