/**
 * A pod's resolv.conf, as the kubelet's dns.go builds it from dnsPolicy and dnsConfig:
 * ClusterFirst → the cluster DNS with `<ns>.svc.<domain> svc.<domain> <domain>` search and
 * ndots:5 (falling back to the node's when no cluster DNS is known or the pod uses the
 * host network), Default → the node's resolv.conf, None → only dnsConfig. dnsConfig is
 * merged in last (options by name).
 */
import type { Pod } from '../../api/core/v1/pod.js';

export interface DnsSettings {
  /** Cluster DNS server addresses (kubelet clusterDNS). */
  clusterDNS?: string[];
  /** Cluster domain (default cluster.local). */
  clusterDomain?: string;
  /** The node's resolv.conf text (policy Default). */
  hostResolvConf: string;
}

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
  /** Set when ClusterFirst had to fall back to the node's DNS (reported as an Event). */
  fallback?: string;
}

const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

/** nameserver, search/domain and options lines of a resolv.conf. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const f = raw.replace(/[#;].*$/, '').trim().split(/\s+/).filter(Boolean);
    const [key, ...rest] = f;
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.searches = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

const uniq = (xs: string[]): string[] => [...new Set(xs)];

export function podResolvConf(pod: Pod, dns: DnsSettings): ResolvConf {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const hostNet = pod.spec?.hostNetwork ?? false;
  const host = parseResolvConf(dns.hostResolvConf);
  const domain = dns.clusterDomain || 'cluster.local';
  let conf: ResolvConf;
  const clusterWanted = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !hostNet);
  if (policy === 'None') conf = { nameservers: [], searches: [], options: [] };
  else if (clusterWanted && dns.clusterDNS?.length) {
    const ns = pod.metadata?.namespace ?? 'default';
    conf = { nameservers: [...dns.clusterDNS], searches: [`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches], options: ['ndots:5'] };
  } else {
    conf = { ...host };
    if (clusterWanted) conf.fallback = `pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})". kubelet does not have ClusterDNS IP configured and cannot create Pod using "${policy}" policy. Falling back to "Default" policy.`;
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    conf.nameservers = uniq([...conf.nameservers, ...(extra.nameservers ?? [])]);
    conf.searches = uniq([...conf.searches, ...(extra.searches ?? [])]);
    const opts = new Map(conf.options.map((o) => [o.split(':')[0] as string, o]));
    for (const o of extra.options ?? []) if (o.name) opts.set(o.name, o.value != null ? `${o.name}:${o.value}` : o.name);
    conf.options = [...opts.values()];
  }
  conf.nameservers = conf.nameservers.slice(0, MAX_NAMESERVERS);
  conf.searches = uniq(conf.searches).slice(0, MAX_SEARCHES);
  return conf;
}

export function renderResolvConf(c: ResolvConf): string {
  return [
    ...(c.searches.length ? [`search ${c.searches.join(' ')}`] : []),
    ...c.nameservers.map((n) => `nameserver ${n}`),
    ...(c.options.length ? [`options ${c.options.join(' ')}`] : []),
  ].join('\n') + '\n';
}
