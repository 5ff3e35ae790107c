/** Parsing of Content-Type and Accept headers (media type plus parameters). */

export interface MediaType {
  /** e.g. 'application/json', lower case, without parameters. */
  type: string;
  params: Record<string, string>;
}

/** Parses one media type such as `application/json;as=Table;v=v1;g=meta.k8s.io`. */
export function parseMediaType(text: string): MediaType {
  const [head = '', ...rest] = text.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const k = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (k) params[k] = v;
  }
  return { type: head.trim().toLowerCase(), params };
}

/** Parses an Accept header into its media types, in the order given. */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseMediaType);
}

/** What the client asked the response to be. */
export type ResponseShape =
  | { as: 'object' }
  | { as: 'Table'; version: 'v1' | 'v1beta1' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1' };

/**
 * Picks the response shape from the Accept header, first acceptable entry first, as
 * kube-apiserver does: a Table or PartialObjectMetadata(List) of meta.k8s.io, else the
 * object itself (we always answer JSON; protobuf responses are never required since
 * every client also accepts JSON).
 */
export function responseShape(accept: string | undefined): ResponseShape {
  for (const m of parseAccept(accept)) {
    const as = m.params.as;
    if (as && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1')) {
      if (as === 'Table') return { as: 'Table', version: m.params.v };
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') {
        return { as: 'PartialObjectMetadata', version: m.params.v };
      }
      continue; // an `as` we do not serve: try the next entry
    }
    if (!as) return { as: 'object' };
  }
  return { as: 'object' };
}
