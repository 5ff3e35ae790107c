import { isIP } from 'node:net';
import type { SchemaFieldError } from '../../schema/dsl.js';
import { cidr } from '../../schema/formats.js';
import { isQualifiedName, isValidLabelValue } from '../../../machinery/names.js';
import { fe } from './field-errors.js';
import { isValidPortNum } from './names.js';
import type { Service } from './service.js';

/*
 * The parts of upstream's ValidateService about how a Service is reached and selected:
 * selector, appProtocol, node ports, health-check port, load-balancer fields, external
 * IPs and traffic distribution. Wording and field paths are upstream's (including its
 * `spec.LoadBalancerSourceRanges` spelling).
 */

const LB_ONLY = "may only be used when `type` is 'LoadBalancer'";

const needsHealthCheck = (svc: Service): boolean => svc.spec?.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';

/** Why an external IP cannot be used (ValidateNonSpecialIP): unspecified, loopback, link-local. */
export function specialIPReasons(ip: string): string[] {
  const family = isIP(ip);
  if (family === 0) return [];
  const out: string[] = [];
  if (family === 4) {
    const [a, b, c] = ip.split('.').map(Number) as [number, number, number];
    if (ip === '0.0.0.0') out.push(`may not be unspecified (${ip})`);
    if (a === 127) out.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
    if (a === 169 && b === 254) out.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
    if (a === 224 && b === 0 && c === 0) out.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
    return out;
  }
  const lower = ip.toLowerCase();
  if (/^(0*:)*:?0*$/.test(lower) || lower === '::') out.push(`may not be unspecified (${ip})`);
  if (/^(0*:)*:?0*1$/.test(lower)) out.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (/^fe[89ab][0-9a-f]?:/.test(lower)) out.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (/^ff[0-9a-f]2:/.test(lower)) out.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return out;
}

export function validateServiceExposure(svc: Service): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const ports = spec.ports ?? [];

  for (const [k, v] of Object.entries(spec.selector ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(fe.invalid('spec.selector', k, m));
    for (const m of isValidLabelValue(v)) errs.push(fe.invalid('spec.selector', v, m));
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (p.appProtocol !== undefined) for (const m of isQualifiedName(p.appProtocol)) errs.push(fe.invalid(`spec.ports[${i}].appProtocol`, p.appProtocol, m));
    if (!p.nodePort) return;
    const k = `${p.protocol ?? 'TCP'}/${p.nodePort}`;
    if (nodePorts.has(k)) errs.push(fe.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(k);
  });

  const hc = spec.healthCheckNodePort;
  if (!needsHealthCheck(svc)) {
    if (hc) errs.push(fe.invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (!hc) errs.push(fe.required('spec.healthCheckNodePort', ''));
  else for (const m of isValidPortNum(hc)) errs.push(fe.invalid('spec.healthCheckNodePort', hc, m));

  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length > 0) {
    if (type !== 'LoadBalancer') errs.push(fe.forbidden('spec.LoadBalancerSourceRanges', LB_ONLY));
    ranges.forEach((r, i) => {
      // Space-padding is tolerated, a leftover of the annotation these values came from.
      for (const m of cidr(r.trim())) errs.push(fe.invalid(`spec.LoadBalancerSourceRanges[${i}]`, r.trim(), m));
    });
  }
  if (spec.loadBalancerClass !== undefined) {
    if (type !== 'LoadBalancer') errs.push(fe.forbidden('spec.loadBalancerClass', LB_ONLY));
    else for (const m of isQualifiedName(spec.loadBalancerClass)) errs.push(fe.invalid('spec.loadBalancerClass', spec.loadBalancerClass, m));
  }
  (spec.externalIPs ?? []).forEach((ip, i) => {
    for (const m of specialIPReasons(ip)) errs.push(fe.invalid(`spec.externalIPs[${i}]`, ip, m));
  });
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') {
    errs.push(fe.notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

/** Fields that may not change while the Service keeps the type that uses them. */
export function validateServiceExposureUpdate(svc: Service, old: Service): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (needsHealthCheck(old) && needsHealthCheck(svc) && svc.spec?.healthCheckNodePort !== old.spec?.healthCheckNodePort) {
    errs.push(fe.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  if (old.spec?.type === 'LoadBalancer' && svc.spec?.type === 'LoadBalancer' && (svc.spec.loadBalancerClass ?? null) !== (old.spec.loadBalancerClass ?? null)) {
    errs.push(fe.invalid('spec.loadBalancerClass', svc.spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  return errs;
}
