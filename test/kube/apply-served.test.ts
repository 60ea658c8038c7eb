/** Istio networking objects go out as the newest version the cluster serves (v1 needs Istio 1.22+). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../../src/app/ports.js';
import { applyAll } from '../../src/kube/deploy/apply.js';
import { KubeApiUnsupportedError } from '../../src/kube/errors.js';
import { clusterSpecs } from '../../src/kube/testbed.js';
import { startApiServer, type ApiServer } from '../support/apiserver/server.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { connect } from './helpers.js';

let old: ApiServer;
let none: ApiServer;
const gatewayObj = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'cross-network-gateway', namespace: 'istio-system' },
  spec: { selector: { istio: 'eastwestgateway' }, servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }] },
};

beforeAll(async () => {
  old = await startApiServer({ name: 'istio-1-20', unservedVersions: ['networking.istio.io/v1'] });
  none = await startApiServer({ name: 'no-istio', unservedVersions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] });
});
afterAll(async () => Promise.all([old.close(), none.close()]).then(() => undefined));

describe('applying Istio networking objects', () => {
  it('falls back to v1beta1 where v1 is not served', async () => {
    const kube = connect(writeKubeconfig([{ context: 'old', server: old }, { context: 'none', server: none }]), ['old', 'none']);
    const [c] = clusterSpecs(['old']);
    const gw = kube.clusters[0]!.gateway;
    await gw.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
    await applyAll(gw, c!, [gatewayObj], silentProgress);
    expect(old.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toContain('/apis/networking.istio.io/v1beta1/namespaces/istio-system/gateways/cross-network-gateway');
    expect(old.get('networking.istio.io/v1beta1', 'Gateway', 'istio-system', 'cross-network-gateway')).toBeDefined();
    const err = await applyAll(kube.clusters[1]!.gateway, c!, [gatewayObj], silentProgress).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiUnsupportedError);
    expect((err as KubeApiUnsupportedError).hint).toMatch(/Install Istio/);
  });
});
