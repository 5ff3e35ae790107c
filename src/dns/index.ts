export { startDns, type DnsConfig } from './dns.js';
export { startDnsServer, type DnsServer, type DnsServerConfig } from './server.js';
export { resolveClusterName, inClusterDomain, type DnsCatalog, type Resolution } from './records.js';
export { resolveReverse } from './reverse.js';
export { decodeMessage, encodeMessage, buildQuery, DnsFormatError, RR, RCODE, CLASS_IN, type DnsMessage, type Question, type ResourceRecord } from './codec.js';
