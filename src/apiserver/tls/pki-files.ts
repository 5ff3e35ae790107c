/**
 * The PKI as files in the data directory (`<dataDir>/tls/`): `ca.crt`/`ca.key` made on
 * first start; `server.crt`/`server.key` re-issued when the wanted SANs change, the CA
 * changes or expiry is near; `admin.crt`/`admin.key` for the admin kubeconfig. Private
 * keys are written 0600.
 */
import { join } from 'node:path';
import { readOptional, writeSecretFile } from './files.js';
import {
  createCa,
  issueClientCertificate,
  issueServerCertificate,
  loadCa,
  serverCertificateFits,
  type CertAndKey,
  type CertificateAuthority,
  type Sans,
} from './pki.js';
import { X509Certificate as NodeX509 } from 'node:crypto';

export interface PkiFiles {
  ca: CertificateAuthority;
  server: CertAndKey;
  admin: CertAndKey;
  /** The API server's identity towards kubelets (logs, exec, attach, port-forward). */
  kubeletClient: CertAndKey;
  /** True when the server certificate was (re)issued during this call. */
  serverIssued: boolean;
}

export const ADMIN_USER = 'admin';
export const ADMIN_GROUPS = ['system:masters'];
/** As kubeadm names the API server's kubelet client certificate. */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';

/** Loads the PKI under `tlsDir`, creating or renewing what is missing or unfit. */
export async function ensurePki(tlsDir: string, sans: Sans, now = new Date()): Promise<PkiFiles> {
  const caCrt = join(tlsDir, 'ca.crt');
  const caKey = join(tlsDir, 'ca.key');
  let ca: CertificateAuthority;
  const existingCrt = readOptional(caCrt);
  const existingKey = readOptional(caKey);
  if (existingCrt && existingKey) {
    ca = await loadCa(existingCrt, existingKey);
  } else {
    ca = await createCa('skiff-ca', now);
    writeSecretFile(caKey, ca.keyPem);
    writeSecretFile(caCrt, ca.certPem);
  }

  const serverCrt = join(tlsDir, 'server.crt');
  const serverKey = join(tlsDir, 'server.key');
  let server: CertAndKey | undefined;
  const sc = readOptional(serverCrt);
  const sk = readOptional(serverKey);
  if (sc && sk && serverCertificateFits(sc, ca, sans, now)) server = { certPem: sc, keyPem: sk };
  const serverIssued = !server;
  if (!server) {
    server = await issueServerCertificate(ca, sans, now);
    writeSecretFile(serverKey, server.keyPem);
    writeSecretFile(serverCrt, server.certPem);
  }

  const admin = await ensureClientCertificate(tlsDir, 'admin', ca, { user: ADMIN_USER, groups: ADMIN_GROUPS }, now);
  const kubeletClient = await ensureClientCertificate(tlsDir, 'kubelet-client', ca, { user: KUBELET_CLIENT_USER, groups: ADMIN_GROUPS }, now);
  return { ca, server, admin, kubeletClient, serverIssued };
}

/** `<name>.crt`/`<name>.key`, re-issued when missing, from another CA or near expiry. */
async function ensureClientCertificate(tlsDir: string, name: string, ca: CertificateAuthority, who: { user: string; groups: string[] }, now: Date): Promise<CertAndKey> {
  const crt = join(tlsDir, `${name}.crt`);
  const key = join(tlsDir, `${name}.key`);
  const c = readOptional(crt);
  const k = readOptional(key);
  if (c && k && clientCertificateFits(c, ca, now)) return { certPem: c, keyPem: k };
  const issued = await issueClientCertificate(ca, { ...who, days: 365, now });
  writeSecretFile(key, issued.keyPem);
  writeSecretFile(crt, issued.certPem);
  return issued;
}

function clientCertificateFits(certPem: string, ca: CertificateAuthority, now: Date): boolean {
  try {
    const cert = new NodeX509(certPem);
    const caCert = new NodeX509(ca.certPem);
    return cert.checkIssued(caCert) && cert.verify(caCert.publicKey) && new Date(cert.validTo).getTime() - now.getTime() > 30 * 24 * 3600 * 1000;
  } catch {
    return false;
  }
}
