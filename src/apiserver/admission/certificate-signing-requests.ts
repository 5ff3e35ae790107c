import type { CertificateSigningRequest, CertificateSigningRequestCondition } from '../../api/certificates/v1/index.js';
import { SIGNER_KUBE_APISERVER_CLIENT } from '../../api/certificates/v1/index.js';
import { parseCertificateRequest } from '../../machinery/certificate-request.js';
import type { Authorizer } from '../authz/authorizer.js';
import type { UserInfo } from '../types.js';
import { forbidden } from '../resources/errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';
import type { KubeObject } from '../watch-cache/cached-object.js';

const isCsr = (attrs: AdmissionAttributes): boolean => attrs.spec.group === 'certificates.k8s.io' && attrs.spec.plural === 'certificatesigningrequests';
const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/**
 * What upstream's CertificateSigningRequest strategies do before validation: a new
 * request records who asked (username, uid, groups: clients cannot claim to be someone
 * else), the spec never changes afterwards, a `/status` write (the signer's) cannot add
 * or drop Approved/Denied (that is `/approval`'s), and conditions get their
 * lastUpdateTime and lastTransitionTime when the writer left them empty.
 */
export const csrStrategy: AdmissionPlugin = {
  name: 'CertificateSigningRequestStrategy',
  admit(attrs, obj, old) {
    if (!isCsr(attrs) || !obj) return;
    const csr = obj as CertificateSigningRequest;
    if (attrs.operation === 'CREATE') {
      const spec = (csr.spec ??= {} as NonNullable<CertificateSigningRequest['spec']>);
      spec.username = attrs.user.name;
      if (attrs.user.uid) spec.uid = attrs.user.uid;
      else delete spec.uid;
      if (attrs.user.groups.length > 0) spec.groups = [...attrs.user.groups];
      else delete spec.groups;
      delete spec.extra;
      delete csr.status;
      return;
    }
    if (attrs.operation !== 'UPDATE' || !old) return;
    const before = old as CertificateSigningRequest;
    csr.spec = before.spec;
    if (attrs.subresource === 'status') {
      for (const type of ['Approved', 'Denied']) keepConditionsOf(csr, before, type);
    }
    stampConditions(csr, before, new Date());
  },
};

function keepConditionsOf(csr: CertificateSigningRequest, old: CertificateSigningRequest, type: string): void {
  const others = (csr.status?.conditions ?? []).filter((c) => c.type !== type);
  const kept = (old.status?.conditions ?? []).filter((c) => c.type === type);
  if (others.length + kept.length === 0 && !csr.status?.conditions) return;
  (csr.status ??= {}).conditions = [...others, ...kept];
}

/** populateConditionTimestamps: empty times become now, or the old transition time of the same type and status. */
function stampConditions(csr: CertificateSigningRequest, old: CertificateSigningRequest, now: Date): void {
  for (const c of csr.status?.conditions ?? []) {
    c.lastUpdateTime ||= rfc3339(now);
    if (!c.lastTransitionTime) {
      const same = (old.status?.conditions ?? []).find((o: CertificateSigningRequestCondition) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = same?.lastTransitionTime ?? rfc3339(now);
    }
  }
}

/** certificates.IsAuthorizedForSignerName: `verb` on signers/<name>, or on signers/<domain>/*. */
async function mayUseSigner(authorizer: Authorizer, user: UserInfo, verb: string, signerName: string): Promise<boolean> {
  const ask = async (name: string) =>
    (await authorizer.authorize({ user, verb, resourceRequest: true, path: '', apiGroup: 'certificates.k8s.io', resource: 'signers', name })).allowed;
  if (await ask(signerName)) return true;
  const domain = signerName.split('/')[0];
  return ask(`${domain}/*`);
}

/**
 * Upstream's three certificate admission plugins. CertificateApproval: approving or
 * denying (`/approval`) needs the `approve` verb on the signer. CertificateSigning:
 * setting the certificate (`/status`) needs `sign` on it. CertificateSubjectRestriction:
 * the kube-apiserver-client signer never issues for the system:masters group (whoever
 * approved it, a certificate in that group could not be revoked).
 */
export function certificateAdmission(deps: { authorizer: () => Authorizer }): AdmissionPlugin {
  return {
    name: 'CertificateApproval',
    async admit(attrs, obj, old) {
      if (!isCsr(attrs) || !obj) return;
      const csr = obj as CertificateSigningRequest;
      const signer = csr.spec?.signerName ?? '';
      if (attrs.operation === 'CREATE' && signer === SIGNER_KUBE_APISERVER_CLIENT) refuseMasters(attrs, csr);
      if (attrs.operation !== 'UPDATE') return;
      if (attrs.subresource === 'approval' && !(await mayUseSigner(deps.authorizer(), attrs.user, 'approve', signer))) {
        throw forbidden(attrs.spec, attrs.name, `user not permitted to approve requests with signerName "${signer}"`);
      }
      const changed = (csr.status?.certificate ?? '') !== ((old as KubeObject | undefined)?.status?.certificate ?? '');
      if (attrs.subresource === 'status' && changed && !(await mayUseSigner(deps.authorizer(), attrs.user, 'sign', signer))) {
        throw forbidden(attrs.spec, attrs.name, `user not permitted to sign requests with signerName "${signer}"`);
      }
    },
  };
}

function refuseMasters(attrs: AdmissionAttributes, csr: CertificateSigningRequest): void {
  let groups: string[];
  try {
    groups = parseCertificateRequest(Buffer.from(csr.spec?.request ?? '', 'base64')).organizations;
  } catch {
    return; // validation refuses it with the reason
  }
  if (groups.includes('system:masters')) {
    throw forbidden(attrs.spec, attrs.name, `use of ${SIGNER_KUBE_APISERVER_CLIENT} signer with system:masters group is not allowed`);
  }
}
