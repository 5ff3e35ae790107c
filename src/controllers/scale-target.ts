/**
 * A scale subresource found by discovery, as upstream's scale client does: the kind's
 * resource in its group-version, which must offer `<resource>/scale`. Shared by the
 * disruption controller (a pod owner's scale) and the HPA (its scaleTargetRef).
 */
import type { ResourceClient } from '../client/resource-client.js';
import type { RestClient } from '../client/rest-client.js';
import { groupOf } from '../client/object-key.js';
import { isNotFound } from '../client/status-error.js';

interface ApiResources {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

/** Discovery answers by group-version path, shared over one pass (a sync, a reconcile). */
export type DiscoveryCache = Map<string, Promise<ApiResources>>;

/** The client of `kind` in `apiVersion` whose scale subresource to use; throws as upstream words it when there is none. */
export async function scalableResource(client: RestClient, apiVersion: string, kind: string, discovery: DiscoveryCache = new Map()): Promise<{ resource: ResourceClient<unknown>; namespaced: boolean; plural: string }> {
  const group = groupOf(apiVersion);
  const version = group ? apiVersion.slice(group.length + 1) : apiVersion;
  const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
  let list = discovery.get(path);
  if (!list) {
    list = client.request<ApiResources>({ method: 'GET', path }).catch((err: unknown) => {
      if (isNotFound(err)) return { resources: [] };
      throw err;
    });
    discovery.set(path, list);
  }
  const resources = (await list).resources ?? [];
  const res = resources.find((r) => r.kind === kind && !r.name.includes('/'));
  if (!res) throw new Error(`no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`);
  if (!resources.some((r) => r.name === `${res.name}/scale`)) throw new Error(`${res.name}${group ? `.${group}` : ''} does not implement the scale subresource`);
  return { resource: client.resource({ group, version, plural: res.name, namespaced: res.namespaced, kind: res.kind }), namespaced: res.namespaced, plural: res.name };
}
