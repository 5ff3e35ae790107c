/**
 * The baseline Pod Security Standard: what upstream's baseline checks forbid, with their
 * IDs, versions and wording (k8s.io/pod-security-admission/policy, as in Kubernetes 1.32).
 */
import { goQuote } from '../../../machinery/field-errors.js';
import {
  ALLOWED,
  containersPhrase,
  forbid,
  joinQuote,
  nameOf,
  pluralize,
  sortedSet,
  visitContainers,
  type Check,
  type CheckPodFn,
  type PodSpec,
} from './check-kit.js';

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** AppArmor: profile types (pod and containers) and the beta annotations must not leave the runtime default or a localhost profile. */
const appArmorProfile: CheckPodFn = (meta, spec) => {
  const allowedType = (t: string): boolean => t === 'RuntimeDefault' || t === 'Localhost';
  const setters: string[] = [];
  const badValues: string[] = [];
  const podProfile = spec.securityContext?.appArmorProfile;
  if (podProfile && !allowedType(str(podProfile.type))) {
    setters.push('pod');
    badValues.push(str(podProfile.type));
  }
  const badContainers: string[] = [];
  visitContainers(spec, (c) => {
    const profile = c.securityContext?.appArmorProfile;
    if (profile && !allowedType(str(profile.type))) {
      badContainers.push(nameOf(c));
      badValues.push(str(profile.type));
    }
  });
  if (badContainers.length) setters.push(containersPhrase(badContainers));
  const annotations: string[] = [];
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    const value = str(v);
    const allowed = value === '' || value === 'runtime/default' || value.startsWith('localhost/');
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowed) annotations.push(`${k}=${goQuote(value)}`);
  }
  const values = [...sortedSet(badValues), ...annotations.sort()];
  if (annotations.length) setters.push(pluralize('annotation', 'annotations', annotations.length));
  if (!setters.length) return ALLOWED;
  return forbid(pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length), `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`);
};

const DEFAULT_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** Containers may add only capabilities of the container runtime's default set. */
const capabilitiesBaseline: CheckPodFn = (_meta, spec) => {
  const badContainers: string[] = [];
  const added: string[] = [];
  visitContainers(spec, (c) => {
    const caps = c.securityContext?.capabilities;
    if (!caps) return;
    const bad = (caps.add ?? []).filter((cap) => !DEFAULT_CAPABILITIES.has(cap));
    if (bad.length) {
      badContainers.push(nameOf(c));
      added.push(...bad);
    }
  });
  if (!badContainers.length) return ALLOWED;
  return forbid('non-default capabilities', `${containersPhrase(badContainers)} must not include ${joinQuote(sortedSet(added))} in securityContext.capabilities.add`);
};

/** No sharing of the host's network, PID or IPC namespace. */
const hostNamespaces: CheckPodFn = (_meta, spec) => {
  const used = [spec.hostNetwork ? 'hostNetwork' : '', spec.hostPID ? 'hostPID' : '', spec.hostIPC ? 'hostIPC' : ''].filter(Boolean);
  return used.length ? forbid('host namespaces', sortedSet(used).join(', ')) : ALLOWED;
};

/** No hostPath volumes. */
const hostPathVolumes: CheckPodFn = (_meta, spec) => {
  const names = (spec.volumes ?? []).filter((v) => v?.hostPath != null).map((v) => String(v.name ?? ''));
  return names.length ? forbid('hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`) : ALLOWED;
};

/** No container port bound on the host. */
const hostPorts: CheckPodFn = (_meta, spec) => {
  const badContainers: string[] = [];
  const ports: string[] = [];
  visitContainers(spec, (c) => {
    const used = (c.ports ?? []).map((p) => Number(p?.hostPort ?? 0)).filter((p) => p !== 0);
    if (used.length) {
      badContainers.push(nameOf(c));
      ports.push(...used.map(String));
    }
  });
  if (!badContainers.length) return ALLOWED;
  const distinct = sortedSet(ports);
  return forbid('hostPort', `${containersPhrase(badContainers)} ${pluralize('uses', 'use', badContainers.length)} ${pluralize('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}`);
};

/** No privileged containers. */
const privileged: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  visitContainers(spec, (c) => c.securityContext?.privileged === true && bad.push(nameOf(c)));
  return bad.length ? forbid('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`) : ALLOWED;
};

/** /proc stays masked: procMount unset or Default. */
const procMount: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  visitContainers(spec, (c) => {
    const pm = c.securityContext?.procMount;
    if (pm != null && pm !== 'Default') {
      bad.push(nameOf(c));
      types.push(String(pm));
    }
  });
  return bad.length ? forbid('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`) : ALLOWED;
};

/** SELinux: only the container types, and no custom user or role. */
const seLinuxOptions = (allowedTypes: ReadonlySet<string>): CheckPodFn => (_meta, spec) => {
  const badTypes: string[] = [];
  let setUser = false;
  let setRole = false;
  const valid = (o: { type?: string; user?: string; role?: string }): boolean => {
    let ok = true;
    if (!allowedTypes.has(str(o.type))) {
      ok = false;
      badTypes.push(str(o.type));
    }
    if (str(o.user)) [ok, setUser] = [false, true];
    if (str(o.role)) [ok, setRole] = [false, true];
    return ok;
  };
  const setters: string[] = [];
  const podOptions = spec.securityContext?.seLinuxOptions;
  if (podOptions && !valid(podOptions)) setters.push('pod');
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    const o = c.securityContext?.seLinuxOptions;
    if (o && !valid(o)) bad.push(nameOf(c));
  });
  if (bad.length) setters.push(containersPhrase(bad));
  if (!setters.length) return ALLOWED;
  const data: string[] = [];
  const types = sortedSet(badTypes);
  if (types.length) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return forbid('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
};

