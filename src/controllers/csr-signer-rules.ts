import { SIGNER_KUBE_APISERVER_CLIENT, SIGNER_KUBE_APISERVER_CLIENT_KUBELET, SIGNER_KUBELET_SERVING } from '../api/certificates/v1/index.js';
import type { CertificateRequest } from '../machinery/certificate-request.js';

const NODE_PREFIX = 'system:node:';

/**
 * What each Kubernetes signer requires of a request before it issues (upstream's signer
 * validation), worded as upstream words the Failed condition; undefined when it may issue.
 */
export function checkSignerRules(signer: string, r: CertificateRequest, usages: readonly string[]): string | undefined {
  switch (signer) {
    case SIGNER_KUBE_APISERVER_CLIENT:
      return clientUsages(usages);
    case SIGNER_KUBE_APISERVER_CLIENT_KUBELET:
      return kubeletClient(r, usages);
    case SIGNER_KUBELET_SERVING:
      return kubeletServing(r, usages);
    default:
      return `unsupported signer ${signer}`;
  }
}

/** validAPIServerClientUsages: client auth, optionally digital signature and key encipherment. */
function clientUsages(usages: readonly string[]): string | undefined {
  for (const u of usages) {
    if (u !== 'client auth' && u !== 'digital signature' && u !== 'key encipherment') return `invalid usage for client certificate: ${u}`;
  }
  return usages.includes('client auth') ? undefined : 'missing required usage for client certificate: client auth';
}

const exactlyNodes = (r: CertificateRequest): boolean => r.organizations.length === 1 && r.organizations[0] === 'system:nodes';

/** The usages a kubelet certificate must ask for: `required` plus digital signature, key encipherment optional. */
function usagesMatch(usages: readonly string[], required: string): boolean {
  const allowed = new Set(['digital signature', 'key encipherment', required]);
  return usages.includes(required) && usages.every((u) => allowed.has(u));
}

/** ValidateKubeletClientCSR: a node's client certificate names the node and nothing else. */
function kubeletClient(r: CertificateRequest, usages: readonly string[]): string | undefined {
  if (!exactlyNodes(r)) return 'subject organization is not system:nodes';
  if (r.dnsNames.length > 0) return 'DNS subjectAltNames are not allowed';
  if (r.emailAddresses.length > 0) return 'Email subjectAltNames are not allowed';
  if (r.ipAddresses.length > 0) return 'IP subjectAltNames are not allowed';
  if (r.uris.length > 0) return 'URI subjectAltNames are not allowed';
  if (!r.commonName.startsWith(NODE_PREFIX)) return `subject common name does not begin with ${NODE_PREFIX}`;
  if (!usagesMatch(usages, 'client auth')) return 'usages did not match [digital signature key encipherment client auth]';
  return undefined;
}

/** isKubeletServing: a node's serving certificate, with DNS or IP names only. */
function kubeletServing(r: CertificateRequest, usages: readonly string[]): string | undefined {
  if (!exactlyNodes(r)) return 'subject organization is not system:nodes';
  if (r.dnsNames.length === 0 && r.ipAddresses.length === 0) return 'DNS or IP subjectAltName is required';
  if (r.emailAddresses.length > 0) return 'Email subjectAltNames are forbidden';
  if (r.uris.length > 0) return 'URI subjectAltNames are forbidden';
  if (!r.commonName.startsWith(NODE_PREFIX)) return `subject common name does not begin with ${NODE_PREFIX}`;
  if (!usagesMatch(usages, 'server auth')) return 'usages did not match [digital signature key encipherment server auth]';
  return undefined;
}
