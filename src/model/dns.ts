import { fail, ok, type Parsed } from './validate-problems.js';

/**
 * Kubernetes name rules (apimachinery `pkg/util/validation/validation.go`): DNS-1123 labels for
 * namespaces, Services, clusters and the names meshbench uses in file names; DNS-1123 subdomains for
 * object names; label keys and values for pod labels, networks and localities.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** True for a DNS-1123 label: lowercase alphanumerics and '-', alphanumeric at both ends, ≤ 63 characters. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** True for a DNS-1123 subdomain: dot-separated DNS-1123 labels, ≤ 253 characters. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** A close DNS-1123 label for a bad name (lowercased, invalid runs replaced by '-'), for hints. */
export function suggestDns1123Label(s: string): string {
  const fixed = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return fixed === '' ? 'my-name' : fixed;
}

/** Checks a DNS-1123 label; `what` names the thing in the message (e.g. `cluster name`). */
export function checkDns1123Label(s: string, what: string): Parsed<string> {
  if (isDns1123Label(s)) return ok(s);
  const why = s === '' ? 'is empty' : s.length > 63 ? 'is longer than 63 characters' : 'is not a DNS-1123 label';
  return fail(
    `${what} "${s}" ${why}`,
    `use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. "${suggestDns1123Label(s)}")`,
  );
}

/** Checks a DNS-1123 subdomain (Kubernetes object names such as a DestinationRule's metadata.name). */
export function checkDns1123Subdomain(s: string, what: string): Parsed<string> {
  if (isDns1123Subdomain(s)) return ok(s);
  return fail(
    `${what} "${s}" is not a DNS-1123 subdomain`,
    "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
  );
}

/** True for a Kubernetes label value (may be empty; ≤ 63 characters of alphanumerics, '-', '_', '.'). */
export function isLabelValue(s: string): boolean {
  return s.length <= 63 && LABEL_VALUE.test(s);
}

/** Checks a Kubernetes label value. */
export function checkLabelValue(s: string, what: string): Parsed<string> {
  if (isLabelValue(s)) return ok(s);
  return fail(`${what} "${s}" is not a valid Kubernetes label value`, "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
}

/** Checks a Kubernetes label key: `[prefix/]name`, prefix a DNS-1123 subdomain, name ≤ 63 characters. */
export function checkLabelKey(s: string): Parsed<string> {
  const slash = s.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : s.slice(0, slash);
  const name = slash === -1 ? s : s.slice(slash + 1);
  const prefixOk = prefix === undefined || isDns1123Subdomain(prefix);
  if (prefixOk && name.length <= 63 && LABEL_NAME.test(name)) return ok(s);
  return fail(`label key "${s}" is not valid`, 'a label key is [prefix/]name: prefix a DNS subdomain, name ≤ 63 letters, digits, -, _ or .');
}
