/** The aggregation layer: APIService registration, availability, discovery merging and proxying to extension API servers. */
export { Aggregator, type AggregatedApis, type AggregatorConfig } from './aggregator.js';
export { localApiServices, localApiService, AUTOMANAGED_LABEL, LOCAL_AVAILABLE } from './local-api-services.js';
export { resolveService, type ServiceLookup, type Resolution } from '../service-resolver.js';
export { checkAvailability, type CheckResult, type RemoteFetch } from './availability.js';
export { UNAVAILABLE_MESSAGE } from './proxy.js';
