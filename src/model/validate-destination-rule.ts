import type { DestinationRule } from './destination-rule.js';
import { checkDns1123Label, checkLabelKey, checkLabelValue } from './dns.js';
import { resolveDestinationRule } from './resolve-destination-rule.js';
import { resolveDestinationRuleHost } from './resolve-dr-host.js';
import { parseWith } from './schemas/common.js';
import { destinationRuleSchema } from './schemas/destination-rule.js';
import { DESTINATION_RULE_API_VERSIONS, checkHeader, documentKind } from './validate-header.js';
import { checkLocalityPattern, patternsOverlap } from './validate-locality.js';
import { arrayField, duplicateNames, field, isRecord, problemAt, stringField, type DocProblem, type PathSeg } from './validate-problems.js';

/**
 * Validation of Istio DestinationRules: the schema, then the rules istiod's validating webhook
 * applies to the fields meshbench interprets (mirrors istio `pkg/config/validation/validation.go`
 * ValidateDestinationRule, validateLocalityLbSetting, validateOutlierDetection), so a manifest that
 * meshbench accepts is one `kubectl apply` accepts too.
 */

const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];
const HOST = /^(\*|(\*\.)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*)$/;

function checkLocalityLb(l: unknown, path: PathSeg[]): DocProblem[] {
  const problems: DocProblem[] = [];
  const distribute = arrayField(l, 'distribute');
  const failover = arrayField(l, 'failover');
  const failoverPriority = arrayField(l, 'failoverPriority');
  if (distribute.length > 0 && failover.length > 0) {
    problems.push({ path: [...path, 'failover'], message: "can not simultaneously specify 'distribute' and 'failover'", hint: 'istiod rejects this DestinationRule; keep one of them' });
  }
  if (failover.length > 0) {
    const topo = failoverPriority.findIndex((k) => typeof k === 'string' && TOPOLOGY_LABELS.includes(k));
    if (topo !== -1) {
      problems.push({
        path: [...path, 'failoverPriority', topo],
        message: `can not simultaneously set 'failover' and topology label '${String(failoverPriority[topo])}' in 'failoverPriority'`,
        hint: 'istiod rejects this DestinationRule',
      });
    }
  }
  const froms: Array<{ parts: string[]; path: PathSeg[] }> = [];
  distribute.forEach((d, i) => {
    const at: PathSeg[] = [...path, 'distribute', i];
    const from = stringField(d, 'from');
    if (from !== undefined) {
      const p = checkLocalityPattern(from);
      if (!p.ok) problems.push(problemAt([...at, 'from'], p));
      else froms.push({ parts: p.value, path: [...at, 'from'] });
    }
    const to = field(d, 'to');
    if (!isRecord(to)) return;
    let total = 0;
    const tos: Array<{ parts: string[]; path: PathSeg[] }> = [];
    for (const [locality, weight] of Object.entries(to)) {
      const p = checkLocalityPattern(locality);
      if (!p.ok) problems.push(problemAt([...at, 'to', locality], p, 'key'));
      else tos.push({ parts: p.value, path: [...at, 'to', locality] });
      if (typeof weight === 'number') {
        if (weight <= 0 || weight > 100) problems.push({ path: [...at, 'to', locality], message: `locality weight ${weight} must be in range [1, 100]` });
        total += weight;
      }
    }
    if (Object.keys(to).length > 0 && total !== 100) {
      problems.push({ path: [...at, 'to'], message: `total locality weight ${total} != 100`, hint: 'the weights of one distribute entry must add up to 100' });
    }
    problems.push(...overlaps(tos));
  });
  problems.push(...overlaps(froms));
  failover.forEach((f, i) => {
    const from = stringField(f, 'from');
    const to = stringField(f, 'to');
    const at: PathSeg[] = [...path, 'failover', i];
    if (from === undefined || to === undefined) return;
    if (from === to) problems.push({ path: [...at, 'to'], message: 'locality lb failover settings must specify different regions', hint: `"from" and "to" are both "${from}"` });
    if (from.includes('/') || to.includes('/')) problems.push({ path: at, message: 'locality lb failover only specify region', hint: 'failover works between regions: write "from: us-east1", not a zone' });
    if (from.includes('*') || to.includes('*')) problems.push({ path: at, message: "locality lb failover region should not contain '*' wildcard" });
  });
  return problems;
}

function overlaps(entries: ReadonlyArray<{ parts: string[]; path: PathSeg[] }>): DocProblem[] {
  const problems: DocProblem[] = [];
  entries.forEach((e, i) => {
    const earlier = entries.slice(0, i).find((o) => patternsOverlap(o.parts, e.parts));
    if (earlier !== undefined) {
      problems.push({ path: e.path, message: `locality ${e.parts.join('/')} overlaps with ${earlier.parts.join('/')}`, hint: 'istiod rejects overlapping localities in one list', at: 'key' });
    }
  });
  return problems;
}

function checkPolicy(p: unknown, path: PathSeg[]): DocProblem[] {
  if (!isRecord(p)) return [];
  const problems: DocProblem[] = [];
  const lb = field(p, 'loadBalancer');
  if (field(lb, 'simple') !== undefined && field(lb, 'consistentHash') !== undefined) {
    problems.push({ path: [...path, 'loadBalancer', 'consistentHash'], message: 'loadBalancer.simple and loadBalancer.consistentHash are exclusive', hint: 'they are one proto oneof (lbPolicy): keep one' });
  }
  const locality = field(lb, 'localityLbSetting');
  if (isRecord(locality)) problems.push(...checkLocalityLb(locality, [...path, 'loadBalancer', 'localityLbSetting']));
  const od = field(p, 'outlierDetection');
  const localOrigin = field(od, 'consecutiveLocalOriginFailures');
  if (typeof localOrigin === 'number' && localOrigin > 0 && field(od, 'splitExternalLocalOriginErrors') !== true) {
    problems.push({
      path: [...path, 'outlierDetection', 'consecutiveLocalOriginFailures'],
      message: 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
      hint: 'add "splitExternalLocalOriginErrors: true"',
    });
  }
  return problems;
}

