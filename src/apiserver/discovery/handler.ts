import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from '../../api/registry.js';
import type { DiscoveryCache } from './cache.js';
import { writeJson } from '../http/respond.js';
import { negotiate, parseAccept, type Offer } from '../http/negotiate.js';
import { notAcceptable, pathNotFound } from '../http/status.js';
import {
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  type AggregatedVersion,
} from './documents.js';
import type { RemoteDiscovery } from './remote.js';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

type Choice = { aggregated: AggregatedVersion } | { legacy: true };

const ROOT_OFFERS: Offer<Choice>[] = [
  { type: 'application', subtype: 'json', params: { g: 'apidiscovery.k8s.io', v: 'v2', as: 'APIGroupDiscoveryList' }, value: { aggregated: 'v2' } },
  { type: 'application', subtype: 'json', params: { g: 'apidiscovery.k8s.io', v: 'v2beta1', as: 'APIGroupDiscoveryList' }, value: { aggregated: 'v2beta1' } },
  { type: 'application', subtype: 'json', params: {}, value: { legacy: true } },
];
const LEGACY_OFFERS: Offer<true>[] = [{ type: 'application', subtype: 'json', params: {}, value: true }];

export interface DiscoveryContext {
  registry: Registry;
  cache: DiscoveryCache;
  /** host:port clients should use (APIVersions.serverAddressByClientCIDRs). */
  serverAddress: string;
  /** Group versions of extension API servers (the aggregator's); their `/apis/<g>/<v>` is proxied, not served here. */
  remote?: RemoteDiscovery;
}

/**
 * Serves GET/HEAD on `/api`, `/apis` (aggregated or legacy, by Accept) and the legacy
 * `/api/<v>`, `/apis/<g>`, `/apis/<g>/<v>`. `segments` is the decoded path. Throws a
 * Status (404, 406) for what it cannot serve.
 */
export function serveDiscovery(req: IncomingMessage, res: ServerResponse, segments: readonly string[], ctx: DiscoveryContext): void {
  const accept = parseAccept(req.headers.accept);
  const [root, a, b] = segments as [string, string | undefined, string | undefined];
  const remote = ctx.remote?.groupVersions() ?? [];
  if (segments.length === 1) {
    const choice = negotiate(accept, ROOT_OFFERS);
    if (!choice) throw notAcceptable([AGGREGATED_V2, AGGREGATED_V2BETA1, 'application/json']);
    res.setHeader('Vary', 'Accept');
    if ('aggregated' in choice) {
      const which = root === 'api' ? 'api' : 'apis';
      const { body, etag } = ctx.cache.get(`${which}/${choice.aggregated}`, () => {
        const b = JSON.stringify(aggregatedDiscovery(ctx.registry, which, choice.aggregated, remote));
        return { body: b, etag: `"${createHash('sha256').update(b).digest('hex').slice(0, 32)}"` };
      });
      res.setHeader('ETag', etag);
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304);
        res.end();
        return;
      }
      writeJson(res, 200, body, choice.aggregated === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1);
      return;
    }
    writeJson(res, 200, root === 'api' ? apiVersions(ctx.registry, ctx.serverAddress) : apiGroupList(ctx.registry, remote));
    return;
  }
  if (!negotiate(accept, LEGACY_OFFERS)) throw notAcceptable([AGGREGATED_V2, AGGREGATED_V2BETA1, 'application/json']);
  let doc: Record<string, unknown> | undefined;
  if (root === 'api' && segments.length === 2) doc = apiResourceList(ctx.registry, '', a as string);
  else if (root === 'apis' && segments.length === 2) doc = apiGroupDocument(ctx.registry, a as string, remote);
  else if (root === 'apis' && segments.length === 3) doc = apiResourceList(ctx.registry, a as string, b as string);
  if (!doc) throw pathNotFound();
  writeJson(res, 200, doc);
}
