import { stringify } from 'yaml';
import { writeSecretFile } from './tls/files.js';

export interface KubeconfigParams {
  server: string;
  caPem: string;
  user: string;
  /** Client certificate credentials… */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** …or a bearer token. */
  token?: string;
  clusterName?: string;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A kubeconfig (clientcmd v1) that kubectl and client-node read unchanged. */
export function kubeconfigYaml(p: KubeconfigParams): string {
  const cluster = p.clusterName ?? 'skiff';
  const user: Record<string, string> = {};
  if (p.clientCertPem && p.clientKeyPem) {
    user['client-certificate-data'] = b64(p.clientCertPem);
    user['client-key-data'] = b64(p.clientKeyPem);
  }
  if (p.token) user.token = p.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: p.server, 'certificate-authority-data': b64(p.caPem) } }],
    contexts: [{ name: cluster, context: { cluster, user: p.user } }],
    'current-context': cluster,
    users: [{ name: p.user, user }],
    preferences: {},
  });
}

/** Writes a kubeconfig with mode 0600 (it holds credentials). */
export function writeKubeconfig(path: string, p: KubeconfigParams): void {
  writeSecretFile(path, kubeconfigYaml(p));
}
