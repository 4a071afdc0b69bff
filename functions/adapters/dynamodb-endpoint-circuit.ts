import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterFailure, afterRejection, afterSuccess, gateOf, opensCircuit, probeTaken } from '../core/circuit-breaker';
import { CIRCUIT_STATE, type CircuitSettings, type CircuitStatus, type Endpoint, type EndpointFailure } from '../core/endpoint';
import { isRetryableCategory } from '../core/failure';
import { JOBS_TABLE } from '../core/table-schema';
import { systemClock, type Clock } from './clock';
import { isConditionalCheckFailed, oldItemOf, storeFailure } from './dynamodb-errors';
import { endpointItemKey, endpointOfItem } from './endpoint-item';
import { ENDPOINT_ATTRIBUTE as A, type EndpointCircuit } from './endpoint-store';
import { collisionPauseMs } from './optimistic-item';

/** What a {@link DynamoDbEndpointCircuit} needs. */
export interface DynamoDbEndpointCircuitOptions {
  readonly client: DynamoDBClient;
  /** The jobs table, where the endpoints' items live. */
  readonly tableName: string;
  /** @default 4 - writes of one failure tried before it is given up (the breaker then counts it late or not at all) */
  readonly maxTries?: number;
  /** @default Math.random - spreads the retries of writers that collided */
  readonly random?: () => number;
  /** @default systemClock - for the pause between retries */
  readonly clock?: Clock;
}

/** An endpoint's breaker as its item holds it: the state and the settings it moves by. */
type StoredCircuit = CircuitStatus & CircuitSettings;

/** A write's outcome: applied, or refused with the item as it then was (undefined: there is none). */
type WriteOutcome = { readonly applied: true } | { readonly applied: false; readonly current: StoredCircuit | undefined };

const STATE_NAMES = {
  '#state': A.circuitState,
  '#failures': A.consecutiveFailures,
  '#opened': A.openedAtMs,
  '#probe': A.probeUntilMs,
};

/**
 * The circuit breaker's writes on an endpoint's item (`ENDPOINT#<id>` /
 * `STATE`), next to the registration the registry writes. Each one moves the
 * state with `core/circuit-breaker.ts` and stores it with an UpdateItem on the
 * condition that the item still holds the state it was computed from (and
 * exists: a removed endpoint is not brought back as a fragment), bumping
 * `version` and `updated_at` so the registry's own conditional writes see it.
 *
 * A failure that lost a race is computed again from the winner's item (which
 * the refusal returns) and written again, a few times; then it is given up
 * quietly. A probe that lost its race is simply not taken.
 *
 * @example
 * const circuit = new DynamoDbEndpointCircuit({ client, tableName: 'jobs' });
 * const status = await circuit.recordFailure(endpoint, { at, category: 'server', message: 'target answered 503', status: 503 }, Date.now());
 */
export class DynamoDbEndpointCircuit implements EndpointCircuit {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly maxTries: number;
  private readonly random: () => number;
  private readonly clock: Clock;

  public constructor(options: DynamoDbEndpointCircuitOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client);
    this.tableName = options.tableName;
    this.maxTries = options.maxTries ?? 4;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
  }

  /** Takes the one probe if the endpoint's state (as the caller saw it) allows one and still holds. */
  public async takeProbe(endpoint: Endpoint, nowMs: number, probeLeaseMs: number): Promise<boolean> {
    const seen = endpoint.circuit;
    if (gateOf(seen, nowMs).kind !== 'probe') return false;
    const outcome = await this.write(endpoint.endpointId, 'take probe', seen, probeTaken(seen, nowMs, probeLeaseMs), { nowMs });
    return outcome.applied;
  }

  /**
   * Counts a failure. A retryable one moves the breaker (`afterFailure`);
   * any other only counts (`afterRejection`: a probe that ends so gives its
   * lease back). Returns the state written, or the last one read when every
   * try lost its race.
   */
  public async recordFailure(endpoint: Endpoint, failure: EndpointFailure, nowMs: number): Promise<CircuitStatus> {
    let seen: StoredCircuit = endpoint.circuit;
    for (let tries = 1; ; tries += 1) {
      const next = isRetryableCategory(failure.category) ? afterFailure(seen, seen, nowMs) : afterRejection(seen);
      const outcome = await this.write(endpoint.endpointId, 'record failure', seen, next, { nowMs, failure, opened: opensCircuit(seen, next) });
      if (outcome.applied) return statusOf(next);
      if (outcome.current === undefined || tries >= this.maxTries) return statusOf(outcome.current ?? seen);
      seen = outcome.current;
      await this.clock.sleep(collisionPauseMs(this.random, tries));
    }
  }

  /** Closes the circuit, whatever it was: the endpoint just took a delivery. */
  public async recordSuccess(endpoint: Endpoint, nowMs: number): Promise<void> {
    await this.update(endpoint.endpointId, 'record success', {
      UpdateExpression: 'SET #state = :closed, #failures = :zero, #updated = :updated REMOVE #opened, #probe ADD #version :one',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { ...STATE_NAMES, '#pk': JOBS_TABLE.partitionKey, '#updated': A.updatedAt, '#version': A.version },
      ExpressionAttributeValues: { ':closed': afterSuccess().state, ':zero': 0, ':one': 1, ':updated': new Date(nowMs).toISOString() },
    });
  }

  /** Disables the endpoint as gone (`410`) and records the failure. */
  public async disableGone(endpoint: Endpoint, failure: EndpointFailure, nowMs: number): Promise<void> {
    await this.update(endpoint.endpointId, 'disable gone endpoint', {
      UpdateExpression: 'SET #enabled = :false, #reason = :gone, #lastFailure = :failure, #updated = :updated ADD #failureCount :one, #version :one',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: {
        '#pk': JOBS_TABLE.partitionKey,
        '#enabled': A.enabled,
        '#reason': A.disabledReason,
        '#lastFailure': A.lastFailure,
        '#failureCount': A.failureCount,
        '#updated': A.updatedAt,
        '#version': A.version,
      },
      ExpressionAttributeValues: { ':false': false, ':gone': 'gone', ':failure': failureItem(failure), ':one': 1, ':updated': new Date(nowMs).toISOString() },
    });
  }

  /** Writes `next` over `seen` if the item still holds `seen`; a failure is recorded beside it. */
  private async write(
    endpointId: string,
    operation: string,
    seen: StoredCircuit,
    next: CircuitStatus,
    extra: { readonly nowMs: number; readonly failure?: EndpointFailure; readonly opened?: boolean },
  ): Promise<WriteOutcome> {
    const names: Record<string, string> = { ...STATE_NAMES, '#pk': JOBS_TABLE.partitionKey, '#updated': A.updatedAt, '#version': A.version };
    const values: Record<string, unknown> = { ':state': next.state, ':failures': next.consecutiveFailures, ':updated': new Date(extra.nowMs).toISOString(), ':one': 1 };
    const set = ['#state = :state', '#failures = :failures', '#updated = :updated'];
    const remove: string[] = [];
    const add = ['#version :one'];
    if (next.openedAtMs === undefined) remove.push('#opened');
    else {
      set.push('#opened = :opened');
      values[':opened'] = next.openedAtMs;
    }
    if (next.probeUntilMs === undefined) remove.push('#probe');
    else {
      set.push('#probe = :probe');
      values[':probe'] = next.probeUntilMs;
    }
    if (extra.failure !== undefined) {
      set.push('#lastFailure = :failure');
      names['#lastFailure'] = A.lastFailure;
      values[':failure'] = failureItem(extra.failure);
      add.push('#failureCount :one');
      names['#failureCount'] = A.failureCount;
    }
    if (extra.opened === true) {
      add.push('#openCount :one');
      names['#openCount'] = A.openCount;
    }
    const expected = expectedCircuit(seen);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointItemKey(endpointId),
          UpdateExpression: [`SET ${set.join(', ')}`, remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '', `ADD ${add.join(', ')}`].join(' ').trim(),
          ConditionExpression: `attribute_exists(#pk) AND ${expected.condition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ...expected.values },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { applied: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw storeFailure(`endpoint circuit ${operation}`, error, { endpointId });
      const old = oldItemOf(error) ?? (await this.read(endpointId));
      return { applied: false, current: old === undefined ? undefined : endpointOfItem(old).circuit };
    }
  }

  /** An update that needs only the item to exist; a removed endpoint is left alone. */
  private async update(
    endpointId: string,
    operation: string,
    update: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<void> {
    try {
      await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: endpointItemKey(endpointId), ...update }));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw storeFailure(`endpoint circuit ${operation}`, error, { endpointId });
    }
  }

  private async read(endpointId: string): Promise<Record<string, unknown> | undefined> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: endpointItemKey(endpointId), ConsistentRead: true }));
      return Item;
    } catch (error) {
      throw storeFailure('endpoint circuit read', error, { endpointId });
    }
  }
}

/**
 * The condition that the item holds `seen`. A closed circuit with no failures
 * may also be an item that never had a breaker write (no attributes yet).
 */
function expectedCircuit(seen: CircuitStatus): { condition: string; values: Record<string, unknown> } {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  const equal = (name: string, value: string | number | undefined, orAbsent: boolean): void => {
    const placeholder = `:seen${name.slice(1)}`;
    if (value === undefined) {
      parts.push(`attribute_not_exists(${name})`);
      return;
    }
    values[placeholder] = value;
    parts.push(orAbsent ? `(attribute_not_exists(${name}) OR ${name} = ${placeholder})` : `${name} = ${placeholder}`);
  };
  equal('#state', seen.state, seen.state === CIRCUIT_STATE.closed);
  equal('#failures', seen.consecutiveFailures, seen.consecutiveFailures === 0);
  equal('#opened', seen.openedAtMs, false);
  equal('#probe', seen.probeUntilMs, false);
  return { condition: parts.join(' AND '), values };
}

/** The state alone, without the settings a state computed from a stored circuit carries along. */
function statusOf(circuit: CircuitStatus): CircuitStatus {
  const { state, consecutiveFailures, openedAtMs, probeUntilMs } = circuit;
  return {
    state,
    consecutiveFailures,
    ...(openedAtMs === undefined ? {} : { openedAtMs }),
    ...(probeUntilMs === undefined ? {} : { probeUntilMs }),
  };
}

/** `last_failure` as stored: `{ at, category, message, status? }`. */
function failureItem(failure: EndpointFailure): Record<string, unknown> {
  return { at: failure.at, category: failure.category, message: failure.message, ...(failure.status === undefined ? {} : { status: failure.status }) };
}
