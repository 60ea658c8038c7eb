/**
 * Errors of the kube driver. Every one is an EnvironmentError (exit 4): the cluster, the
 * credentials, the kubeconfig or a local tool is not as the command needs it. Messages name the
 * context and say what to do; they never carry tokens, kubeconfig contents or key material
 * (style.md §3: `kube/errors.ts` maps ApiException and transport failures at the boundary).
 */
import { EnvironmentError } from '../errors.js';

type Opts = { cause?: unknown; hint?: string };

/** 401 / 403 from the API server. */
export class KubeAuthError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_AUTH' });
  }
}

/** 404: the object (or its namespace) does not exist. */
export class KubeNotFoundError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_NOT_FOUND' });
  }
}

/** 409: AlreadyExists on create, or Conflict (stale resourceVersion / field-manager conflict). */
export class KubeConflictError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_CONFLICT' });
  }
}

/** 400 / 415 / 422: the API server refused the object as invalid. */
export class KubeInvalidError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_INVALID' });
  }
}

/** 429 / 5xx that persisted through every retry. */
export class KubeServerError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_SERVER' });
  }
}

/** The API server could not be reached: refused, unknown host, timeout, TLS failure, reset. */
export class ClusterUnreachableError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_UNREACHABLE' });
  }
}

/** The cluster does not serve an apiVersion/kind (e.g. Istio's CRDs are not installed). */
export class KubeApiUnsupportedError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_API_UNSUPPORTED' });
  }
}

/** A `--context` that the kubeconfig does not define. */
export class UnknownContextError extends EnvironmentError {
  readonly context: string;
  readonly known: readonly string[];
  constructor(context: string, known: readonly string[], source: string) {
    super(
      `kubeconfig ${source} has no context '${context}'` +
        (known.length > 0 ? ` (known contexts: ${known.join(', ')})` : ' (it defines no contexts)'),
      { code: 'KUBE_CONTEXT', hint: 'Pass one of the known contexts with --context, or --kubeconfig <file> for another kubeconfig.' },
    );
    this.context = context;
    this.known = known;
  }
}

/** No kubeconfig could be found (client-node would silently invent `loaded-context` → localhost:8080). */
export class NoKubeconfigError extends EnvironmentError {
  constructor(message: string) {
    super(message, {
      code: 'KUBE_NO_CONFIG',
      hint: 'Set KUBECONFIG or pass --kubeconfig <file> (kubectl config view --minify shows what kubectl uses).',
    });
  }
}

/** A Deployment did not finish rolling out (failed or timed out). */
export class RolloutError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_ROLLOUT' });
  }
}

/** An exec into a pod could not start, was cut, or timed out. */
export class ExecError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'KUBE_EXEC' });
  }
}

/** istioctl is missing, unsupported or failed. */
export class IstioctlError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'ISTIOCTL' });
  }
}

/** Certificate files: missing, unreadable, or present when overwriting was not asked for. */
export class CertFilesError extends EnvironmentError {
  constructor(message: string, opts: Opts = {}) {
    super(message, { ...opts, code: 'CERT_FILES' });
  }
}

/** A Kubernetes API call that got no answer in time (per request, or the command's --timeout). */
export class KubeTimeoutError extends EnvironmentError {
  /** True when the command's overall --timeout (not the per-request limit) ran out. */
  readonly deadline: boolean;
  constructor(message: string, opts: { hint?: string; cause?: unknown; deadline?: boolean } = {}) {
    const { deadline, ...rest } = opts;
    super(message, { ...rest, code: 'KUBE_TIMEOUT' });
    this.deadline = deadline === true;
  }
}
