/**
 * Upstream's admissionregistration validation for webhook configurations: webhook names,
 * rules, client configs, selectors and review versions, with kube-apiserver's wording.
 * An update relaxes what the stored object already broke (as upstream's Update variants),
 * so an old object never becomes impossible to edit.
 */
import type { SchemaFieldError } from '../../schema/dsl.js';
import { fieldError, validateLabelSelector, type LabelSelector } from '../../meta/v1/index.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../../machinery/names.js';
import { isValidPortNum } from '../../core/v1/names.js';
import type { AnyWebhook, RuleWithOperations } from './webhook-types.js';

/** AdmissionReview versions this API server understands. */
export const ACCEPTED_REVIEW_VERSIONS = ['v1', 'v1beta1'] as const;
const NO_SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const ALL_SIDE_EFFECTS = ['None', 'NoneOnDryRun', 'Some', 'Unknown'];
const URL_FORM = '; desired format: https://host[/path]';

interface Options {
  requireNoSideEffects: boolean;
  requireRecognizedReviewVersion: boolean;
  requireUniqueNames: boolean;
}

/** Validates a configuration's webhooks; `old` is the stored object on update. */
export function validateWebhookConfiguration(webhooks: readonly AnyWebhook[] | undefined, mutating: boolean, old?: readonly AnyWebhook[]): SchemaFieldError[] {
  const opts: Options = old
    ? {
        requireNoSideEffects: old.every((h) => NO_SIDE_EFFECTS.includes(h.sideEffects ?? '')),
        requireRecognizedReviewVersion: old.every((h) => (h.admissionReviewVersions ?? []).length === 0 || (h.admissionReviewVersions ?? []).some(isAccepted)),
        requireUniqueNames: new Set(old.map((h) => h.name)).size === old.length,
      }
    : { requireNoSideEffects: true, requireRecognizedReviewVersion: true, requireUniqueNames: true };
  const errs: SchemaFieldError[] = [];
  const names = new Set<string>();
  (webhooks ?? []).forEach((hook, i) => {
    const p = `webhooks[${i}]`;
    errs.push(...validateWebhook(hook, mutating, opts, p));
    errs.push(...validateReviewVersions(hook.admissionReviewVersions, opts.requireRecognizedReviewVersion, `${p}.admissionReviewVersions`));
    if (opts.requireUniqueNames && hook.name) {
      if (names.has(hook.name)) errs.push(fieldError.duplicate(`${p}.name`, hook.name));
      else names.add(hook.name);
    }
  });
  return errs;
}

const isAccepted = (v: string): boolean => (ACCEPTED_REVIEW_VERSIONS as readonly string[]).includes(v);

function validateWebhook(hook: AnyWebhook, mutating: boolean, opts: Options, p: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [...fullyQualifiedName(hook.name ?? '', `${p}.name`)];
  (hook.rules ?? []).forEach((r, i) => errs.push(...validateRule(r, `${p}.rules[${i}]`)));
  const allowed = opts.requireNoSideEffects ? NO_SIDE_EFFECTS : ALL_SIDE_EFFECTS;
  if (hook.sideEffects === undefined || hook.sideEffects === null) {
    errs.push(fieldError.required(`${p}.sideEffects`, `must specify one of ${allowed.join(', ')}`));
  } else if (!allowed.includes(hook.sideEffects)) {
    errs.push(fieldError.notSupported(`${p}.sideEffects`, hook.sideEffects, allowed));
  }
  const timeout = hook.timeoutSeconds;
  if (typeof timeout === 'number' && (timeout > 30 || timeout < 1)) {
    errs.push(fieldError.invalid(`${p}.timeoutSeconds`, timeout, 'the timeout value must be between 1 and 30 seconds'));
  }
  if (hook.namespaceSelector) errs.push(...validateLabelSelector(hook.namespaceSelector as LabelSelector, `${p}.namespaceSelector`));
  if (hook.objectSelector) errs.push(...validateLabelSelector(hook.objectSelector as LabelSelector, `${p}.objectSelector`));
  void mutating; // reinvocationPolicy's values are checked by its enum
  const cc = hook.clientConfig ?? {};
  const hasUrl = cc.url !== undefined && cc.url !== null;
  const hasService = cc.service !== undefined && cc.service !== null;
  if (hasUrl === hasService) errs.push(fieldError.required(`${p}.clientConfig`, 'exactly one of url or service is required'));
  else if (hasUrl) errs.push(...validateWebhookUrl(String(cc.url), `${p}.clientConfig.url`));
  else if (cc.service) {
    const s = cc.service;
    errs.push(...validateWebhookService(s.namespace ?? '', s.name ?? '', s.path ?? undefined, s.port ?? 443, `${p}.clientConfig.service`));
  }
  return errs;
}

/** apimachinery's IsFullyQualifiedName: a DNS subdomain of at least three labels. */
export function fullyQualifiedName(name: string, path: string): SchemaFieldError[] {
  if (name === '') return [fieldError.required(path)];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const problems = isDNS1123Subdomain(n);
  if (problems.length > 0) return [fieldError.invalid(path, n, problems.join(','))];
  if (n.split('.').length < 3) return [fieldError.invalid(path, n, 'should be a domain with at least three segments separated by dots')];
  return [];
}

