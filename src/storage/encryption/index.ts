/** Encryption at rest for the store: kube-apiserver's EncryptionConfiguration and k3s's `--secrets-encryption`. */
export { CONFIG_API_VERSION, EncryptionConfigError, ensureGeneratedEncryptionConfig, loadEncryptionConfig, parseEncryptionConfig, type EncryptionRule } from './config.js';
export { DecryptionError, EncryptionTransformer, type ValueTransformer } from './transformer.js';
export { EncryptingStore, type EncryptingStoreConfig } from './encrypting-store.js';

import { loadEncryptionConfig } from './config.js';
import { EncryptionTransformer } from './transformer.js';

/** The transformer of an `--encryption-provider-config` file; throws `EncryptionConfigError` naming the file and the problem. */
export function encryptionFromFile(path: string): EncryptionTransformer {
  return new EncryptionTransformer({ rules: loadEncryptionConfig(path) });
}
