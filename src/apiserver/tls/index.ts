/** TLS and PKI: the cluster CA, serving and client certificates. */
export {
  createCa,
  loadCa,
  issueClientCertificate,
  issueServerCertificate,
  serverCertificateFits,
  canonicalIp,
  type CertificateAuthority,
  type CertAndKey,
  type Sans,
} from './pki.js';
export { ensurePki, ADMIN_USER, ADMIN_GROUPS, type PkiFiles } from './pki-files.js';
export { writeSecretFile, readOptional } from './files.js';
