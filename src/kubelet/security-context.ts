/**
 * The runtime-neutral part of securityContext, shared by the cri runtime (cri/security-context.ts)
 * and the process runtime (process-privileges.ts): which settings apply to a container
 * (upstream kuberuntime's determineEffectiveSecurityContext), its groups, and the
 * runAsNonRoot check (verifyRunAsNonRoot) with upstream's messages. Pure.
 */
import type { PodSecurityContext, SecurityContext } from '../api/core/v1/security-context.js';

/** The user an image runs as (CRI Image.uid / username); neither = root, as upstream assumes. */
export interface ImageUser {
  uid?: number;
  username?: string;
}

/** The container's settings, each missing one taken from the pod's where the pod has it. */
export function effectiveSecurityContext(pod: PodSecurityContext | undefined, c: SecurityContext | undefined): SecurityContext {
  const out: SecurityContext = { ...(c ?? {}) };
  if (!pod) return out;
  if (out.runAsUser == null && pod.runAsUser != null) out.runAsUser = pod.runAsUser;
  if (out.runAsGroup == null && pod.runAsGroup != null) out.runAsGroup = pod.runAsGroup;
  if (out.runAsNonRoot == null && pod.runAsNonRoot != null) out.runAsNonRoot = pod.runAsNonRoot;
  if (out.seccompProfile == null && pod.seccompProfile != null) out.seccompProfile = pod.seccompProfile;
  if (out.seLinuxOptions == null && pod.seLinuxOptions != null) out.seLinuxOptions = pod.seLinuxOptions;
  if (out.appArmorProfile == null && pod.appArmorProfile != null) out.appArmorProfile = pod.appArmorProfile;
  return out;
}

/** A container's supplemental groups: fsGroup first, then supplementalGroups, as upstream orders them. */
export function podSupplementalGroups(pod: PodSecurityContext | undefined): number[] {
  return [...(pod?.fsGroup != null ? [pod.fsGroup] : []), ...(pod?.supplementalGroups ?? [])];
}

/** The pod as upstream's messages name it: `name_namespace(uid)`. */
export function podDescription(pod: { name: string; namespace: string; uid: string }): string {
  return `${pod.name}_${pod.namespace}(${pod.uid})`;
}

/**
 * Why the container must not start under runAsNonRoot (upstream's messages, the pod as
 * `name_namespace(uid)`), or undefined when it may.
 */
export function runAsNonRootViolation(sc: SecurityContext, image: ImageUser, who: { pod: string; container: string }): string | undefined {
  if (sc.runAsNonRoot !== true) return undefined;
  const at = `(pod: ${JSON.stringify(who.pod)}, container: ${who.container})`;
  if (sc.runAsUser != null) return sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy ${at}` : undefined;
  if (image.uid === undefined && image.username) return `container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root ${at}`;
  const uid = image.uid ?? 0;
  if (uid === 0) return `container has runAsNonRoot and image will run as root ${at}`;
  return undefined;
}
