/**
 * `continue` tokens of paginated lists: opaque base64 of the revision the first page was
 * read at and the last key returned, as kube-apiserver's (so a token from one page can
 * only continue the same list, at the same revision).
 */

export interface ContinueState {
  /** The revision every page of this list is read at. */
  rev: number;
  /** The last key returned; the next page starts strictly after it. */
  start: string;
}

export function encodeContinue(state: ContinueState): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: state.rev, start: state.start })).toString('base64url');
}

/** Decodes a token, or returns undefined when it is not one of ours. */
export function decodeContinue(token: string): ContinueState | undefined {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (raw === null || typeof raw !== 'object') return undefined;
    const { v, rv, start } = raw as Record<string, unknown>;
    if (v !== 'meta.k8s.io/v1' || typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) return undefined;
    if (typeof start !== 'string' || start === '') return undefined;
    return { rev: rv, start };
  } catch {
    return undefined;
  }
}
