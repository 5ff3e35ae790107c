import type { Service } from '../api/core/v1/service.js';
import { serviceNameLabel, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import type { DnsCatalog } from './records.js';
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
