/**
 * Ingress validation with kube-apiserver's rules and messages (pkg/apis/networking/
 * validation: ValidateIngressCreate / ValidateIngressUpdate and ValidateIngressSpec).
 */
import { isIP } from 'node:net';
import type { SchemaFieldError } from '../../schema/dsl.js';
import { fieldError } from '../../meta/v1/index.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../../machinery/names.js';
import { isValidPortName, isValidPortNum } from '../../core/v1/names.js';
import { isPathSegmentName, isWildcardDNS1123Subdomain } from './names.js';
import type { HTTPIngressPath, Ingress, IngressBackend, IngressRule, IngressSpec, IngressTLS } from './ingress.js';

/** The legacy class annotation; on create it must agree with spec.ingressClassName. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

interface Options {
  /** Updates keep tls[].secretName values that were already invalid (stored before the rule). */
  allowInvalidSecretName: boolean;
  /** Updates keep invalid rules under wildcard hosts that were already stored. */
  allowInvalidWildcardHostRule: boolean;
}

/** On create (old undefined) or update: the spec rules, and on create the class annotation. */
export function validateIngress(ing: Ingress, old?: Ingress): SchemaFieldError[] {
  const opts: Options = {
    allowInvalidSecretName: old !== undefined && (old.spec?.tls ?? []).some((t) => invalidSecretName(t.secretName).length > 0),
    allowInvalidWildcardHostRule:
      old !== undefined && (old.spec?.rules ?? []).some((r) => (r.host ?? '').includes('*') && validateRuleValue(r, '').length > 0),
  };
  const errs = validateIngressSpec(ing.spec ?? {}, 'spec', opts);
  if (!old) {
    const annotation = ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
    const className = ing.spec?.ingressClassName;
    if (annotation !== undefined && className !== undefined && annotation !== className) {
      // Upstream's path really is `annotations.<key>`, without `metadata.`.
      errs.push(fieldError.invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotation, 'must match `ingressClassName` when both are specified'));
    }
  }
  return errs;
}

const noAllowances: Options = { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false };

export function validateIngressSpec(spec: IngressSpec, path: string, opts: Options = noAllowances): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const rules = spec.rules ?? [];
  if (rules.length === 0 && spec.defaultBackend === undefined) {
    errs.push(fieldError.invalid(path, spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend !== undefined) errs.push(...validateBackend(spec.defaultBackend, `${path}.defaultBackend`));
  rules.forEach((rule, i) => errs.push(...validateRule(rule, `${path}.rules[${i}]`, opts)));
  (spec.tls ?? []).forEach((tls, i) => errs.push(...validateTLS(tls, `${path}.tls[${i}]`, opts)));
  if (spec.ingressClassName !== undefined) {
    for (const msg of isDNS1123Subdomain(spec.ingressClassName)) errs.push(fieldError.invalid(`${path}.ingressClassName`, spec.ingressClassName, msg));
  }
  return errs;
}

function hostErrors(host: string): string[] {
  return host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
}

function validateRule(rule: IngressRule, path: string, opts: Options): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const host = rule.host ?? '';
  if (host !== '') {
    if (isSloppyIP(host)) errs.push(fieldError.invalid(`${path}.host`, host, 'must be a DNS name, not an IP address'));
    for (const msg of hostErrors(host)) errs.push(fieldError.invalid(`${path}.host`, host, msg));
  }
  if (!host.includes('*') || !opts.allowInvalidWildcardHostRule) errs.push(...validateRuleValue(rule, path));
  return errs;
}

function validateRuleValue(rule: IngressRule, path: string): SchemaFieldError[] {
  const http = rule.http;
  if (http === undefined) return [];
  const errs: SchemaFieldError[] = [];
  // An absent list is the schema's "Required value"; an empty one is reported here.
  if (Array.isArray(http.paths) && http.paths.length === 0) errs.push(fieldError.required(`${path}.http.paths`));
  (http.paths ?? []).forEach((p, i) => errs.push(...validatePath(p, `${path}.http.paths[${i}]`)));
  return errs;
}

