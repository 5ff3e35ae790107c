/**
 * securityContext for the process runtime: a container's users, groups, capabilities and
 * no_new_privs, applied by util-linux `setpriv` placed just before the container's own
 * command (and an exec's), after every wrapper that needs root (nsenter, unshare, chroot,
 * script) — so the keeper stays root to join cgroups, build the mount namespace and write
 * the exit status, and only the container's process drops its privileges.
 *
 * Capabilities start from what the kubelet's process has (the process runtime always gave
 * containers that), not from containerd's default set: `drop` removes from it, `drop: [ALL]`
 * empties it, `add` puts back. A non-root user loses its capabilities when its uid changes,
 * as upstream; the ones it `add`s are raised as ambient capabilities so that they survive
 * its exec (a non-root container with `add: [NET_BIND_SERVICE]` can bind port 80).
 */
import { accessSync, constants } from 'node:fs';
import type { SecurityContext } from '../api/core/v1/security-context.js';
import { ContainerConfigError } from './container-env.js';
import type { ContainerConfig, PodSandboxConfig } from './runtime.js';
import { effectiveSecurityContext, podDescription, podSupplementalGroups, runAsNonRootViolation } from './security-context.js';

/** What a container's process is switched to; fields absent are left as the keeper has them. */
export interface ProcessPrivileges {
  uid?: number;
  gid?: number;
  /** Supplemental groups, replacing the keeper's (empty: none). Set together with uid/gid. */
  groups?: number[];
  noNewPrivs?: boolean;
  /** The capability set: `only` these, or `allBut` these (of what the process has); absent: untouched. */
  caps?: { only: string[] } | { allBut: string[] };
  /** Capabilities raised as ambient for a non-root uid (each also inheritable). */
  ambient?: string[];
}

/** A Kubernetes capability name (NET_ADMIN, CAP_NET_ADMIN) as setpriv spells it (net_admin). */
export function capName(c: string): string {
  return c.trim().replace(/^CAP_/i, '').toLowerCase();
}

/** add/drop over the process's full set, as containerd orders them: ALL first, then the individual adds, then drops. */
function capabilitySet(caps: NonNullable<SecurityContext['capabilities']>): NonNullable<ProcessPrivileges['caps']> {
  const add = (caps.add ?? []).map(capName);
  const drop = (caps.drop ?? []).map(capName);
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  if (drop.includes('all')) return { only: uniq(add.filter((c) => c !== 'all' && !drop.includes(c))) };
  return { allBut: uniq(drop) };
}

/**
 * What the effective context asks of the process (pure). `kubeletUid` is who the keeper
 * runs as: ids and capabilities change only when that is root (nothing else can change them).
 */
export function processPrivileges(pod: PodSandboxConfig['securityContext'], own: SecurityContext | undefined, kubeletUid: number): ProcessPrivileges {
  if (kubeletUid !== 0) return {};
  const sc = effectiveSecurityContext(pod, own);
  const groups = podSupplementalGroups(pod);
  const out: ProcessPrivileges = {};
  if (sc.runAsUser != null || sc.runAsGroup != null || groups.length) {
    out.uid = sc.runAsUser ?? kubeletUid;
    // Without runAsGroup the gid is 0: the process runtime has no image /etc/passwd to take one from.
    out.gid = sc.runAsGroup ?? 0;
    out.groups = [...new Set(groups)];
  }
  if (sc.allowPrivilegeEscalation === false) out.noNewPrivs = true;
  // Privileged keeps everything, whatever capabilities say (as upstream).
  if (sc.privileged !== true && sc.capabilities) {
    out.caps = capabilitySet(sc.capabilities);
    const added = (sc.capabilities.add ?? []).map(capName).filter((c) => c !== 'all');
    const kept = 'only' in out.caps ? out.caps.only : added.filter((c) => !(out.caps as { allBut: string[] }).allBut.includes(c));
    if ((out.uid ?? 0) !== 0 && kept.length) out.ambient = [...new Set(kept)];
  }
  return out;
}

