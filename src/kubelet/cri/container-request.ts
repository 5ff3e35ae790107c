/**
 * The CRI CreateContainerRequest for one container of a sandbox, and the runAsNonRoot
 * check the kubelet makes before sending it (against the image's user, as upstream's
 * generateContainerConfig does).
 */
import { relative } from 'node:path';
import { ContainerConfigError } from '../container-env.js';
import type { ContainerConfig, PodSandbox } from '../runtime.js';
import { IMAGE_LABEL, MANAGED_LABEL, criMounts, linuxResources, podLogDirectory, stdioLabels } from './mapping.js';
import { criSandboxConfig, type SandboxPaths } from './sandbox-config.js';
import { effectiveSecurityContext, linuxContainerSecurityContext, runAsNonRootViolation, type ImageUser } from './security-context.js';

/** CRI Image (ImageStatus) → the user it runs as; int64 arrives as a string. */
export function imageUserOf(image: { uid?: { value: string | number } | null; username?: string } | null | undefined): ImageUser {
  if (image?.uid) return { uid: Number(image.uid.value) };
  return image?.username ? { username: image.username } : {};
}

/**
 * The request, or a ContainerConfigError (→ CreateContainerConfigError) when the
 * container would break runAsNonRoot.
 */
export function criContainerRequest(sb: PodSandbox, config: ContainerConfig, image: ImageUser, paths: SandboxPaths): object {
  const pod = sb.config;
  const violation = runAsNonRootViolation(effectiveSecurityContext(pod.securityContext, config.securityContext), image, { pod: `${pod.name}_${pod.namespace}(${pod.uid})`, container: config.name });
  if (violation) throw new ContainerConfigError(violation);
  const logDir = podLogDirectory(paths.logDir, pod);
  const command = config.command ?? config.argv;
  return {
    pod_sandbox_id: sb.id,
    config: {
      metadata: { name: config.name, attempt: Number(config.labels['skiff.dev/restart-count'] ?? 0) },
      image: { image: config.image },
      command,
      args: config.command ? (config.args ?? []) : [],
      working_dir: config.workingDir ?? '',
      envs: Object.entries(config.env).map(([key, value]) => ({ key, value })),
      mounts: criMounts(config.mounts),
      labels: { ...config.labels, ...stdioLabels(config), [MANAGED_LABEL]: 'true', [IMAGE_LABEL]: config.image },
      annotations: {},
      // Relative to the sandbox's log_directory; the kubelet's log readers use the absolute path.
      log_path: relative(logDir, config.logPath),
      stdin: config.stdin === true,
      stdin_once: config.stdinOnce === true,
      tty: config.tty === true,
      linux: {
        resources: linuxResources(config.resources),
        security_context: linuxContainerSecurityContext(pod, config.securityContext, image, { ...(config.targetContainerId ? { targetId: config.targetContainerId } : {}), localhostRoot: paths.seccompRoot }),
      },
    },
    // containerd 1.6 crashes without it; it also checks a privileged container against it.
    sandbox_config: criSandboxConfig(pod, paths),
  };
}
