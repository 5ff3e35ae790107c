import { f, object, t, type Infer } from '../../schema/dsl.js';

// Legacy discovery documents (GET /api, /apis, /api/v1, /apis/<group>/<version>).

export const ServerAddressByClientCIDRSchema = object('ServerAddressByClientCIDR', 'Which server address clients in a CIDR should use.', {
  clientCIDR: f(1, t.string(), 'CIDR of the clients this entry applies to.', { required: true }),
  serverAddress: f(2, t.string(), 'Address (host, host:port, IP or IP:port) those clients should use.', { required: true }),
});

export const GroupVersionForDiscoverySchema = object('GroupVersionForDiscovery', 'One version of an API group.', {
  groupVersion: f(1, t.string(), 'The "group/version" string ("v1" for core).', { required: true }),
  version: f(2, t.string(), 'The version alone.', { required: true }),
});
export type GroupVersionForDiscovery = Infer<typeof GroupVersionForDiscoverySchema>;

/** GET /api. */
export const APIVersionsSchema = object('APIVersions', 'The versions of the legacy core API.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'Always APIVersions.'),
  versions: f(1, t.list(t.string()), 'Available versions, e.g. ["v1"].', { required: true }),
  serverAddressByClientCIDRs: f(2, t.list(t.object(() => ServerAddressByClientCIDRSchema)), 'Server addresses per client network.', {
    required: true,
  }),
});
export type APIVersions = Infer<typeof APIVersionsSchema>;

export const APIGroupSchema = object('APIGroup', 'An API group, its versions and the preferred one.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'Always APIGroup.'),
  name: f(1, t.string(), 'Name of the group.', { required: true }),
  versions: f(2, t.list(t.object(() => GroupVersionForDiscoverySchema)), 'Versions served in this group.', { required: true }),
  preferredVersion: f(3, t.object(() => GroupVersionForDiscoverySchema), 'The version clients should prefer.'),
  serverAddressByClientCIDRs: f(4, t.list(t.object(() => ServerAddressByClientCIDRSchema)), 'Server addresses per client network.'),
});
export type APIGroup = Infer<typeof APIGroupSchema>;

/** GET /apis. */
export const APIGroupListSchema = object('APIGroupList', 'Every API group the server serves.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'Always APIGroupList.'),
  groups: f(1, t.list(t.object(() => APIGroupSchema)), 'The groups.', { required: true }),
});
export type APIGroupList = Infer<typeof APIGroupListSchema>;

/**
 * One resource (or `resource/subresource`) of a group version.
 * Protobuf note: upstream wraps `verbs` in a message Verbs{1: repeated string}; JSON is a
 * plain list. Discovery is only ever sent as JSON here.
 */
export const APIResourceSchema = object('APIResource', 'A resource served in a group version.', {
  name: f(1, t.string(), 'Plural resource name, or "resource/subresource".', { required: true }),
  singularName: f(6, t.string(), 'Singular name; empty for subresources.', { required: true }),
  namespaced: f(2, t.bool(), 'Whether objects live in namespaces.', { required: true }),
  group: f(8, t.string(), 'Group of the kind, when it differs from the list’s (e.g. autoscaling for scale).'),
  version: f(9, t.string(), 'Version of the kind, when it differs from the list’s.'),
  kind: f(3, t.string(), 'Kind served at this resource.', { required: true }),
  verbs: f(4, t.list(t.string()), 'Supported verbs: get, list, watch, create, update, patch, delete, deletecollection.', { required: true }),
  shortNames: f(5, t.list(t.string()), 'Short aliases, e.g. deploy.'),
  categories: f(7, t.list(t.string()), 'Groupings such as "all".'),
  storageVersionHash: f(10, t.string(), 'Opaque hash of the storage version.'),
});
export type APIResource = Infer<typeof APIResourceSchema>;

/** GET /api/v1 and /apis/<group>/<version>. */
export const APIResourceListSchema = object('APIResourceList', 'The resources of one group version.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'Always APIResourceList.'),
  groupVersion: f(1, t.string(), 'The "group/version" listed.', { required: true }),
  resources: f(2, t.list(t.object(() => APIResourceSchema)), 'The resources and subresources.', { required: true }),
});
export type APIResourceList = Infer<typeof APIResourceListSchema>;
