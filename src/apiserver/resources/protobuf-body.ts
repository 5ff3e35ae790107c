import type { KindSpec } from '../../api/schema/dsl.js';
import { decodeObject } from '../../api/schema/protobuf.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { badRequest } from './errors.js';
import { apiVersionOf } from '../../api/registry.js';
import protobuf from 'protobufjs/minimal.js';

const { Reader } = protobuf;

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** What the `k8s\0` envelope (a runtime.Unknown) carries. */
interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

function readEnvelope(bytes: Uint8Array): Unknown {
  if (bytes.length < 4 || MAGIC.some((b, i) => bytes[i] !== b)) throw badRequest('protobuf body does not start with the k8s\\0 prefix');
  const r = Reader.create(bytes.subarray(4));
  const out: Unknown = { apiVersion: '', kind: '', raw: new Uint8Array() };
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 2) {
      const end = r.uint32() + r.pos;
      while (r.pos < end) {
        const t2 = r.uint32();
        if ((t2 >>> 3) === 1 && (t2 & 7) === 2) out.apiVersion = r.string();
        else if ((t2 >>> 3) === 2 && (t2 & 7) === 2) out.kind = r.string();
        else r.skipType(t2 & 7);
      }
    } else if (field === 2 && (tag & 7) === 2) out.raw = r.bytes();
    else r.skipType(tag & 7);
  }
  return out;
}

/** Decodes an `application/vnd.kubernetes.protobuf` body (envelope + the kind's message). */
export function decodeProtobufBody(spec: KindSpec, bytes: Uint8Array): KubeObject {
  let env: Unknown;
  try {
    env = readEnvelope(bytes);
  } catch (err) {
    if (err instanceof Error && err.name === 'ApiError') throw err;
    throw badRequest(`unable to decode protobuf envelope: ${err instanceof Error ? err.message : String(err)}`);
  }
  const want = apiVersionOf(spec);
  if (env.apiVersion && env.apiVersion !== want) {
    throw badRequest(`the API version in the data (${env.apiVersion}) does not match the expected API version (${want})`);
  }
  if (env.kind && env.kind !== spec.kind) {
    throw badRequest(`the kind in the data (${env.kind}) does not match the expected kind (${spec.kind})`);
  }
  return decodeObject(spec, env.raw) as KubeObject;
}
