/**
 * An existing root CA read back from a certificate directory before it signs anything: both
 * files must parse, the certificate must be a CA, and the key must be the certificate's key.
 * openssl would sign with a mismatched key without a word (`openssl x509 -req -CA root-cert.pem
 * -CAkey root-key.pem` in tools/certs/Makefile.selfsigned.mk checks nothing), and the resulting
 * intermediate then fails `openssl verify`; so the pair is checked here and refused (exit 3).
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { InvalidInputError } from '../../errors.js';
import type { CaMaterial } from './generate.js';

function problem(file: string, message: string, hint: string): InvalidInputError {
  return new InvalidInputError([{ file, path: '', message, hint }]);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unreadable';
}

/**
 * The root CA as the intermediates' signer: its certificate as read and its key as PKCS#8 PEM
 * (a PKCS#1 `BEGIN RSA PRIVATE KEY` file, as older openssl genrsa writes, is accepted).
 * @throws InvalidInputError (exit 3) naming the file for a corrupt certificate or key, a
 *   certificate that is not a CA, or a key that does not match the certificate.
 */
export function checkRootPair(certPem: string, keyPem: string, certPath: string, keyPath: string): CaMaterial {
  const regenerate = 'Restore the original file, or pass --force to make a new root CA (every cluster then needs new cacerts).';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw problem(certPath, `not a PEM certificate (${firstLine(err)})`, regenerate);
  }
  if (!cert.ca) throw problem(certPath, 'the certificate is not a CA (basicConstraints CA:false), so it cannot sign intermediates', regenerate);
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw problem(keyPath, `not a PEM private key (${firstLine(err)})`, regenerate);
  }
  if (key.asymmetricKeyType !== 'rsa') throw problem(keyPath, `a ${key.asymmetricKeyType ?? 'non-RSA'} key; the root CA key is RSA`, regenerate);
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(spki(cert.publicKey))) {
    throw problem(keyPath, `the key does not match ${certPath} (different public key); intermediates signed with it would fail verification`, regenerate);
  }
  return { certPem, keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
