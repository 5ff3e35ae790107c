/**
 * Metadata the strategic merge patch needs about the object it patches: which lists merge
 * (and by which key), which maps are replaced or retain keys. The schema layer implements
 * this from the kind schemas (src/api/schema/patch-meta.ts); tests use patchMetaFromTable.
 */

/** Patch metadata for one position in an object tree. Unknown positions (undefined) mean: maps merge recursively, lists are replaced. */
export interface PatchMeta {
  /** Metadata of the named field of the object at this position. */
  field(name: string): PatchMeta | undefined;
  /** For a list: metadata of its elements. */
  readonly items?: PatchMeta;
  /** Strategies from the Go struct tag, e.g. ['merge'], ['merge','retainKeys'], ['retainKeys'], ['replace']. */
  readonly patchStrategy?: readonly string[];
  /** For a merge list of objects: the key that identifies an element (e.g. 'name', 'containerPort'). */
  readonly patchMergeKey?: string;
}

/** A literal description of a PatchMeta tree. */
export interface PatchMetaTable {
  /** Named fields of an object. */
  readonly fields?: Readonly<Record<string, PatchMetaTable>>;
  /** For a map (e.g. map[string]Struct): the metadata of every value. */
  readonly values?: PatchMetaTable;
  /** For a list: its elements. */
  readonly items?: PatchMetaTable;
  readonly patchStrategy?: readonly string[];
  readonly patchMergeKey?: string;
}

/**
 * Builds a PatchMeta from a literal table (for tests and small fixed trees). Tables may be
 * recursive (an element type containing lists of itself): each table object becomes one
 * PatchMeta, built once.
 */
export function patchMetaFromTable(t: PatchMetaTable): PatchMeta {
  return build(t, new Map());
}

function build(t: PatchMetaTable, seen: Map<PatchMetaTable, PatchMeta>): PatchMeta {
  const known = seen.get(t);
  if (known) return known;
  const meta: { -readonly [K in keyof PatchMeta]: PatchMeta[K] } = {
    field(name: string): PatchMeta | undefined {
      const sub = t.fields && Object.prototype.hasOwnProperty.call(t.fields, name) ? t.fields[name] : undefined;
      if (sub) return build(sub, seen);
      return t.values ? build(t.values, seen) : undefined;
    },
  };
  seen.set(t, meta);
  if (t.items) meta.items = build(t.items, seen);
  if (t.patchStrategy) meta.patchStrategy = t.patchStrategy;
  if (t.patchMergeKey) meta.patchMergeKey = t.patchMergeKey;
  return meta;
}
