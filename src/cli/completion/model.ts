/**
 * What shell completion needs to know, read from the commander program itself (commands, their
 * options with value/choices, their arguments), so the scripts cannot drift from the CLI.
 */
import type { Command, Option } from 'commander';

export interface CompletionOption {
  /** `--target`, and `-q` when the option has a short form. */
  long?: string;
  short?: string;
  description: string;
  /** The option takes a value (`--out <dir>`). */
  takesValue: boolean;
  /** Allowed values, when commander knows them (`.choices()`). */
  choices?: string[];
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** Words suggested for the command's positional arguments (built-in names, shell names). */
  argWords: string[];
  /** Positional arguments may be files. */
  argFiles: boolean;
}

export interface CompletionModel {
  program: string;
  globalOptions: CompletionOption[];
  commands: CompletionCommand[];
}

function optionOf(o: Option): CompletionOption {
  return {
    ...(o.long !== undefined ? { long: o.long } : {}),
    ...(o.short !== undefined ? { short: o.short } : {}),
    description: o.description,
    takesValue: o.required || o.optional,
    ...(o.argChoices !== undefined ? { choices: [...o.argChoices] } : {}),
  };
}

/**
 * The model of `program`. `wordsFor` adds completions for a command's positional arguments that
 * commander does not know (e.g. built-in scenario names); argument choices are used as they are.
 */
export function completionModel(program: Command, wordsFor: (command: string) => readonly string[] = () => []): CompletionModel {
  const help = program.createHelp();
  const commands = help.visibleCommands(program).map((c): CompletionCommand => {
    const args = c.registeredArguments;
    const choices = args.flatMap((a) => a.argChoices ?? []);
    return {
      name: c.name(),
      description: c.description(),
      options: c.createHelp().visibleOptions(c).map(optionOf),
      argWords: [...choices, ...wordsFor(c.name())],
      // `help [command]` completes command names; arguments with choices are not files.
      argFiles: args.length > 0 && choices.length === 0 && c.name() !== 'help',
    };
  });
  const helpCommand = commands.find((c) => c.name === 'help');
  if (helpCommand !== undefined) helpCommand.argWords = commands.map((c) => c.name).filter((n) => n !== 'help');
  return { program: program.name(), globalOptions: help.visibleOptions(program).map(optionOf), commands };
}

/** Every spelling of an option (`-q`, `--quiet`). */
export function spellings(o: CompletionOption): string[] {
  return [o.short, o.long].filter((s): s is string => s !== undefined);
}

/** A description on one line, without the characters each shell's syntax reserves. */
export function plainDescription(text: string, max = 70): string {
  const one = text.replace(/\s+/g, ' ').replace(/[`'"[\]\\$]/g, '').replace(/:/g, ' -').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