function validateRule(rule: RuleWithOperations, p: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const ops = rule.operations ?? [];
  if (ops.length === 0) errs.push(fieldError.required(`${p}.operations`));
  if (ops.length > 1 && ops.includes('*')) errs.push(fieldError.invalid(`${p}.operations`, ops, "if '*' is present, must not specify other operations"));
  const groups = rule.apiGroups ?? [];
  if (groups.length === 0) errs.push(fieldError.required(`${p}.apiGroups`));
  if (groups.length > 1 && groups.includes('*')) errs.push(fieldError.invalid(`${p}.apiGroups`, groups, "if '*' is present, must not specify other API groups"));
  const versions = rule.apiVersions ?? [];
  if (versions.length === 0) errs.push(fieldError.required(`${p}.apiVersions`));
  if (versions.length > 1 && versions.includes('*')) errs.push(fieldError.invalid(`${p}.apiVersions`, versions, "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === '') errs.push(fieldError.required(`${p}.apiVersions[${i}]`));
  });
  errs.push(...validateResources(rule.resources ?? [], `${p}.resources`));
  return errs;
}

/** Resources with subresources: `x`, `*`, `x/y`, `x/*`, `*\/y`, `*\/*`, without overlaps. */
export function validateResources(resources: readonly string[], p: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (resources.length === 0) errs.push(fieldError.required(p));
  const wildcardSub = new Set<string>(); // x/*
  const wildcardRes = new Set<string>(); // */x
  let doubleWildcard = false;
  let singleWildcard = false;
  let plain = false;
  resources.forEach((rs, i) => {
    if (rs === '') {
      errs.push(fieldError.required(`${p}[${i}]`));
      return;
    }
    if (rs === '*/*') doubleWildcard = true;
    if (rs === '*') singleWildcard = true;
    const slash = rs.indexOf('/');
    if (slash < 0) {
      plain = rs !== '*';
      return;
    }
    const res = rs.slice(0, slash);
    const sub = rs.slice(slash + 1);
    if (wildcardSub.has(res)) errs.push(fieldError.invalid(`${p}[${i}]`, rs, `if '${res}/*' is present, must not specify ${rs}`));
    if (wildcardRes.has(sub)) errs.push(fieldError.invalid(`${p}[${i}]`, rs, `if '*/${sub}' is present, must not specify ${rs}`));
    if (sub === '*') wildcardSub.add(res);
    if (res === '*') wildcardRes.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(fieldError.invalid(p, resources, "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && plain) errs.push(fieldError.invalid(p, resources, "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

function validateReviewVersions(versions: readonly string[] | undefined, requireRecognized: boolean, p: string): SchemaFieldError[] {
  const list = versions ?? [];
  if (list.length === 0) return [fieldError.required(p, `must specify one of ${ACCEPTED_REVIEW_VERSIONS.join(', ')}`)];
  const errs: SchemaFieldError[] = [];
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(fieldError.invalid(`${p}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const problem of isDNS1035Label(v)) errs.push(fieldError.invalid(`${p}[${i}]`, v, problem));
  });
  if (requireRecognized && !list.some(isAccepted)) {
    errs.push(fieldError.invalid(p, list, `must include at least one of ${ACCEPTED_REVIEW_VERSIONS.join(', ')}`));
  }
  return errs;
}

/** Splits a URL the way Go's url.Parse sees it (scheme, user info, host, query, fragment). */
export function splitUrl(raw: string): { scheme: string; user?: string; host: string; path: string; query: string; fragment: string } {
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  const scheme = m ? m[1]!.toLowerCase() : '';
  if (m) rest = rest.slice(m[0].length);
  let host = '';
  let user: string | undefined;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) user = authority.slice(0, at);
    host = at >= 0 ? authority.slice(at + 1) : authority;
  }
  return { scheme, ...(user !== undefined ? { user } : {}), host, path: rest, query, fragment };
}

/** apiserver's ValidateWebhookURL with https forced. */
export function validateWebhookUrl(raw: string, p: string): SchemaFieldError[] {
  const u = splitUrl(raw);
  const errs: SchemaFieldError[] = [];
  if (u.scheme !== 'https') errs.push(fieldError.invalid(p, u.scheme, `'https' is the only allowed URL scheme${URL_FORM}`));
  if (u.host === '') errs.push(fieldError.invalid(p, u.host, `host must be provided${URL_FORM}`));
  if (u.user !== undefined) errs.push(fieldError.invalid(p, u.user, 'user information is not permitted in the URL'));
  if (u.fragment !== '') errs.push(fieldError.invalid(p, u.fragment, 'fragments are not permitted in the URL'));
  if (u.query !== '') errs.push(fieldError.invalid(p, u.query, 'query parameters are not permitted in the URL'));
  return errs;
}

/** apiserver's ValidateWebhookService. */
export function validateWebhookService(namespace: string, name: string, path: string | undefined, port: number, p: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (name === '') errs.push(fieldError.required(`${p}.name`, 'service name is required'));
  if (namespace === '') errs.push(fieldError.required(`${p}.namespace`, 'service namespace is required'));
  const portProblems = isValidPortNum(port);
  if (portProblems.length > 0) errs.push(fieldError.invalid(`${p}.port`, port, `port is not valid: ${portProblems.join(', ')}`));
  if (path === undefined || path === '' || path === '/') return errs;
  if (path === '//') return [...errs, fieldError.invalid(`${p}.path`, path, 'segment[0] may not be empty')];
  if (!path.startsWith('/')) errs.push(fieldError.invalid(`${p}.path`, path, "must start with a '/'"));
  let check = path.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (step === '') {
      errs.push(fieldError.invalid(`${p}.path`, path, `segment[${i}] may not be empty`));
      return;
    }
    for (const problem of isDNS1123Subdomain(step)) errs.push(fieldError.invalid(`${p}.path`, path, `segment[${i}]: ${problem}`));
  });
  return errs;
}
