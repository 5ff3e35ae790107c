import { createSecureContext, type SecureContext } from 'node:tls';
import type { Secret } from '../api/core/v1/secret.js';
import type { Ingress } from '../api/networking/v1/ingress.js';
import type { Logger } from '../client/logger.js';
import { hostMatch } from './match.js';

/** The TLS secret an Ingress names for a host, as `spec.tls[].hosts` / `secretName` say. */
interface TlsEntry {
  namespace: string;
  secretName: string;
  /** Empty: the entry names no host (used when no entry names the requested one). */
  hosts: string[];
}

export interface CertificateStoreInput {
  /** The served Ingresses, in precedence order (older first: the first entry for a host wins). */
  ingresses(): readonly Ingress[];
  secret(namespace: string, name: string): Secret | undefined;
  /** Served to clients whose name no usable TLS entry covers (self-signed, as ingress controllers do). */
  fallback: SecureContext;
  log: Logger;
}

const decode = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');

/**
 * Picks the certificate for a TLS handshake by its server name (SNI): the first served
 * Ingress whose `spec.tls` lists the name (exactly, or by a `*.` wildcard of one label)
 * and whose Secret holds a usable `tls.crt`/`tls.key`. Contexts are built once per Secret
 * version, so a renewed certificate applies to the next handshake.
 */
export function certificateStore(input: CertificateStoreInput): { contextFor(serverName: string): SecureContext } {
  const contexts = new Map<string, { version: string; context: SecureContext | undefined }>();
  const warned = new Set<string>();

  function contextOf(entry: TlsEntry): SecureContext | undefined {
    const key = `${entry.namespace}/${entry.secretName}`;
    const secret = input.secret(entry.namespace, entry.secretName);
    if (!secret) return warnOnce(key, 'TLS secret not found');
    const version = `${secret.metadata?.uid ?? ''}/${secret.metadata?.resourceVersion ?? ''}`;
    const cached = contexts.get(key);
    if (cached?.version === version) return cached.context;
    let context: SecureContext | undefined;
    try {
      context = createSecureContext({ cert: decode(secret.data?.['tls.crt']), key: decode(secret.data?.['tls.key']) });
    } catch (err) {
      warnOnce(`${key}@${version}`, `TLS secret unusable: ${err instanceof Error ? err.message : String(err)}`);
    }
    contexts.set(key, { version, context });
    return context;
  }

  function warnOnce(key: string, problem: string): undefined {
    if (!warned.has(key)) {
      warned.add(key);
      input.log.warn(problem, { secret: key });
    }
    return undefined;
  }

  function entries(): TlsEntry[] {
    return input.ingresses().flatMap((ing) =>
      (ing.spec?.tls ?? []).filter((t) => t.secretName).map((t) => ({ namespace: ing.metadata?.namespace ?? '', secretName: t.secretName as string, hosts: t.hosts ?? [] })),
    );
  }

  return {
    contextFor(serverName) {
      const name = serverName.toLowerCase();
      const all = entries();
      const matching = (how: 'exact' | 'wildcard') => all.filter((e) => e.hosts.some((h) => h !== '' && hostMatch(h, name) === how));
      // An exact name beats a wildcard; entries that name no host come last.
      for (const e of [...matching('exact'), ...matching('wildcard'), ...all.filter((x) => x.hosts.length === 0)]) {
        const c = contextOf(e);
        if (c) return c;
      }
      return input.fallback;
    },
  };
}
