import { apiVersionOf } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { decodeObject } from '../../api/schema/protobuf.js';
import { decodeEnvelope, type ProtobufEnvelope } from '../../machinery/protobuf-envelope.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { badRequest } from './errors.js';

/** Decodes the `k8s\0` envelope (runtime.Unknown); 400 when it is not one. */
export function readEnvelope(bytes: Uint8Array): ProtobufEnvelope {
  try {
    return decodeEnvelope(bytes);
  } catch (err) {
    throw badRequest(`unable to decode protobuf body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Decodes an `application/vnd.kubernetes.protobuf` body (envelope + the kind's message). */
export function decodeProtobufBody(spec: KindSpec, bytes: Uint8Array): KubeObject {
  const env = readEnvelope(bytes);
  const want = apiVersionOf(spec);
  if (env.apiVersion && env.apiVersion !== want) {
    throw badRequest(`the API version in the data (${env.apiVersion}) does not match the expected API version (${want})`);
  }
  if (env.kind && env.kind !== spec.kind) {
    throw badRequest(`the kind in the data (${env.kind}) does not match the expected kind (${spec.kind})`);
  }
  try {
    return decodeObject(spec, env.raw) as KubeObject;
  } catch (err) {
    throw badRequest(`unable to decode protobuf body: ${err instanceof Error ? err.message : String(err)}`);
  }
}
