import { test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { openApiV3Document } from './openapi.js';
import { packageForGroup, packageFromPath } from './openapi-names.js';
import { GadgetKind } from './testdata.js';
import { Registry } from '../registry.js';
import { NamespaceKind } from '../core/v1/namespace.js';

type Json = Record<string, any>;
const testGV = { group: GadgetKind.group, version: GadgetKind.version, kinds: [GadgetKind] };

test('every registered group/version yields a valid OpenAPI 3 document with each kind tagged by GVK', async () => {
  const gvs = [...new Registry().list(), testGV];
  for (const gv of gvs) {
    const doc = openApiV3Document(gv) as Json;
    const where = `${gv.group || 'core'}/${gv.version}`;
    assert.equal(doc['x-skiff-name-collisions'], undefined, `${where}: component name collisions`);
    await SwaggerParser.validate(structuredClone(doc) as never);
    const schemas = doc['components']['schemas'] as Json;
    for (const spec of gv.kinds) {
      const tagged = Object.values(schemas).filter((s: Json) =>
        (s['x-kubernetes-group-version-kind'] ?? []).some((g: Json) => g.group === spec.group && g.version === spec.version && g.kind === spec.kind),
      );
      assert.equal(tagged.length, 1, `${where} ${spec.kind}: one component carries its GVK`);
    }
  }
});

test('components are named like upstream and nested objects are $refs through allOf', () => {
  const doc = openApiV3Document({ group: '', version: 'v1', kinds: [NamespaceKind] }) as Json;
  const schemas = doc['components']['schemas'] as Json;
  const ns = schemas['io.k8s.api.core.v1.Namespace'];
  assert.deepEqual(ns['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Namespace' }]);
  assert.deepEqual(ns.properties.metadata.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  assert.deepEqual(ns.properties.spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.NamespaceSpec' }]);
  const meta = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'];
  assert.deepEqual(meta.properties.creationTimestamp.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }]);
  assert.equal(meta.properties.ownerReferences['x-kubernetes-patch-merge-key'], 'uid');
  assert.equal(meta.properties.ownerReferences['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(meta.properties.ownerReferences['x-kubernetes-list-type'], 'map');
  assert.deepEqual(meta.properties.ownerReferences['x-kubernetes-list-map-keys'], ['uid']);
  assert.deepEqual(meta.properties.labels, { type: 'object', additionalProperties: { type: 'string' }, description: meta.properties.labels.description });
  assert.deepEqual(schemas['io.k8s.api.core.v1.NamespaceStatus'].properties.phase.enum, ['Active', 'Terminating']);
  assert.ok(schemas['io.k8s.api.core.v1.NamespaceList']);
  assert.deepEqual(schemas['io.k8s.api.core.v1.NamespaceList']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'NamespaceList' }]);
  assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']);
  assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']);
});

test('scalars: int32/int64 formats, IntOrString and Quantity refs, defaults, required, bounds', () => {
  const doc = openApiV3Document(testGV) as Json;
  const schemas = doc['components']['schemas'] as Json;
  const spec = schemas['dev.skiff.test.v1.GadgetSpec'];
  assert.ok(spec, Object.keys(schemas).join(' '));
  assert.deepEqual(
    { type: spec.properties.replicas.type, format: spec.properties.replicas.format, default: spec.properties.replicas.default, minimum: spec.properties.replicas.minimum },
    { type: 'integer', format: 'int32', default: 1, minimum: 0 },
  );
  assert.equal(spec.properties.generation.format, 'int64');
  assert.equal(spec.properties.target['x-kubernetes-int-or-string'], true);
  assert.deepEqual(spec.properties.target.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
  const part = schemas['dev.skiff.test.v1.GadgetPart'];
  assert.deepEqual(part.required, ['name']);
  assert.deepEqual(part.properties.limits.additionalProperties.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' }]);
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [{ type: 'integer' }, { type: 'string' }]);
});

test('paths: the PATCH operation declares fieldValidation and strategic merge patch, with the GVK', () => {
  const doc = openApiV3Document(testGV) as Json;
  const item = doc['paths']['/apis/test.skiff.dev/v1/namespaces/{namespace}/gadgets/{name}'];
  assert.ok(item, Object.keys(doc['paths']).join(' '));
  const patch = item.patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'test.skiff.dev', version: 'v1', kind: 'Gadget' });
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.ok(patch.parameters.some((p: Json) => p.name === 'fieldValidation' && p.in === 'query'));
  assert.ok('application/strategic-merge-patch+json' in patch.requestBody.content);
  assert.ok(doc['paths']['/apis/test.skiff.dev/v1/gadgets'].get, 'all-namespaces list');
  // Custom resources: no strategic merge patch.
  const crd = openApiV3Document({ ...testGV, kinds: [{ ...GadgetKind, strategicMergePatch: false }] }) as Json;
  const crdPatch = crd['paths']['/apis/test.skiff.dev/v1/namespaces/{namespace}/gadgets/{name}'].patch;
  assert.ok(!('application/strategic-merge-patch+json' in crdPatch.requestBody.content));
  // Core, cluster-scoped.
  const core = openApiV3Document({ group: '', version: 'v1', kinds: [NamespaceKind] }) as Json;
  assert.ok(core['paths']['/api/v1/namespaces/{name}'].patch);
  assert.ok(core['paths']['/api/v1/namespaces/{name}/status'].patch);
});

test('restricted verbs limit the operations', () => {
  const doc = openApiV3Document({ ...testGV, kinds: [{ ...GadgetKind, verbs: ['create'] }] }) as Json;
  assert.deepEqual(Object.keys(doc['paths']), ['/apis/test.skiff.dev/v1/namespaces/{namespace}/gadgets']);
  assert.ok(doc['paths']['/apis/test.skiff.dev/v1/namespaces/{namespace}/gadgets'].post);
});

test('package names: from the declaring file, else from the group', () => {
  assert.equal(packageFromPath('/work/main/src/api/core/v1/pod-spec.ts'), 'io.k8s.api.core.v1');
  assert.equal(packageFromPath('/app/dist/src/api/apps/v1/deployment.js'), 'io.k8s.api.apps.v1');
  assert.equal(packageFromPath('file:///app/dist/api/meta/v1/object-meta.js'), 'io.k8s.apimachinery.pkg.apis.meta.v1');
  assert.equal(packageFromPath('/x/src/api/apiextensions/v1/crd.ts'), 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1');
  assert.equal(packageFromPath('/x/src/api/batch/v1beta1/cronjob.ts'), 'io.k8s.api.batch.v1beta1');
  assert.equal(packageFromPath('/x/src/api/schema/testdata.ts'), undefined);
  assert.equal(packageFromPath(undefined), undefined);
  assert.equal(packageForGroup('', 'v1'), 'io.k8s.api.core.v1');
  assert.equal(packageForGroup('rbac.authorization.k8s.io', 'v1'), 'io.k8s.api.rbac.v1');
  assert.equal(packageForGroup('stable.example.com', 'v1'), 'com.example.stable.v1');
});
