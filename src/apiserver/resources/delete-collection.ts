import type { VerbArgs } from './context.js';
import { deleteObject } from './delete.js';
import { readDeleteOptions } from './delete-options.js';
import { ApiError } from './errors.js';
import { listJson, readList } from './list.js';
import { sendJson } from './respond.js';
import { CachedObject } from '../watch-cache/cached-object.js';
import { compileFilter } from './selectors.js';
import { bridgeOf } from './versions.js';

/**
 * DELETE on a collection: deletes every object matching the selectors (as upstream:
 * list, then delete each; objects gone meanwhile are skipped). Answers the list of
 * objects as they were deleted.
 */
export async function handleDeleteCollection(a: VerbArgs): Promise<void> {
  const { info, spec, ctx } = a;
  const opts = await readDeleteOptions(a.req, info, ctx.maxBodyBytes);
  const filter = compileFilter(spec, info);
  const q = new URLSearchParams(info.query);
  q.delete('limit');
  q.delete('continue');
  const page = await readList(ctx, spec, info.namespace, q, filter);
  const deleted = [];
  for (const item of page.items) {
    try {
      const out = await deleteObject(ctx, spec, item.obj.metadata?.namespace, String(item.obj.metadata?.name), opts, a.user);
      deleted.push(out.obj);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) continue;
      throw err;
    }
  }
  const bridge = bridgeOf(a);
  const items = deleted.map((o) => new CachedObject('', 0, bridge.toServed(o)));
  sendJson(a.res, 200, listJson(spec, { items, revision: page.revision }));
}
