import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFieldError, type FieldError } from '../../../machinery/field-errors.js';
import { validateObject, type SchemaFieldError } from '../../schema/index.js';
import { PodKind, type Pod } from './pod.js';
import { samplePod } from './testdata.js';

// Native sidecars (KEP-753): an init container with restartPolicy Always.
const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const sidecar = (p: Pod) => p.spec!.initContainers![1]!;
const plainInit = (p: Pod) => p.spec!.initContainers![0]!;
const probe = { exec: { command: ['true'] }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };

const cases: { name: string; mutate: (p: Pod) => void; want: string[]; message?: string }[] = [
  { name: 'a sidecar with startup, liveness and readiness probes and lifecycle hooks', want: [], mutate: (p) => Object.assign(sidecar(p), { startupProbe: probe, livenessProbe: probe, readinessProbe: probe, lifecycle: { postStart: { exec: { command: ['true'] } }, preStop: { sleep: { seconds: 1 } } } }) },
  {
    name: 'an init container restartPolicy other than Always',
    mutate: (p) => ((plainInit(p) as Record<string, unknown>)['restartPolicy'] = 'OnFailure'),
    want: ['FieldValueNotSupported spec.initContainers[0].restartPolicy'],
    message: 'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
  },
  {
    name: 'restartPolicy on a regular container (1.32)',
    mutate: (p) => (p.spec!.containers![0]!.restartPolicy = 'Always'),
    want: ['FieldValueForbidden spec.containers[0].restartPolicy'],
    message: 'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
  },
  {
    name: 'probes and lifecycle on a plain init container',
    mutate: (p) => Object.assign(plainInit(p), { startupProbe: probe, lifecycle: { postStart: { exec: { command: ['true'] } } } }),
    want: ['FieldValueForbidden spec.initContainers[0].lifecycle', 'FieldValueForbidden spec.initContainers[0].startupProbe'],
    message: 'spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always',
  },
  {
    name: 'a sidecar liveness probe still needs successThreshold 1',
    mutate: (p) => (sidecar(p).livenessProbe = { ...probe, successThreshold: 2 }),
    want: ['FieldValueInvalid spec.initContainers[1].livenessProbe.successThreshold'],
  },
];
for (const c of cases) {
  test(`sidecar validation: ${c.name}`, () => {
    const p = samplePod();
    c.mutate(p);
    const errs = validateObject(PodKind, p);
    assert.deepEqual(brief(errs), c.want);
    if (c.message) assert.equal(renderFieldError(errs[0] as FieldError), c.message);
  });
}
