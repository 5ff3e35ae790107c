/**
 * JSON Patch (RFC 6902), as `application/json-patch+json`, with JSON Pointers (RFC 6901:
 * `~1` is `/`, `~0` is `~`, `-` is the end of an array). Pure and atomic: the document is
 * copied first, so a failing operation leaves nothing half-applied. Every failure is a
 * PatchError — 400 for a malformed patch, 422 for one that does not fit the document.
 */
import { type JsonObject, type JsonValue, deepClone, deepEqual, describeValue, hasOwn, isJsonObject, setOwn } from './json-value.js';
import { PatchError, guardDepth } from './patch-error.js';

export type JsonPatchOperation =
  | { op: 'add'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: JsonValue }
  | { op: 'move'; from: string; path: string }
  | { op: 'copy'; from: string; path: string }
  | { op: 'test'; path: string; value: JsonValue };

/** Splits a JSON Pointer into unescaped tokens; '' is the whole document. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}: must be empty or start with "/"`, 400);
  return pointer.slice(1).split('/').map((t) => {
    if (/~[^01]|~$/.test(t)) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}: bad escape in ${JSON.stringify(t)}`, 400);
    return t.replace(/~1/g, '/').replace(/~0/g, '~');
  });
}

/** Escapes one token for use in a JSON Pointer. */
export function escapeJsonPointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Validates the shape of a patch document (an array of operation objects); throws PatchError (400). */
export function parseJsonPatch(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) throw new PatchError('json patch must be an array of operations', 400);
  return patch.map((raw, i) => {
    if (!isJsonObject(raw as JsonValue)) throw new PatchError(`json patch operation ${i} is not an object`, 400);
    const o = raw as JsonObject;
    const op = o['op'];
    const str = (k: string): string => {
      const v = hasOwn(o, k) ? o[k] : undefined;
      if (typeof v !== 'string') throw new PatchError(`json patch operation ${i} (${String(op)}): "${k}" must be a string`, 400);
      return v;
    };
    const value = (): JsonValue => {
      if (!hasOwn(o, 'value')) throw new PatchError(`json patch operation ${i} (${String(op)}): missing "value"`, 400);
      return o['value'] as JsonValue;
    };
    switch (op) {
      case 'add': return { op, path: str('path'), value: value() };
      case 'remove': return { op, path: str('path') };
      case 'replace': return { op, path: str('path'), value: value() };
      case 'move': return { op, from: str('from'), path: str('path') };
      case 'copy': return { op, from: str('from'), path: str('path') };
      case 'test': return { op, path: str('path'), value: value() };
      default: throw new PatchError(`Unexpected kind: ${describeValue(op)}`, 400);
    }
  });
}

/** Applies an RFC 6902 patch to `doc` and returns the new document; `doc` is untouched. */
export function applyJsonPatch(doc: JsonValue, patch: unknown): JsonValue {
  const ops = parseJsonPatch(patch);
  return guardDepth(() => {
    let root: JsonValue = deepClone(doc);
    for (const op of ops) root = applyOp(root, op);
    return root;
  });
}

function applyOp(root: JsonValue, op: JsonPatchOperation): JsonValue {
  switch (op.op) {
    case 'add': return add(root, op.path, deepClone(op.value));
    case 'remove': return remove(root, op.path).root;
    case 'replace': {
      const tokens = parseJsonPointer(op.path);
      if (tokens.length === 0) return deepClone(op.value);
      const { parent, token } = locateParent(root, tokens, op.path);
      if (Array.isArray(parent)) parent[arrayIndex(parent, token, op.path, false)] = deepClone(op.value);
      else {
        if (!hasOwn(parent, token)) throw new PatchError(`replace operation does not apply: doc is missing key: ${op.path}`);
        setOwn(parent, token, deepClone(op.value));
      }
      return root;
    }
    case 'move': {
      if (op.from === op.path) {
        get(root, op.from); // must exist
        return root;
      }
      if (op.path.startsWith(`${op.from}/`)) throw new PatchError(`move operation cannot move ${op.from} into its own child ${op.path}`);
      const removed = remove(root, op.from);
      return add(removed.root, op.path, removed.value);
    }
    case 'copy': return add(root, op.path, deepClone(get(root, op.from)));
    case 'test': {
      const actual = tryGet(root, op.path);
      if (actual === undefined || !deepEqual(actual, op.value)) throw new PatchError(`testing value ${op.path} failed: test failed`);
      return root;
    }
  }
}

function arrayIndex(arr: JsonValue[], token: string, path: string, forInsert: boolean): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(`invalid array index ${JSON.stringify(token)} in ${path}`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length)) throw new PatchError(`array index ${i} out of bounds (length ${arr.length}) in ${path}`);
  return i;
}

/** Walks to the container of the last token. */
function locateParent(root: JsonValue, tokens: string[], path: string): { parent: JsonValue[] | JsonObject; token: string } {
  let cur: JsonValue = root;
  for (let i = 0; i < tokens.length - 1; i++) cur = step(cur, tokens[i] as string, path);
  if (!Array.isArray(cur) && !isJsonObject(cur)) throw new PatchError(`doc is missing path: ${path}: parent is not an object or array`);
  return { parent: cur, token: tokens[tokens.length - 1] as string };
}

function step(cur: JsonValue, token: string, path: string): JsonValue {
  if (Array.isArray(cur)) return cur[arrayIndex(cur, token, path, false)] as JsonValue;
  if (isJsonObject(cur) && hasOwn(cur, token)) return cur[token] as JsonValue;
  throw new PatchError(`doc is missing path: ${path}: missing value`);
}

function get(root: JsonValue, path: string): JsonValue {
  let cur = root;
  for (const t of parseJsonPointer(path)) cur = step(cur, t, path);
  return cur;
}

function tryGet(root: JsonValue, path: string): JsonValue | undefined {
  try {
    return get(root, path);
  } catch (e) {
    if (e instanceof PatchError && e.code === 422) return undefined;
    throw e;
  }
}

function add(root: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parseJsonPointer(path);
  if (tokens.length === 0) return value;
  const { parent, token } = locateParent(root, tokens, path);
  if (Array.isArray(parent)) {
    if (token === '-') parent.push(value);
    else parent.splice(arrayIndex(parent, token, path, true), 0, value);
  } else setOwn(parent, token, value);
  return root;
}

function remove(root: JsonValue, path: string): { root: JsonValue; value: JsonValue } {
  const tokens = parseJsonPointer(path);
  if (tokens.length === 0) throw new PatchError('remove operation cannot remove the whole document', 422);
  const { parent, token } = locateParent(root, tokens, path);
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, token, path, false);
    const [v] = parent.splice(i, 1);
    return { root, value: v as JsonValue };
  }
  if (!hasOwn(parent, token)) throw new PatchError(`remove operation does not apply: doc is missing path: ${path}`);
  const v = parent[token] as JsonValue;
  delete parent[token];
  return { root, value: v };
}
