import { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { scenarioClients } from '../../model/scenario.js';

interface ExplainOptions {
  mesh?: string;
  destinationRule?: string;
  client?: string;
  istio?: string;
  json?: boolean;
}

/**
 * `meshbench explain [scenario]`: what each client proxy does with a DestinationRule in a mesh.
 * A scenario supplies mesh client, service and DestinationRule; flags override them.
 */
export function explainCommand(rt: CliRuntime): Command {
  return new Command('explain')
    .description('show what each client proxy will do with a DestinationRule: endpoint priorities and weights, effective Envoy settings, predicted split, warnings')
    .argument('[scenario]', 'scenario file or built-in name: its client, service and DestinationRule are used')
    .option('--mesh <file>', 'mesh topology (default: the built-in two-cluster mesh)')
    .option('--destination-rule <file>', 'DestinationRule manifest (overrides the scenario\'s)')
    .option('--client <cluster/workload>', 'explain this client only (default: the scenario\'s client, else every client)')
    .option('--istio <version>', 'Istio behaviour profile, e.g. 1.24 (default: newest supported)')
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText('after', '\nExit codes: 0 ok, 2 unknown --istio version or --client, 3 invalid mesh, scenario or DestinationRule file.')
    .action(async (scenarioRef: string | undefined, opts: ExplainOptions, cmd: Command) => {
      const { explain, profileForFlag } = await import('../../app/explain.js');
      // Usage problems first, before any file is read.
      profileForFlag(opts.istio);
      const { loadDestinationRule, loadMesh, loadScenario } = await import('../../fs/documents.js');
      const { meshRefFor } = await import('../../fs/scenario-mesh.js');
      const mesh = await loadMesh(scenarioRef === undefined ? opts.mesh : await meshRefFor(scenarioRef, opts.mesh, rt.cwd), rt.cwd);
      const scenario = scenarioRef === undefined ? undefined : (await loadScenario(scenarioRef, rt.cwd, mesh)).scenario;
      const service = scenario ? { service: scenario.request.service, namespace: scenario.request.namespace } : undefined;
      const destinationRule =
        opts.destinationRule !== undefined
          ? await loadDestinationRule(opts.destinationRule, rt.cwd, service ?? {})
          : scenario?.destinationRule;
      // A scenario's clients, each explained from its own place (several with `spec.clients`).
      const scenarioClientList = scenario ? scenarioClients(scenario) : [];
      const client = opts.client ?? (scenarioClientList.length === 1 ? `${scenario!.client.cluster}/${scenario!.client.workload}` : undefined);
      const report = explain({
        mesh,
        ...(destinationRule !== undefined ? { destinationRule } : {}),
        ...(opts.istio !== undefined ? { istio: opts.istio } : {}),
        ...(client !== undefined ? { client } : scenarioClientList.length > 1 ? { clients: scenarioClientList } : {}),
        ...(service !== undefined ? { service } : {}),
        ...(scenario !== undefined ? { load: scenario.load } : {}),
        ...(scenario?.request.trafficDistribution !== undefined ? { trafficDistribution: scenario.request.trafficDistribution } : {}),
      });
      if (opts.json === true) {
        rt.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const { renderExplain } = await import('../../render/explain.js');
      rt.stdout.write(renderExplain(report, styleFor(rt, cmd.optsWithGlobals())));
    });
}
