/**
 * `meshbench certs`: the chain Istio's tools/certs Makefile makes, checked with node's
 * X509Certificate (signature, CA flag) and @peculiar/x509 (basicConstraints pathlen, key usage,
 * SAN, SKI); private keys 0600; no overwrite without --force. 2048-bit keys keep it fast.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadX509 } from '../../src/kube/certs/x509-loader.js';
import { runCli, type CliRun } from '../support/cli.js';
import { describeWithTool, TOOLS } from '../support/system-tool.js';

let dir: string;
let first: CliRun;

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'meshbench-certs-')), 'out');
  first = await runCli(['certs', '--out', dir, '--key-size', '2048']);
});

const read = (...p: string[]) => readFileSync(join(dir, ...p), 'utf8');

describe('meshbench certs', () => {
  it('writes the root and one directory per cluster, keys 0600', () => {
    expect(first.code, first.stderr).toBe(0);
    for (const f of ['root-cert.pem', 'root-key.pem', 'cluster1/ca-cert.pem', 'cluster1/ca-key.pem', 'cluster1/root-cert.pem', 'cluster1/cert-chain.pem', 'cluster2/ca-cert.pem']) {
      expect(statSync(join(dir, f)).isFile()).toBe(true);
    }
    for (const f of ['root-key.pem', 'cluster1/ca-key.pem', 'cluster2/ca-key.pem']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'root-cert.pem')).mode & 0o777).toBe(0o644);
    expect(first.stdout).toContain('(private key, 0600)');
    expect(first.stdout).not.toMatch(/BEGIN .*PRIVATE KEY/);
  });

  it('makes a root CA as the Makefile does: O=Istio CN=Root CA, CA:true, sha256, 3650 days', async () => {
    const root = new X509Certificate(read('root-cert.pem'));
    expect(root.subject).toBe('O=Istio\nCN=Root CA');
    expect(root.issuer).toBe(root.subject);
    expect(root.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    const days = (Date.parse(root.validTo) - Date.parse(root.validFrom)) / 86_400_000;
    expect(days).toBe(3650);
    const x509 = await loadX509();
    const cert = new x509.X509Certificate(read('root-cert.pem'));
    expect(cert.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    const bc = cert.getExtension(x509.BasicConstraintsExtension);
    expect(bc?.ca).toBe(true);
    expect(bc?.critical).toBe(true);
    expect(bc?.pathLength).toBeUndefined();
    const ku = cert.getExtension(x509.KeyUsagesExtension);
    expect(ku?.critical).toBe(true);
    expect(ku?.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign);
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect((root.publicKey.asymmetricKeyDetails as { modulusLength?: number }).modulusLength).toBe(2048);
  });

  it('signs each intermediate with the root: L=<cluster>, pathlen 0, SAN istiod.istio-system.svc, chain = ca + root', async () => {
    const root = new X509Certificate(read('root-cert.pem'));
    const x509 = await loadX509();
    for (const cluster of ['cluster1', 'cluster2']) {
      const ca = new X509Certificate(read(cluster, 'ca-cert.pem'));
      expect(ca.subject).toBe(`O=Istio\nCN=Intermediate CA\nL=${cluster}`);
      expect(ca.issuer).toBe(root.subject);
      expect(ca.verify(root.publicKey)).toBe(true);
      expect(ca.checkIssued(root)).toBe(true);
      expect(ca.ca).toBe(true);
      expect(ca.subjectAltName).toBe('DNS:istiod.istio-system.svc');
      // INTERMEDIATE_DAYS ?= 730 in istio/istio tools/certs/common.mk
      expect((Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / 86_400_000).toBe(730);
      const cert = new x509.X509Certificate(read(cluster, 'ca-cert.pem'));
      const bc = cert.getExtension(x509.BasicConstraintsExtension);
      expect([bc?.ca, bc?.pathLength, bc?.critical]).toEqual([true, 0, true]);
      expect(cert.getExtension(x509.KeyUsagesExtension)?.critical).toBe(true);
      expect(read(cluster, 'cert-chain.pem')).toBe(read(cluster, 'ca-cert.pem') + read('root-cert.pem'));
      expect(read(cluster, 'root-cert.pem')).toBe(read('root-cert.pem'));
      // the key matches the certificate
      const { createPrivateKey, createPublicKey } = await import('node:crypto');
      const pub = createPublicKey(createPrivateKey(read(cluster, 'ca-key.pem'))).export({ type: 'spki', format: 'pem' });
      expect(pub).toBe(ca.publicKey.export({ type: 'spki', format: 'pem' }));
    }
    expect(new X509Certificate(read('cluster1', 'ca-cert.pem')).serialNumber).not.toBe(new X509Certificate(read('cluster2', 'ca-cert.pem')).serialNumber);
  });

  it('refuses to overwrite without --force (exit 4 naming the file)', async () => {
    const before = read('cluster1', 'ca-cert.pem');
    const r = await runCli(['certs', '--out', dir, '--key-size', '2048']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${join(dir, 'cluster1', 'ca-cert.pem')} already exists`);
    expect(r.stderr).toContain('--force');
    expect(read('cluster1', 'ca-cert.pem')).toBe(before);
  });

  it('reuses the existing root for a new cluster, and --force replaces everything', async () => {
    const root = read('root-cert.pem');
    const add = await runCli(['certs', '--out', dir, '--key-size', '2048', '--cluster', 'cluster3']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('reused the root CA');
    expect(read('root-cert.pem')).toBe(root);
    expect(new X509Certificate(read('cluster3', 'ca-cert.pem')).verify(new X509Certificate(root).publicKey)).toBe(true);
    writeFileSync(join(dir, 'cluster1', 'ca-key.pem'), 'x', { mode: 0o644 });
    const forced = await runCli(['certs', '--out', dir, '--key-size', '2048', '--force', '--cluster', 'cluster1']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(read('root-cert.pem')).not.toBe(root);
    expect(statSync(join(dir, 'cluster1', 'ca-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('rejects a cluster name that is not a DNS label and an odd key size (exit 2)', async () => {
    expect((await runCli(['certs', '--out', dir, '--cluster', 'Cluster_1'])).code).toBe(2);
    expect((await runCli(['certs', '--out', dir, '--key-size', '1024'])).code).toBe(2);
  });
});

/** A fresh copy of the first run's folder, so each case below can damage its own. */
function copyOfFirst(): string {
  const d = join(mkdtempSync(join(tmpdir(), 'meshbench-certs-')), 'out');
  cpSync(dir, d, { recursive: true });
  return d;
}

