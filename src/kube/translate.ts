/**
 * Turns whatever client-node throws into our errors, at the boundary (client-node.md §9):
 * `ApiException` (typed APIs, KubernetesObjectApi, Log), node-fetch `FetchError` (transport, 1.4),
 * `ws` error events (exec upgrade refused) and the plain `Error`s of discovery. Detection is by
 * shape, not `instanceof`, so a second copy of the package cannot defeat it.
 */
import { EnvironmentError, ToolError } from '../errors.js';
import {
  ClusterUnreachableError,
  KubeApiUnsupportedError,
  KubeAuthError,
  KubeConflictError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeServerError,
} from './errors.js';

/** Where a failing call happened, for the message. */
export interface CallSite {
  /** kubeconfig context name. */
  context: string;
  /** API server URL of that context (not secret). */
  server: string;
  /** What we were doing, e.g. `applying Secret istio-system/cacerts`. */
  action: string;
}

/** HTTP status and parsed `v1.Status` of an API error, when the error carries one. */
export interface KubeStatus {
  code: number;
  reason?: string;
  message?: string;
  retryAfterS?: number;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);
const TRANSIENT_NET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const TRANSIENT_HTTP = new Set([429, 500, 502, 503, 504]);

/** Status of an ApiException-like error (or of a refused WebSocket upgrade); undefined otherwise. */
export function kubeStatusOf(err: unknown): KubeStatus | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; body?: unknown; headers?: unknown; message?: unknown; type?: unknown };
  if (typeof e.code === 'number' && 'body' in e) {
    const out: KubeStatus = { code: e.code };
    const status = parseStatusBody(e.body);
    if (status?.reason !== undefined) out.reason = status.reason;
    if (status?.message !== undefined) out.message = status.message;
    const headers = (e.headers ?? {}) as Record<string, unknown>;
    const retryAfter = Number(headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) out.retryAfterS = retryAfter;
    return out;
  }
  // ws rejects the exec upgrade with an ErrorEvent/Error whose message is "Unexpected server response: 403".
  const msg = typeof e.message === 'string' ? e.message : undefined;
  const m = msg !== undefined ? /Unexpected server response: (\d{3})/.exec(msg) : null;
  if (m) return { code: Number(m[1]) };
  return undefined;
}

function parseStatusBody(body: unknown): { reason?: string; message?: string } | undefined {
  let s: unknown = body;
  if (typeof body === 'string') {
    try {
      s = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof s !== 'object' || s === null) return undefined;
  const o = s as { reason?: unknown; message?: unknown };
  const out: { reason?: string; message?: string } = {};
  if (typeof o.reason === 'string') out.reason = o.reason;
  if (typeof o.message === 'string') out.message = o.message;
  return out;
}

/** System error code of a transport failure (node-fetch FetchError, Node net/tls errors, nested causes). */
export function netCodeOf(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && typeof cur === 'object' && cur !== null; depth++) {
    const c = cur as { code?: unknown; message?: unknown; cause?: unknown; error?: unknown };
    if (typeof c.code === 'string') return c.code;
    if (typeof c.message === 'string' && /socket hang up/.test(c.message)) return 'ECONNRESET';
    cur = c.cause ?? c.error;
  }
  return undefined;
}

/** True for failures worth retrying: 429, 5xx, connection resets and timeouts. */
export function isTransientKubeError(err: unknown): boolean {
  if (err instanceof ToolError) return false;
  const st = kubeStatusOf(err);
  if (st !== undefined) return TRANSIENT_HTTP.has(st.code);
  const code = netCodeOf(err);
  return code !== undefined && TRANSIENT_NET_CODES.has(code);
}

/** Server-requested wait (429 Retry-After) in ms, if any. */
export function retryAfterMs(err: unknown): number | undefined {
  const s = kubeStatusOf(err)?.retryAfterS;
  return s === undefined ? undefined : s * 1000;
}

/** Remove anything that looks like a credential from text that came from elsewhere. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(Bearer\s+)[^\s"',]+/gi, '$1<redacted>')
    .replace(/("?token"?\s*[:=]\s*"?)[^\s"',}]+/gi, '$1<redacted>')
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '<redacted private key>');
}

/**
 * Translate a client-node failure into an EnvironmentError subclass naming the context and the
 * action. ToolErrors pass through unchanged; an ApiException's own message (headers and body
 * dumped) is never shown. Errors that are neither API nor transport failures are returned as they
 * are: they are bugs and must surface as internal errors (exit 1), not as exit 4.
 */
