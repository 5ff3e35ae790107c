/**
 * Message size and transport: the 512-byte UDP limit and the TC bit (RFC 1035 §4.2.1,
 * RFC 2181 §9), EDNS(0) (RFC 6891), and TCP end to end — including to the upstream —
 * over real sockets on loopback.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/core/v1/service.js';
import { silentLogger } from '../client/logger.js';
import { RCODE, RR, type DnsMessage } from './codec.js';
import { startDnsServer, type DnsServer } from './server.js';
import { fixedCatalog, slice } from './test-catalog.js';
import { ednsQuery, queryTcp, queryUdp } from './test-client.js';

const headless = (name: string): Service => ({ metadata: { name, namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }] } });
const endpoints = (n: number) => Array.from({ length: n }, (_, i) => ({ addresses: [`198.18.1.${i + 1}`], hostname: `pod-${i}`, conditions: { ready: true } }));
const catalog = fixedCatalog(
  [headless('big'), headless('four')],
  [
    slice('default', 'big', { addressType: 'IPv4', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }], endpoints: endpoints(40) }),
    slice('default', 'four', { addressType: 'IPv4', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }], endpoints: endpoints(4) }),
  ],
  ['default'],
);

let dns: DnsServer;
/** Another cluster DNS (zone upstream.test) standing in for the node's resolver. */
let upstream: DnsServer;

before(async () => {
  upstream = await startDnsServer({ catalog, clusterDomain: 'upstream.test', listen: { address: '127.0.0.1', port: 0 }, log: silentLogger });
  dns = await startDnsServer({ catalog, listen: { address: '127.0.0.1', port: 0 }, upstream: { address: '127.0.0.1', port: upstream.port }, log: silentLogger });
});
after(async () => {
  await dns?.stop();
  await upstream?.stop();
});

const opt = (m: DnsMessage) => m.additionals.filter((r) => r.type === RR.OPT);

test('an answer over 512 bytes is truncated over UDP (TC, no records) and whole over TCP', async () => {
  const u = await queryUdp(dns.port, 'big.default.svc.cluster.local', RR.A);
  assert.equal(u.truncated, true);
  assert.equal(u.answers.length, 0);
  assert.equal(u.questions[0]?.name, 'big.default.svc.cluster.local');
  const t = await queryTcp(dns.port, 'big.default.svc.cluster.local', RR.A);
  assert.equal(t.truncated, false);
  assert.equal(t.answers.length, 40);
});

test('additional records that do not fit are dropped without TC (RFC 2181 §9)', async () => {
  const t = await queryTcp(dns.port, '_sql._tcp.four.default.svc.cluster.local', RR.SRV);
  assert.deepEqual([t.answers.length, t.additionals.length], [4, 4], 'the whole answer, over TCP');
  const u = await queryUdp(dns.port, '_sql._tcp.four.default.svc.cluster.local', RR.SRV);
  assert.equal(u.truncated, false);
  assert.deepEqual([u.answers.length, u.additionals.length], [4, 0]);
});

test('EDNS(0): the advertised size is honoured and the response carries an OPT record', async () => {
  const big = await queryUdp(dns.port, ednsQuery('big.default.svc.cluster.local', RR.A, 4096));
  assert.equal(big.truncated, false);
  assert.equal(big.answers.length, 40);
  assert.deepEqual(opt(big).map((o) => [o.name, o.class]), [['', 4096]], 'one OPT at the root, mirroring the size');
  const small = await queryUdp(dns.port, ednsQuery('big.default.svc.cluster.local', RR.A, 1200));
  assert.equal(small.truncated, true);
  assert.equal(opt(small).length, 1, 'a truncated EDNS answer keeps its OPT');
  const nx = await queryUdp(dns.port, ednsQuery('nope.default.svc.cluster.local', RR.A, 1232));
  assert.equal(nx.rcode, RCODE.NXDOMAIN);
  assert.equal(opt(nx).length, 1);
  assert.equal(opt(await queryUdp(dns.port, 'nope.default.svc.cluster.local', RR.A)).length, 0, 'no OPT for a query without one');
});

test('EDNS(0): an unknown version gets BADVERS, two OPT records FORMERR', async () => {
  const r = await queryUdp(dns.port, ednsQuery('four.default.svc.cluster.local', RR.A, 1232, { version: 1 }));
  const o = opt(r)[0];
  assert.ok(o, 'BADVERS travels in an OPT record');
  // Extended rcode 16 = upper 8 bits (1) in the OPT TTL's top byte, lower 4 bits (0) in the header.
  assert.deepEqual([r.rcode, o.ttl >>> 24, (o.ttl >>> 16) & 0xff], [0, 1, 0]);
  assert.deepEqual(r.answers, []);
  assert.equal((await queryUdp(dns.port, ednsQuery('four.default.svc.cluster.local', RR.A, 1232, { optCount: 2 }))).rcode, RCODE.FORMERR);
});

test('a TCP query for an outside name is forwarded over TCP, so a large upstream answer arrives whole', async () => {
  const t = await queryTcp(dns.port, 'big.default.svc.upstream.test', RR.A);
  assert.equal(t.rcode, RCODE.NOERROR);
  assert.equal(t.truncated, false);
  assert.equal(t.answers.length, 40);
  const u = await queryUdp(dns.port, 'big.default.svc.upstream.test', RR.A);
  assert.equal(u.truncated, true, 'over UDP the client gets the upstream’s truncated reply, and retries over TCP');
});
