import type { Registry } from '../../api/registry.js';

/**
 * Rendered discovery bodies, reused until the registry changes. Registry replaces a
 * version's `kinds` array whenever a kind is added or removed, so comparing the arrays'
 * identities is a complete and cheap change check.
 */
export class DiscoveryCache {
  private seen: ReadonlyArray<readonly unknown[]> = [];
  private readonly bodies = new Map<string, { body: string; etag: string }>();

  constructor(private readonly registry: Registry) {}

  /** The cached rendering for `key`, or `render()`'s, stored until the registry changes. */
  get(key: string, render: () => { body: string; etag: string }): { body: string; etag: string } {
    const now = this.registry.list().map((gv) => gv.kinds);
    if (now.length !== this.seen.length || now.some((k, i) => k !== this.seen[i])) {
      this.seen = now;
      this.bodies.clear();
    }
    let hit = this.bodies.get(key);
    if (!hit) this.bodies.set(key, (hit = render()));
    return hit;
  }
}
