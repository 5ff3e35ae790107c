import type { Namespace } from '../api/core/v1/namespace.js';
import { NamespaceKind } from '../api/core/v1/namespace.js';
import type { ServiceAccount } from '../api/core/v1/service-account.js';
import { ServiceAccountKind } from '../api/core/v1/service-account.js';
import { controller } from '../client/controller.js';
import { isAlreadyExists, ApiError } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** Keeps a `default` ServiceAccount in every active namespace (recreated when deleted). */
export const serviceAccountController: ControllerDescriptor = {
  name: 'serviceaccount',
  create: (ctx) => newServiceAccountController(ctx),
};

export function newServiceAccountController(ctx: ControllerContext): RunningController {
  const nsInformer = ctx.informers.informerFor<Namespace>(NamespaceKind);
  const saInformer = ctx.informers.informerFor<ServiceAccount>(ServiceAccountKind);
  const accounts = ctx.client.resource<ServiceAccount>(ServiceAccountKind);
  const reconcile = async (ns: string) => {
    const namespace = nsInformer.indexer.get(ns);
    if (!namespace || namespace.metadata?.deletionTimestamp || namespace.status?.phase === 'Terminating') return;
    if (saInformer.indexer.get(`${ns}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
    try {
      await accounts.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: ns } } as ServiceAccount, { namespace: ns });
    } catch (err) {
      if (isAlreadyExists(err)) return;
      // The namespace started terminating meanwhile.
      if (err instanceof ApiError && err.status.code === 403) return;
      throw err;
    }
  };
  const c = controller('serviceaccount', { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log })
    .watches(nsInformer)
    .watches(saInformer, (sa) => (sa.metadata?.name === DEFAULT_SERVICE_ACCOUNT ? sa.metadata?.namespace : undefined));
  return { start: () => c.start(), stop: () => c.stop() };
}
