import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../api/core/v1/node.js';
import type { PersistentVolume } from '../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { findMatchingVolume, volumeFitsNode } from './pv-matching.js';

const pv = (name: string, size: string, over: Partial<NonNullable<PersistentVolume['spec']>> = {}, labels?: Record<string, string>): PersistentVolume => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` }, storageClassName: 'manual', ...over },
  status: { phase: 'Available' },
});
const claim = (size: string, over: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}): PersistentVolumeClaim => ({
  metadata: { name: 'data', namespace: 'ns', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: 'manual', ...over },
});
const node = (name: string): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
const pinned = (host: string) => ({ nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In' as const, values: [host] }] }] } } });
const name = (v: PersistentVolume | undefined) => v?.metadata?.name;

test('the smallest volume that fits wins: size, class, access modes, volume mode', () => {
  const vols = [pv('big', '10Gi'), pv('small', '1Gi'), pv('tiny', '500Mi'), pv('other-class', '1Gi', { storageClassName: 'fast' }), pv('rox', '1Gi', { accessModes: ['ReadOnlyMany'] }), pv('block', '1Gi', { volumeMode: 'Block' })];
  assert.equal(name(findMatchingVolume(claim('1G'), vols)), 'small');
  assert.equal(name(findMatchingVolume(claim('2Gi'), vols)), 'big');
  assert.equal(name(findMatchingVolume(claim('20Gi'), vols)), undefined);
  assert.equal(name(findMatchingVolume(claim('1Gi', { storageClassName: 'fast' }), vols)), 'other-class');
  assert.equal(name(findMatchingVolume(claim('1Gi', { accessModes: ['ReadOnlyMany'] }), vols)), 'rox');
  assert.equal(name(findMatchingVolume(claim('1Gi', { volumeMode: 'Block' }), vols)), 'block');
});

test('bound, released and terminating volumes are skipped; a selector narrows by labels', () => {
  const taken = pv('taken', '1Gi', { claimRef: { namespace: 'ns', name: 'other', uid: 'u2' } });
  const released = { ...pv('released', '1Gi'), status: { phase: 'Released' as const } };
  const going = { ...pv('going', '1Gi'), metadata: { name: 'going', deletionTimestamp: '2026-01-01T00:00:00Z' } };
  const labelled = pv('labelled', '5Gi', {}, { tier: 'gold' });
  assert.equal(name(findMatchingVolume(claim('1Gi'), [taken, released, going])), undefined);
  assert.equal(name(findMatchingVolume(claim('1Gi', { selector: { matchLabels: { tier: 'gold' } } }), [pv('plain', '1Gi'), labelled])), 'labelled');
});

test('a volume pre-bound to the claim wins even from another class; delayed binding only takes those without a node', () => {
  const pre = pv('pre', '5Gi', { claimRef: { namespace: 'ns', name: 'data' }, storageClassName: 'x' });
  assert.equal(name(findMatchingVolume(claim('1Gi'), [pv('free', '1Gi'), pre])), 'pre');
  assert.equal(name(findMatchingVolume(claim('1Gi'), [pv('free', '1Gi')], { delayBinding: true })), undefined);
  assert.equal(name(findMatchingVolume(claim('1Gi'), [pv('free', '1Gi'), pre], { delayBinding: true })), 'pre');
  assert.equal(name(findMatchingVolume(claim('9Gi'), [pre])), undefined, 'too small even pre-bound');
});

test('node affinity: with a node, only volumes reachable from it', () => {
  const a = pv('on-a', '1Gi', pinned('a'));
  const b = pv('on-b', '2Gi', pinned('b'));
  assert.ok(volumeFitsNode(a, node('a')) && !volumeFitsNode(a, node('b')) && volumeFitsNode(pv('any', '1Gi'), node('b')));
  assert.equal(name(findMatchingVolume(claim('1Gi'), [a, b], { node: node('b'), delayBinding: true })), 'on-b');
  assert.equal(name(findMatchingVolume(claim('1Gi'), [a], { node: node('b') })), undefined);
});
