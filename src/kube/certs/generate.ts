/**
 * A root CA and per-cluster intermediate CAs made exactly as Istio's
 * `tools/certs/Makefile.selfsigned.mk` + `common.mk` make them (mesh-behaviour.md §8.5), with node
 * crypto and @peculiar/x509 instead of an openssl subprocess:
 *
 * - keys: RSA (`openssl genrsa`, 4096 bits by default), written as PKCS#8 PEM (OpenSSL 3's genrsa format);
 * - signatures: sha256WithRSAEncryption; lifetime 3650 days for the root (`ROOTCA_DAYS ?= 3650`)
 *   and 730 days for intermediates (`INTERMEDIATE_DAYS ?= 730`), both in tools/certs/common.mk;
 * - root: subject `O=Istio, CN=Root CA`, self-signed; extensions (root-ca.conf `req_ext`):
 *   subjectKeyIdentifier=hash, basicConstraints=critical,CA:true,
 *   keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,keyCertSign;
 * - intermediate: subject `O=Istio, CN=Intermediate CA, L=<cluster>`, signed by the root, random
 *   serial (`-CAcreateserial`); extensions (intermediate.conf): the same plus `pathlen:0` and
 *   subjectAltName DNS `istiod.istio-system.svc`;
 * - `cert-chain.pem` = intermediate cert followed by the root cert.
 */
import { generateKeyPair, randomBytes, webcrypto } from 'node:crypto';
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { promisify } from 'node:util';
import type * as X509 from '@peculiar/x509';
import { loadX509 } from './x509-loader.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The Makefile's defaults (istio/istio tools/certs/common.mk: ROOTCA_DAYS, INTERMEDIATE_DAYS, *_KEYSZ). */
export const CERT_DEFAULTS = {
  keySizeBits: 4096,
  rootDays: 3650,
  intermediateDays: 730,
  org: 'Istio',
  rootCn: 'Root CA',
  intermediateCn: 'Intermediate CA',
  intermediateSanDns: 'istiod.istio-system.svc',
} as const;

/** keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign (RFC 5280 bit flags as @peculiar/x509 numbers them). */
const CA_KEY_USAGE = 1 | 2 | 4 | 32;

const SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export interface CertOptions {
  keySizeBits: number;
  /** Lifetime of a new root CA (default CERT_DEFAULTS.rootDays). */
  rootDays?: number;
  /** Lifetime of each intermediate CA (default CERT_DEFAULTS.intermediateDays). */
  intermediateDays?: number;
  /** Start of validity (notBefore). */
  now: Date;
}

/** A CA: PEM certificate and PEM (PKCS#8) private key. */
export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

/** Everything one cluster's `cacerts` secret needs. */
export interface ClusterCaMaterial extends CaMaterial {
  cluster: string;
  rootCertPem: string;
  /** Intermediate then root. */
  chainPem: string;
}

interface KeyPair {
  keyPem: string;
  keys: CryptoKeyPair;
}

async function rsaKeyPair(bits: number): Promise<KeyPair> {
  // node's generator runs on the libuv pool, so several keys are made in parallel.
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicExponent: 65537,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { keyPem: privateKey, keys: await importPair(privateKey, publicKey) };
}

async function importPair(privatePem: string, publicPem: string): Promise<CryptoKeyPair> {
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der(privatePem), SIGNING, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', der(publicPem), SIGNING, true, ['verify']);
  return { privateKey, publicKey } as CryptoKeyPair;
}

/** A positive random serial of 20 bytes (RFC 5280 maximum), as openssl's -CAcreateserial makes. */
function randomSerialHex(): string {
  const b = randomBytes(20);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return b.toString('hex');
}

function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * 86_400_000) };
}

/** Node's WebCrypto, passed explicitly (no global provider is installed at import time). */
function provider(): Parameters<typeof X509.X509CertificateGenerator.create>[1] {
  return webcrypto as unknown as Parameters<typeof X509.X509CertificateGenerator.create>[1];
}

/** `make -f Makefile.selfsigned.mk root-ca`. */
export async function generateRootCa(opts: CertOptions): Promise<CaMaterial> {
  const x509 = await loadX509();
  const { keyPem, keys } = await rsaKeyPair(opts.keySizeBits);
  const crypto = provider();
  const name: X509.JsonName = [{ O: [CERT_DEFAULTS.org] }, { CN: [CERT_DEFAULTS.rootCn] }];
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialHex(),
      subject: name,
      issuer: name,
      ...validity(opts.now, opts.rootDays ?? CERT_DEFAULTS.rootDays),
      signingAlgorithm: SIGNING,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      extensions: [
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(CA_KEY_USAGE, true),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem') + '\n', keyPem };
}

/** `make -f Makefile.selfsigned.mk <cluster>-cacerts`, signed by `root`. */
export async function generateIntermediateCa(root: CaMaterial, cluster: string, opts: CertOptions): Promise<ClusterCaMaterial> {
  const x509 = await loadX509();
  const crypto = provider();
  const rootCert = new x509.X509Certificate(root.certPem);
  const rootKey = await webcrypto.subtle.importKey(
    'pkcs8',
    Buffer.from(root.keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'),
    SIGNING,
    false,
    ['sign'],
  );
  const { keyPem, keys } = await rsaKeyPair(opts.keySizeBits);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialHex(),
      subject: [{ O: [CERT_DEFAULTS.org] }, { CN: [CERT_DEFAULTS.intermediateCn] }, { L: [cluster] }],
      issuer: rootCert.subjectName,
      ...validity(opts.now, opts.intermediateDays ?? CERT_DEFAULTS.intermediateDays),
      signingAlgorithm: SIGNING,
      publicKey: keys.publicKey,
      signingKey: rootKey,
      extensions: [
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(CA_KEY_USAGE, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: CERT_DEFAULTS.intermediateSanDns }], false),
      ],
    },
    crypto,
  );
  const certPem = cert.toString('pem') + '\n';
  const rootCertPem = root.certPem.endsWith('\n') ? root.certPem : `${root.certPem}\n`;
  return { cluster, certPem, keyPem, rootCertPem, chainPem: certPem + rootCertPem };
}
