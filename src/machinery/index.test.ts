import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as m from './index.js';

test('the public face exposes each helper', () => {
  assert.equal(m.LabelSelector.parse('a=b').matches({ a: 'b' }), true);
  assert.equal(m.Quantity.parse('1.5Gi').toString(), '1536Mi');
  assert.equal(m.statusErrors.notFound({ group: 'apps', resource: 'deployments' }, 'web').message, 'deployments.apps "web" not found');
  assert.equal(m.renderFieldError(m.fieldErrors.required('metadata.name')), 'metadata.name: Required value');
  assert.deepEqual(m.applyMergePatch({ a: 1 }, { b: 2 }), { a: 1, b: 2 });
  assert.equal(m.scaledValue('25%', 10, true), 3);
  assert.equal(m.decodeEnvelope(m.encodeEnvelope({ apiVersion: 'v1', kind: 'Pod', raw: new Uint8Array(0) })).kind, 'Pod');
});
