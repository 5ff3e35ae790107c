import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GroupVersion, Registry } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { gzipSync } from 'node:zlib';
import { writeCached, writeJson } from '../http/respond.js';
import { negotiate, parseAccept } from '../http/negotiate.js';
import { notAcceptable, pathNotFound } from '../http/status.js';
import { encodeOpenApiV2, openApiV2Document, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_DEPRECATED } from './openapi-v2.js';

/** Builds the OpenAPI v3 document of one group version. */
export type OpenApiV3Builder = (gv: GroupVersion) => unknown;

/** `api/v1` or `apis/<g>/<v>`: the key in the /openapi/v3 index. */
export const gvPath = (gv: { group: string; version: string }): string =>
  gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;

interface CachedDoc {
  body: string;
  hash: string;
  gz?: Buffer;
}

/** Gzip once, on the first request that asks for it. */
function gzipOnce(holder: { gz?: Buffer }, bytes: () => Buffer | Uint8Array): () => Buffer {
  return () => (holder.gz ??= gzipSync(bytes()));
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
  private v2?: {
    seen: ReadonlyArray<readonly KindSpec[]>;
    json: Buffer;
    proto: Uint8Array;
    etag: string;
    gzJson: { gz?: Buffer };
    gzProto: { gz?: Buffer };
  };

  constructor(private readonly config: { registry: Registry; build: OpenApiV3Builder; version?: string }) {}

  /**
   * `/openapi/v2`: every definition of the v3 documents as Swagger 2.0, JSON or gnostic
   * protobuf by Accept (see openapi-v2.ts). Rebuilt only when the registry's kinds change.
   */
  serveV2(req: IncomingMessage, res: ServerResponse): void {
    const kinds = this.config.registry.list().map((gv) => gv.kinds);
    if (!this.v2 || kinds.length !== this.v2.seen.length || kinds.some((k, i) => k !== this.v2?.seen[i])) {
      const docs = this.config.registry.list().map((gv) => JSON.parse(this.doc(gv).body) as unknown);
      const doc = openApiV2Document(docs, this.config.version ?? '');
      const json = JSON.stringify(doc);
      this.v2 = {
        seen: kinds,
        json: Buffer.from(json),
        proto: encodeOpenApiV2(doc),
        etag: `"${createHash('sha512').update(json).digest('hex').toUpperCase().slice(0, 64)}"`,
        gzJson: {},
        gzProto: {},
      };
    }
    const choice = negotiate(parseAccept(req.headers.accept), [
      { type: 'application', subtype: OPENAPI_V2_PROTOBUF.split('/')[1] as string, params: {}, value: 'proto' as const },
      { type: 'application', subtype: OPENAPI_V2_PROTOBUF_DEPRECATED.split('/')[1] as string, params: {}, value: 'proto' as const },
      { type: 'application', subtype: 'json', params: {}, value: 'json' as const },
    ]);
    if (!choice) throw notAcceptable([OPENAPI_V2_PROTOBUF, 'application/json']);
    res.setHeader('ETag', this.v2.etag);
    res.setHeader('Vary', 'Accept');
    if (req.headers['if-none-match'] === this.v2.etag) {
      res.writeHead(304);
      res.end();
      return;
    }
    const v2 = this.v2;
    const enc = req.headers['accept-encoding'];
    if (choice === 'json') return writeCached(res, enc, 'application/json', v2.json, gzipOnce(v2.gzJson, () => v2.json));
    writeCached(res, enc, OPENAPI_V2_PROTOBUF, v2.proto, gzipOnce(v2.gzProto, () => v2.proto));
  }

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
    writeCached(res, req.headers['accept-encoding'], 'application/json', Buffer.from(d.body), gzipOnce(d, () => Buffer.from(d.body)));
  }
}
