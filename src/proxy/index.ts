export { startProxy, type Proxy, type ProxyConfig } from './proxy.js';
export { AffinityTable, RoundRobin, affinityTimeoutMs, backendsFor, usableBackends, type Backend } from './endpoints.js';
export { DummyInterface } from './dummy-interface.js';
