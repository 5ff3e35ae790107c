import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * How to reach and authenticate to one API server, resolved from a kubeconfig: every file
 * reference is already read, every *-data field already base64-decoded.
 */
export interface ClusterConnection {
  /** Base URL, e.g. https://127.0.0.1:6443 (no trailing slash). */
  server: string;
  /** PEM CA bundle to trust; undefined = Node's default roots. */
  ca?: Buffer;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
  /** Bearer token (token, or the contents of tokenFile read at load time). */
  token?: string;
  /** Where the token came from, so long-lived clients can re-read a rotated token. */
  tokenFile?: string;
  username?: string;
  password?: string;
  insecureSkipTLSVerify?: boolean;
  /** SNI / verification name when it differs from the server's host. */
  tlsServerName?: string;
  /** The context's default namespace ('default' when unset). */
  namespace: string;
  /** The context that was used. */
  context: string;
}

export class KubeconfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeconfigError';
  }
}

/**
 * Which kubeconfig file to read: an explicit path wins; else the FIRST entry of
 * $KUBECONFIG (we do not merge the list as kubectl does — the first file must be
 * self-contained); else ~/.kube/config. `env` and `home` are injectable so tests never
 * look at the real home directory.
 */
export function resolveKubeconfigPath(options: { path?: string; env?: NodeJS.ProcessEnv; home?: string } = {}): string {
  if (options.path) return options.path;
  const env = options.env ?? process.env;
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p.trim() !== '');
  if (first) return first;
  return join(options.home ?? homedir(), '.kube', 'config');
}

/** Reads and resolves a kubeconfig file (see resolveKubeconfigPath and parseKubeconfig). */
export function loadKubeconfig(options: { path?: string; context?: string; env?: NodeJS.ProcessEnv; home?: string } = {}): ClusterConnection {
  const path = resolveKubeconfigPath(options);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseKubeconfig(text, { baseDir: dirname(resolve(path)), ...(options.context ? { context: options.context } : {}) });
}

type Dict = Record<string, unknown>;

/**
 * Resolves a kubeconfig document: the named context (or current-context) → its cluster
 * and user. Relative file paths resolve against baseDir (the kubeconfig's directory, as
 * client-go does). Throws KubeconfigError naming what is missing.
 */
export function parseKubeconfig(text: string, options: { baseDir?: string; context?: string } = {}): ClusterConnection {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new KubeconfigError(`kubeconfig is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (!isDict(doc)) throw new KubeconfigError('kubeconfig must be a YAML mapping');
  const baseDir = options.baseDir ?? process.cwd();
  const contextName = options.context ?? str(doc['current-context']);
  if (!contextName) throw new KubeconfigError('kubeconfig has no current-context and no context was given');
  const context = named(doc.contexts, contextName, 'context');
  const clusterName = str(context.cluster);
  if (!clusterName) throw new KubeconfigError(`context "${contextName}" names no cluster`);
  const cluster = named(doc.clusters, clusterName, 'cluster');
  const userName = str(context.user);
  const user = userName ? named(doc.users, userName, 'user') : {};

  const server = str(cluster.server)?.replace(/\/+$/, '');
  if (!server) throw new KubeconfigError(`cluster "${clusterName}" has no server`);
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw new KubeconfigError(`user "${userName}": exec and auth-provider credential plugins are not supported`);
  }

  const conn: ClusterConnection = { server, namespace: str(context.namespace) || 'default', context: contextName };
  const ca = dataOrFile(cluster, 'certificate-authority', baseDir);
  if (ca) conn.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) conn.insecureSkipTLSVerify = true;
  const sni = str(cluster['tls-server-name']);
  if (sni) conn.tlsServerName = sni;
  const cert = dataOrFile(user, 'client-certificate', baseDir);
  const key = dataOrFile(user, 'client-key', baseDir);
  if (cert && !key) throw new KubeconfigError(`user "${userName}" has a client certificate but no client key`);
  if (cert) conn.cert = cert;
  if (key) conn.key = key;
  const token = str(user.token);
  const tokenFile = str(user.tokenFile);
  if (token) conn.token = token;
  else if (tokenFile) {
    const path = abs(tokenFile, baseDir);
    conn.token = readOrThrow(path, 'tokenFile').toString('utf8').trim();
    conn.tokenFile = path;
  }
  const username = str(user.username);
  const password = str(user.password);
  if (username !== undefined && password !== undefined) {
    conn.username = username;
    conn.password = password;
  }
  return conn;
}

function named(list: unknown, name: string, what: string): Dict {
  if (!Array.isArray(list)) throw new KubeconfigError(`kubeconfig has no ${what}s list (looking for ${what} "${name}")`);
  const entry = list.find((e) => isDict(e) && e.name === name);
  const body = isDict(entry) ? entry[what] : undefined;
  if (!isDict(body)) throw new KubeconfigError(`${what} "${name}" not found in kubeconfig`);
  return body;
}

/** `<field>-data` (base64) wins over `<field>` (a file path), as in client-go. */
function dataOrFile(section: Dict, field: string, baseDir: string): Buffer | undefined {
  const data = str(section[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = str(section[field]);
  return file ? readOrThrow(abs(file, baseDir), field) : undefined;
}

function readOrThrow(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new KubeconfigError(`cannot read ${field} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function abs(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : join(baseDir, path);
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
