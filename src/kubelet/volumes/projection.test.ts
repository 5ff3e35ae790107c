import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from '../../api/core/v1/config-map.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Secret } from '../../api/core/v1/secret.js';
import { configMapPayload, downwardPayload, projectedPayload, secretPayload } from './projection.js';

const text = (p: Map<string, { data: Buffer; mode: number }>): Record<string, [string, string]> =>
  Object.fromEntries([...p].map(([k, v]) => [k, [v.data.toString('utf8'), v.mode.toString(8)]]));

const cm = { metadata: { name: 'app' }, data: { 'a.conf': 'A', b: 'B' }, binaryData: { bin: Buffer.from([0, 1, 2]).toString('base64') } } as unknown as ConfigMap;
const secret = { metadata: { name: 's' }, data: { user: Buffer.from('admin').toString('base64'), pass: Buffer.from('pw').toString('base64') } } as Secret;
const pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { b: '2', a: 'x"y' }, annotations: { note: 'hi' } },
  spec: { containers: [{ name: 'c', resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } } }] },
} as unknown as Pod;

describe('volume projections', () => {
  it('configMap: every key (data and binaryData) with defaultMode', () => {
    const p = configMapPayload('app', cm, { defaultMode: 0o600 });
    assert.deepEqual(text(p), { 'a.conf': ['A', '600'], b: ['B', '600'], bin: ['\u0000\u0001\u0002', '600'] });
  });

  it('configMap items: only those keys, at their paths, with per-item modes', () => {
    const p = configMapPayload('app', cm, { items: [{ key: 'a.conf', path: 'conf/app.conf', mode: 0o400 }, { key: 'b', path: 'b.txt' }] });
    assert.deepEqual(text(p), { 'conf/app.conf': ['A', '400'], 'b.txt': ['B', '644'] });
  });

  it('a missing object or key fails unless optional', () => {
    assert.throws(() => configMapPayload('gone', undefined, {}), /configmap "gone" not found/);
    assert.deepEqual(text(configMapPayload('gone', undefined, { optional: true })), {});
    assert.throws(() => configMapPayload('app', cm, { items: [{ key: 'nope', path: 'x' }] }), /configmap references non-existent config key: nope/);
    assert.deepEqual(text(configMapPayload('app', cm, { optional: true, items: [{ key: 'nope', path: 'x' }, { key: 'b', path: 'y' }] })), { y: ['B', '644'] });
    assert.throws(() => secretPayload('s', undefined, {}), /secret "s" not found/);
    assert.throws(() => secretPayload('s', secret, { items: [{ key: 'k', path: 'k' }] }), /non-existent secret key: k/);
  });

  it('secret: base64 data decoded, 0644 by default', () => {
    assert.deepEqual(text(secretPayload('s', secret, {})), { user: ['admin', '644'], pass: ['pw', '644'] });
  });

  it('downwardAPI: metadata fields, labels/annotations as sorted key="value" lines, resources with divisors', () => {
    const p = downwardPayload(pod, [
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
      { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'one', fieldRef: { fieldPath: "metadata.annotations['note']" }, mode: 0o400 },
      { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } },
      { path: 'cpu-cores', resourceFieldRef: { containerName: 'c', resource: 'requests.cpu' } },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
    ], 0o640);
    assert.deepEqual(text(p), {
      name: ['p', '640'], ns: ['ns', '640'], uid: ['u-1', '640'], labels: ['a="x\\"y"\nb="2"', '640'], one: ['hi', '400'],
      cpu: ['500', '640'], 'cpu-cores': ['1', '640'], mem: ['64', '640'],
    });
    assert.throws(() => downwardPayload(pod, [{ path: 'ip', fieldRef: { fieldPath: 'status.podIP' } }], undefined), /unsupported fieldPath/);
  });

  it('projected: sources merged with the volume defaultMode; tokens left out and named', () => {
    const r = projectedPayload(pod, {
      defaultMode: 0o440,
      sources: [
        { configMap: { name: 'app', items: [{ key: 'b', path: 'cfg/b' }] } },
        { secret: { name: 's', items: [{ key: 'user', path: 'user', mode: 0o400 }] } },
        { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { serviceAccountToken: { path: 'token' } },
      ],
    }, { configMaps: new Map([['app', cm]]), secrets: new Map([['s', secret]]) });
    assert.deepEqual(text(r.payload), { 'cfg/b': ['B', '440'], user: ['admin', '400'], name: ['p', '440'] });
    assert.deepEqual(r.skipped, ['serviceAccountToken (token)']);
  });

  it('projected: a fetched service account token is written at its path', () => {
    const r = projectedPayload(pod, { sources: [{ serviceAccountToken: { path: 'token' } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] }, { configMaps: new Map(), secrets: new Map(), tokens: new Map([['token', 'eyJ.x.y']]) });
    assert.deepEqual(text(r.payload), { token: ['eyJ.x.y', '644'], namespace: ['ns', '644'] });
    assert.deepEqual(r.skipped, []);
  });
});
