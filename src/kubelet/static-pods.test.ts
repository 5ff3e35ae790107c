import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffStaticPods, isManifestFile, isMirrorPod, isStaticPod, ManifestError, parseManifest, staticPodFrom } from './static-pods.js';
import type { Pod } from '../api/core/v1/pod.js';

const YAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: c
    image: busybox
    command: [sleep, "3600"]
`;
const seenOf = () => '2026-01-01T00:00:00Z';

describe('static pod manifests', () => {
  it('reads YAML and JSON, and tells which files are manifests', () => {
    assert.equal(parseManifest(YAML).metadata?.name, 'web');
    assert.equal(parseManifest(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { containers: [{ name: 'c' }] } })).metadata?.name, 'j');
    assert.deepEqual(['a.yaml', 'b.yml', 'c.JSON', 'd.txt', '.e.yaml', 'f.yaml~'].filter(isManifestFile), ['a.yaml', 'b.yml', 'c.JSON']);
  });

  it('rejects other kinds, bad YAML, nameless and containerless pods with a reason', () => {
    for (const [text, why] of [
      ['apiVersion: v1\nkind: Service\nmetadata: {name: s}\n', /not a v1 Pod/],
      ['kind: Pod\nmetadata: [\n', /not valid YAML/],
      ['- a\n- b\n', /not an object/],
      ['apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c}]}\n', /no metadata.name/],
      ['apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: []}\n', /no containers/],
    ] as const) {
      assert.throws(() => parseManifest(text), (err: unknown) => err instanceof ManifestError && why.test(err.message), text);
    }
  });

  it('defaults as upstream: name-node, namespace, nodeName, uid = config.hash, source and seen, NoExecute toleration, API defaults', () => {
    const manifest = parseManifest(YAML);
    const pod = staticPodFrom(manifest, { nodeName: 'Node-A', file: '/m/web.yaml', seenOf });
    assert.equal(pod.metadata?.name, 'web-node-a');
    assert.equal(pod.metadata?.namespace, 'default');
    assert.equal(pod.spec?.nodeName, 'Node-A');
    assert.match(pod.metadata?.uid ?? '', /^[0-9a-f]{32}$/);
    assert.deepEqual(pod.metadata?.annotations, { 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.hash': pod.metadata?.uid, 'kubernetes.io/config.seen': '2026-01-01T00:00:00Z' });
    assert.deepEqual(pod.spec?.tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
    assert.equal(pod.spec?.restartPolicy, 'Always');
    assert.equal(manifest.metadata?.name, 'web', 'the manifest is not modified');
    assert.ok(isStaticPod(pod));
    assert.ok(!isMirrorPod(pod));
  });

  it('keeps a namespace given, and the same uid for the same content, node and file', () => {
    const inNs = staticPodFrom(parseManifest(YAML.replace('name: web', 'name: web\n  namespace: kube-system')), { nodeName: 'n', file: '/m/a.yaml', seenOf });
    assert.equal(inNs.metadata?.namespace, 'kube-system');
    const a = staticPodFrom(parseManifest(YAML), { nodeName: 'n', file: '/m/a.yaml', seenOf });
    const again = staticPodFrom(parseManifest(YAML + '# a comment\n'), { nodeName: 'n', file: '/m/a.yaml', seenOf: () => 'later' });
    assert.equal(again.metadata?.uid, a.metadata?.uid, 'the parsed pod is hashed, not the bytes or the seen time');
    const edited = staticPodFrom(parseManifest(YAML.replace('3600', '3601')), { nodeName: 'n', file: '/m/a.yaml', seenOf });
    assert.notEqual(edited.metadata?.uid, a.metadata?.uid);
    assert.notEqual(staticPodFrom(parseManifest(YAML), { nodeName: 'm', file: '/m/a.yaml', seenOf }).metadata?.uid, a.metadata?.uid);
    assert.notEqual(staticPodFrom(parseManifest(YAML), { nodeName: 'n', file: '/m/b.yaml', seenOf }).metadata?.uid, a.metadata?.uid);
  });

  it('diffs two sets by uid', () => {
    const p = (uid: string): Pod => ({ metadata: { uid } });
    const { added, removed } = diffStaticPods(new Map([['a', p('a')], ['b', p('b')]]), new Map([['b', p('b')], ['c', p('c')]]));
    assert.deepEqual(added.map((x) => x.metadata?.uid), ['c']);
    assert.deepEqual(removed.map((x) => x.metadata?.uid), ['a']);
  });
});
