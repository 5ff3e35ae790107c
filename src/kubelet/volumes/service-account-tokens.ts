/**
 * Tokens for projected `serviceAccountToken` volume sources, as the kubelet's token
 * manager keeps them: one TokenRequest per pod, account, audience and lifetime, bound to
 * the pod (so the token dies with it), reused until 80 % of its lifetime — or 24 hours —
 * has passed, then requested again; forgotten when the pod's volumes are torn down.
 */
import type { Pod } from '../../api/core/v1/pod.js';

/** Kubernetes' default `expirationSeconds` for a projected token. */
const DEFAULT_EXPIRATION_SECONDS = 3600;
/** Refresh a token this old even when it lives longer (upstream's maxTTL). */
const MAX_AGE_MS = 24 * 3600_000;

export interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds: number;
  boundObjectRef: { kind: 'Pod'; apiVersion: 'v1'; name: string; uid: string };
}

/** POSTs a TokenRequest for `account` in `namespace`; resolves to the issued token and its expiry. */
export type TokenRequester = (namespace: string, account: string, spec: TokenRequestSpec) => Promise<{ token: string; expirationTimestamp: string }>;

interface Issued {
  token: string;
  /** When to ask for a new one (ms since the epoch). */
  refreshAt: number;
}

export class ServiceAccountTokens {
  private readonly issued = new Map<string, Issued>();

  constructor(
    private readonly request: TokenRequester,
    private readonly now: () => number = Date.now,
  ) {}

  /** The pod's token for one projected source (audience and expirationSeconds as the source gives them). */
  async tokenFor(pod: Pod, source: { audience?: string; expirationSeconds?: number | null }): Promise<string> {
    const meta = pod.metadata ?? {};
    const account = pod.spec?.serviceAccountName || 'default';
    const seconds = source.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const key = `${meta.uid}/${account}/${source.audience ?? ''}/${seconds}`;
    const held = this.issued.get(key);
    if (held && this.now() < held.refreshAt) return held.token;
    const issuedAt = this.now();
    const got = await this.request(meta.namespace ?? 'default', account, {
      ...(source.audience ? { audiences: [source.audience] } : {}),
      expirationSeconds: seconds,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: meta.name ?? '', uid: meta.uid ?? '' },
    });
    const expires = Date.parse(got.expirationTimestamp);
    const lifetime = Number.isFinite(expires) ? expires - issuedAt : seconds * 1000;
    this.issued.set(key, { token: got.token, refreshAt: issuedAt + Math.min(lifetime * 0.8, MAX_AGE_MS) });
    return got.token;
  }

  /** Drops the tokens held for a pod (its volumes are gone). */
  forget(podUid: string): void {
    for (const key of this.issued.keys()) if (key.startsWith(`${podUid}/`)) this.issued.delete(key);
  }
}
