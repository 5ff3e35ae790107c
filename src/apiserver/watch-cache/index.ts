/** The API server's watch cache: objects and recent events per resource, in memory. */
export { WatchCache, type WatchCacheConfig } from './watch-cache.js';
export { ResourceCache, compareKeys, type CacheListener, type SubscribeResult } from './resource-cache.js';
export { CacheEvent, type WatchEventType } from './cache-event.js';
export { CachedObject, cachedFromKv, decodeStored, type KubeObject } from './cached-object.js';
