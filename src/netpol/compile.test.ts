import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace } from '../api/core/v1/namespace.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { NetworkPolicy, NetworkPolicySpec } from '../api/networking/v1/network-policy.js';
import { compileRuleset, deleteTableScript, mergeRanges, rulesetScript, type CompileInput } from './compile.js';
import { collapseCidrs, normalizeCidr } from './cidr.js';

type PortDecl = { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' };

function pod(name: string, ip: string, labels: Record<string, string>, o: { ns?: string; node?: string; ports?: PortDecl[]; hostNetwork?: boolean; phase?: string } = {}): Pod {
  return {
    metadata: { name, namespace: o.ns ?? 'default', labels },
    spec: { nodeName: o.node ?? 'n1', ...(o.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'c', ...(o.ports ? { ports: o.ports } : {}) }] },
    status: { phase: o.phase ?? 'Running', podIP: ip, podIPs: [{ ip }] },
  } as Pod;
}
const ns = (name: string, labels: Record<string, string> = {}): Namespace => ({ metadata: { name, labels } }) as Namespace;
const policy = (name: string, spec: NetworkPolicySpec, namespace = 'default'): NetworkPolicy => ({ metadata: { name, namespace }, spec });

// Two servers and a client on node n1, a pod in namespace "other", a server on another node.
const PODS = [
  pod('server-a', '198.18.64.2', { app: 'server' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] }),
  pod('server-b', '198.18.64.3', { app: 'server', tier: 'b' }, { ports: [{ name: 'http', containerPort: 9090 }] }),
  pod('client', '198.18.64.4', { app: 'client' }),
  pod('outsider', '198.18.64.5', { app: 'client' }, { ns: 'other' }),
  pod('remote', '198.18.65.2', { app: 'server' }, { node: 'n2', ports: [{ name: 'http', containerPort: 7070 }] }),
];
const NAMESPACES = [ns('default'), ns('other', { team: 'blue' })];

const compile = (policies: NetworkPolicy[], extra: Partial<CompileInput> = {}) => compileRuleset({ policies, pods: PODS, namespaces: NAMESPACES, nodeName: 'n1', ...extra });
/** The rule lines of a chain, without comments (the verdict stays). */
const chain = (r: ReturnType<typeof compileRuleset>, name: string): string[] | undefined => r.chains.get(name)?.map((l) => l.replace(/ comment ".*"$/, ''));

