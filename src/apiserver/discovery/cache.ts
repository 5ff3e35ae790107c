import type { Registry } from '../../api/registry.js';

/**
 * Rendered discovery bodies, reused until the registry changes. Registry replaces a
 * version's `kinds` array whenever a kind is added or removed, so comparing the arrays'
 * identities is a complete and cheap change check.
 */
export class DiscoveryCache {
  private seen: ReadonlyArray<readonly unknown[]> = [];
  private seenGeneration = 0;
  private readonly bodies = new Map<string, { body: string; etag: string }>();

  /** `generation`: a counter bumped whenever something else rendered changes (remote APIServices). */
  constructor(
    private readonly registry: Registry,
    private readonly generation: () => number = () => 0,
  ) {}

  /** The cached rendering for `key`, or `render()`'s, stored until the registry (or the generation) changes. */
  get(key: string, render: () => { body: string; etag: string }): { body: string; etag: string } {
    const now = this.registry.list().map((gv) => gv.kinds);
    const generation = this.generation();
    if (generation !== this.seenGeneration || now.length !== this.seen.length || now.some((k, i) => k !== this.seen[i])) {
      this.seen = now;
      this.seenGeneration = generation;
      this.bodies.clear();
    }
    let hit = this.bodies.get(key);
    if (!hit) this.bodies.set(key, (hit = render()));
    return hit;
  }
}
