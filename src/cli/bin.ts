#!/usr/bin/env node
import { randomInt } from 'node:crypto';
import { main } from './main.js';
import { realClock } from './real-clock.js';
import { installSignalHandlers } from './signals.js';

const { signal, onSecondInterrupt } = installSignalHandlers();
process.exitCode = await main(process.argv.slice(2), {
  stdout: { write: (s) => void process.stdout.write(s), isTTY: process.stdout.isTTY === true, columns: process.stdout.columns },
  stderr: { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true, columns: process.stderr.columns },
  env: process.env,
  cwd: process.cwd(),
  clock: realClock,
  randomSeed: () => randomInt(1, 2 ** 31 - 1),
  signal,
  onSecondInterrupt,
});
