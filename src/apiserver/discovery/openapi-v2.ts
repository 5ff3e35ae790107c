/**
 * /openapi/v2 for the clients that still read it — kubectl 1.27 fetches it (as protobuf)
 * for client-side apply and `explain`, and newer kubectl falls back to it. Built from the
 * OpenAPI v3 documents: every component schema becomes a Swagger 2.0 definition (refs
 * rewritten to #/definitions, single-ref `allOf` wrappers unwrapped, `oneOf` scalars such
 * as IntOrString and Quantity given upstream's v2 form), with no paths (kubectl reads the
 * fieldValidation support from v3). Served as JSON or as gnostic's `openapi.v2.Document`
 * protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`), encoded here
 * with field numbers from gnostic's OpenAPIv2.proto.
 */
import protobuf from 'protobufjs/minimal.js';
import { stringify } from 'yaml';

const { Writer } = protobuf;
type W = InstanceType<typeof Writer>;
type Json = Record<string, unknown>;

/** What kubectl asks for; '@' is no valid token character, so Go's mime parser rejects it in a reply… */
export const OPENAPI_V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** …and kube-openapi answers with (and also accepts) this dotted form. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const V3_REF = '#/components/schemas/';

/** A Swagger 2.0 schema from an OpenAPI 3.0 one (the subset our generator emits). */
export function toV2Schema(s: Json): Json {
  const out: Json = {};
  const allOf = s['allOf'] as Json[] | undefined;
  if (allOf?.length === 1 && typeof allOf[0]?.['$ref'] === 'string' && s['type'] === undefined) {
    out['$ref'] = String(allOf[0]['$ref']).replace(V3_REF, '#/definitions/');
  } else if (allOf) {
    out['allOf'] = allOf.map(toV2Schema);
  }
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case 'allOf':
      case 'nullable':
      case '$schema':
        break;
      case '$ref':
        out['$ref'] = String(v).replace(V3_REF, '#/definitions/');
        break;
      case 'oneOf':
      case 'anyOf': {
        // v2 has no oneOf: upstream publishes IntOrString and Quantity as strings.
        const types = (v as Json[]).map((x) => x['type']);
        if (s['type'] === undefined && types.includes('string')) out['type'] = 'string';
        break;
      }
      case 'properties': {
        const props: Json = {};
        for (const [name, p] of Object.entries(v as Json)) props[name] = toV2Schema(p as Json);
        out[k] = props;
        break;
      }
      case 'items':
        out[k] = toV2Schema(v as Json);
        break;
      case 'additionalProperties':
        out[k] = typeof v === 'boolean' ? v : toV2Schema(v as Json);
        break;
      default:
        out[k] = v;
    }
  }
  return out;
}

/** A Swagger 2.0 document holding every definition of the given v3 documents. */
export function openApiV2Document(v3docs: readonly unknown[], version: string): Json {
  const definitions: Json = {};
  for (const doc of v3docs) {
    const schemas = ((doc as Json)['components'] as Json | undefined)?.['schemas'] as Json | undefined;
    for (const [name, schema] of Object.entries(schemas ?? {})) definitions[name] ??= toV2Schema(schema as Json);
  }
  const sorted: Json = {};
  for (const k of Object.keys(definitions).sort()) sorted[k] = definitions[k];
  return { swagger: '2.0', info: { title: 'Kubernetes', version }, paths: {}, definitions: sorted };
}

// --- protobuf (gnostic openapi.v2) ---

const str = (w: W, no: number, v: unknown): void => {
  if (typeof v === 'string' && v !== '') w.uint32((no << 3) | 2).string(v);
};
const dbl = (w: W, no: number, v: unknown): void => {
  if (typeof v === 'number') w.uint32((no << 3) | 1).double(v);
};
const int = (w: W, no: number, v: unknown): void => {
  if (typeof v === 'number') w.uint32(no << 3).int64(v);
};
const bool = (w: W, no: number, v: unknown): void => {
  if (v === true) w.uint32(no << 3).bool(true);
};
const msg = (w: W, no: number, body: (w: W) => void): void => {
  w.uint32((no << 3) | 2).fork();
  body(w);
  w.ldelim();
};
/** gnostic `Any`: the value as YAML text in field 2. */
const any = (w: W, no: number, v: unknown): void => msg(w, no, (a) => str(a, 2, stringify(v)));

const SCALAR_KEYS = new Set(['$ref', 'format', 'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'enum', 'additionalProperties', 'type', 'items', 'allOf', 'properties', 'readOnly', 'example']);

function encodeSchema(w: W, s: Json): void {
  str(w, 1, s['$ref']);
  str(w, 2, s['format']);
  str(w, 3, s['title']);
  str(w, 4, s['description']);
  if (s['default'] !== undefined) any(w, 5, s['default']);
  dbl(w, 6, s['multipleOf']);
  dbl(w, 7, s['maximum']);
  bool(w, 8, s['exclusiveMaximum']);
  dbl(w, 9, s['minimum']);
  bool(w, 10, s['exclusiveMinimum']);
  int(w, 11, s['maxLength']);
  int(w, 12, s['minLength']);
  str(w, 13, s['pattern']);
  int(w, 14, s['maxItems']);
  int(w, 15, s['minItems']);
  bool(w, 16, s['uniqueItems']);
  int(w, 17, s['maxProperties']);
  int(w, 18, s['minProperties']);
  for (const r of (s['required'] as string[] | undefined) ?? []) str(w, 19, r);
  for (const e of (s['enum'] as unknown[] | undefined) ?? []) any(w, 20, e);
  const ap = s['additionalProperties'];
  if (typeof ap === 'boolean') msg(w, 21, (a) => a.uint32(2 << 3).bool(ap));
  else if (ap && typeof ap === 'object') msg(w, 21, (a) => msg(a, 1, (x) => encodeSchema(x, ap as Json)));
  const type = s['type'];
  if (type !== undefined) msg(w, 22, (t) => { for (const v of Array.isArray(type) ? type : [type]) str(t, 1, v); });
  const items = s['items'];
  if (items && typeof items === 'object') msg(w, 23, (i) => { for (const it of Array.isArray(items) ? items : [items]) msg(i, 1, (x) => encodeSchema(x, it as Json)); });
  for (const a of (s['allOf'] as Json[] | undefined) ?? []) msg(w, 24, (x) => encodeSchema(x, a));
  const props = s['properties'] as Json | undefined;
  if (props) {
    msg(w, 25, (p) => {
      for (const [name, v] of Object.entries(props)) msg(p, 1, (n) => { str(n, 1, name); msg(n, 2, (x) => encodeSchema(x, v as Json)); });
    });
  }
  bool(w, 27, s['readOnly']);
  if (s['example'] !== undefined) any(w, 30, s['example']);
  for (const [k, v] of Object.entries(s)) {
    if (!k.startsWith('x-') || SCALAR_KEYS.has(k)) continue;
    msg(w, 31, (n) => { str(n, 1, k); any(n, 2, v); });
  }
}

/** The document as gnostic's openapi.v2.Document protobuf. */
export function encodeOpenApiV2(doc: Json): Uint8Array {
  const w = Writer.create();
  str(w, 1, doc['swagger']);
  const info = doc['info'] as Json;
  msg(w, 2, (i) => { str(i, 1, info['title']); str(i, 2, info['version']); });
  msg(w, 8, () => {});
  const defs = doc['definitions'] as Json;
  msg(w, 9, (d) => {
    for (const [name, s] of Object.entries(defs)) msg(d, 1, (n) => { str(n, 1, name); msg(n, 2, (x) => encodeSchema(x, s as Json)); });
  });
  return w.finish();
}
