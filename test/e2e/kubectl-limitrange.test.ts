/**
 * e2e with the real kubectl: a namespace's LimitRange gives pods their default requests and
 * limits (noted in the kubernetes.io/limit-ranger annotation) and refuses pods outside its
 * bounds with upstream's message.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, type TestServer } from './support/index.js';

describe('kubectl and LimitRanges', { skip: kubectlMissing() }, () => {
  let server: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-limitrange-'));
  const k = (args: string[]) => kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir: join(dir, 'cache') });
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('defaults container resources and refuses a pod over the maximum', async () => {
    const file = join(dir, 'limits.yaml');
    writeFileSync(file, `apiVersion: v1
kind: LimitRange
metadata:
  name: limits
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 100m}
    max: {cpu: "1"}
`);
    const created = await k(['apply', '-f', file]);
    assert.equal(created.code, 0, created.stderr);
    // The stored LimitRange was defaulted as upstream's (the memory request from the default limit).
    assert.equal((await k(['get', 'limitrange', 'limits', '-o', 'jsonpath={.spec.limits[0].defaultRequest.memory}'])).stdout, '256Mi');

    const run = await k(['run', 'small', '--image', 'x', '--', 'sleep', '1']);
    assert.equal(run.code, 0, run.stderr);
    const resources = JSON.parse((await k(['get', 'pod', 'small', '-o', 'jsonpath={.spec.containers[0].resources}'])).stdout);
    assert.deepEqual(resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    assert.equal((await k(['get', 'pod', 'small', '-o', "jsonpath={.metadata.annotations['kubernetes\\.io/limit-ranger']}"])).stdout, 'LimitRanger plugin set: cpu, memory request for container small; cpu, memory limit for container small');

    const big = await k(['run', 'big', '--image', 'x', '--overrides', '{"spec":{"containers":[{"name":"big","image":"x","resources":{"limits":{"cpu":"2"}}}]}}']);
    assert.notEqual(big.code, 0);
    assert.match(big.stderr, /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);
  });
});
