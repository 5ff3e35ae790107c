import { generateName } from '../../machinery/names.js';
import { required } from '../../machinery/field-errors.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { decodeBody, readBody } from './body.js';
import { ApiError, invalid } from './errors.js';
import { recordCreator } from './managed-fields.js';
import { metaOf, stampCreate } from './object-meta.js';
import { createStored } from './object-store.js';
import { decodeProtobufBody } from './protobuf-body.js';
import { sendObject } from './respond.js';
import { checkNamespace, checkTypeMeta, handleUnknownFields, parseWriteOptions } from './write-options.js';
import { bridgeOf } from './versions.js';

/** Attempts at a fresh generated name when one collides. */
const GENERATE_NAME_ATTEMPTS = 5;

/**
 * POST: creates an object from a JSON, YAML or protobuf body. Defaults and validation
 * run in admission; `generateName` picks a fresh name; `dryRun=All` stores nothing.
 * A body in a version other than the stored one is converted after its creator's fields
 * are recorded (in the body's version) and before admission (on the stored form).
 */
export async function handleCreate(a: VerbArgs): Promise<void> {
  const { info, spec, ctx, req } = a;
  const bridge = bridgeOf(a);
  const opts = parseWriteOptions(info, req.headers['user-agent']);
  const body = await readBody(req, ctx.maxBodyBytes);
  const obj = decodeBody(body, req.headers['content-type'], spec, decodeProtobufBody);
  checkTypeMeta(obj, spec);
  checkNamespace(obj, spec, info.namespace);
  const warnings = handleUnknownFields(obj, spec, opts.fieldValidation, true);
  const meta = metaOf(obj);
  const wantsGenerated = (meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '';
  if (!wantsGenerated && (typeof meta.name !== 'string' || meta.name === '')) {
    throw invalid(spec, '', [required('metadata.name', 'name or generateName is required')]);
  }
  for (let attempt = 0; ; attempt++) {
    // The decoded body is ours; copy it only when a generated name collided and we retry.
    const candidate = attempt === 0 ? obj : (structuredClone(obj) as KubeObject);
    const cm = metaOf(candidate);
    if (wantsGenerated) cm.name = generateName(String(meta.generateName));
    const now = ctx.now();
    stampCreate(candidate, spec, { now, uid: ctx.newUid() });
    recordCreator(spec, candidate, opts.fieldManager, now);
    const stored = bridge.toStorage(candidate);
    const admitted = await ctx.admission.admit(
      // Converted: the storage version's defaults are still to apply.
      { operation: 'CREATE', spec: bridge.storage, namespace: info.namespace, name: String(cm.name), user: a.user, dryRun: opts.dryRun, defaulted: !bridge.converts },
      stored,
      undefined,
    );
    if (opts.dryRun) {
      sendObject(a, 201, bridge.toServed(stored), [...warnings, ...admitted]);
      return;
    }
    try {
      const created = await createStored(ctx, bridge.storage, stored);
      if (bridge.converts) sendObject(a, 201, bridge.toServed(created.obj), [...warnings, ...admitted]);
      else sendObject(a, 201, created.obj, [...warnings, ...admitted], created.json);
      return;
    } catch (err) {
      if (wantsGenerated && err instanceof ApiError && err.status.reason === 'AlreadyExists' && attempt + 1 < GENERATE_NAME_ATTEMPTS) continue;
      throw err;
    }
  }
}
