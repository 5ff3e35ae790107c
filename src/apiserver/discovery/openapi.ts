import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GroupVersion, Registry } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { writeJson } from '../http/respond.js';
import { pathNotFound } from '../http/status.js';

/** Builds the OpenAPI v3 document of one group version. */
export type OpenApiV3Builder = (gv: GroupVersion) => unknown;

/** `api/v1` or `apis/<g>/<v>`: the key in the /openapi/v3 index. */
export const gvPath = (gv: { group: string; version: string }): string =>
  gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;

interface CachedDoc {
  body: string;
  hash: string;
}

/**
 * Serves `/openapi/v3` (the index: one entry per group version with a content hash) and
 * `/openapi/v3/<gv>` (the document). Documents are built once per set of kinds: Registry
 * replaces a version's `kinds` array whenever a kind is added or removed, so the array
 * identity is the cache key. A request whose `hash` matches is marked immutable; a stale
 * hash is redirected to the current one, as kube-apiserver does.
 */
export class OpenApiV3Server {
  private readonly cache = new WeakMap<readonly KindSpec[], CachedDoc>();

  constructor(private readonly config: { registry: Registry; build: OpenApiV3Builder }) {}

  private doc(gv: GroupVersion): CachedDoc {
    let d = this.cache.get(gv.kinds);
    if (!d) {
      const body = JSON.stringify(this.config.build(gv));
      d = { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
      this.cache.set(gv.kinds, d);
    }
    return d;
  }

  index(): Record<string, unknown> {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const gv of this.config.registry.list()) {
      const p = gvPath(gv);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${this.doc(gv).hash}` };
    }
    return { paths };
  }

  /** `rest` is the path after `/openapi/v3/` split into segments (empty for the index). */
  serve(req: IncomingMessage, res: ServerResponse, rest: readonly string[], query: URLSearchParams): void {
    if (rest.length === 0) {
      writeJson(res, 200, this.index());
      return;
    }
    const key = rest.join('/');
    const gv = this.config.registry.list().find((x) => gvPath(x) === key);
    if (!gv) throw pathNotFound();
    const d = this.doc(gv);
    const asked = query.get('hash');
    if (asked !== null && asked !== d.hash) {
      res.writeHead(301, { Location: `/openapi/v3/${key}?hash=${d.hash}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    const etag = `"${d.hash}"`;
    res.setHeader('ETag', etag);
    if (asked !== null) res.setHeader('Cache-Control', 'public, immutable');
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304);
      res.end();
      return;
    }
    writeJson(res, 200, d.body);
  }
}
