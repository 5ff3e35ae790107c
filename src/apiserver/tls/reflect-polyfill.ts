/**
 * The few `Reflect` metadata functions tsyringe (a dependency of @peculiar/x509) checks
 * for at load time and uses for its decorators: defineMetadata, getMetadata,
 * getOwnMetadata, hasMetadata. Installed only when absent, so a full polyfill
 * (reflect-metadata) loaded elsewhere wins. Must be imported before @peculiar/x509.
 */
type Key = string | symbol;
const store = new WeakMap<object, Map<Key | undefined, Map<unknown, unknown>>>();

function own(target: object, prop: Key | undefined, create: boolean): Map<unknown, unknown> | undefined {
  let byProp = store.get(target);
  if (!byProp) {
    if (!create) return undefined;
    store.set(target, (byProp = new Map()));
  }
  let m = byProp.get(prop);
  if (!m && create) byProp.set(prop, (m = new Map()));
  return m;
}

const R = Reflect as unknown as Record<string, unknown>;
if (typeof R['getMetadata'] !== 'function') {
  R['defineMetadata'] = (key: unknown, value: unknown, target: object, prop?: Key): void => {
    own(target, prop, true)?.set(key, value);
  };
  R['getOwnMetadata'] = (key: unknown, target: object, prop?: Key): unknown => own(target, prop, false)?.get(key);
  R['getMetadata'] = (key: unknown, target: object, prop?: Key): unknown => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const m = own(t, prop, false);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
  R['hasMetadata'] = (key: unknown, target: object, prop?: Key): boolean => (R['getMetadata'] as (k: unknown, t: object, p?: Key) => unknown)(key, target, prop) !== undefined;
  R['metadata'] = (key: unknown, value: unknown) => (target: object, prop?: Key) => {
    own(target, prop, true)?.set(key, value);
  };
}

export {};
