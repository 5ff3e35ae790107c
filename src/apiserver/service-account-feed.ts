import type { RequestListener } from 'node:http';
import { ServiceAccountKind, type ServiceAccount } from '../api/core/v1/service-account.js';
import { InProcessTransport } from '../client/in-process-transport.js';
import { Informer } from '../client/informer.js';
import type { Logger } from '../client/logger.js';
import { RestClient } from '../client/rest-client.js';
import type { ServiceAccountTokenAuthenticator } from './authn/service-account-token.js';

/**
 * Keeps the service-account token authenticator's list of accounts (and their uids) in
 * step with the ServiceAccounts, through an informer on the server's own API (in process,
 * as the admin): a deleted account's tokens stop working within a watch event.
 */
export function feedServiceAccounts(handler: RequestListener, adminToken: string, authenticator: ServiceAccountTokenAuthenticator, logger: Logger): { synced(): Promise<boolean>; stop(): Promise<void> } {
  const client = new RestClient({ transport: new InProcessTransport({ handler, headers: { authorization: `Bearer ${adminToken}` } }) });
  const informer = new Informer<ServiceAccount>({ listerWatcher: client.resource<ServiceAccount>(ServiceAccountKind), logger });
  const put = (sa: ServiceAccount) => authenticator.upsert(sa.metadata?.namespace ?? '', sa.metadata?.name ?? '', sa.metadata?.uid ?? '');
  informer.addEventHandler({
    onAdd: put,
    onUpdate: (_old, sa) => put(sa),
    onDelete: (sa) => authenticator.remove(sa.metadata?.namespace ?? '', sa.metadata?.name ?? ''),
  });
  informer.start();
  return { synced: () => informer.waitForSync(), stop: () => informer.stop() };
}
