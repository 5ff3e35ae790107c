import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patchMetaFor } from './patch-meta.js';
import { GadgetSchema } from './testdata.js';
import { NamespaceSchema } from '../core/v1/namespace.js';
import { applyStrategicMergePatch } from '../../machinery/strategic-merge-patch.js';

test('merge lists carry strategy and key; items descend into elements', () => {
  const root = patchMetaFor(GadgetSchema);
  const parts = root.field('spec')?.field('parts');
  assert.deepEqual(parts?.patchStrategy, ['merge']);
  assert.equal(parts?.patchMergeKey, 'name');
  const ports = parts?.items?.field('ports');
  assert.deepEqual([ports?.patchStrategy, ports?.patchMergeKey], [['merge'], 'port']);
  assert.equal(ports?.items?.field('port')?.patchStrategy, undefined);
  // Atomic lists have no strategy.
  assert.equal(root.field('spec')?.field('tags')?.patchStrategy, undefined);
});

test('maps: any key leads to the values’ meta', () => {
  const named = patchMetaFor(GadgetSchema).field('spec')?.field('named');
  assert.ok(named?.field('anything')?.field('port'));
  assert.equal(named?.field('anything')?.field('nope'), undefined);
});

test('unknown fields, scalars and raw values have no children', () => {
  const spec = patchMetaFor(GadgetSchema).field('spec');
  assert.equal(spec?.field('bogus'), undefined);
  assert.equal(spec?.field('constructor'), undefined);
  assert.equal(spec?.field('replicas')?.field('x'), undefined);
  assert.equal(spec?.field('extension'), undefined);
});

test('metadata lists from meta/v1: finalizers merge, ownerReferences keyed by uid', () => {
  const meta = patchMetaFor(NamespaceSchema).field('metadata');
  assert.deepEqual(meta?.field('finalizers')?.patchStrategy, ['merge']);
  assert.equal(meta?.field('ownerReferences')?.patchMergeKey, 'uid');
  assert.equal(patchMetaFor(NamespaceSchema).field('status')?.field('conditions')?.patchMergeKey, 'type');
});

test('machinery’s strategic merge patch merges by the schema’s keys', () => {
  const live = { spec: { parts: [{ name: 'a', image: 'one' }, { name: 'b', image: 'two' }], tags: ['x'] } };
  const patch = { spec: { '$setElementOrder/parts': [{ name: 'a' }, { name: 'b' }], parts: [{ name: 'a', image: 'new' }], tags: ['y'] } };
  const out = applyStrategicMergePatch(live, patch, patchMetaFor(GadgetSchema));
  assert.deepEqual(out, { spec: { parts: [{ name: 'a', image: 'new' }, { name: 'b', image: 'two' }], tags: ['y'] } });
});
