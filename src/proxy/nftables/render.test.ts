import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../api/core/v1/service.js';
import type { EndpointSlice } from '../../api/discovery/v1/endpoint-slice.js';
import { renderRuleset, type RenderInput } from './render.js';
import { deleteTableText, transactionText } from './transaction.js';

const svc = (name: string, spec: Service['spec'], status?: Service['status']): Service => ({ metadata: { namespace: 'default', name, uid: name }, spec, ...(status ? { status } : {}) });
type Conds = { ready?: boolean; serving?: boolean; terminating?: boolean };
const slice = (service: string, ports: EndpointSlice['ports'], eps: Array<[string, Conds?]>, addressType: EndpointSlice['addressType'] = 'IPv4'): EndpointSlice => ({
  metadata: { namespace: 'default', name: `${service}-x`, labels: { 'kubernetes.io/service-name': service } },
  addressType,
  ports,
  endpoints: eps.map(([ip, conditions]) => ({ addresses: [ip], ...(conditions ? { conditions } : {}) })),
});

/** A NodePort Service with TCP and UDP ports and one not-ready endpoint; an affinity Service; one without endpoints. */
function input(): RenderInput {
  return {
    services: [
      svc('web', {
        type: 'NodePort',
        clusterIP: '198.19.0.10',
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
          { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
        ],
      }),
      svc('sticky', { type: 'ClusterIP', clusterIP: '198.19.0.11', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 8080, protocol: 'TCP' }] }),
      svc('empty', { type: 'ClusterIP', clusterIP: '198.19.0.12', ports: [{ port: 80, protocol: 'TCP' }] }),
      svc('headless', { clusterIP: 'None', ports: [{ port: 80, protocol: 'TCP' }] }),
      svc('alias', { type: 'ExternalName', externalName: 'example.invalid' }),
      svc('kube-dns', { clusterIP: '198.19.0.53', ports: [{ port: 53, protocol: 'UDP' }] }),
    ],
    slices: [
      slice('web', [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }], [['198.18.1.1'], ['198.18.1.2'], ['198.18.1.3', { ready: false }]]),
      slice('web', [{ name: 'http', port: 8080, protocol: 'TCP' }], [['fd00::1']], 'IPv6'),
      slice('sticky', [{ port: 9090, protocol: 'TCP' }], [['198.18.1.4']]),
    ],
    skipService: (s) => s.metadata?.name === 'kube-dns',
  };
}

const HOOKS = `\tchain nat-prerouting {
\t\ttype nat hook prerouting priority dstnat; policy accept;
\t\tjump services
\t}
\tchain nat-output {
\t\ttype nat hook output priority -100; policy accept;
\t\tjump services
\t}
\tchain nat-postrouting {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\tjump masquerading
\t}
\tchain filter-input {
\t\ttype filter hook input priority -110; policy accept;
\t\tct state new jump nodeport-endpoints-check
\t\tct state new jump service-endpoints-check
\t}
\tchain filter-forward {
\t\ttype filter hook forward priority -110; policy accept;
\t\tct state new jump service-endpoints-check
\t}
\tchain filter-output {
\t\ttype filter hook output priority -110; policy accept;
\t\tct state new jump service-endpoints-check
\t}
\tchain mark-for-masquerade {
\t\tmeta mark set meta mark | 0x4000
\t}
\tchain masquerading {
\t\tmeta mark & 0x4000 == 0 return
\t\tmeta mark set meta mark ^ 0x4000
\t\tmasquerade fully-random
\t}
\tchain reject-chain {
\t\tmeta l4proto tcp reject with tcp reset
\t\treject
\t}
`;

