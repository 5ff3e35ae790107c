/**
 * Public face of the storage layer: the `Store` contract, its errors, and `openStore`,
 * which picks a backend from configuration.
 */
import type { Store } from './store.js';
import type { SqliteStoreConfig as SqliteOptions } from './sqlite/sqlite-store.js';
import type { EtcdStoreConfig as EtcdOptions } from './etcd/etcd-store.js';
import type { ValueTransformer } from './encryption/transformer.js';

export type { KeyValue, ListOptions, ListResult, Store, WatchEvent, Watcher } from './store.js';
export {
  AlreadyExistsError,
  CompactedError,
  ConflictError,
  FutureRevisionError,
  NotFoundError,
  StorageError,
  StoreClosedError,
} from './errors.js';

/** Encryption at rest (`--encryption-provider-config`): values of covered keys are stored encrypted. */
interface EncryptionOption {
  encryption?: ValueTransformer;
}

export interface SqliteStoreConfig extends SqliteOptions, EncryptionOption {
  backend: 'sqlite';
}

export interface EtcdStoreConfig extends EtcdOptions, EncryptionOption {
  backend: 'etcd';
}

export type StoreConfig = SqliteStoreConfig | EtcdStoreConfig;

/** Opens (and for SQLite, creates or recovers) a store. The caller must `close()` it. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const { encryption, ...backendConfig } = config;
  const store = await openBackend(backendConfig);
  if (!encryption) return store;
  const { EncryptingStore } = await import('./encryption/encrypting-store.js');
  return new EncryptingStore({ store, transformer: encryption });
}

async function openBackend(config: StoreConfig): Promise<Store> {
  switch (config.backend) {
    case 'sqlite': {
      const { SqliteStore } = await import('./sqlite/sqlite-store.js');
      const { backend: _backend, ...options } = config;
      return SqliteStore.open(options);
    }
    case 'etcd': {
      const { EtcdStore } = await import('./etcd/etcd-store.js');
      const { backend: _backend, ...options } = config;
      return EtcdStore.open(options);
    }
    default: {
      const never: never = config;
      throw new Error(`unknown storage backend: ${JSON.stringify(never)}`);
    }
  }
}
