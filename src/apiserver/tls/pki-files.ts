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
  /** True when the server certificate was (re)issued during this call. */
  serverIssued: boolean;
}

export const ADMIN_USER = 'admin';
export const ADMIN_GROUPS = ['system:masters'];

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

  const adminCrt = join(tlsDir, 'admin.crt');
  const adminKey = join(tlsDir, 'admin.key');
  let admin: CertAndKey | undefined;
  const ac = readOptional(adminCrt);
  const ak = readOptional(adminKey);
  if (ac && ak && clientCertificateFits(ac, ca, now)) admin = { certPem: ac, keyPem: ak };
  if (!admin) {
    admin = await issueClientCertificate(ca, { user: ADMIN_USER, groups: ADMIN_GROUPS, days: 365, now });
    writeSecretFile(adminKey, admin.keyPem);
    writeSecretFile(adminCrt, admin.certPem);
  }
  return { ca, server, admin, serverIssued };
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
