import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { resolveValue, type ResolveScope, type UnresolvedReference } from './intrinsics';
import { parseSchedule, ScheduleExpressionError, type Schedule } from './schedule-expression';
import type { CfnResource } from './template';

/** One scheduled rule target that is a local function. */
export interface ScheduleSpec {
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly schedule: Schedule;
  readonly functionName: string;
  /** The target's constant `Input`, which replaces the scheduled event. */
  readonly input?: unknown;
}

/** What {@link scheduleSpecs} found. */
export interface ScheduleSpecs {
  readonly specs: ScheduleSpec[];
  /** Rules or targets that will not run locally, with why. */
  readonly skipped: string[];
}

/**
 * The `AWS::Events::Rule`s with a `ScheduleExpression` and their targets that
 * are local functions. Disabled rules, event-pattern rules, targets that are
 * not functions, input transformers and expressions the local cloud does not
 * evaluate are reported in `skipped`.
 */
export function scheduleSpecs(
  rules: readonly [string, CfnResource][],
  scope: ResolveScope,
  functionNameOfArn: (arn: string) => string | undefined,
  unresolved: UnresolvedReference[] = [],
): ScheduleSpecs {
  const specs: ScheduleSpec[] = [];
  const skipped: string[] = [];
  for (const [logicalId, resource] of rules) {
    const properties = resolveValue(resource.Properties ?? {}, scope, unresolved) as Record<string, unknown>;
    const local = scope.resource(logicalId);
    if (typeof properties.ScheduleExpression !== 'string') {
      skipped.push(`${logicalId}: event-pattern rules are not emulated`);
      continue;
    }
    if (properties.State !== undefined && properties.State !== 'ENABLED') {
      skipped.push(`${logicalId}: ${String(properties.State)}`);
      continue;
    }
    let schedule: Schedule;
    try {
      schedule = parseSchedule(properties.ScheduleExpression);
    } catch (error) {
      if (!(error instanceof ScheduleExpressionError)) throw error;
      skipped.push(`${logicalId}: ${error.message}`);
      continue;
    }
    const targets = Array.isArray(properties.Targets) ? (properties.Targets as Record<string, unknown>[]) : [];
    for (const target of targets) {
      const functionName = functionNameOfArn(String(target.Arn ?? ''));
      if (functionName === undefined) {
        skipped.push(`${logicalId} target ${String(target.Id)}: only function targets are emulated`);
        continue;
      }
      if (target.InputPath !== undefined || target.InputTransformer !== undefined) {
        skipped.push(`${logicalId} target ${String(target.Id)}: InputPath and InputTransformer are not emulated; the scheduled event is sent`);
      }
      specs.push({
        ruleName: local?.ref ?? logicalId,
        ruleArn: local?.attributes.Arn ?? logicalId,
        schedule,
        functionName,
        ...(typeof target.Input === 'string' ? { input: JSON.parse(target.Input) as unknown } : {}),
      });
    }
  }
  return { specs, skipped };
}

/** How scheduled targets are run. */
export interface SchedulesOptions {
  readonly region: string;
  readonly accountId: string;
  /** Invokes a function asynchronously (errors are the caller's to log). */
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  /** Fire every schedule at this interval instead of its own (tests). @default - each schedule's own */
  readonly everyMs?: number;
  readonly log: (line: string) => void;
}

/** Running schedule timers. */
export interface RunningSchedules {
  stop(): void;
}

/**
 * Fires each scheduled target on its schedule (the first time one interval
 * after start, as a new rule does), invoking the function with EventBridge's
 * scheduled event, or the target's constant input. An invocation is not
 * awaited before the next firing, as EventBridge does not wait either.
 *
 * @example
 * const running = startSchedules(specs, { region, accountId, invoke, log });
 * running.stop();
 */
export function startSchedules(specs: readonly ScheduleSpec[], options: SchedulesOptions): RunningSchedules {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const arm = (spec: ScheduleSpec, after: Date): void => {
    if (stopped) return;
    const at = options.everyMs === undefined ? spec.schedule.next(after) : new Date(after.getTime() + options.everyMs);
    const timer = setTimeout(() => {
      timers.delete(timer);
      arm(spec, at);
      const event = spec.input ?? scheduledEvent(spec, at, options);
      options.invoke(spec.functionName, event).catch(() => undefined);
    }, Math.max(0, at.getTime() - Date.now()));
    timer.unref();
    timers.add(timer);
  };
  const now = new Date();
  for (const spec of specs) arm(spec, now);
  return {
    stop: () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

function scheduledEvent(spec: ScheduleSpec, at: Date, options: SchedulesOptions): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: options.accountId,
    // EventBridge writes whole seconds.
    time: `${at.toISOString().slice(0, 19)}Z`,
    region: options.region,
    resources: [spec.ruleArn],
    detail: {},
  };
}
