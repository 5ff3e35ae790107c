import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kubernetesEndpoints, kubernetesEndpointSlices } from './kubernetes-service.js';

describe('kubernetes endpoints of several servers', () => {
  const servers = [
    { ip: '198.18.0.2', port: 6443 },
    { ip: '198.18.0.1', port: 6443 },
    { ip: '198.18.0.3', port: 7443 },
  ];

  it('group servers by port, sorted, whatever order the leases were read in', () => {
    const ep = kubernetesEndpoints(servers);
    assert.deepEqual(ep.subsets, [
      { addresses: [{ ip: '198.18.0.1' }, { ip: '198.18.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
      { addresses: [{ ip: '198.18.0.3' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] },
    ]);
    assert.deepEqual(kubernetesEndpoints([...servers].reverse()), ep);
  });

  it('one slice per port: `kubernetes` first, then kubernetes-<port>', () => {
    const slices = kubernetesEndpointSlices(servers);
    assert.deepEqual(slices.map((s) => s.metadata?.name), ['kubernetes', 'kubernetes-7443']);
    assert.deepEqual(slices[0]?.endpoints?.map((e) => e.addresses?.[0]), ['198.18.0.1', '198.18.0.2']);
    assert.ok(slices.every((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'kubernetes'));
  });

  it('a lone server gets the single subset and slice it always had', () => {
    const one = [{ ip: '127.0.0.1', port: 6443 }];
    assert.deepEqual(kubernetesEndpoints(one).subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    assert.deepEqual(kubernetesEndpointSlices(one).map((s) => s.metadata?.name), ['kubernetes']);
  });
});
