/**
 * Public face of the storage layer: the `Store` contract, its errors, and `openStore`,
 * which picks a backend from configuration.
 */
import type { Store } from './store.js';

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

export interface SqliteStoreConfig {
  backend: 'sqlite';
  /** Database file; created if missing. */
  path: string;
}

export interface EtcdStoreConfig {
  backend: 'etcd';
  /** e.g. ['https://127.0.0.1:2379']. */
  endpoints: string[];
  /** Prepended to every key, so several clusters can share one etcd (e.g. '/skiff-a'). */
  prefix?: string;
  /** PEM contents (not paths) of the CA and of the client certificate and key. */
  tls?: { ca?: string | Uint8Array; cert?: string | Uint8Array; key?: string | Uint8Array };
}

export type StoreConfig = SqliteStoreConfig | EtcdStoreConfig;

/** Opens (and for SQLite, creates or recovers) a store. The caller must `close()` it. */
export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.backend) {
    case 'sqlite': {
      const { SqliteStore } = await import('./sqlite/sqlite-store.js');
      return SqliteStore.open({ path: config.path });
    }
    case 'etcd': {
      const { EtcdStore } = await import('./etcd/etcd-store.js');
      return EtcdStore.open(config);
    }
    default: {
      const never: never = config;
      throw new Error(`unknown storage backend: ${JSON.stringify(never)}`);
    }
  }
}
