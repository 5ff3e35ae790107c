/** Discovery: /version, /api, /apis (aggregated and legacy), /openapi/v3. */
export { versionInfo } from './version.js';
export { serveDiscovery, AGGREGATED_V2, AGGREGATED_V2BETA1, type DiscoveryContext } from './handler.js';
export { OpenApiV3Server, gvPath, type OpenApiV3Builder } from './openapi.js';
export {
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './documents.js';
export { subresourcesOf, compareKubeVersions } from './subresources.js';
export { DiscoveryCache } from './cache.js';
export { aggregatedResources, mergeAggregated, mergeLegacyGroups, type RemoteDiscovery, type RemoteGroupVersion, type RemoteResource } from './remote.js';
