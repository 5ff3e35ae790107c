/**
 * With several servers on one datastore, the `kubernetes` endpoints list every live
 * server — upstream's lease endpoint reconciler, through the API only. Each server keeps
 * an identity Lease `kube-system/apiserver-<hash>` (label
 * `apiserver.kubernetes.io/identity: kube-apiserver`, as APIServerIdentity), renews it,
 * and after each renewal writes the endpoints from the live leases. Every server derives
 * the same sorted list from the same leases, so they agree instead of flapping.
 *
 * A Lease has no field for an address; upstream keeps master addresses in separate
 * storage keys, which skiff's components must not touch (only the API server touches
 * storage). So the address and port ride on the Lease as annotations.
 */
import { createHash } from 'node:crypto';
import { LeaseKind, type Lease } from '../api/coordination/v1/lease.js';
import type { Logger } from '../client/logger.js';
import { microTime } from '../client/micro-time.js';
import type { RestClient } from '../client/rest-client.js';
import { isAlreadyExists, isNotFound } from '../client/status-error.js';
import { ensureService, writeKubernetesEndpoints, type ApiServerAddress, type KubernetesServiceConfig } from './kubernetes-service.js';

export const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';
export const ADDRESS_ANNOTATION = 'skiff.dev/advertise-address';
export const PORT_ANNOTATION = 'skiff.dev/advertise-port';
const NAMESPACE = 'kube-system';

export interface ApiServerLeaseConfig {
  client: RestClient;
  /** This server's identity (stable per data dir); the Lease is named after its hash. */
  identity: string;
  service: KubernetesServiceConfig;
  log: Logger;
  /** A server is listed while its lease was renewed within this (default 15 s). */
  leaseDurationSeconds?: number;
  /** Default 5 s: three renewals per lease duration, so one slow renewal does not drop a server. */
  renewIntervalMs?: number;
  /** Wall clock (default Date.now): servers compare each other's renewTime, so their clocks must agree, as upstream's do. */
  now?: () => number;
}

export interface ApiServerLease {
  /** Stops renewing, deletes this server's lease and drops it from the endpoints. Never rejects. */
  stop(): Promise<void>;
}

export function apiServerLeaseName(identity: string): string {
  return `apiserver-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
}

/** Writes the lease and the endpoints once (resolving with the Service's warning, if any), then keeps renewing in the background. */
export async function startApiServerLease(cfg: ApiServerLeaseConfig): Promise<ApiServerLease & { warning?: string }> {
  const leases = cfg.client.resource<Lease>(LeaseKind);
  const now = cfg.now ?? Date.now;
  const duration = cfg.leaseDurationSeconds ?? 15;
  const name = apiServerLeaseName(cfg.identity);
  const me: ApiServerAddress = { ip: cfg.service.endpointIP, port: cfg.service.port };

  const renew = async (): Promise<void> => {
    const t = microTime(now());
    const want: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: NAMESPACE, labels: { [IDENTITY_LABEL]: 'kube-apiserver' }, annotations: { [ADDRESS_ANNOTATION]: me.ip, [PORT_ANNOTATION]: String(me.port) } },
      spec: { holderIdentity: cfg.identity, leaseDurationSeconds: duration, renewTime: t },
    };
    try {
      await leases.create(want, { namespace: NAMESPACE });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const cur = await leases.get(name, { namespace: NAMESPACE });
      await leases.update({ ...cur, metadata: { ...cur.metadata, labels: want.metadata?.labels, annotations: { ...cur.metadata?.annotations, ...want.metadata?.annotations } }, spec: { ...cur.spec, ...want.spec } } as Lease, { namespace: NAMESPACE });
    }
  };
  const liveServers = async (excludeSelf: boolean): Promise<ApiServerAddress[]> => {
    const list = await leases.list({ namespace: NAMESPACE, labelSelector: `${IDENTITY_LABEL}=kube-apiserver` });
    const out: ApiServerAddress[] = [];
    for (const l of list.items) {
      if (excludeSelf && l.metadata?.name === name) continue;
      const renewed = Date.parse(l.spec?.renewTime ?? '');
      const ttlMs = (l.spec?.leaseDurationSeconds ?? duration) * 1000;
      const ip = l.metadata?.annotations?.[ADDRESS_ANNOTATION];
      const port = Number(l.metadata?.annotations?.[PORT_ANNOTATION]);
      if (ip && Number.isInteger(port) && port > 0 && Number.isFinite(renewed) && renewed + ttlMs > now()) out.push({ ip, port });
    }
    return out;
  };
  const reconcile = async (): Promise<void> => {
    const servers = await liveServers(false);
    // Our own lease was just written: list ourselves even if the read raced the write.
    if (!servers.some((s) => s.ip === me.ip && s.port === me.port)) servers.push(me);
    await writeKubernetesEndpoints(cfg.client, servers, true);
  };

  await renew();
  const live = await liveServers(false);
  const warning = await ensureService(cfg.client, cfg.service, new Set([...live.map((s) => s.port), me.port]));
  await reconcile();

  let stopped = false;
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    busy = busy.then(async () => {
      if (stopped) return;
      try {
        await renew();
        await reconcile();
      } catch (err) {
        cfg.log.warn('renewing the apiserver lease failed', { lease: `${NAMESPACE}/${name}`, error: err });
      }
    });
  }, cfg.renewIntervalMs ?? 5_000);
  timer.unref();

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    await busy;
    try {
      await leases.delete(name, { namespace: NAMESPACE }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      await writeKubernetesEndpoints(cfg.client, await liveServers(true), true);
    } catch (err) {
      cfg.log.warn('removing this server from the kubernetes endpoints failed', { error: err });
    }
  };
  return { stop, ...(warning ? { warning } : {}) };
}
