import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import { podResolvConf, renderResolvConf } from './pod-dns.js';

const HOST = 'nameserver 198.18.0.1\nsearch corp.example\noptions edns0\n';
const pod = (spec: Record<string, unknown>): Pod => ({ metadata: { name: 'p', namespace: 'team', uid: 'u' }, spec: { containers: [], ...spec } }) as unknown as Pod;
const dns = { clusterDNS: ['198.18.100.10'], clusterDomain: 'cluster.local', hostResolvConf: HOST };

describe('pod resolv.conf', () => {
  it('ClusterFirst: cluster DNS, the namespace search path, ndots:5', () => {
    assert.equal(renderResolvConf(podResolvConf(pod({ dnsPolicy: 'ClusterFirst' }), dns)), 'search team.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 198.18.100.10\noptions ndots:5\n');
  });

  it('ClusterFirst without a cluster DNS, or with hostNetwork, falls back to the node (the first says so)', () => {
    const c = podResolvConf(pod({}), { hostResolvConf: HOST });
    assert.deepEqual(c.nameservers, ['198.18.0.1']);
    assert.match(c.fallback ?? '', /Falling back to "Default" policy/);
    const h = podResolvConf(pod({ hostNetwork: true }), dns);
    assert.deepEqual([h.nameservers, h.fallback], [['198.18.0.1'], undefined]);
    assert.deepEqual(podResolvConf(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), dns).nameservers, ['198.18.100.10']);
  });

  it('Default is the node resolv.conf; None is only dnsConfig; dnsConfig merges (options by name)', () => {
    assert.equal(renderResolvConf(podResolvConf(pod({ dnsPolicy: 'Default' }), dns)), 'search corp.example\nnameserver 198.18.0.1\noptions edns0\n');
    const none = podResolvConf(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['198.18.0.53'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] } }), dns);
    assert.equal(renderResolvConf(none), 'search a.example\nnameserver 198.18.0.53\noptions ndots:2 rotate\n');
    const merged = podResolvConf(pod({ dnsConfig: { nameservers: ['198.18.100.10', '198.18.0.54'], options: [{ name: 'ndots', value: '1' }] } }), dns);
    assert.deepEqual([merged.nameservers, merged.options], [['198.18.100.10', '198.18.0.54'], ['ndots:1']]);
  });
});
