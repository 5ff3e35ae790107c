import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { usageOf, quotaCovers } from '../api/core/v1/resource-quota-usage.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

describe('quota usage of an object (pure)', () => {
  it('pods: count and compute (init containers as a floor); finished pods count nothing', () => {
    const pod = { spec: { initContainers: [{ resources: { requests: { cpu: '1' } } }], containers: [{ resources: { requests: { cpu: '300m', memory: '64Mi' }, limits: { memory: '128Mi' } } }, { resources: { requests: { cpu: '200m' } } }] } };
    const u = usageOf('pods', '', pod);
    assert.deepEqual(Object.fromEntries([...u].map(([k, v]) => [k, v.toString()])), { 'count/pods': '1', pods: '1', 'requests.cpu': '1', cpu: '1', 'requests.memory': '64Mi', memory: '64Mi', 'limits.memory': '128Mi' });
    assert.equal(usageOf('pods', '', { ...pod, status: { phase: 'Succeeded' } }).size, 0);
    assert.deepEqual([...usageOf('deployments', 'apps', {}).keys()], ['count/deployments.apps']);
    assert.equal(usageOf('services', '', { spec: { type: 'NodePort', ports: [{}, {}] } }).get('services.nodeports')?.toString(), '2');
  });

  it('scopes take in only the pods they describe', () => {
    const be = { spec: { containers: [{}] } };
    const burst = { spec: { containers: [{ resources: { requests: { cpu: '1' } } }], priorityClassName: 'high' } };
    assert.equal(quotaCovers({ spec: { scopes: ['BestEffort'] } }, 'pods', '', be), true);
    assert.equal(quotaCovers({ spec: { scopes: ['BestEffort'] } }, 'pods', '', burst), false);
    assert.equal(quotaCovers({ spec: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } } }, 'pods', '', burst), true);
    assert.equal(quotaCovers({ spec: { scopes: ['BestEffort'] } }, 'configmaps', '', {}), false);
  });
});

describe('resource quota controller and admission (e2e)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster({ controllers: ['resourcequota'] });
  });
  after(async () => c?.stop());

  const used = async () => (await c.kk(['get', 'quota', 'q', '-o', 'jsonpath={.status.used.pods} {.status.used.requests\\.cpu}'])).trim();

  it('counts pods and CPU requests, refuses what exceeds the quota or leaves a constrained request out', async () => {
    await c.kk(['create', 'quota', 'q', '--hard=pods=2,requests.cpu=1']);
    assert.equal(await waitFor('the quota status', async () => ((await used()) === '0 0' ? true : undefined)), true);
    const pod = (name: string, cpu?: string) => c.k(['run', name, '--image', 'x', ...(cpu ? ['--overrides', JSON.stringify({ spec: { containers: [{ name, image: 'x', resources: { requests: { cpu } } }] } })] : [])]);
    const nocpu = await pod('nocpu');
    assert.notEqual(nocpu.code, 0);
    assert.match(nocpu.stderr, /pods "nocpu" is forbidden: failed quota: q: must specify requests.cpu for: nocpu/);
    assert.equal((await pod('a', '400m')).code, 0);
    assert.equal(await used(), '1 400m', 'charged at admission');
    const tooMuch = await pod('b', '700m');
    assert.match(tooMuch.stderr, /pods "b" is forbidden: exceeded quota: q, requested: requests.cpu=700m, used: requests.cpu=400m, limited: requests.cpu=1/);
    assert.equal((await pod('b', '600m')).code, 0);
    const third = await pod('c', '0');
    assert.match(third.stderr, /exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/);
    await c.kk(['delete', 'pod', 'a', '--wait=false']);
    await waitFor('the controller to recount', async () => ((await used()) === '1 600m' ? true : undefined));
    assert.equal((await pod('c', '0')).code, 0);
    assert.match(await c.kk(['get', 'quota', 'q']), /pods: 2\/2, requests.cpu: 600m\/1/);
  });
});
