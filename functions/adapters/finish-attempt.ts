import { JobNotFoundError, TransitionConflictError } from '../core/errors';
import { MAX_HISTORY_ENTRIES } from '../core/job';
import type { AttemptRef } from './job-store';
import { conditionalUpdate, type StoreContext } from './conditional-update';
import type { HistoryItem, StateItem } from './job-item';

/** What one attempt-finishing transition (complete, retry, fail) writes. */
export interface FinishSpec {
  readonly operation: 'complete' | 'retry' | 'fail';
  readonly ref: AttemptRef;
  /** The transition's condition on the item (without the history guard). */
  readonly condition: string;
  /** The same condition, evaluated on an item read back after a refusal. */
  readonly allows: (item: StateItem) => boolean;
  /** `SET` clauses, besides the history. */
  readonly set: readonly string[];
  /** `REMOVE` paths. */
  readonly remove: readonly string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
  /** The attempt's history entry, appended and capped to the latest {@link MAX_HISTORY_ENTRIES}. */
  readonly entry?: HistoryItem;
}

/** Rounds allowed when the history must be rewritten because it is full or moved under us. */
const MAX_ROUNDS = 3;

/**
 * Runs an attempt-finishing transition as one conditional update and returns
 * the item after it. The history is appended with `list_append` while it has
 * room (the usual case: one write); a full history cannot be trimmed in the
 * same expression, so when the append is refused for that reason alone the
 * refusal's old item supplies the history and a second write replaces it,
 * guarded by its length.
 *
 * @throws JobNotFoundError when the job has no record
 * @throws TransitionConflictError when the job is not in the attempt's state
 */
export async function finishAttempt(context: StoreContext, spec: FinishSpec): Promise<Record<string, unknown>> {
  const { jobId } = spec.ref;
  let known: StateItem | undefined;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const outcome = await conditionalUpdate(context, jobId, spec.operation, updateOf(spec, known));
    if (outcome.applied) return outcome.item;
    const { current } = outcome;
    if (current === undefined) throw new JobNotFoundError(jobId, { context: { transition: spec.operation } });
    if (spec.entry === undefined || !spec.allows(current)) throw conflict(spec, current);
    known = current;
  }
  throw conflict(spec, known);
}

function updateOf(spec: FinishSpec, known: StateItem | undefined) {
  const set = [...spec.set];
  const values: Record<string, unknown> = { ...spec.values };
  const names: Record<string, string> = { ...spec.names };
  let condition = `(${spec.condition})`;
  if (spec.entry !== undefined) {
    names['#history'] = 'history';
    if (known === undefined) {
      set.push('#history = list_append(if_not_exists(#history, :noHistory), :entry)');
      values[':noHistory'] = [];
      values[':entry'] = [spec.entry];
      values[':historyCap'] = MAX_HISTORY_ENTRIES;
      condition += ' AND (attribute_not_exists(#history) OR size(#history) < :historyCap)';
    } else {
      set.push('#history = :history');
      values[':history'] = [...known.history, spec.entry].slice(-MAX_HISTORY_ENTRIES);
      values[':historyLength'] = known.history.length;
      condition +=
        known.history.length === 0
          ? ' AND (attribute_not_exists(#history) OR size(#history) = :historyLength)'
          : ' AND size(#history) = :historyLength';
    }
  }
  const remove = spec.remove.length === 0 ? '' : ` REMOVE ${spec.remove.join(', ')}`;
  return {
    UpdateExpression: `SET ${set.join(', ')}${remove}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function conflict(spec: FinishSpec, current: StateItem | undefined): TransitionConflictError {
  return new TransitionConflictError(spec.ref.jobId, spec.operation, {
    context: {
      status: current?.status,
      runId: current?.run_id,
      attempts: current?.attempts,
      expectedRunId: spec.ref.runId,
      expectedAttempt: spec.ref.attempt,
    },
  });
}
