/**
 * Serves custom resources: watches CustomResourceDefinitions (in process, as the admin,
 * like the bootstrap-token feed) and keeps the registry in step — a CRD's served versions
 * become kinds (routing, discovery, OpenAPI and Tables follow the registry), its status
 * says NamesAccepted and Established, and deleting it first deletes every custom object
 * (the `customresourcecleanup` finalizer, as kube-apiserver does), then the kinds.
 */
import type { RequestListener } from 'node:http';
import { CustomResourceDefinitionKind, type CustomResourceDefinition } from '../api/apiextensions/v1/custom-resource-definition.js';
import { kindSpecsFromCRD } from '../api/apiextensions/v1/custom-resource-kind.js';
import type { Registry } from '../api/registry.js';
import type { KindSpec } from '../api/schema/dsl.js';
import { InProcessTransport } from '../client/in-process-transport.js';
import { Informer } from '../client/informer.js';
import type { Logger } from '../client/logger.js';
import { RestClient } from '../client/rest-client.js';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export function feedCustomResourceDefinitions(
  handler: RequestListener,
  adminToken: string,
  registry: Registry,
  logger: Logger,
): { synced(timeoutMs?: number): Promise<boolean>; stop(): Promise<void> } {
  const client = new RestClient({ transport: new InProcessTransport({ handler, headers: { authorization: `Bearer ${adminToken}` } }) });
  const crds = client.resource<CustomResourceDefinition>(CustomResourceDefinitionKind);
  const served = new Map<string, KindSpec[]>(); // CRD name → kinds in the registry
  const informer = new Informer<CustomResourceDefinition>({ listerWatcher: crds, logger });

  const unserve = (name: string): void => {
    for (const k of served.get(name) ?? []) registry.remove(k.group, k.version, k.plural);
    served.delete(name);
  };

  const serve = (crd: CustomResourceDefinition): void => {
    const name = crd.metadata?.name ?? '';
    unserve(name);
    const kinds = kindSpecsFromCRD(crd);
    for (const k of kinds) registry.add(k);
    served.set(name, kinds);
  };

  async function reconcile(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata?.name ?? '';
    const finalizers = crd.metadata?.finalizers ?? [];
    if (crd.metadata?.deletionTimestamp) {
      if (finalizers.includes(CLEANUP_FINALIZER)) {
        await deleteAllObjects(client, served.get(name) ?? kindSpecsFromCRD(crd));
        await crds.update({ ...crd, metadata: { ...crd.metadata, finalizers: finalizers.filter((f) => f !== CLEANUP_FINALIZER) } });
      }
      unserve(name);
      return;
    }
    serve(crd);
    if (!finalizers.includes(CLEANUP_FINALIZER)) {
      await crds.update({ ...crd, metadata: { ...crd.metadata, finalizers: [...finalizers, CLEANUP_FINALIZER] } });
      return; // the update comes back as an event
    }
    if (!isEstablished(crd)) await crds.subresource('status').update(name, withEstablishedStatus(crd));
  }

  const run = (crd: CustomResourceDefinition): void => {
    reconcile(crd).catch((err: unknown) => logger.warn('custom resource definition not served', { name: crd.metadata?.name, error: String(err) }));
  };
  informer.addEventHandler({
    onAdd: run,
    onUpdate: (_old, crd) => run(crd),
    onDelete: (crd) => unserve(crd.metadata?.name ?? ''),
  });
  informer.start();
  return { synced: (timeoutMs) => informer.waitForSync(timeoutMs), stop: () => informer.stop() };
}

function isEstablished(crd: CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

function withEstablishedStatus(crd: CustomResourceDefinition): CustomResourceDefinition {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition = (type: string, reason: string, message: string) => ({ type, status: 'True', lastTransitionTime: now, reason, message });
  return {
    ...crd,
    status: {
      ...crd.status,
      acceptedNames: crd.spec?.names,
      storedVersions: crd.status?.storedVersions?.length ? crd.status.storedVersions : (crd.spec?.versions ?? []).filter((v) => v.storage).map((v) => v.name),
      conditions: [condition('NamesAccepted', 'NoConflicts', 'no conflicts found'), condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted')],
    },
  } as CustomResourceDefinition;
}

/** Deletes every object of the CRD's kinds (one storage version holds them all: the first kind suffices). */
async function deleteAllObjects(client: RestClient, kinds: KindSpec[]): Promise<void> {
  const k = kinds[0];
  if (!k) return;
  const res = client.resource({ group: k.group, version: k.version, plural: k.plural, namespaced: k.namespaced, kind: k.kind });
  const list = await res.list({});
  for (const o of list.items as Array<{ metadata?: { name?: string; namespace?: string } }>) {
    await res.delete(o.metadata?.name ?? '', k.namespaced ? { namespace: o.metadata?.namespace ?? '' } : {}).catch(() => {});
  }
}
