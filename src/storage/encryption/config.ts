/**
 * kube-apiserver's `--encryption-provider-config` file: an `apiserver.config.k8s.io/v1`
 * `EncryptionConfiguration`, YAML or JSON:
 *
 *   resources:
 *     - resources: [secrets]            # 'secrets', 'deployments.apps', '*.apps', '*.' (core), '*.*'
 *       providers:                      # the first writes; every one can read
 *         - aescbc: { keys: [{ name: key1, secret: <base64 of 32 bytes> }] }
 *         - aesgcm: { keys: [...] }
 *         - identity: {}
 *
 * Parsing validates everything up front, so a bad file stops the server before it serves.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { aescbcCodec, aesgcmCodec, identityCodec, type PrefixedCodec } from './providers.js';

export const CONFIG_API_VERSION = 'apiserver.config.k8s.io/v1';

/** A problem with the configuration file; the message says where. */
export class EncryptionConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EncryptionConfigError';
  }
}

/** One `resources` entry: which keys it covers, and its codecs in order (the first writes). */
export interface EncryptionRule {
  /** The resource names as written ('secrets', '*.apps'), for messages. */
  resources: string[];
  /** Whether a storage key (`/registry/<group|core>/<resource>/…`) belongs to this entry. */
  matches(key: string): boolean;
  codecs: PrefixedCodec[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses the text of an EncryptionConfiguration (YAML or JSON) into rules. */
export function parseEncryptionConfig(text: string): EncryptionRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    throw new EncryptionConfigError(`not valid YAML or JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(doc)) throw new EncryptionConfigError('expected an EncryptionConfiguration object');
  if (doc.kind !== 'EncryptionConfiguration') throw new EncryptionConfigError(`kind must be EncryptionConfiguration, got ${JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== CONFIG_API_VERSION) throw new EncryptionConfigError(`apiVersion must be ${CONFIG_API_VERSION}, got ${JSON.stringify(doc.apiVersion)}`);
  if (!Array.isArray(doc.resources) || doc.resources.length === 0) throw new EncryptionConfigError('resources: at least one entry is required');
  const seen = new Set<string>();
  return doc.resources.map((entry, i) => {
    const at = `resources[${i}]`;
    if (!isObject(entry)) throw new EncryptionConfigError(`${at}: expected an object`);
    const names = entry.resources;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n !== '')) {
      throw new EncryptionConfigError(`${at}.resources: a non-empty list of resource names is required`);
    }
    for (const n of names as string[]) {
      // As upstream: one resource in two entries would make the second silently unused.
      if (seen.has(n)) throw new EncryptionConfigError(`${at}.resources: "${n}" is listed more than once`);
      seen.add(n);
    }
    const matchers = (names as string[]).map((n) => resourceMatcher(n, `${at}.resources`));
    if (!Array.isArray(entry.providers) || entry.providers.length === 0) throw new EncryptionConfigError(`${at}.providers: at least one provider is required`);
    const codecs = entry.providers.flatMap((p, j) => providerCodecs(p, `${at}.providers[${j}]`));
    return { resources: names as string[], matches: (key: string) => matchers.some((m) => m(key)), codecs };
  });
}

/** Reads and parses `path`; errors name the file. */
export function loadEncryptionConfig(path: string): EncryptionRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EncryptionConfigError(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  try {
    return parseEncryptionConfig(text);
  } catch (err) {
    throw new EncryptionConfigError(`${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * k3s's `--secrets-encryption`: writes a configuration with one fresh aescbc key for
 * Secrets (and identity, so Secrets written before encryption was turned on still read)
 * to `path`, mode 0600, unless the file exists. Returns whether it was created.
 */
export function ensureGeneratedEncryptionConfig(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const config = {
    kind: 'EncryptionConfiguration',
    apiVersion: CONFIG_API_VERSION,
    resources: [
      {
        resources: ['secrets'],
        providers: [{ aescbc: { keys: [{ name: 'aescbckey', secret: randomBytes(32).toString('base64') }] } }, { identity: {} }],
      },
    ],
  };
  // 'wx': never overwrite a key another process just wrote (losing it would lose the data).
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600); // the umask may have narrowed it; make sure it is exactly 0600
  return true;
}

/** 'secrets' → core secrets; 'deployments.apps'; '*.apps' → every resource of apps; '*.' → every core resource; '*.*' → everything. */
function resourceMatcher(name: string, at: string): (key: string) => boolean {
  const dot = name.indexOf('.');
  const resource = dot < 0 ? name : name.slice(0, dot);
  const group = dot < 0 ? '' : name.slice(dot + 1);
  if (name === '*') throw new EncryptionConfigError(`${at}: "*" is not a resource; use "*.*" for every resource or "*." for the core group`);
  if (resource !== '*' && resource.includes('*')) throw new EncryptionConfigError(`${at}: "${name}": only a whole resource name may be "*"`);
  if (group === '*' && resource !== '*') throw new EncryptionConfigError(`${at}: "${name}": a group wildcard needs "*.*"`);
  const groupDir = group === '' ? 'core' : group;
  return (key) => {
    const m = /^\/registry\/([^/]+)\/([^/]+)\//.exec(key);
    if (!m) return false;
    return (group === '*' || m[1] === groupDir) && (resource === '*' || m[2] === resource);
  };
}

function providerCodecs(p: unknown, at: string): PrefixedCodec[] {
  if (!isObject(p)) throw new EncryptionConfigError(`${at}: expected an object`);
  const types = Object.keys(p);
  if (types.length !== 1) throw new EncryptionConfigError(`${at}: exactly one provider type is required, got ${types.length ? types.join(', ') : 'none'}`);
  const type = types[0] as string;
  const body = p[type];
  switch (type) {
    case 'identity':
      return [identityCodec];
    case 'aescbc':
    case 'aesgcm':
      return providerKeys(body, `${at}.${type}`).map(({ name, secret, at: kat }) => {
        try {
          return type === 'aescbc' ? aescbcCodec(name, secret) : aesgcmCodec(name, secret);
        } catch (err) {
          throw new EncryptionConfigError(`${kat}.secret: ${(err as Error).message}`); // a wrong key length
        }
      });
    case 'secretbox':
    case 'kms':
      throw new EncryptionConfigError(`${at}: provider "${type}" is not supported by skiff (use aescbc, aesgcm or identity)`);
    default:
      throw new EncryptionConfigError(`${at}: unknown provider "${type}" (known: aescbc, aesgcm, identity)`);
  }
}

function providerKeys(body: unknown, at: string): { name: string; secret: Buffer; at: string }[] {
  if (!isObject(body) || !Array.isArray(body.keys) || body.keys.length === 0) throw new EncryptionConfigError(`${at}.keys: at least one key is required`);
  const names = new Set<string>();
  return body.keys.map((k, i) => {
    const kat = `${at}.keys[${i}]`;
    if (!isObject(k)) throw new EncryptionConfigError(`${kat}: expected an object with name and secret`);
    const { name, secret } = k;
    // The name is part of the stored prefix, which ends at the next ':'.
    if (typeof name !== 'string' || name === '' || name.includes(':')) throw new EncryptionConfigError(`${kat}.name: a non-empty name without ":" is required`);
    if (names.has(name)) throw new EncryptionConfigError(`${kat}.name: "${name}" is used twice`);
    names.add(name);
    if (typeof secret !== 'string' || secret === '') throw new EncryptionConfigError(`${kat}.secret: a base64-encoded key is required`);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || secret.length % 4 !== 0) throw new EncryptionConfigError(`${kat}.secret: not valid base64`);
    return { name, secret: Buffer.from(secret, 'base64'), at: kat };
  });
}
