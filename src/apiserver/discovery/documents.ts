/**
 * Discovery documents generated from the Registry on each call, so kinds added at run
 * time (CRDs) appear at once: aggregated discovery (apidiscovery.k8s.io v2 / v2beta1)
 * and the legacy APIVersions / APIGroupList / APIGroup / APIResourceList.
 */
import type { GroupVersion, Registry } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { compareKubeVersions, subresourcesOf, verbsOf } from './subresources.js';
import { mergeAggregated, mergeLegacyGroups, type RemoteGroupVersion } from './remote.js';

export interface GroupVersions {
  name: string;
  /** Preferred first. */
  versions: GroupVersion[];
}

/** Named groups (not core), in registry order, each with its versions by Kubernetes priority. */
export function namedGroups(registry: Registry): GroupVersions[] {
  const groups: GroupVersions[] = [];
  for (const gv of registry.list()) {
    if (gv.group === '') continue;
    let g = groups.find((x) => x.name === gv.group);
    if (!g) groups.push((g = { name: gv.group, versions: [] }));
    g.versions.push(gv);
  }
  for (const g of groups) g.versions.sort((a, b) => compareKubeVersions(a.version, b.version));
  return groups;
}

export function coreVersions(registry: Registry): GroupVersion[] {
  return registry.list().filter((gv) => gv.group === '').sort((a, b) => compareKubeVersions(a.version, b.version));
}

const sortedKinds = (gv: GroupVersion): KindSpec[] => [...gv.kinds].sort((a, b) => a.plural.localeCompare(b.plural));

function resourceDiscovery(spec: KindSpec): Record<string, unknown> {
  const subs = subresourcesOf(spec);
  return {
    resource: spec.plural,
    responseKind: { group: spec.group, version: spec.version, kind: spec.kind },
    scope: spec.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: spec.singular,
    verbs: verbsOf(spec),
    ...(spec.shortNames?.length ? { shortNames: [...spec.shortNames] } : {}),
    ...(spec.categories?.length ? { categories: [...spec.categories] } : {}),
    ...(subs.length
      ? { subresources: subs.map((s) => ({ subresource: s.name, responseKind: s.responseKind, verbs: s.verbs })) }
      : {}),
  };
}

function versionDiscovery(gv: GroupVersion): Record<string, unknown> {
  return { version: gv.version, resources: sortedKinds(gv).map(resourceDiscovery), freshness: 'Current' };
}

export type AggregatedVersion = 'v2' | 'v2beta1';

/**
 * `GET /api` (core only) or `GET /apis` (named groups) as an APIGroupDiscoveryList; `remote`
 * adds the group versions of extension API servers to `/apis`.
 */
export function aggregatedDiscovery(
  registry: Registry,
  which: 'api' | 'apis',
  version: AggregatedVersion,
  remote: readonly RemoteGroupVersion[] = [],
): Record<string, unknown> {
  const items =
    which === 'api'
      ? coreVersions(registry).length
        ? [{ metadata: { creationTimestamp: null }, versions: coreVersions(registry).map(versionDiscovery) }]
        : []
      : mergeAggregated(
          namedGroups(registry).map((g) => ({
            metadata: { name: g.name, creationTimestamp: null },
            versions: g.versions.map(versionDiscovery),
          })),
          remote,
        );
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** `GET /api` (legacy). */
export function apiVersions(registry: Registry, serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: coreVersions(registry).map((gv) => gv.version),
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(g: GroupVersions): Record<string, unknown> {
  const versions = g.versions.map((gv) => ({ groupVersion: `${g.name}/${gv.version}`, version: gv.version }));
  return { name: g.name, versions, ...(versions[0] ? { preferredVersion: versions[0] } : {}) };
}

/** `GET /apis` (legacy), with the remote group versions (registered, whether available or not). */
export function apiGroupList(registry: Registry, remote: readonly RemoteGroupVersion[] = []): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: mergeLegacyGroups(namedGroups(registry).map(apiGroup), remote) };
}

/** `GET /apis/<group>`, or undefined when the group is not served. */
export function apiGroupDocument(registry: Registry, group: string, remote: readonly RemoteGroupVersion[] = []): Record<string, unknown> | undefined {
  const g = mergeLegacyGroups(namedGroups(registry).map(apiGroup), remote).find((x) => x['name'] === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
}

/** `GET /api/v1` or `/apis/<group>/<version>`, or undefined when not served. */
export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const gv = registry.list().find((x) => x.group === group && x.version === version);
  if (!gv) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const spec of sortedKinds(gv)) {
    resources.push({
      name: spec.plural,
      singularName: spec.singular,
      namespaced: spec.namespaced,
      kind: spec.kind,
      verbs: verbsOf(spec),
      ...(spec.shortNames?.length ? { shortNames: [...spec.shortNames] } : {}),
      ...(spec.categories?.length ? { categories: [...spec.categories] } : {}),
    });
    for (const s of subresourcesOf(spec)) {
      const crossGroup = s.responseKind.group !== spec.group || s.responseKind.version !== spec.version;
      resources.push({
        name: `${spec.plural}/${s.name}`,
        singularName: '',
        namespaced: spec.namespaced,
        ...(crossGroup ? { group: s.responseKind.group, version: s.responseKind.version } : {}),
        kind: s.responseKind.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