describe('network policy compiler', () => {
  it('no policy: base chains accept replies and nothing is isolated', () => {
    const r = compile([]);
    assert.deepEqual([...r.chains.keys()], ['forward', 'input']);
    assert.deepEqual(chain(r, 'forward'), ['type filter hook forward priority filter; policy accept;', 'ct state established,related accept']);
    assert.deepEqual(r.isolated, { ingress: 0, egress: 0 });
  });

  it('default deny ingress: every local pod of the namespace gets a dropping chain; other namespaces and other nodes none', () => {
    const r = compile([policy('deny', { podSelector: {}, policyTypes: ['Ingress'] })]);
    assert.deepEqual(r.isolated, { ingress: 3, egress: 0 });
    assert.deepEqual(chain(r, 'ing-198-18-64-2'), ['drop']);
    assert.equal(r.chains.has('ing-198-18-64-5'), false, 'namespace other is not selected');
    assert.equal(r.chains.has('ing-198-18-65-2'), false, 'the remote pod is its node’s business');
    assert.ok(chain(r, 'forward')?.includes('ip daddr vmap { 198.18.64.2 : jump ing-198-18-64-2, 198.18.64.3 : jump ing-198-18-64-3, 198.18.64.4 : jump ing-198-18-64-4 }'));
    assert.equal(chain(r, 'input')?.some((l) => l.includes('daddr')), false, 'traffic to the node is never ingress of a pod');
  });

  it('policyTypes default when absent: Ingress, plus Egress with egress rules', () => {
    const r = compile([policy('p', { podSelector: { matchLabels: { app: 'client' } }, egress: [{}] })]);
    assert.deepEqual(r.isolated, { ingress: 1, egress: 1 });
  });

  it('allow all: an empty rule accepts everything', () => {
    const r = compile([policy('all', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] })]);
    assert.deepEqual(chain(r, 'ing-198-18-64-4'), ['accept', 'drop']);
  });

  it('podSelector peers are pods of the policy’s namespace, on any node; named ports are the target pod’s', () => {
    const r = compile([policy('p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }] })]);
    assert.deepEqual(chain(r, 'ing-198-18-64-2'), ['ip saddr 198.18.64.4 tcp dport 8080 accept', 'drop']);
    assert.deepEqual(chain(r, 'ing-198-18-64-3'), ['ip saddr 198.18.64.4 tcp dport 9090 accept', 'drop']);
    assert.equal(chain(r, 'ing-198-18-64-4'), undefined, 'the client is not selected');
  });

  it('a named port the pod lacks (or has for another protocol) allows nothing', () => {
    const r = compile([policy('p', { podSelector: { matchLabels: { tier: 'b' } }, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] })]);
    assert.deepEqual(chain(r, 'ing-198-18-64-3'), ['drop']);
    const a = compile([policy('p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }, { port: 'dns' }] }] })]);
    assert.deepEqual(chain(a, 'ing-198-18-64-2'), ['udp dport 5353 accept', 'drop']);
  });

  it('namespaceSelector alone: every pod of the matching namespaces; with podSelector: only the matching pods there', () => {
    const alone = compile([policy('p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }] }] })]);
    assert.deepEqual(chain(alone, 'ing-198-18-64-2'), ['ip saddr 198.18.64.5 accept', 'drop']);
    const both = compile([policy('p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }] }] })]);
    assert.deepEqual(chain(both, 'ing-198-18-64-2'), ['ip saddr { 198.18.64.4, 198.18.64.5 } accept', 'drop']);
    const byName = compile([policy('p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }] }] })]);
    assert.deepEqual(chain(byName, 'ing-198-18-64-2'), ['ip saddr 198.18.64.5 accept', 'drop'], 'the namespace name label is always there');
    const none = compile([policy('p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'red' } } }] }] })]);
    assert.deepEqual(chain(none, 'ing-198-18-64-2'), ['drop'], 'a peer matching no pod allows nothing');
  });

  it('ipBlock with except; numeric ports, endPort ranges (merged) and protocols', () => {
    const r = compile([
      policy('p', {
        podSelector: { matchLabels: { app: 'client' } },
        ingress: [{ from: [{ ipBlock: { cidr: '198.18.0.5/15', except: ['198.18.64.0/24', '198.18.64.128/25', '198.19.0.0/16'] } }], ports: [{ port: 8000, endPort: 8010 }, { port: 8005 }, { port: 8011 }, { protocol: 'UDP', port: 53 }, { protocol: 'SCTP' }] }],
      }),
    ]);
    assert.deepEqual(chain(r, 'ing-198-18-64-4'), [
      'ip saddr 198.18.0.0/15 ip saddr != { 198.18.64.0/24, 198.19.0.0/16 } tcp dport 8000-8011 accept',
      'ip saddr 198.18.0.0/15 ip saddr != { 198.18.64.0/24, 198.19.0.0/16 } udp dport 53 accept',
      'ip saddr 198.18.0.0/15 ip saddr != { 198.18.64.0/24, 198.19.0.0/16 } meta l4proto sctp accept',
      'drop',
    ]);
  });

  it('union of several policies selecting the same pod', () => {
    const r = compile([
      policy('b', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 80 }] }] }),
      policy('a', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] }),
    ]);
    assert.deepEqual(chain(r, 'ing-198-18-64-2'), ['ip saddr 198.18.64.4 accept', 'tcp dport 80 accept', 'drop']);
  });

  it('egress: allowed destinations return (the ingress check follows), the rest drops; in forward and input', () => {
    const r = compile([
      policy('e', {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }], ports: [{ port: 'http' }] }, { ports: [{ protocol: 'UDP', port: 53 }] }],
      }),
    ]);
    assert.deepEqual(r.isolated, { ingress: 0, egress: 1 });
    // The named port is each destination's own: server-a 8080, server-b 9090, the remote server 7070.
    assert.deepEqual(chain(r, 'egr-198-18-64-4'), ['ip daddr 198.18.64.2 tcp dport 8080 return', 'ip daddr 198.18.64.3 tcp dport 9090 return', 'ip daddr 198.18.65.2 tcp dport 7070 return', 'udp dport 53 return', 'drop']);
    for (const base of ['forward', 'input']) assert.ok(chain(r, base)?.includes('ip saddr vmap { 198.18.64.4 : jump egr-198-18-64-4 }'), base);
    const forward = chain(r, 'forward') ?? [];
    assert.ok(forward.indexOf('ct state established,related accept') < forward.findIndex((l) => l.includes('vmap')), 'replies first');
  });

  it('egress to an ipBlock with a named port: the pods inside the block that have the port', () => {
    const r = compile([policy('e', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '198.18.64.0/24', except: ['198.18.64.3/32'] } }], ports: [{ port: 'http' }, { port: 443 }] }] }, 'default')]);
    assert.deepEqual(chain(r, 'egr-198-18-64-4'), ['ip daddr 198.18.64.0/24 ip daddr != 198.18.64.3/32 tcp dport 443 return', 'ip daddr 198.18.64.2 tcp dport 8080 return', 'drop']);
  });

  it('host-network, finished and address-less pods take no part', () => {
    const pods = [pod('h', '198.18.0.1', { app: 'client' }, { hostNetwork: true }), pod('done', '198.18.64.9', { app: 'client' }, { phase: 'Succeeded' }), { ...pod('new', '', { app: 'client' }), status: { phase: 'Pending' } } as Pod];
    const r = compile([policy('deny', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })], { pods });
    assert.deepEqual(r.isolated, { ingress: 0, egress: 0 });
  });

  it('the script replaces the table atomically and is deterministic', () => {
    const ps = [policy('deny', { podSelector: {} }), policy('allow', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] })];
    const text = rulesetScript('skiff-netpol-x', compile(ps));
    assert.equal(text, rulesetScript('skiff-netpol-x', compile([...ps].reverse(), { pods: [...PODS].reverse() })));
    assert.match(text, /^add table inet skiff-netpol-x\ndelete table inet skiff-netpol-x\ntable inet skiff-netpol-x \{\n\tchain forward \{/);
    assert.equal(deleteTableScript('skiff-netpol-x'), 'add table inet skiff-netpol-x\ndelete table inet skiff-netpol-x\n');
  });
});

describe('cidr and range helpers', () => {
  it('normalizes host bits and drops nested ranges', () => {
    assert.equal(normalizeCidr('198.18.64.77/24'), '198.18.64.0/24');
    assert.equal(normalizeCidr('2001:db8::/32'), undefined);
    assert.deepEqual(collapseCidrs(['198.18.64.0/25', '198.18.64.0/24', '198.19.1.1/32', '198.18.64.0/24']), ['198.18.64.0/24', '198.19.1.1/32']);
    assert.deepEqual(mergeRanges([[90, 95], [80, 85], [86, 86], [100, 100]]), ['80-86', '90-95', '100']);
  });
});
