import { X509Certificate } from 'node:crypto';
import {
  CertificateSigningRequestKind,
  hasCondition,
  SIGNER_KUBE_APISERVER_CLIENT,
  SIGNER_KUBE_APISERVER_CLIENT_KUBELET,
  SIGNER_KUBELET_SERVING,
  type CertificateSigningRequest,
} from '../api/certificates/v1/index.js';
import { controller } from '../client/controller.js';
import { isConflict, isNotFound } from '../client/status-error.js';
import { parseCertificateRequest, type CertificateRequest } from '../machinery/certificate-request.js';
import { loadCa, signRequestedCertificate, type CertificateAuthority } from '../apiserver/tls/pki.js';
import { EKU, KU } from '../apiserver/tls/cert-builder.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { checkSignerRules } from './csr-signer-rules.js';

/** kube-controller-manager's --cluster-signing-duration default: one year. */
export const DEFAULT_SIGNING_DURATION_MS = 365 * 24 * 3600 * 1000;
/** Certificates start a little in the past, for clocks behind ours (upstream's backdate). */
const BACKDATE_MS = 5 * 60 * 1000;
const SIGNERS = new Set([SIGNER_KUBE_APISERVER_CLIENT, SIGNER_KUBE_APISERVER_CLIENT_KUBELET, SIGNER_KUBELET_SERVING]);

/** The CA the csrsigning controller signs with (--cluster-signing-cert-file / --cluster-signing-key-file). */
export interface ClusterSigning {
  certPem: string;
  keyPem: string;
  /** Longest validity it issues (--cluster-signing-duration); default one year. */
  durationMs?: number;
}

/**
 * Upstream's csrsigning controller: an approved CertificateSigningRequest for one of the
 * Kubernetes signers (kube-apiserver-client, kube-apiserver-client-kubelet, kubelet-serving)
 * gets a certificate from the cluster CA, valid for its expirationSeconds (at most the
 * signing duration, never past the CA); one that breaks its signer's rules gets a Failed
 * condition instead. Denied, failed, issued and other signers' requests are left alone.
 * Runs only when the manager has the CA's key (`options.clusterSigning`).
 */
export const csrSigningController: ControllerDescriptor = {
  name: 'csrsigning',
  create: (ctx) => newCsrSigning(ctx),
};

export function newCsrSigning(ctx: ControllerContext): RunningController {
  const signing = (ctx.options as { clusterSigning?: ClusterSigning }).clusterSigning;
  if (!signing) {
    ctx.log.info('csrsigning: no cluster signing CA given, not issuing certificates');
    return { start: async () => {}, stop: async () => {} };
  }
  const informer = ctx.informers.informerFor<CertificateSigningRequest>(CertificateSigningRequestKind);
  const csrs = ctx.client.resource<CertificateSigningRequest>(CertificateSigningRequestKind);
  let ca: CertificateAuthority | undefined;
  const caNotAfter = new Date(new X509Certificate(signing.certPem).validTo).getTime();

  const reconcile = async (name: string) => {
    const csr = informer.indexer.get(name);
    if (!csr || !SIGNERS.has(csr.spec?.signerName ?? '') || csr.status?.certificate) return;
    if (!hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied') || hasCondition(csr, 'Failed')) return;
    let request: CertificateRequest;
    let problem: string | undefined;
    try {
      request = parseCertificateRequest(Buffer.from(csr.spec?.request ?? '', 'base64'));
      problem = checkSignerRules(csr.spec?.signerName ?? '', request, csr.spec?.usages ?? []);
    } catch (err) {
      request = undefined as never;
      problem = (err as Error).message;
    }
    const status = { ...(csr.status ?? {}) };
    if (problem) {
      const now = new Date(ctx.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      status.conditions = [...(status.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: problem, lastUpdateTime: now }];
    } else {
      ca ??= await loadCa(signing.certPem, signing.keyPem);
      status.certificate = Buffer.from(issue(ca, request, csr, ctx.clock.now(), signing.durationMs ?? DEFAULT_SIGNING_DURATION_MS, caNotAfter)).toString('base64');
    }
    try {
      await csrs.updateStatus({ ...csr, status });
      ctx.log.info(problem ? 'certificate signing request failed' : 'certificate issued', { csr: name, signer: csr.spec?.signerName, ...(problem ? { problem } : {}) });
    } catch (err) {
      // Changed or deleted meanwhile: the informer brings the new state back.
      if (isConflict(err) || isNotFound(err)) return;
      throw err;
    }
  };
  const c = controller('csrsigning', { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log }).watches(informer);
  return { start: () => c.start(), stop: () => c.stop() };
}

function issue(ca: CertificateAuthority, r: CertificateRequest, csr: CertificateSigningRequest, nowMs: number, maxMs: number, caNotAfterMs: number): string {
  const asked = csr.spec?.expirationSeconds;
  const ttl = asked != null ? Math.min(asked * 1000, maxMs) : maxMs;
  const usages = csr.spec?.usages ?? [];
  return signRequestedCertificate(ca, {
    subject: r.subject,
    publicKey: r.publicKey,
    sans: { dns: r.dnsNames, ips: r.ipAddresses, emails: r.emailAddresses, uris: r.uris },
    keyUsage: usages.flatMap((u) => (u === 'digital signature' || u === 'signing' ? [KU.digitalSignature] : u === 'key encipherment' ? [KU.keyEncipherment] : [])),
    extKeyUsage: usages.flatMap((u) => (u === 'client auth' ? [EKU.clientAuth] : u === 'server auth' ? [EKU.serverAuth] : [])),
    notBefore: new Date(nowMs - BACKDATE_MS),
    notAfter: new Date(Math.min(nowMs + ttl, caNotAfterMs)),
  });
}
