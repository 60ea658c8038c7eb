import type { Command } from 'commander';
import type { CliRuntime } from '../deps.js';

/**
 * Every registered command, in the order `--help` lists them. A command is registered only when
 * it works end to end (no placeholders).
 */
export const commandFactories: Array<(rt: CliRuntime) => Command> = [];
