/**
 * Child process of durability.test.ts: writes to a SQLite store with 64 writes in flight
 * until it is killed, appending one line per acknowledged write to an ack log:
 *   <PUT|DELETE> <key> <revision> <sha256 of the value written, or '-'>
 * Each value ends with the SHA-256 of the bytes before it, so a half-written value is
 * detectable. Usage: durability-child.ts <db path> <ack log> <namespace>
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import { SqliteStore } from './sqlite-store.js';

/** A value of random length whose last 32 bytes are the SHA-256 of the rest. */
export function makeValue(label: string): Uint8Array {
  const body = Buffer.concat([Buffer.from(`${label}\n`), randomBytes(randomInt(16, 4096))]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** True when the value's trailing checksum matches its body. */
export function valueIsWhole(value: Uint8Array): boolean {
  if (value.length < 32) return false;
  const body = value.subarray(0, value.length - 32);
  return Buffer.from(value.subarray(value.length - 32)).equals(createHash('sha256').update(body).digest());
}

export function sha256(value: Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}

async function main(): Promise<void> {
  const [path, ackPath, ns] = process.argv.slice(2);
  if (!path || !ackPath || !ns) throw new Error('usage: durability-child.ts <db> <ack log> <namespace>');
  const store = await SqliteStore.open({ path, autoCompaction: false });
  const ack = openSync(ackPath, 'a');
  const worker = async (w: number) => {
    const revs: Array<number | undefined> = [undefined, undefined, undefined, undefined];
    for (let seq = 0; ; seq++) {
      const j = randomInt(revs.length);
      const key = `/dur/${ns}/${w}/${j}`;
      const rev = revs[j];
      if (rev !== undefined && randomInt(10) === 0) {
        const kv = await store.delete(key, rev);
        revs[j] = undefined;
        // The deletion's own revision is not returned by delete(); current revision >= it.
        writeSync(ack, `DELETE ${key} ${kv.modRevision} -\n`);
        continue;
      }
      const value = makeValue(`${key} ${seq}`);
      const kv = rev === undefined ? await store.create(key, value) : await store.update(key, value, rev);
      revs[j] = kv.modRevision;
      // One write(2) per line: a SIGKILL cannot split it.
      writeSync(ack, `PUT ${key} ${kv.modRevision} ${sha256(value)}\n`);
    }
  };
  await Promise.all(Array.from({ length: 64 }, (_, w) => worker(w)));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
