/**
 * The cluster DNS against the kubernetes/dns specification (docs/specification.md, schema
 * 1.1.0) and CoreDNS's kubernetes plugin, as `dig` in a pod would see it, over real UDP on
 * loopback. Section numbers refer to the specification.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/core/v1/service.js';
import { CLASS_IN, RCODE, RR, type DnsMessage, type ResourceRecord } from './codec.js';
import type { DnsServer } from './server.js';
import { fixedCatalog, slice, startDnsPair } from './test-catalog.js';
import { queryUdp } from './test-client.js';

const svc = (ns: string, name: string, spec: Service['spec']): Service => ({ metadata: { name, namespace: ns }, spec });
const catalog = fixedCatalog(
  [
    svc('default', 'web', { clusterIP: '198.19.0.20', clusterIPs: ['198.19.0.20', 'fd00:19::a'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }] }),
    svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }] }),
    svc('default', 'empty', { clusterIP: 'None', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }] }),
    svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
    svc('default', 'alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
    svc('kube-system', 'kube-dns', { clusterIP: '198.19.0.53', clusterIPs: ['198.19.0.53'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  ],
  [
    slice('default', 'db', {
      addressType: 'IPv4',
      ports: [{ name: 'sql', port: 15432, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['198.18.0.5'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['198.18.0.6'], conditions: { ready: true } },
        { addresses: ['198.18.0.7'], hostname: 'db-2', conditions: { ready: false } },
      ],
    }),
    slice('default', 'db', { addressType: 'IPv6', ports: [{ name: 'sql', port: 15432, protocol: 'TCP' }], endpoints: [{ addresses: ['fd00:18::5'], hostname: 'db-0' }] }),
    slice('default', 'empty', { addressType: 'IPv4', ports: [{ name: 'sql', port: 15432, protocol: 'TCP' }], endpoints: [{ addresses: ['198.18.0.9'], conditions: { ready: false } }] }),
  ],
  ['default', 'kube-system'],
);

let dns: DnsServer;
let bare: DnsServer;
let stop: () => Promise<void>;
const upstreamSeen: string[] = [];

before(async () => {
  // A loopback stand-in for the node's resolver: A → 192.0.2.1, PTR → host.example.
  ({ dns, bare, stop } = await startDnsPair(catalog, (x): ResourceRecord[] => {
    upstreamSeen.push(x.name);
    return [x.type === RR.PTR ? { name: x.name, type: 12, class: CLASS_IN, ttl: 60, target: 'host.example' } : { name: x.name, type: 1, class: CLASS_IN, ttl: 60, address: '192.0.2.1' }];
  }));
});
after(async () => stop?.());

const q = (name: string, type: number) => queryUdp(dns.port, name, type);
const show = (m: DnsMessage) => m.answers.map((a) => ('port' in a ? `${a.weight} ${a.port} ${a.target}` : 'address' in a ? a.address : 'target' in a ? a.target : 'texts' in a ? a.texts.join(' ') : '?'));
const negative = (m: DnsMessage, rcode: number, what: string) => {
  assert.equal(m.rcode, rcode, what);
  assert.deepEqual(m.answers, [], what);
  const soa = m.authorities[0];
  assert.ok(soa && 'minimum' in soa, `${what}: SOA in the authority section`);
  // RFC 2308: negative answers are cached for min(SOA TTL, SOA minimum): CoreDNS's 5 s.
  assert.deepEqual([soa.name, soa.ttl, soa.minimum, soa.mname, soa.rname], ['cluster.local', 5, 5, 'ns.dns.cluster.local', 'hostmaster.cluster.local'], what);
};

test('§2.2: dns-version.<zone> TXT carries the schema version', async () => {
  const r = await q('dns-version.cluster.local', RR.TXT);
  assert.equal(r.rcode, RCODE.NOERROR);
  assert.deepEqual(show(r), ['1.1.0']);
  assert.equal(r.answers[0]?.ttl, 28800);
  negative(await q('dns-version.cluster.local', RR.A), RCODE.NOERROR, 'the name exists; it has no A');
});

test('§2.3.3 / §2.4.3: PTR for ClusterIPs (IPv4 and IPv6) and for ready endpoints', async () => {
  assert.deepEqual(show(await q('20.0.19.198.in-addr.arpa', RR.PTR)), ['web.default.svc.cluster.local']);
  const v6 = 'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.1.0.0.0.0.d.f.ip6.arpa';
  assert.deepEqual(show(await q(v6, RR.PTR)), ['web.default.svc.cluster.local']);
  // The question's spelling comes back in the answer.
  assert.equal((await q('20.0.19.198.IN-ADDR.ARPA', RR.PTR)).answers[0]?.name, '20.0.19.198.IN-ADDR.ARPA');
  assert.deepEqual(show(await q('5.0.18.198.in-addr.arpa', RR.PTR)), ['db-0.db.default.svc.cluster.local']);
  // Without a hostname CoreDNS names the endpoint by its dashed address.
  assert.deepEqual(show(await q('6.0.18.198.in-addr.arpa', RR.PTR)), ['198-18-0-6.db.default.svc.cluster.local']);
});

test('PTR for an address the cluster does not have falls through to the upstream (CoreDNS Corefile: fallthrough in-addr.arpa)', async () => {
  const r = await q('7.0.18.198.in-addr.arpa', RR.PTR); // db-2 is not ready: not published
  assert.deepEqual(show(r), ['host.example']);
  assert.ok(upstreamSeen.includes('7.0.18.198.in-addr.arpa'));
  assert.equal((await queryUdp(bare.port, '7.0.18.198.in-addr.arpa', RR.PTR)).rcode, RCODE.REFUSED);
});

test('§2.4.1: a headless Service without ready endpoints is NXDOMAIN; with some, an A/AAAA per ready endpoint', async () => {
  negative(await q('empty.default.svc.cluster.local', RR.A), RCODE.NXDOMAIN, 'no ready endpoint');
  negative(await q('_sql._tcp.empty.default.svc.cluster.local', RR.SRV), RCODE.NXDOMAIN, 'no ready endpoint, SRV');
  assert.deepEqual(show(await q('db.default.svc.cluster.local', RR.A)), ['198.18.0.5', '198.18.0.6']);
  assert.deepEqual(show(await q('db.default.svc.cluster.local', RR.AAAA)), ['fd00:18:0:0:0:0:0:5']);
  assert.deepEqual(show(await q('db-0.db.default.svc.cluster.local', RR.AAAA)), ['fd00:18:0:0:0:0:0:5'], 'one record per IP of the hostname');
  // CoreDNS names an endpoint by its hostname when it has one: the dashed address is not another name for it.
  negative(await q('198-18-0-5.db.default.svc.cluster.local', RR.A), RCODE.NXDOMAIN, 'dashed name of an endpoint with a hostname');
  assert.deepEqual(show(await q('198-18-0-6.db.default.svc.cluster.local', RR.A)), ['198.18.0.6']);
});

test('§2.3.2 / §2.4.2: SRV records, their weights, and the target addresses in the additional section', async () => {
  const h = await q('_sql._tcp.db.default.svc.cluster.local', RR.SRV);
  // CoreDNS spreads weight 100 over its three (endpoint, port) entries, then drops the repeated db-0 SRV.
  assert.deepEqual(show(h), ['33 15432 db-0.db.default.svc.cluster.local', '33 15432 198-18-0-6.db.default.svc.cluster.local']);
  assert.deepEqual(show({ answers: h.additionals } as DnsMessage).sort(), ['198.18.0.5', '198.18.0.6', 'fd00:18:0:0:0:0:0:5']);
  const c = await q('_http._tcp.web.default.svc.cluster.local', RR.SRV);
  assert.deepEqual(show(c), ['50 80 web.default.svc.cluster.local']);
  assert.deepEqual(c.additionals.map((a) => [a.name, a.type]), [['web.default.svc.cluster.local', RR.A], ['web.default.svc.cluster.local', RR.AAAA]], 'both families of a dual-stack ClusterIP');
  // CoreDNS: SRV at the Service name itself lists every port, named or not.
  assert.deepEqual(show(await q('web.default.svc.cluster.local', RR.SRV)), ['25 80 web.default.svc.cluster.local', '25 8443 web.default.svc.cluster.local']);
});

test('§2.5: ExternalName is a CNAME, completed with the target’s addresses', async () => {
  const inZone = await q('alias.default.svc.cluster.local', RR.A);
  assert.deepEqual(show(inZone), ['web.default.svc.cluster.local', '198.19.0.20']);
  negative(await q('ext.default.svc.cluster.local', RR.SRV), RCODE.NOERROR, 'CoreDNS gives no SRV for an ExternalName');
  negative(await q('ext.default.svc.cluster.local', RR.TXT), RCODE.NOERROR, 'nor TXT');
  assert.deepEqual(show(await q('ext.default.svc.cluster.local', RR.CNAME)), ['example.com']);
});

test('§2.6: pod records, IPv4 and IPv6; namespaces that do not exist are NXDOMAIN', async () => {
  assert.deepEqual(show(await q('198-18-0-9.default.pod.cluster.local', RR.A)), ['198.18.0.9']);
  assert.deepEqual(show(await q('fd00--9.default.pod.cluster.local', RR.AAAA)), ['fd00:0:0:0:0:0:0:9']);
  negative(await q('198-18-0-9.nowhere.pod.cluster.local', RR.A), RCODE.NXDOMAIN, 'pod in a missing namespace');
  negative(await q('nowhere.svc.cluster.local', RR.A), RCODE.NXDOMAIN, 'missing namespace');
  negative(await q('default.svc.cluster.local', RR.A), RCODE.NOERROR, 'existing namespace');
  negative(await q('web.nowhere.svc.cluster.local', RR.A), RCODE.NXDOMAIN, 'service in a missing namespace');
});

test('the zone apex answers SOA and NS (ns.dns.<zone>, the cluster DNS address)', async () => {
  const soa = await q('cluster.local', RR.SOA);
  assert.equal(soa.rcode, RCODE.NOERROR);
  assert.equal(soa.answers[0]?.type, RR.SOA);
  const ns = await q('cluster.local', RR.NS);
  assert.deepEqual(show(ns), ['ns.dns.cluster.local']);
  assert.deepEqual(show({ answers: ns.additionals } as DnsMessage), ['198.19.0.53']);
  assert.deepEqual(show(await q('ns.dns.cluster.local', RR.A)), ['198.19.0.53']);
});

test('NXDOMAIN vs NODATA, ANY, case and TTLs as CoreDNS answers them', async () => {
  negative(await q('web.default.svc.cluster.local', RR.TXT), RCODE.NOERROR, 'existing name, no TXT');
  negative(await q('web.default.svc.cluster.local', RR.ANY), RCODE.NOERROR, 'CoreDNS answers ANY with no records');
  negative(await q('nope.default.svc.cluster.local', RR.A), RCODE.NXDOMAIN, 'missing service');
  negative(await q('_nope._tcp.web.default.svc.cluster.local', RR.SRV), RCODE.NXDOMAIN, 'missing port');
  const r = await q('Web.DEFAULT.svc.Cluster.Local', RR.A);
  assert.equal(r.questions[0]?.name, 'Web.DEFAULT.svc.Cluster.Local');
  assert.deepEqual(r.answers.map((a) => [a.name, a.ttl]), [['Web.DEFAULT.svc.Cluster.Local', 5]]);
  assert.equal(r.authoritative, true);
  assert.equal(r.recursionAvailable, true, 'RA: there is an upstream to recurse through');
  assert.equal((await queryUdp(bare.port, 'web.default.svc.cluster.local', RR.A)).recursionAvailable, false);
});
