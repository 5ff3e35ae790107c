import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn } from '../../meta/v1/index.js';
import { humanDuration } from '../../meta/v1/printing.js';
import { validateCertificateSigningRequest, validateCsrStatus, type CsrStatus } from './csr-validation.js';

/** The signers kube-controller-manager's csrsigning controller issues for. */
export const SIGNER_KUBE_APISERVER_CLIENT = 'kubernetes.io/kube-apiserver-client';
export const SIGNER_KUBE_APISERVER_CLIENT_KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';
export const SIGNER_KUBELET_SERVING = 'kubernetes.io/kubelet-serving';
export const SIGNER_LEGACY_UNKNOWN = 'kubernetes.io/legacy-unknown';

export const CertificateSigningRequestConditionSchema = object('CertificateSigningRequestCondition', 'A condition of a certificate signing request.', {
  type: f(1, t.string(), 'Approved, Denied, Failed, or a custom type.', { required: true }),
  status: f(6, t.string(), 'True, False or Unknown (Approved, Denied and Failed are always True).', { required: true }),
  reason: f(2, t.string(), 'A brief machine-readable reason.'),
  message: f(3, t.string(), 'A human-readable message.'),
  lastUpdateTime: f(4, t.time(), 'When the condition was last updated.'),
  lastTransitionTime: f(5, t.time(), 'When the condition last changed status (the server sets it when left empty).'),
});
export type CertificateSigningRequestCondition = Infer<typeof CertificateSigningRequestConditionSchema>;

export const CertificateSigningRequestSpecSchema = object('CertificateSigningRequestSpec', 'The certificate request and who made it.', {
  request: f(1, t.bytes(), 'A PKCS#10 request in a "CERTIFICATE REQUEST" PEM block (base64 again in JSON).', { required: true }),
  signerName: f(7, t.string(), 'The signer asked to issue the certificate, e.g. kubernetes.io/kube-apiserver-client.', { required: true }),
  expirationSeconds: f(8, t.int32(), 'The validity asked for (at least 600); the signer may issue a shorter one.', { pointer: true }),
  usages: f(5, t.list(t.string(), { listType: 'atomic' }), 'Key usages asked for, e.g. "client auth", "digital signature".'),
  username: f(2, t.string(), 'The requesting user (set by the API server).'),
  uid: f(3, t.string(), 'The requesting user’s UID (set by the API server).'),
  groups: f(4, t.list(t.string(), { listType: 'atomic' }), 'The requesting user’s groups (set by the API server).'),
  extra: f(6, t.map(t.list(t.string())), 'Extra attributes of the requesting user (set by the API server).'),
});

export const CertificateSigningRequestStatusSchema = object('CertificateSigningRequestStatus', 'Approval and the issued certificate.', {
  conditions: f(1, t.list(t.object(() => CertificateSigningRequestConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Approved, Denied, Failed and custom conditions.'),
  certificate: f(2, t.bytes(), 'The issued certificate chain, PEM (base64 again in JSON).'),
}, { validate: (status: CsrStatus, path: string, old?: CsrStatus): SchemaFieldError[] => validateCsrStatus(status, path, old) });

export const CertificateSigningRequestSchema = object('CertificateSigningRequest', 'A request for an X.509 certificate, approved and then issued by a signer.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => CertificateSigningRequestSpecSchema), 'The request, immutable after creation.', { required: true }),
  status: f(3, t.object(() => CertificateSigningRequestStatusSchema), 'Approval conditions and the issued certificate.'),
});
export type CertificateSigningRequest = Infer<typeof CertificateSigningRequestSchema>;

/** Whether the request carries a condition of `type` (Approved, Denied, Failed). */
export function hasCondition(csr: CertificateSigningRequest, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type);
}

/** The CONDITION column, as kubectl's printer words it: Pending/Approved/Denied, then ,Failed and ,Issued. */
export function csrConditionCell(csr: CertificateSigningRequest): string {
  let cell = hasCondition(csr, 'Denied') ? 'Denied' : hasCondition(csr, 'Approved') ? 'Approved' : 'Pending';
  if (hasCondition(csr, 'Failed')) cell += ',Failed';
  if (csr.status?.certificate) cell += ',Issued';
  return cell;
}

export const CertificateSigningRequestKind = kind<CertificateSigningRequest>({
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  shortNames: ['csr'],
  namespaced: false,
  schema: CertificateSigningRequestSchema,
  protoName: 'k8s.io.api.certificates.v1.CertificateSigningRequest',
  subresources: { status: true },
  hasGeneration: false,
  validate: (csr, old) => validateCertificateSigningRequest(csr, old),
  fieldSelectors: { 'spec.signerName': (csr) => csr.spec?.signerName ?? '' },
  printerColumns: [
    ageColumn<CertificateSigningRequest>(),
    { name: 'SignerName', type: 'string', description: 'The signer asked to issue the certificate.', value: (csr) => csr.spec?.signerName ?? '' },
    { name: 'Requestor', type: 'string', description: 'Who asked for it.', value: (csr) => csr.spec?.username ?? '' },
    {
      name: 'RequestedDuration',
      type: 'string',
      description: 'The validity asked for.',
      value: (csr) => (csr.spec?.expirationSeconds == null ? '<none>' : humanDuration(csr.spec.expirationSeconds * 1000)),
    },
    { name: 'Condition', type: 'string', description: 'Pending, Approved or Denied; Failed; Issued.', value: (csr) => csrConditionCell(csr) },
  ],
});