describe('meshbench certs: unusable --out and a bad root CA', () => {
  it('--out naming a file or /dev/null: exit 4 naming the path, no stack', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meshbench-certs-')), 'a-file');
    writeFileSync(file, 'x');
    for (const out of [file, '/dev/null']) {
      const r = await runCli(['certs', '--out', out, '--key-size', '2048']);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain(`--out ${out} is a`);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('--out in a folder that cannot be written: exit 4 naming the path', async () => {
    // Mode bits do not bind root, so as root a sysfs folder (writes refused to everyone) stands in.
    let ro = '/sys/kernel';
    if (process.getuid?.() !== 0) {
      ro = join(mkdtempSync(join(tmpdir(), 'meshbench-certs-')), 'ro');
      mkdirSync(ro);
      chmodSync(ro, 0o555);
    }
    const r = await runCli(['certs', '--out', ro, '--key-size', '2048']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`cannot write in ${ro}`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('a corrupt root-key.pem: exit 3 naming the file', async () => {
    const d = copyOfFirst();
    writeFileSync(join(d, 'root-key.pem'), '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    const r = await runCli(['certs', '--out', d, '--key-size', '2048', '--cluster', 'cluster9']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`${join(d, 'root-key.pem')}  (document)  not a PEM private key`);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('a corrupt root-cert.pem: exit 3 naming the file', async () => {
    const d = copyOfFirst();
    writeFileSync(join(d, 'root-cert.pem'), 'garbage\n');
    const r = await runCli(['certs', '--out', d, '--key-size', '2048', '--cluster', 'cluster9']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`${join(d, 'root-cert.pem')}  (document)  not a PEM certificate`);
  });

  it('a root-key.pem that does not match root-cert.pem: exit 3, nothing signed with it', async () => {
    const d = copyOfFirst();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(join(d, 'root-key.pem'), other);
    const r = await runCli(['certs', '--out', d, '--key-size', '2048', '--cluster', 'cluster9']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('the key does not match');
    expect(() => statSync(join(d, 'cluster9', 'ca-cert.pem'))).toThrow();
  });

  it('a PKCS#1 root key (older openssl genrsa) that matches is reused', async () => {
    const d = copyOfFirst();
    const { createPrivateKey } = await import('node:crypto');
    writeFileSync(join(d, 'root-key.pem'), createPrivateKey(readFileSync(join(d, 'root-key.pem'))).export({ type: 'pkcs1', format: 'pem' }));
    const r = await runCli(['certs', '--out', d, '--key-size', '2048', '--cluster', 'cluster9']);
    expect(r.code, r.stderr).toBe(0);
    const root = new X509Certificate(readFileSync(join(d, 'root-cert.pem')));
    expect(new X509Certificate(readFileSync(join(d, 'cluster9', 'ca-cert.pem'))).verify(root.publicKey)).toBe(true);
  });

  it('--root-days and --intermediate-days set the lifetimes; an intermediate may not outlive the root (exit 2)', async () => {
    const d = join(mkdtempSync(join(tmpdir(), 'meshbench-certs-')), 'out');
    const r = await runCli(['certs', '--out', d, '--key-size', '2048', '--cluster', 'c1', '--root-days', '400', '--intermediate-days', '90']);
    expect(r.code, r.stderr).toBe(0);
    const days = (p: string) => {
      const c = new X509Certificate(readFileSync(join(d, p)));
      return (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000;
    };
    expect([days('root-cert.pem'), days('c1/ca-cert.pem')]).toEqual([400, 90]);
    const outlives = await runCli(['certs', '--out', d, '--key-size', '2048', '--cluster', 'c2', '--intermediate-days', '500']);
    expect(outlives.code, outlives.stderr).toBe(0);
    expect(outlives.stderr).toMatch(/warning: the reused root CA expires on \d{4}-\d\d-\d\d, before the new intermediates \(500 days\)/);
    const bad = await runCli(['certs', '--out', d, '--force', '--root-days', '100', '--intermediate-days', '200']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--intermediate-days 200 is longer than');
    expect((await runCli(['certs', '--out', d, '--root-days', '0'])).code).toBe(2);
  });
});

describeWithTool(TOOLS.openssl, 'meshbench certs: openssl verify accepts the chain', (openssl) => {
  it('each intermediate verifies against the root, and cert-chain.pem holds the same chain', async () => {
    // A folder of its own: the cases above replace the shared folder's root with --force.
    const dir = join(mkdtempSync(join(tmpdir(), 'meshbench-certs-')), 'out');
    const made = await runCli(['certs', '--out', dir, '--key-size', '2048']);
    expect(made.code, made.stderr).toBe(0);
    for (const cluster of ['cluster1', 'cluster2']) {
      const out = execFileSync(openssl, ['verify', '-CAfile', join(dir, 'root-cert.pem'), join(dir, cluster, 'ca-cert.pem')], { encoding: 'utf8' });
      expect(out.trim()).toBe(`${join(dir, cluster, 'ca-cert.pem')}: OK`);
      const chain = execFileSync(openssl, ['verify', '-CAfile', join(dir, cluster, 'root-cert.pem'), '-untrusted', join(dir, cluster, 'cert-chain.pem'), join(dir, cluster, 'ca-cert.pem')], { encoding: 'utf8' });
      expect(chain.trim()).toMatch(/: OK$/);
    }
  });
});
