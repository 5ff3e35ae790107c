import type { KubeObject } from './cached-object.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change to one object, as every watcher of the resource sees it. `obj` is the new
 * state (for DELETED: the last state, with resourceVersion = the deletion's revision);
 * `prev` the state before (absent for ADDED). Serialized forms are memoised per format
 * so that N watchers asking for the same bytes cost one serialization.
 */
export class CacheEvent {
  readonly type: WatchEventType;
  readonly key: string;
  readonly rev: number;
  readonly obj: KubeObject;
  readonly prev: KubeObject | undefined;
  private readonly encoded = new Map<string, Buffer>();

  constructor(type: WatchEventType, key: string, rev: number, obj: KubeObject, prev?: KubeObject) {
    this.type = type;
    this.key = key;
    this.rev = rev;
    this.obj = obj;
    this.prev = prev;
  }

  /** The bytes for `format`, built by `build` the first time and reused after. */
  encode(format: string, build: () => Buffer): Buffer {
    let b = this.encoded.get(format);
    if (b === undefined) {
      b = build();
      this.encoded.set(format, b);
    }
    return b;
  }
}
