import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Service } from '../api/core/v1/service.js';
import type { EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { CLASS_IN, RCODE, RR } from './codec.js';
import type { DnsServer } from './server.js';
import { queryTcp, queryUdp } from './test-client.js';
import { startDnsPair } from './test-catalog.js';

const services: Record<string, Service> = {
  'default/web': { metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '198.19.0.10', clusterIPs: ['198.19.0.10'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
  'default/db': { metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }] } },
  'default/ext': { metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.com' } },
};
const slices: Record<string, EndpointSlice[]> = {
  'default/db': [
    {
      addressType: 'IPv4',
      ports: [{ name: 'sql', port: 15432, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['198.18.0.5'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['198.18.0.6'], hostname: 'db-1' },
        { addresses: ['198.18.0.7'], hostname: 'db-2', conditions: { ready: false } },
      ],
    },
  ],
};
const catalog = { service: (ns: string, n: string) => services[`${ns}/${n}`], slices: (ns: string, n: string) => slices[`${ns}/${n}`] ?? [] };

let dns: DnsServer;
let bare: DnsServer;
let stop: () => Promise<void>;
let upstreamQueries = 0;

before(async () => {
  // A tiny loopback "upstream resolver": answers every question with an A record 192.0.2.1.
  ({ dns, bare, stop } = await startDnsPair(catalog, (x) => {
    upstreamQueries++;
    return [{ name: x.name, type: 1 as const, class: CLASS_IN, ttl: 60, address: '192.0.2.1' }];
  }));
});
after(async () => stop?.());

const addrs = (m: { answers: Array<{ type: number } & Record<string, unknown>> }) => m.answers.map((a) => a.address ?? a.target);

test('A for a ClusterIP service, over UDP and TCP, case-insensitive', async () => {
  const u = await queryUdp(dns.port, 'web.default.svc.cluster.local', RR.A);
  assert.equal(u.rcode, RCODE.NOERROR);
  assert.equal(u.authoritative, true);
  assert.deepEqual(addrs(u), ['198.19.0.10']);
  const t = await queryTcp(dns.port, 'WEB.default.svc.cluster.local.', RR.A);
  assert.deepEqual(addrs(t), ['198.19.0.10']);
  const aaaa = await queryUdp(dns.port, 'web.default.svc.cluster.local', RR.AAAA);
  assert.equal(aaaa.rcode, RCODE.NOERROR);
  assert.deepEqual(aaaa.answers, []);
  assert.equal(aaaa.authorities[0]?.type, RR.SOA);
});

test('headless service → ready endpoint IPs; pod hostnames; SRV per named port', async () => {
  assert.deepEqual(addrs(await queryUdp(dns.port, 'db.default.svc.cluster.local', RR.A)), ['198.18.0.5', '198.18.0.6']);
  assert.deepEqual(addrs(await queryUdp(dns.port, 'db-1.db.default.svc.cluster.local', RR.A)), ['198.18.0.6']);
  assert.equal((await queryUdp(dns.port, 'db-2.db.default.svc.cluster.local', RR.A)).rcode, RCODE.NXDOMAIN, 'not ready → not published');
  const srv = await queryUdp(dns.port, '_sql._tcp.db.default.svc.cluster.local', RR.SRV);
  assert.deepEqual(
    srv.answers.map((a) => ('port' in a ? `${a.port} ${a.target}` : '')),
    ['15432 db-0.db.default.svc.cluster.local', '15432 db-1.db.default.svc.cluster.local'],
  );
  assert.equal(srv.additionals.length, 2);
  const srv2 = await queryUdp(dns.port, '_http._tcp.web.default.svc.cluster.local', RR.SRV);
  assert.deepEqual(srv2.answers.map((a) => ('port' in a ? `${a.port} ${a.target}` : '')), ['80 web.default.svc.cluster.local']);
  assert.equal((await queryUdp(dns.port, '_http._udp.web.default.svc.cluster.local', RR.SRV)).rcode, RCODE.NXDOMAIN);
});

test('ExternalName → CNAME; pod A records; NXDOMAIN in the cluster domain', async () => {
  // The alias, completed through the upstream as CoreDNS does; without an upstream, the alias alone.
  assert.deepEqual(addrs(await queryUdp(dns.port, 'ext.default.svc.cluster.local', RR.A)), ['example.com', '192.0.2.1']);
  assert.deepEqual(addrs(await queryUdp(bare.port, 'ext.default.svc.cluster.local', RR.A)), ['example.com']);
  assert.deepEqual(addrs(await queryUdp(dns.port, '198-18-0-9.default.pod.cluster.local', RR.A)), ['198.18.0.9']);
  for (const n of ['nope.default.svc.cluster.local', 'web.other.svc.cluster.local', 'x.y.z.cluster.local', 'a.b.c.web.default.svc.cluster.local']) {
    const r = await queryUdp(dns.port, n, RR.A);
    assert.equal(r.rcode, RCODE.NXDOMAIN, n);
    assert.equal(r.authorities[0]?.type, RR.SOA);
  }
  assert.equal((await queryUdp(dns.port, 'default.svc.cluster.local', RR.A)).rcode, RCODE.NOERROR);
});

test('other names go to the upstream; without one they are REFUSED', async () => {
  const before = upstreamQueries;
  assert.deepEqual(addrs(await queryUdp(dns.port, 'example.org', RR.A)), ['192.0.2.1']);
  assert.equal(upstreamQueries, before + 1);
  assert.equal((await queryUdp(bare.port, 'example.org', RR.A)).rcode, RCODE.REFUSED);
  assert.equal(upstreamQueries, before + 1);
});

test('garbage gets FORMERR or silence, and the server keeps answering', async () => {
  const junk = Uint8Array.from([0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1]);
  const r = await queryUdp(dns.port, junk);
  assert.equal(r.id, 0xabcd);
  assert.equal(r.rcode, RCODE.FORMERR);
  const s = createSocket('udp4');
  for (let i = 0; i < 50; i++) s.send(Uint8Array.from({ length: i }, (_, j) => (i * 31 + j * 7) & 255), dns.port, '127.0.0.1');
  s.close();
  // Sent after the junk on the same loopback path: answered only if the server survived it.
  assert.deepEqual(addrs(await queryUdp(dns.port, 'web.default.svc.cluster.local', RR.A)), ['198.19.0.10']);
});
