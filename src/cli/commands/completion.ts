import { Argument, Command } from 'commander';
import type { CliRuntime } from '../deps.js';

/** Commands whose arguments take built-in scenario names (besides files). */
const SCENARIO_COMMANDS = new Set(['run', 'validate', 'explain']);

/** `meshbench completion bash|zsh|fish`: a completion script generated from the program itself. */
export function completionCommand(rt: CliRuntime): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish), generated from the commands themselves')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      '\nInstall:\n' +
        '  bash  source <(meshbench completion bash)          (add it to ~/.bashrc)\n' +
        '  zsh   source <(meshbench completion zsh)           (after compinit, in ~/.zshrc)\n' +
        '  fish  meshbench completion fish > ~/.config/fish/completions/meshbench.fish',
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish', _opts: unknown, cmd: Command) => {
      const [{ completionModel }, { listBuiltins }] = await Promise.all([import('../completion/model.js'), import('../../fs/document-files.js')]);
      const scenarios = await listBuiltins('scenario');
      const root = cmd.parent ?? cmd;
      const model = completionModel(root, (name) => (SCENARIO_COMMANDS.has(name) ? scenarios : []));
      const render =
        shell === 'bash'
          ? (await import('../completion/bash.js')).bashCompletion
          : shell === 'zsh'
            ? (await import('../completion/zsh.js')).zshCompletion
            : (await import('../completion/fish.js')).fishCompletion;
      rt.stdout.write(render(model));
    });
}
