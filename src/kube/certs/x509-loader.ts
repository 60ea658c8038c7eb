/**
 * Loads @peculiar/x509 on first use. Its dependency tsyringe refuses to load unless the
 * `reflect-metadata` polyfill has been imported first, so that comes before it. Done lazily, not
 * at import time, so merely importing this module changes nothing global.
 */
type X509Module = typeof import('@peculiar/x509');

let loaded: Promise<X509Module> | undefined;

/** The @peculiar/x509 module, loaded once. */
export function loadX509(): Promise<X509Module> {
  if (loaded === undefined) {
    loaded = import('reflect-metadata').then(() => import('@peculiar/x509'));
  }
  return loaded;
}