describe('nftables ruleset', () => {
  it('renders ClusterIP, NodePort (TCP and UDP), affinity and reject rules, exactly', () => {
    const want = `add table ip skiff
delete table ip skiff
table ip skiff {
\tset aff-default/sticky/tcp/8080__198.18.1.4/9090 {
\t\ttype ipv4_addr
\t\tflags dynamic,timeout
\t\ttimeout 60s
\t}
${HOOKS}\tchain services {
\t\tip daddr . meta l4proto . th dport vmap { 198.19.0.11 . tcp . 8080 : goto svc-default/sticky/tcp/8080, 198.19.0.10 . tcp . 80 : goto svc-default/web/tcp/http, 198.19.0.10 . udp . 53 : goto svc-default/web/udp/dns }
\t\tfib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap { tcp . 30080 : goto ext-default/web/tcp/http, udp . 30053 : goto ext-default/web/udp/dns }
\t}
\tchain service-endpoints-check {
\t\tip daddr . meta l4proto . th dport vmap { 198.19.0.12 . tcp . 80 : goto reject-chain }
\t}
\tchain nodeport-endpoints-check {
\t}
\tchain svc-default/sticky/tcp/8080 {
\t\tip saddr @aff-default/sticky/tcp/8080__198.18.1.4/9090 goto ep-default/sticky/tcp/8080__198.18.1.4/9090
\t\tgoto ep-default/sticky/tcp/8080__198.18.1.4/9090
\t}
\tchain ep-default/sticky/tcp/8080__198.18.1.4/9090 {
\t\tip saddr 198.18.1.4 jump mark-for-masquerade
\t\tupdate @aff-default/sticky/tcp/8080__198.18.1.4/9090 { ip saddr }
\t\tmeta l4proto tcp dnat to 198.18.1.4:9090
\t}
\tchain svc-default/web/tcp/http {
\t\tnumgen random mod 2 vmap { 0 : goto ep-default/web/tcp/http__198.18.1.1/8080, 1 : goto ep-default/web/tcp/http__198.18.1.2/8080 }
\t}
\tchain ext-default/web/tcp/http {
\t\tjump mark-for-masquerade
\t\tgoto svc-default/web/tcp/http
\t}
\tchain ep-default/web/tcp/http__198.18.1.1/8080 {
\t\tip saddr 198.18.1.1 jump mark-for-masquerade
\t\tmeta l4proto tcp dnat to 198.18.1.1:8080
\t}
\tchain ep-default/web/tcp/http__198.18.1.2/8080 {
\t\tip saddr 198.18.1.2 jump mark-for-masquerade
\t\tmeta l4proto tcp dnat to 198.18.1.2:8080
\t}
\tchain svc-default/web/udp/dns {
\t\tnumgen random mod 2 vmap { 0 : goto ep-default/web/udp/dns__198.18.1.1/5353, 1 : goto ep-default/web/udp/dns__198.18.1.2/5353 }
\t}
\tchain ext-default/web/udp/dns {
\t\tjump mark-for-masquerade
\t\tgoto svc-default/web/udp/dns
\t}
\tchain ep-default/web/udp/dns__198.18.1.1/5353 {
\t\tip saddr 198.18.1.1 jump mark-for-masquerade
\t\tmeta l4proto udp dnat to 198.18.1.1:5353
\t}
\tchain ep-default/web/udp/dns__198.18.1.2/5353 {
\t\tip saddr 198.18.1.2 jump mark-for-masquerade
\t\tmeta l4proto udp dnat to 198.18.1.2:5353
\t}
}
`;
    assert.equal(transactionText(renderRuleset(input())), want);
  });

  it('with a node address, NodePorts and load-balancer ports match it (and the ingress IPs) instead of every local address', () => {
    const r = renderRuleset({
      services: [svc('lb', { type: 'LoadBalancer', clusterIP: '198.19.0.20', ports: [{ port: 8000, protocol: 'TCP', nodePort: 31000 }] }, { loadBalancer: { ingress: [{ ip: '198.18.0.99' }] } })],
      slices: [slice('lb', [{ port: 80, protocol: 'TCP' }], [['198.18.1.9']])],
      nodeAddress: '198.18.0.2',
    });
    assert.deepEqual(r.chains.get('services'), [
      'ip daddr . meta l4proto . th dport vmap { 198.19.0.20 . tcp . 8000 : goto svc-default/lb/tcp/8000, 198.18.0.99 . tcp . 8000 : goto ext-default/lb/tcp/8000, 198.18.0.2 . tcp . 31000 : goto ext-default/lb/tcp/8000, 198.18.0.2 . tcp . 8000 : goto ext-default/lb/tcp/8000 }',
    ]);
  });

  it('terminating endpoints get traffic only when nothing is ready; a NodePort without any is rejected on every local address (a loopback node address cannot be DNATed from)', () => {
    const services = [svc('web', { type: 'NodePort', clusterIP: '198.19.0.10', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] })];
    const draining = renderRuleset({ services, slices: [slice('web', [{ port: 8080, protocol: 'TCP' }], [['198.18.1.1', { ready: false, serving: true, terminating: true }], ['198.18.1.2', { ready: false, serving: false, terminating: true }]])] });
    assert.deepEqual(draining.chains.get('svc-default/web/tcp/80'), ['goto ep-default/web/tcp/80__198.18.1.1/8080']);
    const gone = renderRuleset({ services, slices: [], nodeAddress: '127.0.0.1' });
    assert.deepEqual(gone.chains.get('service-endpoints-check'), ['ip daddr . meta l4proto . th dport vmap { 198.19.0.10 . tcp . 80 : goto reject-chain }']);
    assert.deepEqual(gone.chains.get('nodeport-endpoints-check'), ['fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap { tcp . 30080 : goto reject-chain }']);
    assert.deepEqual(gone.chains.get('services'), []);
    assert.equal([...gone.chains.keys()].some((c) => c.startsWith('svc-')), false);
  });

  it('an update flushes the table (affinity sets keep their elements) and deletes what is gone; a changed set re-creates the table', () => {
    const before = renderRuleset(input());
    const i = input();
    i.slices = i.slices.filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] !== 'web');
    const after = renderRuleset(i);
    const text = transactionText(after, before);
    const head = text.slice(0, text.indexOf('table ip skiff {'));
    assert.equal(
      head,
      [
        'add table ip skiff',
        'flush table ip skiff',
        'delete chain ip skiff svc-default/web/tcp/http',
        'delete chain ip skiff ext-default/web/tcp/http',
        'delete chain ip skiff ep-default/web/tcp/http__198.18.1.1/8080',
        'delete chain ip skiff ep-default/web/tcp/http__198.18.1.2/8080',
        'delete chain ip skiff svc-default/web/udp/dns',
        'delete chain ip skiff ext-default/web/udp/dns',
        'delete chain ip skiff ep-default/web/udp/dns__198.18.1.1/5353',
        'delete chain ip skiff ep-default/web/udp/dns__198.18.1.2/5353',
        '',
      ].join('\n'),
    );
    assert.match(text, /\tset aff-default\/sticky/);
    const sticky = i.services.find((s) => s.metadata?.name === 'sticky')!;
    sticky.spec!.sessionAffinityConfig = { clientIP: { timeoutSeconds: 30 } };
    assert.match(transactionText(renderRuleset(i), after), /^add table ip skiff\ndelete table ip skiff\ntable ip skiff \{/);
    assert.equal(deleteTableText(), 'add table ip skiff\ndelete table ip skiff\n');
  });
});

