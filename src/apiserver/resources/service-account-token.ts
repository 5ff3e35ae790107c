import { TokenRequestKind } from '../../api/authentication/v1/token-request.js';
import { API_AUDIENCE, type ServiceAccountKeys } from '../authn/service-account-token.js';
import type { VerbArgs } from './context.js';
import { decodeBody, readBody } from './body.js';
import { invalid, statusError } from './errors.js';
import { invalid as invalidField } from '../../machinery/field-errors.js';
import { mustReadObject, readObject } from './object-store.js';
import { decodeProtobufBody } from './protobuf-body.js';
import { sendObject } from './respond.js';
import { rfc3339 } from './object-meta.js';

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

/**
 * POST serviceaccounts/<name>/token (TokenRequest, `kubectl create token`): a signed token
 * for an existing service account, for the requested audiences (default: this API
 * server) and lifetime (default 1 h, at least 10 min), optionally bound to a Pod or Secret
 * that must exist. Answers 201 with the TokenRequest and its status.token.
 */
export async function handleTokenRequest(a: VerbArgs, keys: ServiceAccountKeys | undefined): Promise<void> {
  const { info, spec, ctx, req } = a;
  if (info.verb !== 'create') throw statusError(405, 'MethodNotAllowed', `${info.verb} is not supported on resources of kind "serviceaccounts/token"`);
  if (!keys) throw statusError(404, 'NotFound', 'the server could not find the requested resource', {});
  const name = info.name as string;
  const body = decodeBody(await readBody(req, ctx.maxBodyBytes), req.headers['content-type'], TokenRequestKind, decodeProtobufBody);
  const { obj: sa } = await mustReadObject(ctx, spec, info.namespace, name);
  const reqSpec = (body.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } };
  const seconds = reqSpec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const tr = { group: 'authentication.k8s.io', kind: 'TokenRequest' };
  if (seconds < MIN_EXPIRATION_SECONDS) throw invalid(tr, name, [invalidField('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes')]);
  if (seconds > MAX_EXPIRATION_SECONDS) throw invalid(tr, name, [invalidField('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds')]);
  const audiences = reqSpec.audiences && reqSpec.audiences.length > 0 ? reqSpec.audiences : [API_AUDIENCE];
  let bound: { kind: string; name: string; uid: string } | undefined;
  const ref = reqSpec.boundObjectRef;
  if (ref) {
    const kind = ref.kind ?? '';
    const target = kind === 'Pod' || kind === 'Secret' ? ctx.registry.byApiVersionKind('v1', kind) : undefined;
    if (!target) throw badBinding(name, `cannot bind token for serviceaccount "${name}" to object of kind "${kind}"`);
    const got = await readObject(ctx, target, info.namespace, ref.name ?? '');
    if (!got) throw statusError(404, 'NotFound', `${kind.toLowerCase()}s "${ref.name ?? ''}" not found`, { name: ref.name ?? '', kind: `${kind.toLowerCase()}s` });
    if (ref.uid && ref.uid !== got.obj.metadata?.uid) throw statusError(409, 'Conflict', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    bound = { kind, name: ref.name ?? '', uid: String(got.obj.metadata?.uid ?? '') };
  }
  const issuedAt = Math.floor(ctx.now().getTime() / 1000);
  const expiresAt = issuedAt + seconds;
  const token = keys.issue({ namespace: info.namespace ?? '', name, uid: String(sa.metadata?.uid ?? ''), audiences, issuedAt, expiresAt, ...(bound ? { bound } : {}) });
  sendObject(a, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: info.namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds: seconds, boundObjectRef: ref ?? null },
    status: { token, expirationTimestamp: rfc3339(new Date(expiresAt * 1000)) },
  });
}

function badBinding(name: string, message: string) {
  return statusError(400, 'BadRequest', message, { name });
}