const SELINUX_TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

export const validSeccompType = (t: unknown): boolean => t === 'Localhost' || t === 'RuntimeDefault';

/** Before 1.19 seccomp was set by annotations: they must name the runtime default or a localhost profile. */
const seccompAnnotations: CheckPodFn = (meta, spec) => {
  const annotations = meta.annotations ?? {};
  const validValue = (v: string): boolean => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
  const bad: string[] = [];
  const check = (key: string): void => {
    const v = annotations[key];
    if (v !== undefined && !validValue(str(v))) bad.push(`${key}=${goQuote(str(v))}`);
  };
  check(SECCOMP_POD_ANNOTATION);
  visitContainers(spec, (c) => check(SECCOMP_CONTAINER_ANNOTATION_PREFIX + nameOf(c)));
  const list = sortedSet(bad);
  return list.length ? forbid('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`) : ALLOWED;
};

/** A seccomp profile, where set (pod or container), must be RuntimeDefault or Localhost. */
const seccompBaseline: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const badValues: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccompType(podProfile.type)) {
    setters.push('pod');
    badValues.push(str(podProfile.type));
  }
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    const p = c.securityContext?.seccompProfile;
    if (p && !validSeccompType(p.type)) {
      bad.push(nameOf(c));
      badValues.push(str(p.type));
    }
  });
  if (bad.length) setters.push(containersPhrase(bad));
  if (!setters.length) return ALLOWED;
  return forbid('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`);
};

const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];

/** Only the namespaced, isolated ("safe") sysctls. */
const sysctls = (allowed: readonly string[]): CheckPodFn => {
  const set = new Set(allowed);
  return (_meta, spec: PodSpec) => {
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => str(s?.name)).filter((n) => !set.has(n));
    return bad.length ? forbid('forbidden sysctls', bad.join(', ')) : ALLOWED;
  };
};

/** No Windows HostProcess pods or containers. */
const windowsHostProcess: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  visitContainers(spec, (c) => c.securityContext?.windowsOptions?.hostProcess === true && bad.push(nameOf(c)));
  const setters = [...(spec.securityContext?.windowsOptions?.hostProcess === true ? ['pod'] : []), ...(bad.length ? [containersPhrase(bad)] : [])];
  return setters.length ? forbid('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`) : ALLOWED;
};

export const BASELINE_CHECKS: readonly Check[] = [
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minVersion: 0, check: appArmorProfile }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ minVersion: 0, check: capabilitiesBaseline }] },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minVersion: 0, check: hostNamespaces }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minVersion: 0, check: hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minVersion: 0, check: hostPorts }] },
  { id: 'privileged', level: 'baseline', versions: [{ minVersion: 0, check: privileged }] },
  { id: 'procMount', level: 'baseline', versions: [{ minVersion: 0, check: procMount }] },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { minVersion: 0, check: seLinuxOptions(SELINUX_TYPES_1_0) },
      { minVersion: 31, check: seLinuxOptions(SELINUX_TYPES_1_31) },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { minVersion: 0, check: seccompAnnotations },
      { minVersion: 19, check: seccompBaseline },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    versions: [
      { minVersion: 0, check: sysctls(SYSCTLS_1_0) },
      { minVersion: 27, check: sysctls(SYSCTLS_1_27) },
      { minVersion: 29, check: sysctls(SYSCTLS_1_29) },
      { minVersion: 32, check: sysctls(SYSCTLS_1_32) },
    ],
  },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minVersion: 0, check: windowsHostProcess }] },
];
