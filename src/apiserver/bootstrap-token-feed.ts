import type { RequestListener } from 'node:http';
import { SecretKind, type Secret } from '../api/core/v1/secret.js';
import { InProcessTransport } from '../client/in-process-transport.js';
import { Informer } from '../client/informer.js';
import type { Logger } from '../client/logger.js';
import { RestClient } from '../client/rest-client.js';
import { BOOTSTRAP_TOKEN_TYPE } from './authn/bootstrap-token-format.js';
import type { BootstrapTokenAuthenticator } from './authn/bootstrap-token.js';

/**
 * Keeps the bootstrap-token authenticator in step with the token Secrets in kube-system,
 * through an informer on the server's own API (in process, as the admin): a token
 * created with `skiff token create` works within a watch event, a deleted one stops.
 */
export function feedBootstrapTokens(
  handler: RequestListener,
  adminToken: string,
  authenticator: BootstrapTokenAuthenticator,
  logger: Logger,
): { synced(): Promise<boolean>; stop(): Promise<void> } {
  const client = new RestClient({ transport: new InProcessTransport({ handler, headers: { authorization: `Bearer ${adminToken}` } }) });
  const informer = new Informer<Secret>({
    listerWatcher: client.resource<Secret>(SecretKind),
    namespace: 'kube-system',
    fieldSelector: `type=${BOOTSTRAP_TOKEN_TYPE}`,
    logger,
  });
  informer.addEventHandler({
    onAdd: (s) => authenticator.upsert(s),
    onUpdate: (_old, s) => authenticator.upsert(s),
    onDelete: (s) => authenticator.remove(s),
  });
  informer.start();
  return { synced: () => informer.waitForSync(), stop: () => informer.stop() };
}
