import { Command } from 'commander';
import { TOOL_VERSION } from '../version.js';
import type { CliRuntime } from './deps.js';
import { commandFactories } from './commands/index.js';

/** Builds the commander program with every registered command. Pure wiring: no I/O until parse. */
export function buildProgram(rt: CliRuntime): Command {
  const program = new Command('meshbench')
    .description(
      'Measure how an Istio multi-cluster mesh spreads, localises and fails over traffic —\n' +
        'on real clusters (kube target) or on an embedded Envoy/istiod-faithful simulator (sim target).',
    )
    .version(TOOL_VERSION, '-V, --version')
    .option('-v, --verbose', 'print causes and stack traces of errors')
    .option('--no-color', 'disable colour (also: NO_COLOR=1)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nQuick start:\n  meshbench demo                         the seed experiments on the simulated mesh\n' +
        '  meshbench run failover --seed 7        fail helloworld-v1 over to v2 and measure it\n' +
        '  meshbench report results/<id>.json     charts of a stored result\n' +
        '  meshbench init my-test                 an editable scenario (+ mesh, rule) to start your own\n' +
        '  source <(meshbench completion bash)    shell completion (also zsh, fish)\n' +
        '\nExit codes: 0 ok, 1 internal error, 2 usage, 3 invalid input file, 4 environment,\n' +
        '            10 a threshold failed, 130 interrupted.',
    );
  for (const make of commandFactories) program.addCommand(make(rt));
  return program;
}
