/**
 * A CA and a server certificate for 127.0.0.1/localhost, made once per test process, so the
 * emulator speaks HTTPS like a real API server and kubeconfigs carry certificate-authority-data.
 */
import { webcrypto } from 'node:crypto';
import { loadX509 } from '../../../src/kube/certs/x509-loader.js';

export interface ServerTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

let cached: Promise<ServerTls> | undefined;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

async function make(): Promise<ServerTls> {
  const x509 = await loadX509();
  const crypto = webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.create>[1];
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 86_400_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: 'CN=emulator-ca',
      notBefore,
      notAfter,
      signingAlgorithm: alg,
      keys: caKeys,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    },
    crypto,
  );
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '02',
      subject: 'CN=kube-apiserver',
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: alg,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
        ]),
      ],
    },
    crypto,
  );
  return {
    caPem: ca.toString('pem') + '\n',
    certPem: cert.toString('pem') + '\n',
    keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}

/** The shared TLS material of this process. */
export function serverTls(): Promise<ServerTls> {
  cached ??= make();
  return cached;
}
