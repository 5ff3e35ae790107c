import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, validateObject, type SchemaFieldError } from '../../schema/index.js';
import { renderFieldError, type FieldError } from '../../../machinery/field-errors.js';
import type { EphemeralContainer } from './container.js';
import { PodKind, type Pod } from './pod.js';
import { keepOnlyEphemeralContainers, MIRROR_POD_ANNOTATION } from './pod-ephemeral-containers.js';
import { POD_UPDATE_FORBIDDEN_MESSAGE } from './pod-update.js';
import { samplePod } from './testdata.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const rendered = (errs: SchemaFieldError[]) => errs.map((e) => renderFieldError(e as FieldError));

/** What kubectl debug 1.32 adds (its generateDebugContainer, with --target). */
function debugContainer(name = 'debugger-x'): EphemeralContainer {
  return { name, image: 'busybox', command: ['sh'], resources: {}, stdin: true, tty: true, targetContainerName: 'web', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' };
}

function pod(...ephemeral: EphemeralContainer[]): Pod {
  const p = samplePod();
  if (ephemeral.length) p.spec!.ephemeralContainers = ephemeral;
  applyDefaults(PodKind, p as Record<string, unknown>);
  return p;
}

/** The whole new pod as an update through pods/ephemeralcontainers is validated (the Pod's hook with the subresource). */
const viaSubresource = (next: Pod, old: Pod): SchemaFieldError[] => validateObject(PodKind, next, old, 'ephemeralcontainers');

test('adding an ephemeral container (as kubectl debug does) is a valid update through the subresource', () => {
  assert.equal(samplePod().spec?.containers?.[0]?.name, 'web');
  assert.deepEqual(viaSubresource(pod(debugContainer()), pod()), []);
  // A second one later, the list reordered by the patch: matched by name.
  assert.deepEqual(viaSubresource(pod(debugContainer('b'), debugContainer('a')), pod(debugContainer('a'))), []);
});

test('existing ephemeral containers may be neither removed nor changed (upstream messages)', () => {
  const old = pod(debugContainer('a'), debugContainer('b'));
  assert.deepEqual(rendered(viaSubresource(pod(debugContainer('b')), old)), ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "a" may not be removed\n']);
  assert.deepEqual(rendered(viaSubresource(pod(), old)).length, 2);
  const changed = pod({ ...debugContainer('a'), image: 'alpine' }, debugContainer('b'));
  assert.deepEqual(rendered(viaSubresource(changed, old)), ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "a" may not be changed\nchanged: image']);
});

test('static (mirror) pods take no ephemeral containers', () => {
  const old = pod();
  old.metadata!.annotations = { [MIRROR_POD_ANNOTATION]: 'abc' };
  assert.deepEqual(rendered(viaSubresource(pod(debugContainer()), old)), [': Forbidden: static pods do not support ephemeral containers']);
});

const invalid: { name: string; ec: Partial<EphemeralContainer>; want: string[] }[] = [
  { name: 'ports', ec: { ports: [{ containerPort: 80, protocol: 'TCP' }] }, want: ['FieldValueForbidden spec.ephemeralContainers[0].ports'] },
  { name: 'resources', ec: { resources: { limits: { cpu: '1' } } }, want: ['FieldValueForbidden spec.ephemeralContainers[0].resources'] },
  {
    name: 'probes and lifecycle',
    ec: { readinessProbe: { exec: { command: ['true'] } }, livenessProbe: { exec: { command: ['true'] } }, startupProbe: { exec: { command: ['true'] } }, lifecycle: { preStop: { exec: { command: ['true'] } } } },
    want: ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'].map((k) => `FieldValueForbidden spec.ephemeralContainers[0].${k}`),
  },
  { name: 'a restart policy', ec: { restartPolicy: 'Always' }, want: ['FieldValueForbidden spec.ephemeralContainers[0].restartPolicy'] },
  { name: 'a volume subPath', ec: { volumeMounts: [{ name: 'config', mountPath: '/c', subPath: 'x' }] }, want: ['FieldValueForbidden spec.ephemeralContainers[0].volumeMounts[0].subPath'] },
  { name: 'a target that is not a container', ec: { targetContainerName: 'nope' }, want: ['FieldValueNotFound spec.ephemeralContainers[0].targetContainerName'] },
  { name: 'the name of a regular container', ec: { name: 'web' }, want: ['FieldValueDuplicate spec.ephemeralContainers[0].name'] },
  { name: 'the name of an init container', ec: { name: 'migrate' }, want: ['FieldValueDuplicate spec.ephemeralContainers[0].name'] },
  { name: 'no image', ec: { image: '' }, want: ['FieldValueRequired spec.ephemeralContainers[0].image'] },
];
for (const c of invalid) {
  test(`an ephemeral container may not have ${c.name}`, () => {
    assert.ok(pod().spec?.volumes?.some((v) => v.name === 'config'), 'the sample pod has a volume "config"');
    const next = pod({ ...debugContainer(), ...c.ec } as EphemeralContainer);
    assert.deepEqual(brief(viaSubresource(next, pod())), c.want);
  });
}

test('an ephemeral container may target an init container, and another ephemeral container may not be a target', () => {
  assert.deepEqual(viaSubresource(pod({ ...debugContainer(), targetContainerName: 'migrate' }), pod()), []);
  const next = pod(debugContainer('a'), { ...debugContainer('b'), targetContainerName: 'a' });
  assert.deepEqual(brief(viaSubresource(next, pod(debugContainer('a')))), ['FieldValueNotFound spec.ephemeralContainers[1].targetContainerName']);
});

test('the main pod resource refuses any change of ephemeral containers (ValidatePodUpdate)', () => {
  for (const [next, old] of [
    [pod(debugContainer()), pod()],
    [pod(), pod(debugContainer())],
  ] as const) {
    const errs = validateObject(PodKind, next, old);
    assert.deepEqual(brief(errs), ['FieldValueForbidden spec']);
    assert.ok(errs[0]!.message.startsWith(POD_UPDATE_FORBIDDEN_MESSAGE));
    assert.match(errs[0]!.message, /changed: spec\.ephemeralContainers$/);
  }
});

test('the subresource keeps only the ephemeral containers of a write: other spec, status and metadata changes are dropped', () => {
  const current = pod();
  current.status = { phase: 'Running' };
  const next = pod(debugContainer());
  next.spec!.containers![0]!.image = 'other';
  next.spec!.activeDeadlineSeconds = 5;
  next.metadata!.labels = { changed: 'yes' };
  next.metadata!.annotations = { a: 'b' };
  next.status = { phase: 'Failed' };
  keepOnlyEphemeralContainers(next, current);
  assert.deepEqual(next.spec, { ...current.spec, ephemeralContainers: [pod(debugContainer()).spec!.ephemeralContainers![0]] });
  assert.deepEqual(next.status, { phase: 'Running' });
  assert.deepEqual(next.metadata?.labels, current.metadata?.labels);
  assert.equal(next.metadata?.annotations, undefined);
  // Nothing shared with the stored object, which the write compares against afterwards.
  next.spec!.containers![0]!.image = 'changed-after';
  assert.notEqual(current.spec!.containers![0]!.image, 'changed-after');
});
