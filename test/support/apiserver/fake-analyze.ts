/**
 * `istioctl analyze --all-namespaces -o json` for the fake istioctl, from the emulator's objects.
 * Two of istio's analyzers, as they decide (pkg/config/analysis/analyzers):
 * - gateway/gateway.go: a Gateway whose selector matches no pod → IST0101 ReferencedResourceNotFound
 *   (Error), `Referenced selector not found: "<k=v,…>"`;
 * - injection/injection.go: a non-system namespace without `istio-injection` or `istio.io/rev` →
 *   IST0102 NamespaceNotInjected (Info).
 * Exit code 79 when a message reaches the default failure threshold (Error).
 */
import type { ProcessResult } from '../../../src/kube/istioctl.js';
import type { ApiServer } from './server.js';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', 'istio-system']);

export function fakeAnalyze(server: ApiServer): ProcessResult {
  const messages: Array<{ code: string; level: string; message: string; origin: string; documentationUrl: string }> = [];
  const doc = (code: string) => `https://istio.io/v1.24/docs/reference/config/analysis/${code.toLowerCase()}/?ref=istioctl`;
  const seen = new Set<string>();
  for (const apiVersion of ['networking.istio.io/v1', 'networking.istio.io/v1beta1']) {
    for (const gw of server.list(apiVersion, 'Gateway')) {
      const key = `${gw.metadata.namespace}/${gw.metadata.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const selector = ((gw['spec'] as { selector?: Record<string, string> } | undefined)?.selector ?? {}) as Record<string, string>;
      const text = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
      if (text === '') continue;
      const matched = server.list('v1', 'Pod', undefined, text).some((p) => p.metadata.deletionTimestamp === undefined);
      if (!matched) {
        messages.push({ code: 'IST0101', level: 'Error', message: `Referenced selector not found: "${text}"`, origin: `Gateway ${gw.metadata.namespace}/${gw.metadata.name}`, documentationUrl: doc('IST0101') });
      }
    }
  }
  for (const ns of server.list('v1', 'Namespace')) {
    if (SYSTEM_NAMESPACES.has(ns.metadata.name)) continue;
    const l = ns.metadata.labels ?? {};
    if (l['istio-injection'] === undefined && l['istio.io/rev'] === undefined) {
      messages.push({ code: 'IST0102', level: 'Info', message: 'The namespace is not enabled for Istio injection. Run \'kubectl label namespace ' + ns.metadata.name + ' istio-injection=enabled\' to enable it, or \'kubectl label namespace ' + ns.metadata.name + ' istio-injection=disabled\' to explicitly mark it as not needing injection.', origin: `Namespace ${ns.metadata.name}`, documentationUrl: doc('IST0102') });
    }
  }
  const failing = messages.some((m) => m.level === 'Error');
  return { exitCode: failing ? 79 : 0, stdout: `${JSON.stringify(messages, null, 2)}\n`, stderr: failing ? 'Error: Analyzers found issues when analyzing all namespaces.\n' : '' };
}
