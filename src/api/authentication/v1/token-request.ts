import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';

export const BoundObjectReferenceSchema = object('BoundObjectReference', 'The object a token is bound to: it stops working when that object is gone.', {
  kind: f(1, t.string(), 'Kind of the referent: Pod or Secret.'),
  apiVersion: f(2, t.string(), 'API version of the referent.'),
  name: f(3, t.string(), 'Name of the referent.'),
  uid: f(4, t.string(), 'UID of the referent.'),
});

export const TokenRequestSpecSchema = object('TokenRequestSpec', 'What the token is for and how long it lives.', {
  audiences: f(1, t.list(t.string()), 'Who the token is for; empty: the API server.', { required: true }),
  expirationSeconds: f(4, t.int64(), 'Requested lifetime in seconds (at least 600; default 3600).'),
  boundObjectRef: f(3, t.object(() => BoundObjectReferenceSchema), 'An object the token is bound to.'),
});

export const TokenRequestStatusSchema = object('TokenRequestStatus', 'The issued token.', {
  token: f(1, t.string(), 'The opaque bearer token.', { required: true }),
  expirationTimestamp: f(2, t.time(), 'When the token expires.', { required: true }),
});

/** `kubectl create token <serviceaccount>` POSTs one of these to serviceaccounts/<name>/token. */
export const TokenRequestSchema = object('TokenRequest', 'Requests a token for a service account.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => TokenRequestSpecSchema), 'What the token is for.', { required: true }),
  status: f(3, t.object(() => TokenRequestStatusSchema), 'The issued token (filled in by the server).'),
});
export type TokenRequest = Infer<typeof TokenRequestSchema>;

export const TokenRequestKind = kind<TokenRequest>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenRequest',
  plural: 'token',
  singular: 'token',
  namespaced: true,
  verbs: ['create'],
  schema: TokenRequestSchema,
  protoName: 'k8s.io.api.authentication.v1.TokenRequest',
  printerColumns: [],
});
