/**
 * Checks of `run`'s command line that commander cannot express: options meant for the other
 * target, and labels that contradict what the run itself records. Both are usage errors (exit 2)
 * found before anything runs; silently ignoring them mislabels results.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { istioProfile } from '../sim/istio-profile.js';

/** Options whose help starts with `sim:` or `kube:` apply to that target only (the help text is the single source). */
const TARGET_PREFIX = /^(sim|kube): /;

/**
 * Refuses an option the user gave (on the command line or from the environment, not a default)
 * whose help marks it for the other target.
 * @throws UsageError naming the flag and both targets
 */
export function checkTargetFlags(cmd: Command, target: string): void {
  for (const o of cmd.options) {
    const only = TARGET_PREFIX.exec(o.description)?.[1];
    if (only === undefined || only === target) continue;
    const source = cmd.getOptionValueSource(o.attributeName());
    if (source !== 'cli' && source !== 'env') continue;
    throw new UsageError(`${o.long ?? o.flags} applies to --target ${only} only, not to --target ${target}`, {
      hint: target === 'kube' ? 'On clusters the Istio version and timing are what the clusters run; drop the flag.' : `Drop the flag, or run with --target ${only}.`,
    });
  }
}

/**
 * Refuses `--label istio=X` when the simulated run uses another Istio profile: the run labels
 * itself `istio=<profile>`, and the user's label would overwrite it with a version that was not
 * simulated (then `compare --by istio` compares the wrong things).
 * @throws UsageError naming the label and the setting it contradicts
 */
export function checkRunLabels(labels: Readonly<Record<string, string>>, target: string, istio: string): void {
  const given = labels['istio'];
  if (target !== 'sim' || given === undefined) return;
  if (istioProfile(given)?.version === istio) return;
  throw new UsageError(`--label istio=${given} contradicts --istio ${istio} (the run simulates Istio ${istio} and is labelled istio=${istio})`, {
    hint: `Drop the label, or run with --istio ${given}.`,
  });
}
