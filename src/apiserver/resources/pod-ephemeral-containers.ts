import { keepOnlyEphemeralContainers } from '../../api/core/v1/pod-ephemeral-containers.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Admission } from '../admission/types.js';
import type { VerbArgs } from './context.js';
import { statusError } from './errors.js';
import { handleGet } from './get.js';
import { handlePatch } from './patch.js';
import { handleUpdate } from './update.js';

/**
 * `pods/<name>/ephemeralcontainers` (get, update, patch; what `kubectl debug` patches), as
 * upstream's EphemeralContainersREST: the Pod in, the Pod out, but a write stores only its
 * spec.ephemeralContainers. PUT and PATCH are the main resource's, with the subresource's
 * PrepareForUpdate put in front of admission — the first step to see the stored pod inside
 * the write's retry loop. Admission then sees the real change (PodSecurity checks the new
 * containers) and the Pod's validation applies this subresource's rules (validatePod).
 */
export async function handleEphemeralContainers(a: VerbArgs): Promise<void> {
  const verb = a.info.verb;
  if (verb === 'get') return handleGet(a);
  if (verb !== 'update' && verb !== 'patch') throw statusError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "pods/ephemeralcontainers"`);
  const chain = a.ctx.admission;
  const admission: Admission = {
    admit(attrs, obj, old) {
      if (attrs.operation === 'UPDATE' && obj && old) keepOnlyEphemeralContainers(obj as Pod, old as Pod);
      return chain.admit(attrs, obj, old);
    },
  };
  const scoped: VerbArgs = { ...a, ctx: { ...a.ctx, admission } };
  return verb === 'update' ? handleUpdate(scoped) : handlePatch(scoped);
}
