/**
 * Throwaway PKI for TLS tests of the etcd backend: a CA, a server certificate for
 * 127.0.0.1/localhost and a client certificate, as PEM strings. Reuses the API server's
 * PKI code (test-only dependency) rather than a second certificate generator.
 */
import { createCa, issueClientCertificate, issueServerCertificate } from '../../apiserver/tls/pki.js';

export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export async function makeTestPki(): Promise<TestPki> {
  const ca = await createCa('skiff-etcd-test-ca');
  const server = await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] });
  const client = await issueClientCertificate(ca, { user: 'skiff-apiserver' });
  return { ca: ca.certPem, serverCert: server.certPem, serverKey: server.keyPem, clientCert: client.certPem, clientKey: client.keyPem };
}