export function translateKubeError(err: unknown, at: CallSite): Error {
  if (err instanceof ToolError) return err;
  const where = `context '${at.context}' (${at.server})`;
  const st = kubeStatusOf(err);
  const rawMessage = err instanceof Error ? err.message : '';
  // KubernetesObjectApi rewrites a failed discovery as "Failed to fetch resource metadata for <apiVersion>/<Kind>: …";
  // a 404 there means the group/version is not served at all.
  const discovery = /^Failed to fetch resource metadata for (\S+)\/([^/:\s]+):/.exec(rawMessage);
  if (discovery && st?.code === 404) {
    return new KubeApiUnsupportedError(`${where} does not serve ${discovery[1]} ${discovery[2]} (needed while ${at.action})`, {
      cause: err,
      hint: discovery[1]?.includes('istio.io') ? 'Install Istio (its CRDs) in that cluster first, e.g. run meshbench deploy without --skip-istio.' : undefined,
    });
  }
  if (st !== undefined) {
    const detail = st.message !== undefined ? `: ${clip(redactSecrets(st.message))}` : '';
    switch (st.code) {
      case 401:
        return new KubeAuthError(`${where}: the API server rejected the credentials (401 Unauthorized) while ${at.action}`, {
          cause: err,
          hint: `Refresh the credentials of context '${at.context}' (e.g. your provider's get-credentials command) and check with \`kubectl --context ${at.context} auth whoami\`.`,
        });
      case 403:
        return new KubeAuthError(`${where}: forbidden (403) while ${at.action}${detail}`, {
          cause: err,
          hint: `Check the context and its RBAC: \`kubectl --context ${at.context} auth can-i --list\`. deploy and cleanup need cluster-admin-like rights (namespaces, ClusterRoles, Istio CRDs).`,
        });
      case 404:
        return new KubeNotFoundError(`${where}: not found (404) while ${at.action}${detail}`, { cause: err });
      case 409:
        return new KubeConflictError(`${where}: conflict (409${st.reason ? ` ${st.reason}` : ''}) while ${at.action}${detail}`, {
          cause: err,
          hint: 'Another client changed the object at the same time; run the command again.',
        });
      case 400:
      case 415:
      case 422:
        return new KubeInvalidError(`${where}: the API server refused the request (${st.code}${st.reason ? ` ${st.reason}` : ''}) while ${at.action}${detail}`, {
          cause: err,
        });
      default:
        if (st.code === 429 || st.code >= 500) {
          return new KubeServerError(`${where}: the API server kept failing (${st.code}) while ${at.action}${detail}`, {
            cause: err,
            hint: `Check the control plane's health (\`kubectl --context ${at.context} get --raw /readyz\`) and run the command again.`,
          });
        }
        return new KubeInvalidError(`${where}: unexpected HTTP ${st.code} while ${at.action}${detail}`, { cause: err });
    }
  }
  const code = netCodeOf(err);
  if (code !== undefined && TLS_CODES.has(code)) {
    return new ClusterUnreachableError(`${where}: TLS verification failed (${code}) while ${at.action}`, {
      cause: err,
      hint: `The kubeconfig's certificate-authority data for context '${at.context}' does not match the server's certificate; refresh the kubeconfig.`,
    });
  }
  if (code !== undefined && (UNREACHABLE_CODES.has(code) || TRANSIENT_NET_CODES.has(code))) {
    return new ClusterUnreachableError(`${where}: cannot reach the API server (${code}) while ${at.action}`, {
      cause: err,
      hint: `Is the cluster running and is ${at.server} reachable from here? Try \`kubectl --context ${at.context} get namespaces\`.`,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  const unrecognized = /Unrecognized API version and kind: (\S+) (\S+)/.exec(message);
  if (unrecognized) {
    return new KubeApiUnsupportedError(`${where} does not serve ${unrecognized[1]} ${unrecognized[2]} (needed while ${at.action})`, {
      cause: err,
      hint: unrecognized[1]?.includes('istio.io') ? 'Install Istio (its CRDs) in that cluster first, e.g. run meshbench deploy without --skip-istio.' : undefined,
    });
  }
  if (/HTTP protocol is not allowed/.test(message)) {
    return new EnvironmentError(`${where}: the server URL is plain http:// but the kubeconfig does not set insecure-skip-tls-verify`, {
      cause: err,
      code: 'KUBE_CONFIG',
      hint: 'Use the https:// address of the API server, or set insecure-skip-tls-verify: true for that cluster (kubectl proxy setups).',
    });
  }
  if (err instanceof Error && err.name === 'FetchError') {
    return new ClusterUnreachableError(`${where}: request failed while ${at.action}: ${clip(redactSecrets(message.split('\n')[0] ?? ''))}`, {
      cause: err,
    });
  }
  // Anything else is a bug on our side (or in the client): let it surface as an internal error.
  return err instanceof Error ? err : new Error(String(err));
}

function clip(s: string): string {
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}