describe('renderRuleset: traffic policies', () => {
  const local = (etp: 'Local' | 'Cluster', itp: 'Local' | 'Cluster'): RenderInput => ({
    services: [svc('lb', { type: 'NodePort', clusterIP: '198.19.0.20', externalTrafficPolicy: etp, internalTrafficPolicy: itp, ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] })],
    slices: [
      {
        metadata: { namespace: 'default', name: 'lb-x', labels: { 'kubernetes.io/service-name': 'lb' } },
        addressType: 'IPv4',
        ports: [{ name: '', port: 8080, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['198.18.1.1'], nodeName: 'here' },
          { addresses: ['198.18.1.2'], nodeName: 'there' },
        ],
      },
    ],
    nodeName: 'here',
  });
  const ext = 'ext-default/lb/tcp/80';
  const svcc = 'svc-default/lb/tcp/80';

  it('externalTrafficPolicy Local: NodePort traffic goes to this node\'s endpoint only, without masquerade; ClusterIP traffic to all', () => {
    const r = renderRuleset(local('Local', 'Cluster'));
    assert.deepEqual(r.chains.get(ext), ['goto ep-default/lb/tcp/80__198.18.1.1/8080']);
    assert.match(r.chains.get(svcc)?.[0] ?? '', /numgen random mod 2/);
  });

  it('externalTrafficPolicy Local without a local endpoint drops; internalTrafficPolicy Local narrows the ClusterIP', () => {
    const r = renderRuleset({ ...local('Local', 'Cluster'), nodeName: 'elsewhere' });
    assert.deepEqual(r.chains.get(ext), ['drop']);
    assert.match(r.chains.get(svcc)?.[0] ?? '', /numgen random mod 2/);
    const away = renderRuleset({ ...local('Cluster', 'Local'), nodeName: 'elsewhere' });
    assert.equal(away.chains.get(svcc), undefined);
    assert.ok(away.chains.get('service-endpoints-check')?.[0]?.includes('198.19.0.20 . tcp . 80 : goto reject-chain'));
    const itp = renderRuleset(local('Cluster', 'Local'));
    assert.deepEqual(itp.chains.get(svcc), ['goto ep-default/lb/tcp/80__198.18.1.1/8080']);
    assert.equal(itp.chains.get(ext)?.[0], 'jump mark-for-masquerade');
    assert.match(itp.chains.get(ext)?.[1] ?? '', /numgen random mod 2/);
  });
});