function validatePath(p: HTTPIngressPath, path: string): SchemaFieldError[] {
  if (p.pathType === undefined) return [fieldError.required(`${path}.pathType`, 'pathType must be specified')];
  const errs: SchemaFieldError[] = [];
  const value = p.path ?? '';
  const invalid = (msg: string) => errs.push(fieldError.invalid(`${path}.path`, value, msg));
  switch (p.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) invalid('must be an absolute path');
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) invalid(`must not contain '${seq}'`);
      for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) invalid(`cannot end with '${suffix}'`);
      break;
    case 'ImplementationSpecific':
      if (value !== '' && !value.startsWith('/')) invalid('must be an absolute path');
      break;
    default:
      // Not a path type: the schema's enum check reports it (Unsupported value).
      break;
  }
  errs.push(...validateBackend(p.backend ?? {}, `${path}.backend`));
  return errs;
}

/** validateIngressBackend: exactly one of service (name and a port) or resource. */
export function validateBackend(b: IngressBackend, path: string): SchemaFieldError[] {
  if (b.resource !== undefined && b.service !== undefined) return [fieldError.invalid(path, '', 'cannot set both resource and service backends')];
  if (b.resource !== undefined) return validateTypedReference(b.resource, `${path}.resource`);
  if (b.service === undefined) return [fieldError.invalid(path, '', 'resource or service backend is required')];
  const errs: SchemaFieldError[] = [];
  const svc = b.service;
  // An absent name is the schema's "Required value"; an empty one is reported here.
  if (svc.name === '') errs.push(fieldError.required(`${path}.service.name`));
  else if (svc.name !== undefined) for (const msg of isDNS1035Label(svc.name)) errs.push(fieldError.invalid(`${path}.service.name`, svc.name, msg));
  const portName = svc.port?.name ?? '';
  const portNumber = svc.port?.number ?? 0;
  if (portName !== '' && portNumber !== 0) {
    errs.push(fieldError.invalid(path, '', 'cannot set both port name & port number'));
  } else if (portName !== '') {
    for (const msg of isValidPortName(portName)) errs.push(fieldError.invalid(`${path}.service.port.name`, portName, msg));
  } else if (portNumber !== 0) {
    for (const msg of isValidPortNum(portNumber)) errs.push(fieldError.invalid(`${path}.service.port.number`, portNumber, msg));
  } else {
    errs.push(fieldError.required(path, 'port name or number is required'));
  }
  return errs;
}

/** validateIngressTypedLocalObjectReference (also used for IngressClass parameters). */
export function validateTypedReference(ref: { apiGroup?: string; kind?: string; name?: string }, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (ref.apiGroup !== undefined) for (const msg of isDNS1123Subdomain(ref.apiGroup)) errs.push(fieldError.invalid(`${path}.apiGroup`, ref.apiGroup, msg));
  for (const name of ['kind', 'name'] as const) {
    const v = ref[name];
    // Absent values are the schema's "Required value"; empty ones are reported here.
    if (v === '') errs.push(fieldError.required(`${path}.${name}`));
    else if (v !== undefined) for (const msg of isPathSegmentName(v)) errs.push(fieldError.invalid(`${path}.${name}`, v, msg));
  }
  return errs;
}

function invalidSecretName(name: string | undefined): string[] {
  return name ? isDNS1123Subdomain(name) : [];
}

function validateTLS(tls: IngressTLS, path: string, opts: Options): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  (tls.hosts ?? []).forEach((host, i) => {
    for (const msg of hostErrors(host)) errs.push(fieldError.invalid(`${path}.hosts[${i}]`, host, msg));
  });
  if (!opts.allowInvalidSecretName) {
    for (const msg of invalidSecretName(tls.secretName)) errs.push(fieldError.invalid(`${path}.secretName`, tls.secretName, msg));
  }
  return errs;
}

/** netutils.ParseIPSloppy accepts what Go's parser did before 1.17: IPv4 with leading zeros too. */
function isSloppyIP(s: string): boolean {
  if (isIP(s) !== 0) return true;
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}
