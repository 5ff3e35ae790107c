import { X509Certificate } from 'node:crypto';
import type { SchemaFieldError } from '../../schema/dsl.js';
import { fieldError } from '../../meta/v1/index.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../../machinery/names.js';
import { firstPemBlock, parseCertificateRequest } from '../../../machinery/certificate-request.js';
import type { CertificateSigningRequest } from './certificate-signing-request.js';

/** Key usages the API accepts (upstream's allValidUsages). */
export const VALID_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment',
  'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing',
  'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing',
  'microsoft sgc', 'netscape sgc',
];
const SORTED_USAGES = [...VALID_USAGES].sort();
/** Condition types that, once added, stay (and may only be True). */
const PERMANENT_CONDITIONS = ['Approved', 'Denied', 'Failed'] as const;

const fromBase64 = (b64: string | undefined): Buffer => Buffer.from(b64 ?? '', 'base64');

/**
 * Upstream's CertificateSigningRequest validation, on create: the request must be a
 * PKCS#10 request whose signature verifies, usages known and unique, the signer name a
 * domain/path. The spec is immutable (the strategies put the stored one back on updates),
 * so this kind-level hook checks nothing else; status rules are the status object's hook
 * (validateCsrStatus), which `/status` writes run too.
 */
export function validateCertificateSigningRequest(csr: CertificateSigningRequest, old?: CertificateSigningRequest): SchemaFieldError[] {
  return old ? [] : validateSpec(csr);
}

/** The status fields these rules read (declared here: the schema's own type is built from this hook). */
export interface CsrStatus {
  conditions?: Array<{ type?: string; status?: string }> | null;
  certificate?: string | null;
}

/**
 * The status rules, on every write: conditions (Approved and Denied exclusive, the three
 * well-known ones True and never removed once added) and the issued certificate (PEM
 * certificates only, never replaced once set).
 */
export function validateCsrStatus(status: CsrStatus, path: string, old?: CsrStatus): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [...validateConditions(status, path), ...validateCertificate(status.certificate ?? undefined, path)];
  if (!old) return errs;
  for (const type of PERMANENT_CONDITIONS) {
    const had = (old.conditions ?? []).filter((c) => c.type === type).length;
    const has = (status.conditions ?? []).filter((c) => c.type === type).length;
    if (has < had) errs.push(fieldError.forbidden(`${path}.conditions`, `updates may not remove a condition of type "${type}"`));
  }
  if (old.certificate && (status.certificate ?? '') !== old.certificate) errs.push(fieldError.forbidden(`${path}.certificate`, 'updates may not modify existing certificate content'));
  return errs;
}

function validateSpec(csr: CertificateSigningRequest): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const spec = csr.spec ?? ({} as NonNullable<CertificateSigningRequest['spec']>);
  const pem = fromBase64(spec.request).toString('latin1');
  try {
    parseCertificateRequest(pem);
  } catch (err) {
    errs.push(fieldError.invalid('spec.request', pem, (err as Error).message));
  }
  const usages = spec.usages ?? [];
  if (usages.length === 0) errs.push(fieldError.required('spec.usages'));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!VALID_USAGES.includes(u)) errs.push(fieldError.notSupported(`spec.usages[${i}]`, u, SORTED_USAGES));
    if (seen.has(u)) errs.push(fieldError.duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  if (spec.signerName === 'kubernetes.io/legacy-unknown') {
    errs.push(fieldError.invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...validateSignerName('spec.signerName', spec.signerName ?? ''));
  }
  if (spec.expirationSeconds != null && spec.expirationSeconds < 600) {
    errs.push(fieldError.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  return errs;
}

/** apivalidation.ValidateSignerName: `<domain>/<path>`, a domain of at least two labels. */
export function validateSignerName(path: string, signerName: string): SchemaFieldError[] {
  if (signerName === '') return [fieldError.required(path)];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [fieldError.invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments as [string, string];
  const errs: SchemaFieldError[] = [];
  if (domain.length > 253) errs.push(fieldError.tooLong(path, '', 253));
  const labels = domain.split('.');
  for (const lbl of labels) {
    const bad = isDNS1123Label(lbl);
    if (bad.length === 0) continue;
    for (const e of bad) errs.push(fieldError.invalid(path, domain, `validating label "${lbl}": ${e}`));
    break;
  }
  if (labels.length < 2) errs.push(fieldError.invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const lbl of rest.split('.')) {
    const bad = isDNS1123Subdomain(lbl);
    if (bad.length === 0) continue;
    for (const e of bad) errs.push(fieldError.invalid(path, rest, `validating label "${lbl}": ${e}`));
    break;
  }
  const max = 253 + (253 + 63 + 1) + 1;
  if (signerName.length > max) errs.push(fieldError.tooLong(path, '', max));
  return errs;
}

function validateConditions(status: CsrStatus, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const conditions = status.conditions ?? [];
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    const at = `${path}.conditions[${i}]`;
    if (!c.type) errs.push(fieldError.required(`${at}.type`));
    if ((PERMANENT_CONDITIONS as readonly string[]).includes(c.type ?? '')) {
      if (c.status !== 'True') errs.push(fieldError.notSupported(`${at}.status`, c.status ?? '', ['True']));
    } else if (!['False', 'True', 'Unknown'].includes(c.status ?? '')) {
      errs.push(fieldError.notSupported(`${at}.status`, c.status ?? '', ['False', 'True', 'Unknown']));
    }
    if (seen.has(c.type ?? '')) errs.push(fieldError.duplicate(`${at}.type`, c.type));
    seen.add(c.type ?? '');
  });
  if (seen.has('Approved') && seen.has('Denied')) errs.push(fieldError.invalid(`${path}.conditions`, conditions, 'Approved and Denied conditions are mutually exclusive'));
  return errs;
}

/** status.certificate: one or more CERTIFICATE PEM blocks, nothing else. */
function validateCertificate(b64: string | undefined, path: string): SchemaFieldError[] {
  let text = fromBase64(b64).toString('latin1');
  if (text === '') return [];
  const invalid = (message: string) => [fieldError.invalid(`${path}.certificate`, '<certificate data>', message)];
  let blocks = 0;
  for (;;) {
    const block = firstPemBlock(text);
    if (!block) break;
    if (block.type !== 'CERTIFICATE') return invalid(`only CERTIFICATE PEM blocks are allowed, found "${block.type}"`);
    try {
      new X509Certificate(block.der);
    } catch {
      return invalid('x509: malformed certificate');
    }
    blocks++;
    text = text.slice(text.indexOf(`-----END ${block.type}-----`) + `-----END ${block.type}-----`.length);
  }
  return blocks === 0 ? invalid('must contain at least one CERTIFICATE PEM block') : [];
}
