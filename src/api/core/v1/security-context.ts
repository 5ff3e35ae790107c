import { f, object, t, type Infer } from '../../schema/dsl.js';
import { ptr } from './embedded.js';

export const CapabilitiesSchema = object('Capabilities', 'POSIX capabilities added to or dropped from the default set.', {
  add: f(1, t.list(t.string()), 'Capabilities to add.'),
  drop: f(2, t.list(t.string()), 'Capabilities to drop.'),
});

export const SELinuxOptionsSchema = object('SELinuxOptions', 'SELinux labels for a container.', {
  user: f(1, t.string(), 'SELinux user label.'),
  role: f(2, t.string(), 'SELinux role label.'),
  type: f(3, t.string(), 'SELinux type label.'),
  level: f(4, t.string(), 'SELinux level label.'),
});

export const WindowsSecurityContextOptionsSchema = object('WindowsSecurityContextOptions', 'Windows-specific identity options.', {
  gmsaCredentialSpecName: ptr(f(1, t.string(), 'Name of the GMSA credential spec.')),
  gmsaCredentialSpec: ptr(f(2, t.string(), 'Contents of the GMSA credential spec.')),
  runAsUserName: ptr(f(3, t.string(), 'Windows user to run as.')),
  hostProcess: ptr(f(4, t.bool(), 'Run as a Windows host process.')),
});

export const SeccompProfileSchema = object('SeccompProfile', 'Which seccomp profile applies.', {
  type: f(1, t.enum('Localhost', 'RuntimeDefault', 'Unconfined'), 'Kind of profile.', { required: true }),
  localhostProfile: ptr(f(2, t.string(), 'Profile file on the node, for type Localhost.')),
});

export const AppArmorProfileSchema = object('AppArmorProfile', 'Which AppArmor profile applies.', {
  type: f(1, t.enum('Localhost', 'RuntimeDefault', 'Unconfined'), 'Kind of profile.', { required: true }),
  localhostProfile: ptr(f(2, t.string(), 'Profile loaded on the node, for type Localhost.')),
});

export const SysctlSchema = object('Sysctl', 'A namespaced kernel parameter.', {
  name: f(1, t.string(), 'Parameter name.', { required: true }),
  value: f(2, t.string(), 'Parameter value.', { required: true }),
});

export const SecurityContextSchema = object('SecurityContext', 'Security settings of one container; they override the pod’s.', {
  capabilities: f(1, t.object(() => CapabilitiesSchema), 'Capabilities to add or drop.'),
  privileged: ptr(f(2, t.bool(), 'Run with all host privileges.')),
  seLinuxOptions: f(3, t.object(() => SELinuxOptionsSchema), 'SELinux context.'),
  runAsUser: ptr(f(4, t.int64(), 'UID of the entrypoint process.')),
  runAsNonRoot: ptr(f(5, t.bool(), 'Refuse to start the container as UID 0.')),
  readOnlyRootFilesystem: ptr(f(6, t.bool(), 'Mount the root filesystem read-only.')),
  allowPrivilegeEscalation: ptr(f(7, t.bool(), 'Whether processes may gain more privileges than their parent.')),
  runAsGroup: ptr(f(8, t.int64(), 'GID of the entrypoint process.')),
  procMount: ptr(f(9, t.enum('Default', 'Unmasked'), 'How /proc is mounted.')),
  windowsOptions: f(10, t.object(() => WindowsSecurityContextOptionsSchema), 'Windows-specific options.'),
  seccompProfile: f(11, t.object(() => SeccompProfileSchema), 'Seccomp profile.'),
  appArmorProfile: f(12, t.object(() => AppArmorProfileSchema), 'AppArmor profile.'),
});
export type SecurityContext = Infer<typeof SecurityContextSchema>;

export const PodSecurityContextSchema = object('PodSecurityContext', 'Security settings shared by all containers of a pod.', {
  seLinuxOptions: f(1, t.object(() => SELinuxOptionsSchema), 'SELinux context for all containers.'),
  runAsUser: ptr(f(2, t.int64(), 'UID of every container’s entrypoint.')),
  runAsNonRoot: ptr(f(3, t.bool(), 'Refuse to start containers as UID 0.')),
  supplementalGroups: f(4, t.list(t.int64()), 'Extra groups for every container’s first process.'),
  fsGroup: ptr(f(5, t.int64(), 'Group that owns supported volumes.')),
  runAsGroup: ptr(f(6, t.int64(), 'GID of every container’s entrypoint.')),
  sysctls: f(7, t.list(t.object(() => SysctlSchema)), 'Namespaced sysctls for the pod.'),
  windowsOptions: f(8, t.object(() => WindowsSecurityContextOptionsSchema), 'Windows-specific options.'),
  fsGroupChangePolicy: ptr(f(9, t.enum('OnRootMismatch', 'Always'), 'When volume ownership is changed to fsGroup.')),
  seccompProfile: f(10, t.object(() => SeccompProfileSchema), 'Seccomp profile for all containers.'),
  appArmorProfile: f(11, t.object(() => AppArmorProfileSchema), 'AppArmor profile for all containers.'),
  supplementalGroupsPolicy: ptr(f(12, t.enum('Merge', 'Strict'), 'How supplemental groups are computed.')),
  seLinuxChangePolicy: ptr(f(13, t.string(), 'How SELinux labels are applied to volumes.')),
});
export type PodSecurityContext = Infer<typeof PodSecurityContextSchema>;
