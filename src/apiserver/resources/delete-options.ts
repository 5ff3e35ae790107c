import type { IncomingMessage } from 'node:http';
import { DeleteOptionsSchema, type DeleteOptions } from '../../api/meta/v1/index.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { decodeObject } from '../../api/schema/protobuf.js';
import type { RequestInfo } from '../types.js';
import { parseJsonObject, readBody, PROTOBUF_TYPE } from './body.js';
import { badRequest } from './errors.js';
import { parseMediaType } from './media-type.js';
import { decodeEnvelope } from '../../machinery/protobuf-envelope.js';

/** A KindSpec wrapper so the schema codec can decode DeleteOptions bodies. */
export const DELETE_OPTIONS_SPEC = {
  group: 'meta.k8s.io',
  version: 'v1',
  kind: 'DeleteOptions',
  plural: 'deleteoptions',
  singular: 'deleteoptions',
  namespaced: false,
  schema: DeleteOptionsSchema,
  printerColumns: [],
} as unknown as KindSpec;

/**
 * DeleteOptions from the body (JSON, or protobuf from typed clients) and the query
 * (gracePeriodSeconds, propagationPolicy, orphanDependents, dryRun); 400 on bad values.
 */
export async function readDeleteOptions(req: IncomingMessage, info: RequestInfo, maxBytes: number): Promise<DeleteOptions> {
  const body = await readBody(req, maxBytes);
  let opts: DeleteOptions = {};
  if (body.length > 0) {
    const type = parseMediaType(req.headers['content-type'] ?? 'application/json').type;
    if (type === PROTOBUF_TYPE) {
      opts = decodeDeleteOptionsProtobuf(body);
    } else {
      opts = parseJsonObject(body.toString('utf8'), 'DeleteOptions') as DeleteOptions;
    }
  }
  const q = info.query;
  const grace = q.get('gracePeriodSeconds');
  if (grace !== null && grace !== '') {
    const n = Number(grace);
    if (!Number.isSafeInteger(n)) throw badRequest(`gracePeriodSeconds: Invalid value: "${grace}"`);
    opts.gracePeriodSeconds = n;
  }
  const pp = q.get('propagationPolicy');
  if (pp) opts.propagationPolicy = pp;
  const od = q.get('orphanDependents');
  if (od === 'true' || od === 'false') opts.orphanDependents = od === 'true';
  const dry = q.getAll('dryRun');
  if (dry.length > 0) opts.dryRun = dry;
  if (opts.gracePeriodSeconds !== undefined && (typeof opts.gracePeriodSeconds !== 'number' || !Number.isSafeInteger(opts.gracePeriodSeconds))) {
    throw badRequest('gracePeriodSeconds must be an integer');
  }
  if (opts.orphanDependents !== undefined && opts.propagationPolicy !== undefined) {
    throw badRequest('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + String(opts.propagationPolicy) + '": orphanDependents and deletionPropagation cannot be both set');
  }
  if (opts.propagationPolicy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(String(opts.propagationPolicy))) {
    throw badRequest(`propagationPolicy: Unsupported value: "${String(opts.propagationPolicy)}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  if (opts.dryRun !== undefined && (!Array.isArray(opts.dryRun) || opts.dryRun.some((d) => d !== 'All'))) {
    throw badRequest('dryRun: Unsupported value: supported values: "All"');
  }
  if (opts.preconditions !== undefined && (opts.preconditions === null || typeof opts.preconditions !== 'object')) {
    throw badRequest('preconditions must be an object');
  }
  return opts;
}

function decodeDeleteOptionsProtobuf(body: Buffer): DeleteOptions {
  try {
    return decodeObject(DELETE_OPTIONS_SPEC, decodeEnvelope(body).raw) as DeleteOptions;
  } catch (err) {
    throw badRequest(`unable to decode DeleteOptions: ${err instanceof Error ? err.message : String(err)}`);
  }
}