/** setpriv's argv for `p` (to be followed by the command), or [] when nothing changes. */
export function setprivArgv(setpriv: string, p: ProcessPrivileges): string[] {
  const args: string[] = [];
  if (p.uid !== undefined) {
    args.push('--reuid', String(p.uid), '--regid', String(p.gid ?? 0));
    args.push(...(p.groups?.length ? ['--groups', p.groups.join(',')] : ['--clear-groups']));
  }
  if (p.noNewPrivs) args.push('--no-new-privs');
  if (p.caps) {
    const spec = 'only' in p.caps ? ['-all', ...p.caps.only.map((c) => `+${c}`)].join(',') : p.caps.allBut.map((c) => `-${c}`).join(',');
    if (spec) args.push('--bounding-set', spec);
    // Root's permitted set after exec includes its inheritable one: it must not exceed the bounding set.
    if ((p.uid ?? 0) === 0 && spec) args.push('--inh-caps', spec);
  }
  // A non-root user keeps only what is ambient (so also inheritable) across its exec.
  if ((p.uid ?? 0) !== 0) {
    const spec = ['-all', ...(p.ambient ?? []).map((c) => `+${c}`)].join(',');
    args.push('--inh-caps', spec, ...(p.ambient?.length ? ['--ambient-caps', spec] : []));
  }
  return args.length ? [setpriv, ...args, '--'] : [];
}

/** setpriv's path, or undefined (util-linux not installed). */
export function findSetpriv(): string | undefined {
  for (const p of ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv']) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * The process runtime's side: the runAsNonRoot check (the "image user" is the kubelet's
 * own: the process runtime runs containers as it, unless told otherwise), and the argv
 * prefix a container and its execs run under.
 */
export class ContainerPrivileges {
  private readonly uid: number;
  private readonly setpriv: string | undefined;

  /** `uid`: who the kubelet runs as (default: this process); `setpriv`: its path (default: found on this machine). */
  constructor(opts: { uid?: number; setpriv?: string | null } = {}) {
    this.uid = opts.uid ?? process.getuid?.() ?? 0;
    this.setpriv = opts.setpriv === null ? undefined : (opts.setpriv ?? (this.uid === 0 ? findSetpriv() : undefined));
  }

  /** Throws a ContainerConfigError (→ CreateContainerConfigError) when runAsNonRoot forbids the container. */
  check(sb: PodSandboxConfig, config: ContainerConfig): void {
    const sc = effectiveSecurityContext(sb.securityContext, config.securityContext);
    const violation = runAsNonRootViolation(sc, { uid: this.uid }, { pod: podDescription(sb), container: config.name });
    if (violation) throw new ContainerConfigError(violation);
  }

  /** The argv prefix for the container's command; [] when nothing changes (or nothing can). */
  prefix(sb: PodSandboxConfig | undefined, config: ContainerConfig): string[] {
    if (!this.setpriv) return [];
    return setprivArgv(this.setpriv, processPrivileges(sb?.securityContext, config.securityContext, this.uid));
  }

  /** What is not applied, for limitations(). */
  describe(): string {
    const rofs = 'readOnlyRootFilesystem is not enforced (containers see the host\'s root filesystem)';
    if (this.uid !== 0) return `process runtime: securityContext users, groups, capabilities and allowPrivilegeEscalation are not applied (not root: containers run as the kubelet's user ${this.uid}; runAsNonRoot is checked against it); ${rofs}`;
    if (!this.setpriv) return `process runtime: securityContext users, groups, capabilities and allowPrivilegeEscalation are not applied (setpriv from util-linux not found); ${rofs}`;
    return `process runtime: securityContext users, groups, capabilities and allowPrivilegeEscalation are applied with setpriv (capabilities start from the kubelet's full set); ${rofs}`;
  }
}
