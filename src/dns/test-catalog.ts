import type { Service } from '../api/core/v1/service.js';
import { serviceNameLabel, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { createSocket } from 'node:dgram';
import { silentLogger } from '../client/logger.js';
import { decodeMessage, encodeMessage, type Question, type ResourceRecord } from './codec.js';
import type { DnsCatalog } from './records.js';
import { startDnsServer, type DnsServer } from './server.js';
import { serviceIPKeys, sliceIPKeys } from './reverse.js';

/**
 * A DnsCatalog over fixed objects (tests), answering like dns.ts's informer-backed one:
 * slices belong to the Service named by their kubernetes.io/service-name label, and the
 * by-address lookups use the same index keys.
 */
export function fixedCatalog(services: Service[], slices: EndpointSlice[], namespaces: string[]): DnsCatalog {
  const owner = (s: EndpointSlice) => `${s.metadata?.namespace ?? ''}/${s.metadata?.labels?.[serviceNameLabel] ?? ''}`;
  return {
    service: (ns, name) => services.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
    slices: (ns, name) => slices.filter((s) => owner(s) === `${ns}/${name}`),
    namespaceExists: (ns) => namespaces.includes(ns),
    servicesByIP: (ip) => services.filter((s) => serviceIPKeys(s).includes(ip)),
    slicesByIP: (ip) => slices.filter((s) => sliceIPKeys(s).includes(ip)),
  };
}

/** An EndpointSlice of `service` in `namespace` (tests). */
export function slice(namespace: string, service: string, s: Omit<EndpointSlice, 'metadata'>): EndpointSlice {
  return { metadata: { name: `${service}-${Math.random().toString(36).slice(2, 7)}`, namespace, labels: { [serviceNameLabel]: service } }, ...s };
}

/**
 * Two DNS servers over `catalog` on loopback (tests): `dns` forwards to a stand-in
 * upstream resolver that answers each question with `answer(question)`, `bare` has none.
 */
export async function startDnsPair(catalog: DnsCatalog, answer: (q: Question) => ResourceRecord[]): Promise<{ dns: DnsServer; bare: DnsServer; stop(): Promise<void> }> {
  const upstream = createSocket('udp4');
  upstream.on('message', (m, r) => {
    const q = decodeMessage(m);
    upstream.send(encodeMessage({ ...q, response: true, recursionAvailable: true, answers: q.questions.flatMap(answer) }), r.port, r.address);
  });
  await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', r));
  const dns = await startDnsServer({ catalog, listen: { address: '127.0.0.1', port: 0 }, upstream: { address: '127.0.0.1', port: upstream.address().port }, log: silentLogger });
  const bare = await startDnsServer({ catalog, listen: { address: '127.0.0.1', port: 0 }, upstream: null, log: silentLogger });
  return {
    dns,
    bare,
    async stop() {
      upstream.close();
      await dns.stop();
      await bare.stop();
    },
  };
}
