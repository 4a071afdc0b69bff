import type { MeterTools } from '../meter';
import type { Progress } from '../progress';
import type { BenchTarget } from '../target';
import type { SystemUnderTest } from '../jobs';

/** What every scenario runs with. */
export interface ScenarioContext {
  readonly system: SystemUnderTest;
  readonly target: BenchTarget;
  readonly progress: Progress;
  /** Jobs per ingest run and in the priority backlog (`--jobs`). */
  readonly jobs: number;
  /** The local cloud's meter, when the system is the pipeline and the cloud has one. */
  readonly meter?: MeterTools;
}

/** How long the target may take to see a run's jobs: generous, so a slow machine gives a slow figure, not a failure. */
export function drainTimeoutMs(jobs: number): number {
  return 120_000 + jobs * 100;
}

/** The step a progress line names: the scenario, and the system when it is the baseline. */
export function stepName(context: ScenarioContext, scenario: string): string {
  return context.system.name === 'pipeline' ? scenario : `${scenario} (${context.system.name})`;
}
