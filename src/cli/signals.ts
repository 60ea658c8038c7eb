/**
 * SIGINT/SIGTERM wiring, done once at the edge. The first signal aborts the run's AbortSignal so
 * commands can undo cluster changes and exit 130; a second one calls the handler a command
 * registered (the kube driver says what is left to restore) and then exits.
 */
export function installSignalHandlers(): {
  signal: AbortSignal;
  onSecondInterrupt: (handler: () => void) => void;
} {
  const controller = new AbortController();
  let second: (() => void) | undefined;
  let count = 0;
  const onSignal = (name: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      // Say at once that the signal was heard: the work stops at its next check (a slice of
      // events, a kube call), which can take a moment.
      process.stderr.write(`\n${name}: stopping (keeping what was measured); send it again to exit at once\n`);
      controller.abort(new Error(`interrupted by ${name}`));
      return;
    }
    if (second) second();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    onSecondInterrupt: (handler) => {
      second = handler;
    },
  };
}
