/**
 * Kubernetes' string-format rules (names, labels, IPs, quantities), as predicates that
 * return the list of problems (empty when valid) with upstream's wording.
 *
 * Names and quantities come from machinery (upstream's exact messages); IPs, CIDRs,
 * times and base64 are checked here.
 */
import { isIP } from 'node:net';
import type { StringFormat } from './dsl.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../machinery/names.js';
import { parseQuantity } from '../../machinery/quantity.js';

export const dns1123Label = isDNS1123Label;
export const dns1123Subdomain = isDNS1123Subdomain;
export const dns1035Label = isDNS1035Label;
/** A qualified name: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 of [-A-Za-z0-9_.]. */
export const qualifiedName = isQualifiedName;
export const labelValue = isValidLabelValue;

export function ipAddress(value: string): string[] {
  return isIP(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function cidr(value: string): string[] {
  const slash = value.indexOf('/');
  const ip = slash < 0 ? '' : value.slice(0, slash);
  const bits = slash < 0 ? '' : value.slice(slash + 1);
  const family = isIP(ip);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > max)
    return ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  return [];
}

/** RFC 3339 date-time as Go's time.Time accepts it in JSON. */
export function dateTime(value: string): string[] {
  const ok = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
  return ok ? [] : ['must be an RFC 3339 date-time (e.g. 2006-01-02T15:04:05Z)'];
}

export function base64(value: string): string[] {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value) ? [] : ['must be base64-encoded'];
}

/** A resource.Quantity: a string machinery can parse, or a finite JSON number. */
export function quantity(value: string | number): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : ['must be a finite number'];
  try {
    parseQuantity(value);
    return [];
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  }
}

/** Problems of `value` against a named format. */
export function checkFormat(format: StringFormat, value: string): string[] {
  switch (format) {
    case 'dns1123-label':
      return dns1123Label(value);
    case 'dns1123-subdomain':
      return dns1123Subdomain(value);
    case 'dns1035-label':
      return dns1035Label(value);
    case 'qualified-name':
      return qualifiedName(value);
    case 'ip':
      return ipAddress(value);
    case 'cidr':
      return cidr(value);
    case 'date-time':
      return dateTime(value);
    case 'byte':
      return base64(value);
  }
}
