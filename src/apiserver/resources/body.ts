import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import type { KindSpec } from '../../api/schema/dsl.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { ApiError, badRequest, requestEntityTooLarge, unsupportedMediaType } from './errors.js';
import { parseMediaType } from './media-type.js';

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
const BODY_TYPES = [JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE];

/**
 * Reads the whole request body; 413 when it exceeds `maxBytes`, 400 when the stream
 * fails or closes early.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  // A Content-Length within the limit bounds the body (the HTTP parser enforces it), so
  // it cannot overflow: listen for 'data', cheaper than an async iterator per request.
  const declared = req.headers['content-length'];
  if (declared !== undefined && req.headers['transfer-encoding'] === undefined && /^\d+$/.test(declared) && Number(declared) <= maxBytes) {
    return readBoundedBody(req);
  }
  return readStreamedBody(req, maxBytes);
}

/** A body of declared length: every chunk until 'end'; 400 when the stream fails or closes early. */
function readBoundedBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    const stopWatching = finished(req, { writable: false }, (err) => {
      req.off('data', onData);
      stopWatching();
      if (err) reject(badRequest(`unable to read the request body: ${err.message}`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('data', onData);
  });
}

/** A body of unknown length (chunked): 413 as soon as it passes `maxBytes`. */
async function readStreamedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > maxBytes) {
        req.resume();
        throw requestEntityTooLarge(`the request body is larger than the limit of ${maxBytes} bytes`);
      }
      chunks.push(b);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest(`unable to read the request body: ${err instanceof Error ? err.message : String(err)}`);
  }
  return Buffer.concat(chunks);
}

/** Decodes a protobuf body (k8s\0 envelope) into a JSON object; provided by the schema engine. */
export type ProtobufDecoder = (spec: KindSpec, bytes: Uint8Array) => KubeObject;

/** Parses JSON text into an object, 400 on anything else (as the JSON serializer does). */
export function parseJsonObject(text: string, what = 'object'): KubeObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw badRequest(`the request body must be a JSON ${what}`);
  }
  return v as KubeObject;
}

/** Parses a single-document YAML body (JSON is YAML too) into an object. */
export function parseYamlObject(text: string): KubeObject {
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const real = list.filter((d) => d.contents !== null);
  if (real.length !== 1) throw badRequest('the request body must hold exactly one YAML document');
  const doc = real[0]!;
  if (doc.errors.length > 0) {
    throw badRequest(`error converting YAML to JSON: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
  }
  let v: unknown;
  try {
    v = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest('the request body must be a YAML mapping');
  // Round-trip through JSON so only JSON values remain (dates, big ints, etc. become JSON).
  return JSON.parse(JSON.stringify(v)) as KubeObject;
}

/**
 * Decodes a create/update body by its Content-Type: JSON, YAML, or Kubernetes protobuf.
 * 415 for any other type.
 */
export function decodeBody(body: Buffer, contentType: string | undefined, spec: KindSpec, protobuf?: ProtobufDecoder): KubeObject {
  const type = parseMediaType(contentType ?? JSON_TYPE).type || JSON_TYPE;
  if (type === JSON_TYPE || type === '*/*') return parseJsonObject(body.toString('utf8'));
  if (type === YAML_TYPE || type === 'application/x-yaml' || type === 'text/yaml') return parseYamlObject(body.toString('utf8'));
  if (type === PROTOBUF_TYPE) {
    if (!protobuf) throw unsupportedMediaType(type, BODY_TYPES);
    try {
      return protobuf(spec, body);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw badRequest(`unable to decode protobuf body: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw unsupportedMediaType(type, BODY_TYPES);
}
