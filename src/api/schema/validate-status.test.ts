/**
 * validateStatusUpdate walks only metadata and status, and skips the kind's hook. These
 * tests hold it to the full validateObject on what a status update can produce (an object
 * whose everything-but-status is the stored one): the same metadata and status errors, in
 * the same order; and they keep the review of kind hooks honest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateObject, validateStatusUpdate } from './validate.js';
import { scribbledSample } from './test-corpus.js';
import { sampleObject } from './sample.js';
import { applyDefaults } from './defaults.js';
import { Registry } from '../registry.js';
import { kindSpecForVersion } from '../apiextensions/v1/custom-resource-kind.js';
import type { CustomResourceDefinition } from '../apiextensions/v1/custom-resource-definition.js';
import type { KindSpec, SchemaFieldError } from './dsl.js';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { replicas: { type: 'integer', minimum: 0 } } },
              status: {
                type: 'object',
                required: ['phase'],
                properties: {
                  phase: { type: 'string', enum: ['Active', 'Done'] },
                  replicas: { type: 'integer', minimum: 0, maximum: 10 },
                  message: { type: 'string', pattern: '^[a-z ]*$', maxLength: 20 },
                  items: { type: 'array', maxItems: 2, items: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    ],
  },
} as CustomResourceDefinition;
const crontab = kindSpecForVersion(crd, crd.spec!.versions![0]!);

const statusKinds: KindSpec[] = [...new Registry().all(), crontab].filter((k) => k.subresources?.status);
const RUNS = Number(process.env.SCHEMA_PROPERTY_RUNS ?? 40);

/**
 * Kinds with a status subresource whose kind-level hook was reviewed: each checks only spec
 * (or metadata.name on create), which a status update cannot change, so it need not run.
 * A kind added here must be reviewed first; a hook with status rules must move them into
 * the status schema (field or object hooks), which status updates do run.
 */
const REVIEWED_SPEC_ONLY_HOOKS = [
  '/Node', // taints, podCIDRs, providerID
  '/PersistentVolumeClaim', // spec immutability, access modes, storage request
  '/PersistentVolume', // volume source, access modes, capacity
  '/Pod', // ephemeral containers on create, ValidatePodUpdate's spec rules
  '/Service', // spec rules (ports, IPs, type changes)
  'apps/StatefulSet', // immutable spec fields
  'batch/CronJob', // metadata.name length (names cannot change)
  'batch/Job', // selector, immutable template
  'apiextensions.k8s.io/CustomResourceDefinition', // spec rules
  'apiregistration.k8s.io/APIService', // spec rules and metadata.name vs spec (names cannot change)
  'networking.k8s.io/Ingress', // spec rules; the class annotation only on create (old undefined)
  'autoscaling/HorizontalPodAutoscaler', // v1: spec bounds, reference and metric; status counts are field hooks
  'autoscaling/HorizontalPodAutoscaler', // v2: the same, with metrics and behavior
  'certificates.k8s.io/CertificateSigningRequest', // spec rules on create; conditions and certificate are the status object's hook
];

test('every kind hook of a kind with a status subresource was reviewed as spec-only', () => {
  const hooked = statusKinds.filter((k) => k.validate).map((k) => `${k.group}/${k.kind}`);
  assert.deepEqual(hooked.sort(), [...REVIEWED_SPEC_ONLY_HOOKS].sort());
  // No root object has a hook or context today; validateStatusUpdate runs them anyway.
  assert.deepEqual(statusKinds.filter((k) => k.schema.validate || k.schema.validationContext).map((k) => k.kind), []);
});

const under = (field: string, prefix: string) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`);

/** What validateObject said about metadata and status, without the kind's hook. */
function fullWalk(spec: KindSpec, obj: unknown, old: unknown): SchemaFieldError[] {
  const { validate: _hook, ...noHook } = spec;
  void _hook;
  return validateObject(noHook, obj, old).filter((e) => under(e.field, 'metadata') || under(e.field, 'status'));
}

/** An object as prepareUpdate makes it for /status: `old` with `status` replaced. */
function statusUpdateOf(old: Record<string, unknown>, status: unknown): Record<string, unknown> {
  const next = structuredClone(old);
  if (status === undefined) delete next['status'];
  else next['status'] = structuredClone(status);
  return next;
}

test('the same metadata and status errors, in the same order, as the full walk', () => {
  for (const spec of statusKinds) {
    fc.assert(
      fc.property(scribbledSample(spec), scribbledSample(spec), (old, other) => {
        const next = statusUpdateOf(old, other['status']);
        assert.deepStrictEqual(validateStatusUpdate(spec, next, old), fullWalk(spec, next, old));
      }),
      { numRuns: RUNS },
    );
  }
});

test('a valid status update of a valid object is valid, and the kind hook is not asked', () => {
  for (const spec of statusKinds) {
    const old = sampleObject(spec, { maxDepth: 5 });
    const next = statusUpdateOf(old, sampleObject(spec, { maxDepth: 5 })['status']);
    const errs = validateStatusUpdate({ ...spec, validate: () => assert.fail(`${spec.kind}: kind hook ran`) }, next, old);
    assert.deepEqual(errs, fullWalk(spec, next, old), spec.kind);
  }
});

test('a pod: bad status values get the causes the full validation gives', () => {
  const pod = new Registry().all().find((k) => k.kind === 'Pod' && k.group === '')!;
  const old = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '5' },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Pending' },
  };
  applyDefaults(pod, old); // as stored
  const next = statusUpdateOf(old, {
    phase: 'Sideways',
    podIP: 'not-an-ip',
    startTime: 'yesterday',
    conditions: [{ type: 'Ready', status: 'True' }, { type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'c', ready: 'yes', restartCount: -1, image: 'busybox', imageID: '' }],
  });
  const errs = validateStatusUpdate(pod, next, old);
  assert.ok(errs.length >= 4, JSON.stringify(errs));
  assert.deepStrictEqual(errs, validateObject(pod, next, old));
  for (const field of ['status.phase', 'status.conditions[1].type', 'status.startTime', 'status.containerStatuses[0].ready']) {
    assert.ok(errs.some((e) => e.field === field), `${field} in ${JSON.stringify(errs)}`);
  }
  // Metadata keeps its update rules: a changed uid is still refused.
  const renamed = { ...next, status: old.status, metadata: { ...old.metadata, uid: 'u2' } };
  assert.deepEqual(
    validateStatusUpdate(pod, renamed, old).map((e) => `${e.type} ${e.field}`),
    ['FieldValueInvalid metadata.uid'],
  );
});

test('a custom resource: status schema keywords still apply', () => {
  const old = { apiVersion: 'example.com/v1', kind: 'CronTab', metadata: { name: 'c', namespace: 'default' }, spec: { replicas: 1 }, status: { phase: 'Active' } };
  const next = statusUpdateOf(old, { replicas: 11, message: 'Bad!', items: ['a', 'b', 'c'] });
  const errs = validateStatusUpdate(crontab, next, old);
  assert.deepEqual(
    errs.map((e) => e.field),
    ['status.phase', 'status.replicas', 'status.message', 'status.items'],
  );
  assert.deepStrictEqual(errs, validateObject(crontab, next, old));
});
