import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaFieldError } from '../../schema/dsl.js';
import { defaultImagePullPolicy } from './container.js';
import type { PodSpec } from './pod-spec.js';
import { PodSpecSchema } from './pod-spec.js';
import { PodTemplateSpecSchema } from './pod-template.js';
import { EXTRA_VOLUME_NAMES, extraVolumeNames, validatePodSpec } from './pod-spec-validation.js';
import { samplePod } from './testdata.js';

const spec = (): PodSpec => samplePod().spec!;
const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);

test('a realistic pod spec passes', () => {
  assert.deepEqual(validatePodSpec(spec(), 'spec'), []);
});

test('the schema hook validates with the path it is given', () => {
  const s = spec();
  s.containers![0]!.image = '';
  assert.deepEqual(brief(PodSpecSchema.validate!(s, 'spec.template.spec')), ['FieldValueRequired spec.template.spec.containers[0].image']);
});

test('volumeMounts may name extra volumes the caller vouches for (a StatefulSet\'s claim templates), through the schema context too', () => {
  const s = spec();
  s.containers![0]!.volumeMounts = [{ name: 'claim', mountPath: '/claim' }];
  assert.deepEqual(brief(validatePodSpec(s, 'spec')), ['FieldValueNotFound spec.containers[0].volumeMounts[0].name']);
  assert.deepEqual(validatePodSpec(s, 'spec', ['claim']), []);
  assert.deepEqual(brief(validatePodSpec(s, 'spec', ['other'])), ['FieldValueNotFound spec.containers[0].volumeMounts[0].name']);
  assert.deepEqual(PodSpecSchema.validate!(s, 'spec', undefined, { [EXTRA_VOLUME_NAMES]: ['claim'] }), []);
  assert.deepEqual(extraVolumeNames({ [EXTRA_VOLUME_NAMES]: ['a', 3, null] }), ['a'], 'ill-typed entries ignored');
  assert.deepEqual(extraVolumeNames(undefined), []);
});

