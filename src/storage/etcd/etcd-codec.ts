/**
 * Mapping between skiff keys/values and etcd's byte keys, and etcd errors to storage errors.
 */
import type { IKeyValue } from 'etcd3';
import type { KeyValue } from '../store.js';
import { CompactedError, FutureRevisionError } from '../errors.js';

/** Keys under a cluster prefix, as etcd byte strings. */
export class KeyCodec {
  private readonly prefix: Buffer;

  constructor(prefix: string) {
    this.prefix = Buffer.from(prefix, 'utf8');
  }

  encode(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key, 'utf8')]);
  }

  decode(raw: Buffer): string {
    return raw.subarray(this.prefix.length).toString('utf8');
  }

  /** [key, range_end) covering every key starting with `prefix` (within the cluster prefix). */
  range(prefix: string): { key: Buffer; rangeEnd: Buffer } {
    const key = this.encode(prefix);
    return { key, rangeEnd: bytesPrefixEnd(key) };
  }

  /** The smallest encoded key strictly greater than `key`. */
  after(key: string): Buffer {
    return Buffer.concat([this.encode(key), Buffer.from([0])]);
  }

  toKv(kv: IKeyValue): KeyValue {
    return {
      key: this.decode(kv.key),
      value: kv.value,
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
    };
  }
}

/** etcd's prefix range end: increment the last byte that is not 0xff; all-0xff (or empty) means "to the end" (\0). */
export function bytesPrefixEnd(key: Buffer): Buffer {
  const end = Buffer.from(key);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';

/**
 * Maps etcd's revision errors (which arrive as gRPC errors with etcd's message) to
 * storage errors; returns the error unchanged otherwise. etcd does not say up to where it
 * compacted in a range error, so `compactRevision` is 0 (unknown) there.
 */
export function mapRevisionError(err: unknown, requested: number, current = 0): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (message.includes(COMPACTED)) return new CompactedError(requested, 0, { cause: err });
  if (message.includes(FUTURE)) return new FutureRevisionError(requested, current, { cause: err });
  return err;
}
