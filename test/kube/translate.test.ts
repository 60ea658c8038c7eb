import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { ClusterUnreachableError, KubeApiUnsupportedError, KubeAuthError, KubeConflictError, KubeInvalidError, KubeNotFoundError, KubeServerError } from '../../src/kube/errors.js';
import { isTransientKubeError, kubeStatusOf, redactSecrets, translateKubeError } from '../../src/kube/translate.js';

const at = { context: 'prod-eu', server: 'https://10.0.0.1:6443', action: 'applying Secret istio-system/cacerts' };
const api = (code: number, body: unknown = '', headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP-Code: ${code}\nMessage: Unknown API Status Code!\nBody: ...\nHeaders: {"authorization":"Bearer leaked"}`), { code, body, headers });
const status = (reason: string, message: string) => JSON.stringify({ kind: 'Status', reason, message });
const net = (code: string) => Object.assign(new Error(`request to https://10.0.0.1:6443/api failed, reason: ${code}`), { name: 'FetchError', code });

describe('translateKubeError', () => {
  it('maps API statuses to our errors, naming the context and the action, never the raw message', () => {
    const cases: Array<[number, new (...a: never[]) => ToolError]> = [
      [401, KubeAuthError],
      [403, KubeAuthError],
      [404, KubeNotFoundError],
      [409, KubeConflictError],
      [422, KubeInvalidError],
      [400, KubeInvalidError],
      [500, KubeServerError],
      [429, KubeServerError],
    ];
    for (const [code, cls] of cases) {
      const e = translateKubeError(api(code, status('X', 'detail text')), at);
      expect(e, String(code)).toBeInstanceOf(cls);
      expect(e.message).toContain("context 'prod-eu' (https://10.0.0.1:6443)");
      expect(e.message).toContain('applying Secret istio-system/cacerts');
      expect(e.message).not.toContain('leaked');
      expect((e as ToolError).exitCode).toBe(4);
    }
    expect(translateKubeError(api(403, status('Forbidden', 'secrets is forbidden')), at).message).toContain('secrets is forbidden');
    expect((translateKubeError(api(403), at) as ToolError).hint).toMatch(/kubectl --context prod-eu auth can-i --list/);
  });

  it('maps transport failures: refused/unknown host → unreachable, TLS → TLS hint', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET']) {
      const e = translateKubeError(net(code), at);
      expect(e).toBeInstanceOf(ClusterUnreachableError);
      expect(e.message).toContain(code);
    }
    const tls = translateKubeError(net('DEPTH_ZERO_SELF_SIGNED_CERT'), at) as ToolError;
    expect(tls.message).toMatch(/TLS verification failed/);
    expect(tls.hint).toMatch(/certificate-authority/);
  });

  it('maps a refused exec upgrade and discovery failures', () => {
    expect(translateKubeError(new Error('Unexpected server response: 404'), at)).toBeInstanceOf(KubeNotFoundError);
    const unsupported = translateKubeError(new Error('Unrecognized API version and kind: networking.istio.io/v1 Gateway'), at) as ToolError;
    expect(unsupported).toBeInstanceOf(KubeApiUnsupportedError);
    expect(unsupported.hint).toMatch(/Install Istio/);
    const disc = Object.assign(new Error('Failed to fetch resource metadata for example.com/v1/Widget: HTTP-Code: 404'), { code: 404, body: '' });
    expect(translateKubeError(disc, at)).toBeInstanceOf(KubeApiUnsupportedError);
  });

  it('lets bugs through unchanged (exit 1, not 4)', () => {
    const bug = new TypeError('x is undefined');
    expect(translateKubeError(bug, at)).toBe(bug);
  });
});

describe('classification helpers', () => {
  it('knows what is transient', () => {
    expect([429, 500, 502, 503, 504].every((c) => isTransientKubeError(api(c)))).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some((c) => isTransientKubeError(api(c)))).toBe(false);
    expect(isTransientKubeError(net('ECONNRESET'))).toBe(true);
    expect(isTransientKubeError(net('ECONNREFUSED'))).toBe(false);
    expect(isTransientKubeError(new Error('Unexpected server response: 503'))).toBe(true);
  });

  it('parses Status bodies and Retry-After', () => {
    expect(kubeStatusOf(api(429, status('TooManyRequests', 'slow down'), { 'retry-after': '3' }))).toEqual({ code: 429, reason: 'TooManyRequests', message: 'slow down', retryAfterS: 3 });
    expect(kubeStatusOf(api(401, undefined))).toEqual({ code: 401 });
    expect(kubeStatusOf(new Error('plain'))).toBeUndefined();
  });

  it('redacts bearer tokens, token fields and private keys', () => {
    const text = 'Authorization: Bearer abc.def token: s3cret "token":"x1" -----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----';
    const out = redactSecrets(text);
    expect(out).not.toMatch(/abc\.def|s3cret|x1|AAA/);
  });
});
