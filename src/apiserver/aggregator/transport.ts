/**
 * How the aggregator reaches an extension API server: HTTPS to the resolved endpoint,
 * verifying the serving certificate against the APIService's caBundle (or not at all with
 * insecureSkipTLSVerify) for the name `<service>.<namespace>.svc`, as kube-aggregator does.
 * No front-proxy client certificate is presented: the caller is named in X-Remote-* headers.
 */
import { Agent, request } from 'node:https';
import type { APIService } from '../../api/apiregistration/v1/api-service.js';

export interface RemoteTarget {
  host: string;
  port: number;
  /** TLS server name and the Host header: `<service>.<namespace>.svc`. */
  serverName: string;
  /** PEM CA bundle; undefined: the system roots. */
  ca?: string;
  insecure: boolean;
}

export function targetOf(svc: APIService, endpoint: { host: string; port: number }): RemoteTarget {
  const spec = svc.spec ?? {};
  const ca = spec.caBundle ? Buffer.from(spec.caBundle, 'base64').toString('utf8') : undefined;
  return {
    host: endpoint.host,
    port: endpoint.port,
    serverName: `${spec.service?.name ?? ''}.${spec.service?.namespace ?? ''}.svc`,
    ...(ca ? { ca } : {}),
    insecure: spec.insecureSkipTLSVerify === true,
  };
}

/** Keep-alive agents per TLS trust configuration, so proxied requests reuse connections. */
export class AgentPool {
  private readonly agents = new Map<string, Agent>();

  get(target: RemoteTarget): Agent {
    const key = `${target.insecure}\u0000${target.serverName}\u0000${target.ca ?? ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new Agent({
        keepAlive: true,
        maxSockets: 64,
        ...(target.ca ? { ca: target.ca } : {}),
        rejectUnauthorized: !target.insecure,
        servername: target.serverName,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Forgets agents whose key no APIService uses any more. */
  retain(targets: readonly RemoteTarget[]): void {
    const keep = new Set(targets.map((t) => `${t.insecure}\u0000${t.serverName}\u0000${t.ca ?? ''}`));
    for (const [key, agent] of this.agents) {
      if (!keep.has(key)) {
        agent.destroy();
        this.agents.delete(key);
      }
    }
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** The TLS options of a request to `target` (also used without an agent, for upgrades). */
export function tlsOptions(target: RemoteTarget): { host: string; port: number; servername: string; ca?: string; rejectUnauthorized: boolean } {
  return {
    host: target.host,
    port: target.port,
    servername: target.serverName,
    ...(target.ca ? { ca: target.ca } : {}),
    rejectUnauthorized: !target.insecure,
  };
}

/**
 * GETs `path` from the server (the discovery check). Resolves with the status and body;
 * rejects on connection or TLS failures and after `timeoutMs`.
 */
export function remoteGet(target: RemoteTarget, agent: Agent, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { ...tlsOptions(target), agent, method: 'GET', path, headers: { accept: 'application/json', host: `${target.serverName}:${target.port}` }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
