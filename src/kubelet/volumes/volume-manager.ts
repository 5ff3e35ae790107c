/**
 * The kubelet's volumes: each pod volume materialized under
 * `<podsDir>/<uid>/volumes/kubernetes.io~<kind>/<name>` (hostPath: the node path itself),
 * refreshed on every pod sync (so ConfigMap/Secret/label changes reach the files, written
 * atomically), the pod's resolv.conf beside them, the mounts each container gets, and the
 * removal of it all with the pod. Mounting them at their mountPaths is the runtime's job.
 */
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Container } from '../../api/core/v1/container.js';
import { ephemeralClaimName } from '../../api/core/v1/ephemeral-volume.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { PodSecurityContext } from '../../api/core/v1/security-context.js';
import type { Volume } from '../../api/core/v1/volume.js';
import type { Logger } from '../../client/logger.js';
import { ContainerConfigError, expand, type EnvSources } from '../container-env.js';
import type { Mount } from '../mount-namespace-plan.js';
import { writeAtomic, type Payload } from './atomic-writer.js';
import { checkHostPath, type HostPathType } from './host-path.js';
import { mountTmpfs, unmountAllUnder } from './mounts.js';
import { podResolvConf, renderResolvConf, type DnsSettings } from './pod-dns.js';
import { ResolvConfFiles } from './resolv-conf-files.js';
import { configMapPayload, downwardPayload, projectedPayload, secretPayload, VolumeSetUpError } from './projection.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';
import { claimHostPath, ClaimNotReadyError, type ClaimSource } from './claim-volumes.js';

export interface VolumeManagerConfig {
  /** `<dataDir>/pods`. */
  podsDir: string;
  sources: EnvSources;
  dns: Omit<DnsSettings, 'hostResolvConf'> & { hostResolvConfPath?: string };
  /** Memory-medium emptyDirs become a tmpfs (root only). */
  root: boolean;
  logger: Logger;
  /** Service account tokens for projected volumes (without it those sources are left out). */
  tokens?: ServiceAccountTokens;
  /** Claims and volumes for persistentVolumeClaim and ephemeral volumes (without it those are refused). */
  claims?: ClaimSource;
  /** Reports a pod Event (FailedMount, DNSConfigForming…), deduplicated here. */
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** Volume sources whose contents the kubelet keeps up to date (read-only in containers, as in Kubernetes). */
const API_DATA = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;

const KIND_DIRS: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

/** The source field a volume uses. */
export function volumeKind(v: Volume): string {
  const rec = v as Record<string, unknown>;
  for (const k of ['hostPath', 'emptyDir', 'configMap', 'secret', 'downwardAPI', 'projected']) if (rec[k] != null) return k;
  return Object.keys(rec).find((k) => k !== 'name' && rec[k] != null) ?? 'emptyDir';
}

/** Whether the pod's volumes use this ConfigMap or Secret (to resync it when that object changes). */
export function podUses(pod: Pod, kind: 'configMap' | 'secret', name: string): boolean {
  for (const v of pod.spec?.volumes ?? []) {
    if (kind === 'configMap' && v.configMap?.name === name) return true;
    if (kind === 'secret' && v.secret?.secretName === name) return true;
    for (const s of v.projected?.sources ?? []) if ((kind === 'configMap' ? s.configMap?.name : s.secret?.name) === name) return true;
  }
  return false;
}

export class VolumeManager {
  /** Events already reported (pod uid/reason/message), so a failing sync does not flood Events. */
  private readonly reported = new Set<string>();
  private readonly resolvConfs: ResolvConfFiles;
  /** Host directories of resolved claims by `<pod uid>/<volume>`: a bound claim's volume never changes. */
  private readonly claimPaths = new Map<string, string>();

  constructor(private readonly cfg: VolumeManagerConfig) {
    this.resolvConfs = new ResolvConfFiles({ ...(cfg.dns.hostResolvConfPath ? { hostPath: cfg.dns.hostResolvConfPath } : {}) });
  }

  private podDir(pod: Pod): string {
    return join(this.cfg.podsDir, pod.metadata?.uid ?? '');
  }

  /** Host path of a volume (a hostPath's own path; the others' directory). */
  hostPathOf(pod: Pod, v: Volume): string {
    const kind = volumeKind(v);
    if (kind === 'hostPath') return v.hostPath?.path ?? '';
    if (kind === 'persistentVolumeClaim' || kind === 'ephemeral') return this.claimPaths.get(`${pod.metadata?.uid}/${v.name}`) ?? '';
    return join(this.podDir(pod), 'volumes', KIND_DIRS[kind] ?? `skiff~${kind}`, v.name ?? '');
  }

