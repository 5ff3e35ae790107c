/** A class object as the default-class admissions read it (StorageClass, IngressClass). */
export type ClassMeta = { metadata?: { name?: string; creationTimestamp?: string; annotations?: Record<string, string> | null } | null };

/**
 * Of the classes `isDefault` marks, the newest (creationTimestamp), then the first by name;
 * undefined when none is marked — as upstream's DefaultStorageClass and DefaultIngressClass
 * pick one when an admin has marked several.
 */
export function newestDefaultName(classes: readonly ClassMeta[], isDefault: (c: ClassMeta) => boolean): string | undefined {
  const defaults = classes.filter(isDefault);
  defaults.sort((a, b) => {
    const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
    if (ta !== tb) return tb - ta;
    return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
  });
  return defaults[0]?.metadata?.name;
}
