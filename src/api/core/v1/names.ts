/**
 * Name and value rules used by core/v1 validation, with kube-apiserver's exact messages.
 * The general ones live in machinery (k8s.io/apimachinery/pkg/util/validation); the ones
 * only core kinds need (ports, config keys, env names, IPs) are here. Each returns a list
 * of problems; empty means valid.
 */
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName as machineryQualifiedName,
  maxLenError,
  regexError,
} from '../../../machinery/names.js';

export const isDns1123Label = isDNS1123Label;
export const isDns1123Subdomain = isDNS1123Subdomain;
export const isDns1035Label = isDNS1035Label;
export const isQualifiedName = machineryQualifiedName;
export { maxLenError };

const configMapKeyRe = /^[-._a-zA-Z0-9]+$/;
const cIdentifierRe = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** IANA_SVC_NAME (RFC 6335): named container and service ports. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** A TCP/UDP port number. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** ConfigMap and Secret data keys. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!configMapKeyRe.test(value)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name'));
  }
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** C identifier (env var prefixes in strict mode). */
export function isCIdentifier(value: string): string[] {
  return cIdentifierRe.test(value)
    ? []
    : [
        regexError(
          "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'",
          '[A-Za-z_][A-Za-z0-9_]*',
          'my_name',
          'MY_NAME',
          'MyName',
        ),
      ];
}

/**
 * Environment variable names, as relaxed in Kubernetes 1.32 (RelaxedEnvironmentVariableValidation
 * is on by default): printable ASCII other than '='.
 */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0 || !/^[ -<>-~]+$/.test(value)) {
    errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
  }
  return errs;
}

/** An IPv4 or IPv6 address in canonical-ish textual form. */
export function isValidIP(value: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(value)) {
    return value.split('.').every((o) => Number(o) <= 255 && !(o.length > 1 && o.startsWith('0')));
  }
  if (!value.includes(':') || !/^[0-9a-fA-F:.]+$/.test(value)) return false;
  const doubleColons = value.split('::').length - 1;
  if (doubleColons > 1) return false;
  const groups = value.split(':').filter((g) => g !== '');
  return doubleColons === 1 ? groups.length <= 7 : groups.length === 8;
}