  private report(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const key = `${pod.metadata?.uid}/${reason}/${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.cfg.event(pod, type, reason, message);
  }

  /**
   * Materializes or refreshes every volume of the pod and its resolv.conf. Idempotent and
   * cheap when nothing changed. Returns false when a volume could not be set up (a
   * FailedMount Event says which and why); the others are still done.
   */
  async setUp(pod: Pod): Promise<boolean> {
    let ok = true;
    for (const v of pod.spec?.volumes ?? []) {
      try {
        await this.setUpOne(pod, v);
      } catch (err) {
        if (!(err instanceof VolumeSetUpError) && !(err instanceof Error && 'code' in err)) throw err;
        ok = false;
        if (err instanceof ClaimNotReadyError) this.report(pod, 'Warning', 'FailedMount', `Unable to attach or mount volumes: unmounted volumes=[${v.name}], unattached volumes=[${v.name}]: ${err.message}`);
        else this.report(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${v.name}" : ${(err as Error).message}`);
      }
    }
    this.writeResolvConf(pod);
    return ok;
  }

  private async setUpOne(pod: Pod, v: Volume): Promise<void> {
    const kind = volumeKind(v);
    const dir = this.hostPathOf(pod, v);
    const ns = pod.metadata?.namespace ?? 'default';
    let payload: Payload | undefined;
    switch (kind) {
      case 'hostPath':
        return checkHostPath(dir, v.hostPath?.type as HostPathType | undefined);
      case 'persistentVolumeClaim':
      case 'ephemeral': {
        const key = `${pod.metadata?.uid}/${v.name}`;
        if (this.claimPaths.has(key)) return;
        if (!this.cfg.claims) throw new VolumeSetUpError(`${kind} volumes are not supported by this kubelet`);
        // A generic ephemeral volume is its claim `<pod>-<volume>`, used only if the pod owns it.
        const path = v.ephemeral
          ? await claimHostPath(ns, ephemeralClaimName(pod, v), this.cfg.claims, pod)
          : await claimHostPath(ns, v.persistentVolumeClaim?.claimName ?? '', this.cfg.claims);
        this.claimPaths.set(key, path);
        return;
      }
      case 'emptyDir':
        // Synchronous, as resolv-conf-files.ts explains: made once, the creation is the cost, on whichever thread.
        if (existsSync(dir)) return;
        mkdirSync(dir, { recursive: true });
        if (v.emptyDir?.medium === 'Memory' && this.cfg.root) await mountTmpfs(dir, v.emptyDir.sizeLimit != null ? String(v.emptyDir.sizeLimit) : undefined);
        // World-writable as Kubernetes makes it (the umask does not apply), so any user in the container can write.
        chmodSync(dir, 0o777);
        this.applyFsGroup(pod, dir);
        return;
      case 'configMap':
        payload = configMapPayload(v.configMap?.name ?? '', await this.cfg.sources.configMap(ns, v.configMap?.name ?? ''), v.configMap ?? {});
        break;
      case 'secret':
        payload = secretPayload(v.secret?.secretName ?? '', await this.cfg.sources.secret(ns, v.secret?.secretName ?? ''), v.secret ?? {});
        break;
      case 'downwardAPI':
        payload = downwardPayload(pod, v.downwardAPI?.items, v.downwardAPI?.defaultMode);
        break;
      case 'projected': {
        const srcs = v.projected?.sources ?? [];
        const configMaps = new Map(await Promise.all(srcs.filter((s) => s.configMap).map(async (s) => [s.configMap?.name ?? '', await this.cfg.sources.configMap(ns, s.configMap?.name ?? '')] as const)));
        const secrets = new Map(await Promise.all(srcs.filter((s) => s.secret).map(async (s) => [s.secret?.name ?? '', await this.cfg.sources.secret(ns, s.secret?.name ?? '')] as const)));
        const tokens = await this.tokensFor(pod, srcs);
        const r = projectedPayload(pod, v.projected ?? {}, { configMaps, secrets, ...(tokens ? { tokens } : {}) });
        if (r.skipped.length) this.report(pod, 'Warning', 'VolumeSourceUnavailable', `volume "${v.name}": ${r.skipped.join(', ')} not available on this node (left out)`);
        payload = r.payload;
        break;
      }
      default:
        throw new VolumeSetUpError(`volume type ${kind} is not supported by this kubelet`);
    }
    if (writeAtomic(dir, payload)) this.cfg.logger.info('volume updated', { pod: `${ns}/${pod.metadata?.name}`, volume: v.name, kind });
  }

  /**
   * fsGroup owns the volume, setgid so that what the containers create there is the
   * group's too (upstream's SetVolumeOwnership); only root can give a directory away.
   */
  private applyFsGroup(pod: Pod, dir: string): void {
    const gid = (pod.spec?.securityContext as PodSecurityContext | undefined)?.fsGroup;
    if (gid == null || !this.cfg.root) return;
    chownSync(dir, 0, gid);
    chmodSync(dir, 0o2777);
  }

  /** The tokens a projected volume's serviceAccountToken sources need, by path. */
  private async tokensFor(pod: Pod, srcs: NonNullable<NonNullable<Volume['projected']>['sources']>): Promise<Map<string, string> | undefined> {
    const tokens = this.cfg.tokens;
    if (!tokens) return undefined;
    const out = new Map<string, string>();
    for (const s of srcs) {
      const src = s.serviceAccountToken;
      if (!src) continue;
      try {
        out.set(src.path ?? '', await tokens.tokenFor(pod, src));
      } catch (err) {
        throw new VolumeSetUpError(`failed to fetch token: ${(err as Error).message}`);
      }
    }
    return out;
  }

  private resolvConfPath(pod: Pod): string {
    return join(this.podDir(pod), 'etc-resolv.conf');
  }

  private writeResolvConf(pod: Pod): void {
    const conf = podResolvConf(pod, { ...this.cfg.dns, hostResolvConf: this.resolvConfs.host() });
    if (conf.fallback) this.report(pod, 'Warning', 'MissingClusterDNS', conf.fallback);
    this.resolvConfs.write(this.resolvConfPath(pod), renderResolvConf(conf));
  }

  /**
   * What one container gets: each volumeMount (subPath/subPathExpr resolved inside the
   * volume; API-data volumes read-only) and the pod's /etc/resolv.conf. Throws
   * ContainerConfigError for a subPath that is invalid or leaves its volume.
   */
  mountsFor(pod: Pod, c: Container, env: Record<string, string>): Mount[] {
    const vols = new Map((pod.spec?.volumes ?? []).map((v) => [v.name ?? '', v]));
    const out: Mount[] = [];
    for (const m of c.volumeMounts ?? []) {
      const v = vols.get(m.name ?? '');
      if (!v) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
      let host = this.hostPathOf(pod, v);
      const sub = m.subPathExpr ? expand(m.subPathExpr, env) : m.subPath;
      if (sub) {
        if (posix.isAbsolute(sub) || sub.split('/').includes('..')) throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${m.name}" of container "${c.name}": invalid subPath ${sub}`);
        host = join(host, sub);
        // Missing sub-paths of writable volumes are created as directories, as the kubelet does.
        if (!existsSync(host) && !API_DATA.includes(volumeKind(v) as (typeof API_DATA)[number])) mkdirSync(host, { recursive: true, mode: 0o755 });
      }
      out.push({ containerPath: m.mountPath ?? '', hostPath: host, readOnly: !!m.readOnly || !!v.persistentVolumeClaim?.readOnly || API_DATA.includes(volumeKind(v) as (typeof API_DATA)[number]) });
    }
    if (!out.some((m) => posix.normalize(m.containerPath) === '/etc/resolv.conf')) out.push({ containerPath: '/etc/resolv.conf', hostPath: this.resolvConfPath(pod), readOnly: false });
    return out;
  }

  /** Removes the pod's volumes (unmounting tmpfs emptyDirs first) and forgets its events. */
  async tearDown(pod: Pod): Promise<void> {
    const dir = this.podDir(pod);
    for (const k of this.claimPaths.keys()) if (k.startsWith(`${pod.metadata?.uid}/`)) this.claimPaths.delete(k);
    if (!pod.metadata?.uid || !existsSync(dir)) return;
    if (!(await unmountAllUnder(dir))) {
      this.cfg.logger.warn('pod volumes still mounted: left in place', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, dir });
      return;
    }
    await rm(dir, { recursive: true, force: true });
    this.resolvConfs.forget(this.resolvConfPath(pod));
    this.cfg.tokens?.forget(pod.metadata.uid);
    for (const k of this.reported) if (k.startsWith(`${pod.metadata.uid}/`)) this.reported.delete(k);
  }
}
