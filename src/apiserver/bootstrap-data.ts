/**
 * The data every server of one cluster must share — the CA, the service-account signing
 * key, the admin token — kept in the datastore, sealed with the cluster token, as k3s
 * does for `k3s server --token T --datastore-endpoint …`. The first server generates it
 * and stores it; every other server (and every restart) writes the stored copy into its
 * data dir before the PKI is loaded. Per-server files (serving certificate, client
 * certificates) are then issued locally from the shared CA.
 *
 * The key sits outside the Kubernetes key root (`/registry/`), so no API request or
 * watch cache ever sees it: `/bootstrap/<first 16 hex of sha256(token)>`.
 */
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Store } from '../storage/store.js';
import { AlreadyExistsError } from '../storage/errors.js';
import { open, seal, tokenKeyId, WrongTokenError } from './bootstrap-crypto.js';
import { readOptional, writeSecretFile } from './tls/files.js';
import { createCa } from './tls/pki.js';
import { ServiceAccountKeys } from './authn/service-account-token.js';

export { WrongTokenError } from './bootstrap-crypto.js';

/** Paths under the data dir that are the same on every server. */
export const SHARED_FILES = ['tls/ca.crt', 'tls/ca.key', 'tls/service-account.key', 'admin.token'] as const;

export const BOOTSTRAP_PREFIX = '/bootstrap/';

export interface BootstrapDataConfig {
  store: Store;
  dataDir: string;
  /** The cluster token (`--token`); the same on every server. */
  token: string;
  /** Creates whichever shared files are missing in the data dir (default: `generateSharedFiles`). */
  generate?: (dataDir: string) => Promise<void>;
}

/**
 * Makes the data dir hold the cluster's shared files. Resolves 'loaded' when they came
 * from the datastore, 'stored' when this server put its own there (first start). Safe
 * when several servers start at once: the key is created only if absent, and a server
 * that loses the race takes the winner's copy. Throws `WrongTokenError` when the stored
 * data was sealed with another token.
 */
export async function syncBootstrapData(cfg: BootstrapDataConfig): Promise<'loaded' | 'stored'> {
  const key = `${BOOTSTRAP_PREFIX}${tokenKeyId(cfg.token)}`;
  const existing = await cfg.store.get(key);
  if (existing) {
    writeFiles(cfg.dataDir, unpack(open(cfg.token, existing.value)));
    return 'loaded';
  }
  await refuseOtherToken(cfg.store, key);
  await (cfg.generate ?? generateSharedFiles)(cfg.dataDir);
  const sealed = seal(cfg.token, pack(readFiles(cfg.dataDir)));
  try {
    const created = await cfg.store.create(key, sealed);
    // Two servers with different tokens may both have found the store empty: the earlier write wins.
    const others = (await cfg.store.list(BOOTSTRAP_PREFIX)).items.filter((kv) => kv.key !== key && kv.createRevision < created.createRevision);
    if (others.length > 0) {
      await cfg.store.delete(key, created.modRevision).catch(() => {});
      throw otherTokenError();
    }
    return 'stored';
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    const winner = await cfg.store.get(key);
    if (!winner) throw new Error('bootstrap data was created by another server and then removed; start again', { cause: err });
    writeFiles(cfg.dataDir, unpack(open(cfg.token, winner.value)));
    return 'loaded';
  }
}

/** Creates the CA, the service-account key and the admin token where missing, as a lone server does. */
export async function generateSharedFiles(dataDir: string): Promise<void> {
  const caCrt = join(dataDir, 'tls', 'ca.crt');
  const caKey = join(dataDir, 'tls', 'ca.key');
  if (!readOptional(caCrt) || !readOptional(caKey)) {
    const ca = await createCa('skiff-ca');
    writeSecretFile(caKey, ca.keyPem);
    writeSecretFile(caCrt, ca.certPem);
  }
  ServiceAccountKeys.loadOrCreate(join(dataDir, 'tls', 'service-account.key'));
  const tokenPath = join(dataDir, 'admin.token');
  if (!readOptional(tokenPath)?.trim()) writeSecretFile(tokenPath, `${randomBytes(32).toString('base64url')}\n`);
}

async function refuseOtherToken(store: Store, key: string): Promise<void> {
  const found = await store.list(BOOTSTRAP_PREFIX, { limit: 2 });
  if (found.items.some((kv) => kv.key !== key)) throw otherTokenError();
}

function otherTokenError(): WrongTokenError {
  return new WrongTokenError('the datastore already holds a cluster created with a different token: pass the --token the first server was started with');
}

function readFiles(dataDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rel of SHARED_FILES) {
    const text = readOptional(join(dataDir, rel));
    if (text === undefined) throw new Error(`bootstrap: ${rel} missing in ${dataDir} after generation`);
    files[rel] = text;
  }
  return files;
}

/** Writes only what differs, so a restart with unchanged data touches nothing. */
function writeFiles(dataDir: string, files: Record<string, string>): void {
  for (const rel of SHARED_FILES) {
    const text = files[rel];
    if (text === undefined) throw new Error(`bootstrap: the stored data lacks ${rel}`);
    const path = join(dataDir, rel);
    if (readOptional(path) !== text) writeSecretFile(path, text);
  }
}

function pack(files: Record<string, string>): Uint8Array {
  return Buffer.from(JSON.stringify({ files }), 'utf8');
}

function unpack(plain: Buffer): Record<string, string> {
  const parsed = JSON.parse(plain.toString('utf8')) as { files?: Record<string, string> };
  if (!parsed.files || typeof parsed.files !== 'object') throw new Error('bootstrap: the stored data has no files');
  return parsed.files;
}
