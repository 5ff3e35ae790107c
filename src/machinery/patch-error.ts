/**
 * The one error type every patch function throws (never a raw TypeError).
 * `code` is the HTTP status the apiserver should answer with: 400 when the patch document
 * itself is malformed, 422 when it cannot be applied to this object, 500 for a broken
 * schema (patch metadata). Kubernetes answers some of the 422 cases with 500; 422 is the
 * more truthful answer and kubectl prints both the same way.
 */
export class PatchError extends Error {
  readonly code: 400 | 422 | 500;
  constructor(message: string, code: 400 | 422 | 500 = 422, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatchError';
    this.code = code;
  }
}

/** Formats a JSON value the way Go's `%v` prints decoded JSON (for messages copied from Kubernetes). */
export function goFormat(v: unknown, depth = 0): string {
  if (depth > 8) return '…';
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map((x) => goFormat(x, depth + 1)).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goFormat(o[k], depth + 1)}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * Runs a patch computation, turning stack exhaustion on absurdly deep documents into a
 * PatchError (400) instead of a RangeError escaping to the caller.
 */
export function guardDepth<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new PatchError('patch or document is nested too deeply', 400, { cause: e });
    throw e;
  }
}
