import type { VerbArgs } from './context.js';
import { badRequest, notFound } from './errors.js';
import { objectKey, resourcePrefix } from './keys.js';
import { mustReadObject } from './object-store.js';
import { sendObject } from './respond.js';
import { bridgeOf } from './versions.js';

/**
 * GET of one object. `resourceVersion` unset: a consistent read from the store;
 * '0' or a number: served from the watch cache (after it reaches that revision).
 */
export async function handleGet(a: VerbArgs): Promise<void> {
  const { info, spec, ctx } = a;
  const bridge = bridgeOf(a);
  const name = info.name as string;
  const rv = info.query.get('resourceVersion');
  if (rv) {
    const n = Number(rv);
    if (!Number.isSafeInteger(n) || n < 0) throw badRequest(`invalid resource version "${rv}"`);
    await ctx.cache.start();
    if (n === 0 || (await ctx.cache.waitForRevision(n, ctx.consistentReadTimeoutMs))) {
      const hit = ctx.cache.resource(resourcePrefix(spec)).get(objectKey(spec, info.namespace, name));
      if (!hit) throw notFound(spec, name);
      sendObject(a, 200, bridge.cached(hit).obj);
      return;
    }
  }
  const { obj } = await mustReadObject(ctx, spec, info.namespace, name);
  sendObject(a, 200, bridge.toServed(obj));
}
