/**
 * Group versions served by extension API servers (remote APIServices), merged into the
 * discovery documents built from the registry. The aggregator supplies them; discovery
 * only renders what it is given.
 */
import { compareKubeVersions } from './subresources.js';

/** One legacy APIResource as an extension server lists it at `/apis/<group>/<version>`. */
export interface RemoteResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  group?: string;
  version?: string;
  kind?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

export interface RemoteGroupVersion {
  group: string;
  version: string;
  groupPriorityMinimum: number;
  versionPriority: number;
  /** What the server listed; undefined until its discovery was fetched once. */
  resources?: readonly RemoteResource[];
  /** The last fetch failed: the resources are what an earlier one returned. */
  stale?: boolean;
}

/** What the aggregator tells discovery: the remote group versions and a counter bumped on each change. */
export interface RemoteDiscovery {
  groupVersions(): readonly RemoteGroupVersion[];
  generation(): number;
}

/** A legacy APIResourceList's resources in aggregated (apidiscovery v2) form: subresources fold into their parents. */
export function aggregatedResources(group: string, version: string, list: readonly RemoteResource[]): Record<string, unknown>[] {
  const out: Array<Record<string, unknown> & { subresources?: Record<string, unknown>[] }> = [];
  const byName = new Map<string, (typeof out)[number]>();
  for (const r of list) {
    if (r.name.includes('/')) continue;
    const entry = {
      resource: r.name,
      responseKind: { group: r.group ?? group, version: r.version ?? version, kind: r.kind ?? '' },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName ?? '',
      verbs: [...(r.verbs ?? [])],
      ...(r.shortNames?.length ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories?.length ? { categories: [...r.categories] } : {}),
    };
    out.push(entry);
    byName.set(r.name, entry);
  }
  for (const r of list) {
    const [parent, sub] = r.name.split('/', 2) as [string, string | undefined];
    const owner = sub ? byName.get(parent) : undefined;
    if (!owner || !sub) continue;
    (owner.subresources ??= []).push({
      subresource: sub,
      responseKind: { group: r.group ?? group, version: r.version ?? version, kind: r.kind ?? '' },
      verbs: [...(r.verbs ?? [])],
    });
  }
  return out.sort((a, b) => String(a['resource']).localeCompare(String(b['resource'])));
}

/** Remote groups not among `known`, by upstream's order: groupPriorityMinimum (highest first), then name. */
function newGroups(remote: readonly RemoteGroupVersion[], known: ReadonlySet<string>): string[] {
  const best = new Map<string, number>();
  for (const gv of remote) if (!known.has(gv.group)) best.set(gv.group, Math.max(best.get(gv.group) ?? 0, gv.groupPriorityMinimum));
  return [...best.keys()].sort((a, b) => (best.get(b) ?? 0) - (best.get(a) ?? 0) || a.localeCompare(b));
}

/** Versions of one group, preferred first: versionPriority (highest first), then Kubernetes version order. */
function sortVersions<T extends { version: string; priority: number }>(versions: T[]): T[] {
  return versions.sort((a, b) => b.priority - a.priority || compareKubeVersions(a.version, b.version));
}

/**
 * Aggregated discovery items (APIGroupDiscovery) with the remote versions merged in: a
 * remote version replaces a local one of the same group/version (metrics-server taking over
 * metrics.k8s.io), or joins its group, or starts a new group after the local ones. Remote
 * versions whose discovery was never fetched are left out, as upstream does.
 */
export function mergeAggregated(items: readonly Record<string, any>[], remote: readonly RemoteGroupVersion[]): Record<string, any>[] {
  const fetched = remote.filter((gv) => gv.resources !== undefined);
  if (fetched.length === 0) return [...items];
  const doc = (gv: RemoteGroupVersion) => ({
    version: gv.version,
    resources: aggregatedResources(gv.group, gv.version, gv.resources ?? []),
    freshness: gv.stale ? 'Stale' : 'Current',
  });
  const out = items.map((item) => {
    const mine = fetched.filter((gv) => gv.group === item['metadata']?.name);
    if (mine.length === 0) return item;
    const versions: Array<Record<string, any>> = (item['versions'] as Array<Record<string, any>>).filter((v) => !mine.some((gv) => gv.version === v['version']));
    const ranked = [...versions.map((v, i) => ({ version: String(v['version']), priority: -i, body: v })), ...mine.map((gv) => ({ version: gv.version, priority: gv.versionPriority, body: doc(gv) }))];
    // Local versions keep their order among themselves; remote ones go first when they rank higher.
    return { ...item, versions: sortVersions(ranked).map((v) => v.body) };
  });
  const known = new Set(items.map((i) => String(i['metadata']?.name)));
  for (const group of newGroups(fetched, known)) {
    const versions = sortVersions(fetched.filter((gv) => gv.group === group).map((gv) => ({ version: gv.version, priority: gv.versionPriority, body: doc(gv) })));
    out.push({ metadata: { name: group, creationTimestamp: null }, versions: versions.map((v) => v.body) });
  }
  return out;
}

/** Legacy APIGroup entries ({name, versions, preferredVersion}) with the remote versions merged in. */
export function mergeLegacyGroups(groups: readonly Record<string, any>[], remote: readonly RemoteGroupVersion[]): Record<string, any>[] {
  if (remote.length === 0) return [...groups];
  const entry = (group: string, version: string) => ({ groupVersion: `${group}/${version}`, version });
  const withVersions = (name: string, versions: Array<{ groupVersion: string; version: string }>) => ({
    name,
    versions,
    ...(versions[0] ? { preferredVersion: versions[0] } : {}),
  });
  const out = groups.map((g) => {
    const mine = remote.filter((gv) => gv.group === g['name']);
    if (mine.length === 0) return g;
    const local = (g['versions'] as Array<{ groupVersion: string; version: string }>).filter((v) => !mine.some((gv) => gv.version === v.version));
    const ranked = [...local.map((v, i) => ({ version: v.version, priority: -i, body: v })), ...mine.map((gv) => ({ version: gv.version, priority: gv.versionPriority, body: entry(gv.group, gv.version) }))];
    return withVersions(String(g['name']), sortVersions(ranked).map((v) => v.body));
  });
  const known = new Set(groups.map((g) => String(g['name'])));
  for (const group of newGroups(remote, known)) {
    const ranked = sortVersions(remote.filter((gv) => gv.group === group).map((gv) => ({ version: gv.version, priority: gv.versionPriority, body: entry(group, gv.version) })));
    out.push(withVersions(group, ranked.map((v) => v.body)));
  }
  return out;
}
