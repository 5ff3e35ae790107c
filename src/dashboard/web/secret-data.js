// @ts-check
/**
 * A Secret as the detail view shows it: keys only (values hidden) until the user asks to
 * reveal them, then the values decoded from base64 as UTF-8 text.
 */

export const HIDDEN = '(hidden)';

/** kubectl apply keeps the whole manifest, values included, in this annotation. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Decodes standard base64 as UTF-8; undefined when it is not valid base64.
 * @param {string} b64
 */
export function decodeBase64(b64) {
  try {
    const bin = atob(b64);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The Secret with each `data` value replaced: by HIDDEN, or when `reveal` by its decoded
 * text. `stringData` is never stored by the server, so it is left out; the annotation
 * kubectl apply leaves (which holds the values too) is hidden with them. Other objects
 * are returned unchanged.
 * @param {any} obj
 * @param {boolean} reveal
 */
export function secretForDisplay(obj, reveal) {
  if (obj?.kind !== 'Secret') return obj;
  const { stringData: _never, ...rest } = obj;
  /** @type {Record<string, string>} */
  const data = {};
  for (const [k, v] of Object.entries(obj.data ?? {})) {
    data[k] = reveal ? (decodeBase64(String(v)) ?? `(not base64: ${v})`) : HIDDEN;
  }
  const annotations = obj.metadata?.annotations;
  if (reveal || !annotations?.[LAST_APPLIED]) return { ...rest, data };
  return { ...rest, metadata: { ...obj.metadata, annotations: { ...annotations, [LAST_APPLIED]: HIDDEN } }, data };
}
