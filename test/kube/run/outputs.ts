/**
 * Secrets must never reach an output: every stdout, stderr, result file and journal a kube run test
 * produces goes through here and is searched for the emulators' bearer tokens, their CA key
 * material and the kubeconfig's certificate data.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { TwoClusters } from '../helpers.js';

/** Texts searched so far in this test file (the token test checks there were some). */
export const searched: string[] = [];

/** Fails the test if any text holds a token, or the kubeconfig's CA data, of the bed. */
export function recordOutputs(bed: TwoClusters, texts: readonly string[]): void {
  const kubeconfig = readFileSync(bed.kubeconfig, 'utf8');
  const caData = /certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '<none>';
  for (const t of texts) {
    searched.push(t);
    for (const secret of [bed.c1.token, bed.c2.token, caData]) expect(t.includes(secret), `an output holds a secret: ${t.slice(0, 200)}`).toBe(false);
  }
}
