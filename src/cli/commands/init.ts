import { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';

interface InitOptions {
  from: string;
  force?: boolean;
}

/** `meshbench init [name]`: an editable scenario, with its mesh and DestinationRule, in the current folder. */
export function initCommand(rt: CliRuntime): Command {
  return new Command('init')
    .description('write an editable scenario, with its mesh and DestinationRule, into the current folder')
    .argument('[name]', 'scenario name and file stem', 'my-scenario')
    .option('--from <scenario>', 'built-in scenario to start from: distribution, locality, failover, outlier-503, gateway-down', 'failover')
    .option('--force', 'replace files that already exist')
    .addHelpText(
      'after',
      '\nWrites <name>.yaml (the scenario), <name>-mesh.yaml (the built-in two-cluster mesh) and\n' +
        '<name>-rule.yaml (the bundled DestinationRule), the scenario pointing at the copies.\n' +
        '\nExamples:\n  meshbench init                         my-scenario.yaml from the failover scenario\n' +
        '  meshbench init canary --from distribution\n' +
        '\nExit codes: 0 written, 2 usage, 4 a file exists (without --force) or cannot be written.',
    )
    .action(async (name: string, opts: InitOptions, cmd: Command) => {
      const { initScenarioFiles } = await import('../../fs/init-files.js');
      const r = await initScenarioFiles({ cwd: rt.cwd, name, from: opts.from, force: opts.force === true });
      const style = styleFor(rt, cmd.optsWithGlobals());
      const lines = [
        `${style.paint('wrote', 'green')} ${r.scenarioFile}  (scenario, from the built-in '${opts.from}')`,
        `      ${r.meshFile}  (mesh)`,
        ...r.ruleFiles.map((f) => `      ${f}  (DestinationRule)`),
        `next: meshbench validate ${r.scenarioFile}          (it names its mesh, ${r.meshFile}, in spec.mesh)`,
        `      meshbench run ${r.scenarioFile}`,
      ];
      rt.stdout.write(`${lines.join('\n')}\n`);
    });
}
