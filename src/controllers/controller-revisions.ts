/**
 * ControllerRevision history shared by the DaemonSet and StatefulSet controllers: one
 * revision per distinct pod template, named `<owner>-<hash>`, the newest holding the
 * highest `revision`, old ones pruned past revisionHistoryLimit unless pods still use them.
 */
import type { ControllerRevision } from '../api/apps/v1/controller-revision.js';
import { ControllerRevisionKind } from '../api/apps/v1/controller-revision.js';
import type { RestClient } from '../client/rest-client.js';
import type { KubeObject } from '../client/object-key.js';
import { controllerRef } from '../client/object-key.js';
import { isAlreadyExists, isNotFound } from '../client/status-error.js';
import { computeHash } from './deployment/hash.js';
import { newControllerRef } from './owner-refs.js';

export const REVISION_HASH_LABEL = 'controller-revision-hash';

export interface RevisionSyncConfig {
  client: RestClient;
  owner: KubeObject & { spec?: { template?: unknown; revisionHistoryLimit?: number | null } };
  ownerApiVersion: string;
  ownerKind: string;
  /** Revisions in the owner's namespace (from a cache); filtered to the owner's here. */
  existing: readonly ControllerRevision[];
  /** Hashes pods still carry: those revisions are never pruned. */
  inUse: ReadonlySet<string>;
  /** Labels of the owner's pod template, copied onto revisions (as upstream). */
  labels?: Record<string, string>;
}

/** The template's revision hash (FNV-32a over canonical JSON, like the Deployment's pod-template-hash). */
export function templateHash(template: unknown): string {
  return computeHash(template ?? {});
}

/**
 * Makes sure the current template has the newest revision and prunes old ones. Returns the
 * current hash and revision number. Idempotent.
 */
export async function syncRevisions(cfg: RevisionSyncConfig): Promise<{ hash: string; revision: number }> {
  const ns = cfg.owner.metadata?.namespace ?? '';
  const revisions = cfg.client.resource<ControllerRevision>(ControllerRevisionKind);
  const mine = cfg.existing.filter((r) => controllerRef(r)?.uid === cfg.owner.metadata?.uid).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  const hash = templateHash(cfg.owner.spec?.template);
  const max = mine.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
  const current = mine.find((r) => r.metadata?.labels?.[REVISION_HASH_LABEL] === hash);
  let revision: number;
  if (!current) {
    revision = max + 1;
    try {
      await revisions.create(
        {
          apiVersion: 'apps/v1',
          kind: 'ControllerRevision',
          metadata: { name: `${cfg.owner.metadata?.name ?? ''}-${hash}`, namespace: ns, labels: { ...(cfg.labels ?? {}), [REVISION_HASH_LABEL]: hash }, ownerReferences: [newControllerRef(cfg.owner, cfg.ownerApiVersion, cfg.ownerKind)] },
          data: { spec: { template: { ...(cfg.owner.spec?.template as object), $patch: 'replace' } } },
          revision,
        } as ControllerRevision,
        { namespace: ns },
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  } else if ((current.revision ?? 0) < max) {
    // A rollback to an older template: that revision becomes the newest again.
    revision = max + 1;
    await revisions.patch(current.metadata?.name ?? '', { revision }, 'merge', { namespace: ns });
  } else revision = current.revision ?? max;

  const limit = cfg.owner.spec?.revisionHistoryLimit ?? 10;
  const old = mine.filter((r) => r.metadata?.labels?.[REVISION_HASH_LABEL] !== hash && !cfg.inUse.has(r.metadata?.labels?.[REVISION_HASH_LABEL] ?? ''));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) {
    try {
      await revisions.delete(r.metadata?.name ?? '', { namespace: ns });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return { hash, revision };
}
