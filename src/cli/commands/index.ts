import type { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { certsCommand } from './certs.js';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';
import { cleanupCommand } from './cleanup.js';
import { deployCommand } from './deploy.js';
import { doctorCommand } from './doctor.js';
import { validateCommand } from './validate.js';
import { verifyModelCommand } from './verify-model.js';
import { explainCommand } from './explain.js';
import { importCommand } from './import.js';
import { reportCommand } from './report.js';
import { compareCommand } from './compare.js';
import { listCommand } from './list.js';
import { restoreCommand } from './restore.js';
import { initCommand } from './init.js';
import { completionCommand } from './completion.js';
import { sweepCommand } from './sweep.js';

/**
 * Every registered command, in the order `--help` lists them. A command is registered only when
 * it works end to end (no placeholders).
 */
export const commandFactories: Array<(rt: CliRuntime) => Command> = [
  demoCommand,
  runCommand,
  initCommand,
  sweepCommand,
  validateCommand,
  verifyModelCommand,
  explainCommand,
  deployCommand,
  certsCommand,
  doctorCommand,
  cleanupCommand,
  restoreCommand,
  importCommand,
  reportCommand,
  compareCommand,
  listCommand,
  completionCommand,
];
