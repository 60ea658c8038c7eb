/**
 * Loads @peculiar/x509 on first use. Its dependency tsyringe refuses to load unless a
 * `reflect-metadata` polyfill is present (it checks `Reflect.getMetadata`), and that package is
 * not a dependency of ours; a minimal metadata store covering the calls tsyringe makes
 * (`getMetadata`, `getOwnMetadata`, `defineMetadata`) is installed first, only where missing.
 * Done lazily, not at import time, so merely importing this module changes nothing.
 */
type X509Module = typeof import('@peculiar/x509');

let loaded: Promise<X509Module> | undefined;

type MetaKey = unknown;
const metadata = new WeakMap<object, Map<PropertyKey | undefined, Map<MetaKey, unknown>>>();

function ownMap(target: object, prop: PropertyKey | undefined, create: boolean): Map<MetaKey, unknown> | undefined {
  let byProp = metadata.get(target);
  if (byProp === undefined) {
    if (!create) return undefined;
    byProp = new Map();
    metadata.set(target, byProp);
  }
  let m = byProp.get(prop);
  if (m === undefined && create) {
    m = new Map();
    byProp.set(prop, m);
  }
  return m;
}

function installReflectMetadataShim(): void {
  const r = Reflect as unknown as Record<string, unknown>;
  if (typeof r['getMetadata'] === 'function') return;
  const getOwn = (key: MetaKey, target: object, prop?: PropertyKey) => ownMap(target, prop, false)?.get(key);
  const get = (key: MetaKey, target: object, prop?: PropertyKey): unknown => {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
      const m = ownMap(t, prop, false);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
  const define = (key: MetaKey, value: unknown, target: object, prop?: PropertyKey) => {
    ownMap(target, prop, true)?.set(key, value);
  };
  r['getOwnMetadata'] = getOwn;
  r['getMetadata'] = get;
  r['defineMetadata'] = define;
  r['hasOwnMetadata'] = (key: MetaKey, target: object, prop?: PropertyKey) => ownMap(target, prop, false)?.has(key) ?? false;
  r['hasMetadata'] = (key: MetaKey, target: object, prop?: PropertyKey) => get(key, target, prop) !== undefined;
  r['metadata'] = (key: MetaKey, value: unknown) => (target: object, prop?: PropertyKey) => define(key, value, target, prop);
}

/** The @peculiar/x509 module, loaded once. */
export function loadX509(): Promise<X509Module> {
  if (loaded === undefined) {
    installReflectMetadataShim();
    loaded = import('@peculiar/x509');
  }
  return loaded;
}
