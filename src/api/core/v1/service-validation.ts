import type { SchemaFieldError } from '../../schema/dsl.js';
import { fe } from './field-errors.js';
import { isDns1123Label, isDns1123Subdomain, isValidIP, isValidPortName, isValidPortNum } from './names.js';
import type { Service } from './service.js';
import { validateServiceExposure, validateServiceExposureUpdate } from './service-validation-exposure.js';

const isHeadless = (s: Service): boolean => s.spec?.clusterIP === 'None';

/** Kubernetes' ValidateService (the parts skiff's proxy, DNS and controllers rely on). Pure. */
export function validateService(svc: Service): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const spec = svc.spec;
  if (!spec) return [fe.required('spec', '')];
  const type = spec.type ?? 'ClusterIP';
  const ports = spec.ports ?? [];

  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push(fe.required('spec.externalName', ''));
    else for (const msg of isDns1123Subdomain(spec.externalName.replace(/\.$/, ''))) errs.push(fe.invalid('spec.externalName', spec.externalName, msg));
    // The strategy copies clusterIP into clusterIPs first, so upstream reports the plural field.
    if (spec.clusterIP || (spec.clusterIPs ?? []).length > 0) errs.push(fe.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if ((spec.ipFamilies ?? []).length > 0) errs.push(fe.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined) errs.push(fe.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
  } else {
    if (ports.length === 0 && !isHeadless(svc)) errs.push(fe.required('spec.ports', ''));
    (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).forEach((ip, i) => {
      if (ip === 'None' && i === 0) return;
      if (!isValidIP(ip)) errs.push(fe.invalid(`spec.clusterIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    });
    if (spec.clusterIPs && spec.clusterIPs.length > 0 && spec.clusterIP !== undefined && spec.clusterIP !== spec.clusterIPs[0]) {
      errs.push(fe.invalid('spec.clusterIPs', spec.clusterIPs, 'first value must match `clusterIP`'));
    }
    if (isHeadless(svc) && type !== 'ClusterIP') errs.push(fe.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }

  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(fe.required(`${pp}.name`, ''));
    if (p.name) {
      for (const msg of isDns1123Label(p.name)) errs.push(fe.invalid(`${pp}.name`, p.name, msg));
      if (names.has(p.name)) errs.push(fe.duplicate(`${pp}.name`, p.name));
      names.add(p.name);
    }
    if (p.port !== undefined) for (const msg of isValidPortNum(p.port)) errs.push(fe.invalid(`${pp}.port`, p.port, msg));
    const tp = p.targetPort;
    if (typeof tp === 'number') for (const msg of isValidPortNum(tp)) errs.push(fe.invalid(`${pp}.targetPort`, tp, msg));
    else if (typeof tp === 'string') for (const msg of isValidPortName(tp)) errs.push(fe.invalid(`${pp}.targetPort`, tp, msg));
    if (p.nodePort && type === 'ClusterIP') errs.push(fe.forbidden(`${pp}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    else if (p.nodePort) for (const msg of isValidPortNum(p.nodePort)) errs.push(fe.invalid(`${pp}.nodePort`, p.nodePort, msg));
  });

  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (timeout !== undefined && (timeout <= 0 || timeout > 86400)) {
      errs.push(fe.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
    }
  } else if (spec.sessionAffinityConfig) {
    errs.push(fe.forbidden('spec.sessionAffinityConfig', `must not be set when session affinity is ${spec.sessionAffinity ?? 'None'}`));
  }
  if (spec.externalTrafficPolicy && !(type === 'LoadBalancer' || type === 'NodePort' || (spec.externalIPs ?? []).length > 0)) {
    errs.push(fe.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push(fe.forbidden('spec.allocateLoadBalancerNodePorts', 'may only be used when `type` is \'LoadBalancer\''));
  }
  for (const [i, ip] of (spec.externalIPs ?? []).entries()) {
    if (!isValidIP(ip)) errs.push(fe.invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }
  return [...errs, ...validateServiceExposure(svc)];
}

/**
 * The cluster IP cannot change or be removed once allocated, except when the Service
 * becomes, or stops being, an ExternalName Service (ValidateServiceUpdate).
 */
export function validateServiceUpdate(svc: Service, old: Service): SchemaFieldError[] {
  const errs = validateServiceExposureUpdate(svc, old);
  if (svc.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return errs;
  const oldIPs = old.spec?.clusterIPs ?? (old.spec?.clusterIP ? [old.spec.clusterIP] : []);
  const newIPs = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
  if (oldIPs.length > 0 && newIPs.length === 0) {
    errs.push(fe.invalid('spec.clusterIPs[0]', newIPs, 'primary clusterIP can not be unset'));
  } else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) {
    errs.push(fe.invalid('spec.clusterIPs[0]', newIPs, 'may not change once set'));
  }
  return errs;
}
