// @ts-check
/**
 * Splits a pasted manifest (YAML, possibly several `---` documents, or JSON: an object,
 * an array or a List) into documents and reads each one's identity. The YAML itself is
 * sent to the server unparsed (server-side apply takes YAML); only the block-style
 * top-level `apiVersion`, `kind` and `metadata.name`/`namespace` are read here.
 */

/**
 * @typedef {{ body: string; apiVersion: string; kind: string; name: string; namespace?: string }} Manifest
 */

export class ManifestError extends Error {}

/**
 * @param {string} text
 * @returns {Manifest[]}
 * @throws {ManifestError} when nothing is found or a document lacks apiVersion, kind or metadata.name
 */
export function parseManifests(text) {
  const trimmed = text.trim();
  /** @type {Manifest[]} */
  let docs;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      throw new ManifestError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const items = Array.isArray(value) ? value : typeof value?.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
    docs = items.map((/** @type {any} */ o, /** @type {number} */ i) =>
      identify(JSON.stringify(o), { apiVersion: o?.apiVersion, kind: o?.kind, name: o?.metadata?.name, namespace: o?.metadata?.namespace }, i),
    );
  } else {
    docs = splitYamlDocuments(text).map((doc, i) => identify(doc, readYamlIdentity(doc), i));
  }
  if (docs.length === 0) throw new ManifestError('the manifest is empty');
  return docs;
}

/**
 * @param {string} body
 * @param {{ apiVersion?: unknown; kind?: unknown; name?: unknown; namespace?: unknown }} id
 * @param {number} index
 * @returns {Manifest}
 */
function identify(body, id, index) {
  for (const field of /** @type {const} */ (['apiVersion', 'kind', 'name'])) {
    if (typeof id[field] !== 'string' || id[field] === '') {
      throw new ManifestError(`document ${index + 1}: ${field === 'name' ? 'metadata.name' : field} is missing`);
    }
  }
  return {
    body,
    apiVersion: /** @type {string} */ (id.apiVersion),
    kind: /** @type {string} */ (id.kind),
    name: /** @type {string} */ (id.name),
    ...(typeof id.namespace === 'string' && id.namespace !== '' ? { namespace: id.namespace } : {}),
  };
}

/**
 * The non-empty documents of a YAML stream.
 * @param {string} text
 */
export function splitYamlDocuments(text) {
  return text
    .split(/^---[ \t]*(?:#.*)?$/m)
    .filter((doc) => doc.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#')));
}

/**
 * Reads top-level `apiVersion:`/`kind:` and `name:`/`namespace:` directly under `metadata:`.
 * @param {string} doc
 */
export function readYamlIdentity(doc) {
  /** @type {Record<string, string>} */
  const id = {};
  let inMetadata = false;
  /** @type {number | undefined} */
  let metaIndent;
  for (const raw of doc.split('\n')) {
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const m = /^([A-Za-z0-9_.-]+|"[^"]*"|'[^']*'):(?:\s+(.*))?$/.exec(raw.trim());
    if (indent === 0) {
      inMetadata = m?.[1] === 'metadata' && !m[2];
      metaIndent = undefined;
      if (m && (m[1] === 'apiVersion' || m[1] === 'kind') && m[2]) id[m[1]] = scalar(m[2]);
      continue;
    }
    if (!inMetadata) continue;
    metaIndent ??= indent;
    if (indent !== metaIndent || !m) continue;
    if ((m[1] === 'name' || m[1] === 'namespace') && m[2]) id[m[1]] = scalar(m[2]);
  }
  return id;
}

/** @param {string} v */
function scalar(v) {
  const s = v.trim();
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s.replace(/\s+#.*$/, ''));
    } catch {
      return s.slice(1, s.lastIndexOf('"'));
    }
  }
  if (s.startsWith("'")) return s.slice(1, s.lastIndexOf("'")).replace(/''/g, "'");
  return s.replace(/\s+#.*$/, '');
}
