/**
 * Per-cycle data shared between a plugin's extension points (PreFilter computes, Filter
 * reads). Keys are plugin-owned strings; a fresh CycleState is made for every attempt.
 */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter/PreScore answered Skip this cycle. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();
  /** The Filter plugins left after PreFilter's skips (computed once per cycle by the framework). */
  activeFilters: unknown[] | undefined;

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
}
