import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/core/errors';

/** Properties of {@link Schedules}. */
export interface SchedulesProps {
  /** Sends delayed jobs that are due. */
  readonly sweeper: IFunction;
  /** Sends again jobs accepted but never claimed. */
  readonly reconciler: IFunction;
  /**
   * Finds, repairs and counts stuck jobs.
   *
   * @default - no stuck-job detector rule
   */
  readonly stuckDetector?: IFunction;
  /**
   * How often the stuck-job detector runs.
   *
   * @default - 5 minutes
   */
  readonly detectEvery?: Duration;
  /**
   * How often the sweeper runs: the lateness of a delayed job is at most this.
   *
   * @default - 1 minute
   */
  readonly sweepEvery?: Duration;
  /**
   * How often the reconciler runs.
   *
   * @default - 5 minutes
   */
  readonly reconcileEvery?: Duration;
}

/**
 * EventBridge rules that run the sweeper (every minute), the reconciler
 * (every 5 minutes) and, when given, the stuck-job detector (every 5 minutes). A missed run is not retried for long: the next one
 * catches up, and the claim step makes a duplicate send harmless.
 *
 * @example
 * new Schedules(this, 'Schedules', { sweeper: sweeper.function, reconciler: reconciler.function });
 */
export class Schedules extends Construct {
  /** The sweeper's rule. */
  public readonly sweeperRule: Rule;
  /** The reconciler's rule. */
  public readonly reconcilerRule: Rule;
  /** The stuck-job detector's rule, when there is a detector. */
  public readonly stuckDetectorRule?: Rule;

  public constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const sweepEvery = props.sweepEvery ?? Duration.minutes(1);
    const reconcileEvery = props.reconcileEvery ?? Duration.minutes(5);
    const detectEvery = props.detectEvery ?? Duration.minutes(5);
    for (const [name, every] of [['sweepEvery', sweepEvery], ['reconcileEvery', reconcileEvery], ['detectEvery', detectEvery]] as const) {
      const minutes = every.toSeconds() / 60;
      if (!Number.isInteger(minutes) || minutes < 1) {
        throw new ConfigError(`Schedules ${id}: ${name} must be a whole number of minutes, at least 1; got ${every.toHumanString()}`);
      }
    }
    this.sweeperRule = this.rule('SweeperRule', 'Runs the sweeper: sends delayed jobs that are due', sweepEvery, props.sweeper);
    this.reconcilerRule = this.rule(
      'ReconcilerRule',
      'Runs the reconciler: sends again jobs accepted but never claimed',
      reconcileEvery,
      props.reconciler,
    );
    if (props.stuckDetector !== undefined) {
      this.stuckDetectorRule = this.rule(
        'StuckDetectorRule',
        'Runs the stuck-job detector: repairs or counts jobs that stopped moving',
        detectEvery,
        props.stuckDetector,
      );
    }
  }

  private rule(id: string, description: string, every: Duration, handler: IFunction): Rule {
    return new Rule(this, id, {
      description,
      schedule: Schedule.rate(every),
      targets: [new LambdaFunction(handler, { retryAttempts: 2, maxEventAge: every })],
    });
  }
}