const cases: { name: string; mutate: (s: PodSpec) => void; want: string[]; message?: string }[] = [
  {
    name: 'duplicate container name across initContainers and containers',
    mutate: (s) => (s.containers![0]!.name = 'migrate'),
    want: ['FieldValueDuplicate spec.containers[0].name'],
  },
  { name: 'missing image', mutate: (s) => delete s.containers![0]!.image, want: ['FieldValueRequired spec.containers[0].image'] },
  {
    name: 'container name not a DNS label',
    mutate: (s) => (s.containers![0]!.name = 'Web_1'),
    want: ['FieldValueInvalid spec.containers[0].name'],
    message:
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  },
  {
    name: 'port out of range',
    mutate: (s) => (s.containers![0]!.ports![0]!.containerPort = 70000),
    want: ['FieldValueInvalid spec.containers[0].ports[0].containerPort'],
    message: 'must be between 1 and 65535, inclusive',
  },
  { name: 'port zero', mutate: (s) => (s.containers![0]!.ports![0]!.containerPort = 0), want: ['FieldValueRequired spec.containers[0].ports[0].containerPort'] },
  {
    name: 'port name too long and uppercase',
    mutate: (s) => (s.containers![0]!.ports![0]!.name = 'HTTP-PORT-NUMBER-1'),
    want: ['FieldValueInvalid spec.containers[0].ports[0].name', 'FieldValueInvalid spec.containers[0].ports[0].name', 'FieldValueInvalid spec.containers[0].ports[0].name'],
  },
  {
    name: 'duplicate port name',
    mutate: (s) => (s.containers![0]!.ports![1]!.name = 'http'),
    want: ['FieldValueDuplicate spec.containers[0].ports[1].name'],
  },
  {
    name: 'request above limit',
    mutate: (s) => (s.containers![0]!.resources = { requests: { cpu: '2' }, limits: { cpu: '1500m' } }),
    want: ['FieldValueInvalid spec.containers[0].resources.requests'],
    message: 'must be less than or equal to cpu limit of 1500m',
  },
  {
    name: 'mount of an unknown volume',
    mutate: (s) => (s.containers![0]!.volumeMounts![0]!.name = 'nope'),
    want: ['FieldValueNotFound spec.containers[0].volumeMounts[0].name'],
  },
  {
    name: 'volume with two sources',
    mutate: (s) => (s.volumes![1]!.hostPath = { path: '/tmp' }),
    want: ['FieldValueForbidden spec.volumes[1].emptyDir'],
    message: 'may not specify more than 1 volume type',
  },
  { name: 'no containers', mutate: (s) => (s.containers = []), want: ['FieldValueRequired spec.containers'] },
  {
    name: 'liveness successThreshold must be 1',
    mutate: (s) => (s.containers![0]!.livenessProbe!.successThreshold = 2),
    want: ['FieldValueInvalid spec.containers[0].livenessProbe.successThreshold'],
  },
  {
    name: 'restartPolicy on a regular container',
    mutate: (s) => (s.containers![0]!.restartPolicy = 'Always'),
    want: ['FieldValueForbidden spec.containers[0].restartPolicy'],
  },
  {
    name: 'probe on a non-sidecar init container',
    mutate: (s) => (s.initContainers![0]!.livenessProbe = { exec: { command: ['true'] } }),
    want: ['FieldValueForbidden spec.initContainers[0].livenessProbe'],
  },
  {
    name: 'toleration with empty key needs Exists',
    mutate: (s) => (s.tolerations![1]!.key = ''),
    want: ['FieldValueInvalid spec.tolerations[1].operator'],
  },
  {
    name: 'weight out of range',
    mutate: (s) => (s.affinity!.podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0]!.weight = 0),
    want: ['FieldValueInvalid spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight'],
  },
  {
    name: 'empty topologyKey in pod affinity',
    mutate: (s) => (s.affinity!.podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0]!.podAffinityTerm!.topologyKey = ''),
    want: ['FieldValueRequired spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey'],
  },
  {
    name: 'maxSkew zero',
    mutate: (s) => (s.topologySpreadConstraints![0]!.maxSkew = 0),
    want: ['FieldValueInvalid spec.topologySpreadConstraints[0].maxSkew'],
  },
  {
    name: 'envFrom with both sources',
    mutate: (s) => (s.containers![0]!.envFrom![0]!.secretRef = { name: 'x' }),
    want: ['FieldValueInvalid spec.containers[0].envFrom[0]'],
  },
  {
    name: 'env with value and valueFrom',
    mutate: (s) => (s.containers![0]!.env![0]!.value = 'x'),
    want: ['FieldValueInvalid spec.containers[0].env[0].valueFrom'],
  },
];

for (const c of cases) {
  test(`invalid: ${c.name}`, () => {
    const s = spec();
    c.mutate(s);
    const errs = validatePodSpec(s, 'spec');
    assert.deepEqual(brief(errs), c.want);
    if (c.message) assert.equal(errs[0]!.message, c.message);
  });
}

test('imagePullPolicy defaults like Kubernetes', () => {
  assert.equal(defaultImagePullPolicy('nginx'), 'Always');
  assert.equal(defaultImagePullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultImagePullPolicy('nginx:1.27'), 'IfNotPresent');
  assert.equal(defaultImagePullPolicy('localhost:5000/team/app'), 'Always');
  assert.equal(defaultImagePullPolicy('localhost:5000/team/app:v2'), 'IfNotPresent');
  assert.equal(defaultImagePullPolicy('nginx@sha256:0123'), 'IfNotPresent');
});

test('PodSpec carries the real protobuf numbers and merge keys', () => {
  const fl = PodSpecSchema.fields;
  const nums = Object.fromEntries(Object.entries(fl).map(([k, v]) => [k, v.proto]));
  assert.equal(nums['containers'], 2);
  assert.equal(nums['initContainers'], 20);
  assert.equal(nums['ephemeralContainers'], 34);
  assert.equal(nums['tolerations'], 22);
  assert.equal(nums['topologySpreadConstraints'], 33);
  assert.equal(nums['schedulingGates'], 38);
  assert.deepEqual(fl['volumes']!.patchStrategy, ['merge', 'retainKeys']);
  assert.equal(fl['hostAliases']!.patchMergeKey, 'ip');
  const numbers = Object.values(fl).map((f) => f.proto);
  assert.equal(new Set(numbers).size, numbers.length, 'field numbers are unique');
  assert.equal(PodTemplateSpecSchema.fields['spec']!.proto, 2);
});
