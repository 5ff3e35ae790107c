import type { KindSpec } from '../../schema/dsl.js';
import { CertificateSigningRequestKind } from './certificate-signing-request.js';

export * from './certificate-signing-request.js';

/** Every certificates.k8s.io/v1 kind, in the order discovery lists them. */
export const certificatesV1Kinds: readonly KindSpec[] = [CertificateSigningRequestKind];