function crossChecks(raw: unknown): DocProblem[] {
  const problems: DocProblem[] = [];
  const spec = field(raw, 'spec');
  const host = stringField(spec, 'host');
  if (host !== undefined && host !== '' && !HOST.test(host)) {
    problems.push({ path: ['spec', 'host'], message: `host "${host}" is not a valid hostname`, hint: 'e.g. helloworld, helloworld.sample.svc.cluster.local or *.sample.svc.cluster.local' });
  }
  problems.push(...checkPolicy(field(spec, 'trafficPolicy'), ['spec', 'trafficPolicy']));
  const subsets = arrayField(spec, 'subsets');
  problems.push(...duplicateNames(subsets.map((s, i) => ({ name: stringField(s, 'name'), path: ['spec', 'subsets', i, 'name'] })), 'subset name'));
  subsets.forEach((s, i) => {
    const name = stringField(s, 'name');
    if (name !== undefined && name !== '') {
      const n = checkDns1123Label(name, 'subset name');
      if (!n.ok) problems.push(problemAt(['spec', 'subsets', i, 'name'], n));
    }
    const labels = field(s, 'labels');
    if (isRecord(labels)) {
      for (const [k, v] of Object.entries(labels)) {
        const key = checkLabelKey(k);
        if (!key.ok) problems.push(problemAt(['spec', 'subsets', i, 'labels', k], key, 'key'));
        if (typeof v === 'string') {
          const value = checkLabelValue(v, `label ${k}`);
          if (!value.ok) problems.push(problemAt(['spec', 'subsets', i, 'labels', k], value));
        }
      }
    }
    problems.push(...checkPolicy(field(s, 'trafficPolicy'), ['spec', 'subsets', i, 'trafficPolicy']));
  });
  return problems;
}

/** Validates one DestinationRule document and resolves it; `source` is the file name for messages. */
export function validateDestinationRuleDocument(raw: unknown, source: string): { rule?: DestinationRule; problems: DocProblem[] } {
  const header = checkHeader(raw, 'DestinationRule');
  if (header.length > 0) return { problems: header };
  const { data, problems } = parseWith(destinationRuleSchema, raw);
  problems.push(...crossChecks(raw));
  if (problems.length > 0 || data === undefined) return { problems };
  return { rule: resolveDestinationRule(data, source), problems: [] };
}

/** A problem in document `doc` (0-based) of a multi-document file. */
export interface FileProblem {
  doc: number;
  problem: DocProblem;
}

/**
 * Validates a manifest file that may hold several documents: takes the DestinationRule(s), ignores
 * other kinds (a manifest may carry a VirtualService too), and reports a file without any
 * DestinationRule, or two DestinationRules for the same host (`applyNamespace` completes short hosts).
 */
export function validateDestinationRuleFile(docs: readonly unknown[], source: string, applyNamespace: string): { rules: DestinationRule[]; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const rules: DestinationRule[] = [];
  const ruleDocs: number[] = [];
  docs.forEach((raw, doc) => {
    if (documentKind(raw) === 'DestinationRule') ruleDocs.push(doc);
  });
  if (ruleDocs.length === 0) {
    const first = docs.findIndex((d) => d !== null && d !== undefined);
    const kinds = docs.map(documentKind).filter((k): k is string => k !== undefined);
    if (first === -1) {
      problems.push({ doc: 0, problem: { path: [], message: 'empty file: expected a DestinationRule', hint: `a DestinationRule manifest starts with "apiVersion: ${DESTINATION_RULE_API_VERSIONS[0] ?? ''}" and "kind: DestinationRule"` } });
    } else if (kinds.length === 0) {
      for (const p of checkHeader(docs[first], 'DestinationRule')) problems.push({ doc: first, problem: p });
    } else {
      const at = docs.findIndex((d) => documentKind(d) !== undefined);
      problems.push({
        doc: at,
        problem: { path: ['kind'], message: `expected kind DestinationRule, found ${kinds.join(', ')}`, hint: 'the file must hold a networking.istio.io DestinationRule (other documents in it are ignored)' },
      });
    }
    return { rules, problems };
  }
  const byHost = new Map<string, { doc: number; name: string }>();
  for (const doc of ruleDocs) {
    const r = validateDestinationRuleDocument(docs[doc], source);
    for (const p of r.problems) problems.push({ doc, problem: p });
    if (r.rule === undefined) continue;
    const host = resolveDestinationRuleHost(r.rule, applyNamespace);
    const first = byHost.get(host);
    if (first !== undefined) {
      problems.push({
        doc,
        problem: {
          path: ['spec', 'host'],
          message: `a second DestinationRule for host ${host} (the first is "${first.name}", document ${first.doc + 1})`,
          hint: 'keep one DestinationRule per host in the file',
        },
      });
      continue;
    }
    byHost.set(host, { doc, name: r.rule.name });
    rules.push(r.rule);
  }
  return { rules, problems };
}
