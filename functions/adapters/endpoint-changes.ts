import { CIRCUIT_STATE, type Endpoint, type EndpointSecret } from '../core/endpoint';
import { rotatedSecrets, signingSecrets } from '../core/endpoint-secrets';
import type { EndpointChange } from './endpoint-store';
import { ENDPOINT_ATTRIBUTE as A } from './endpoint-store';
import { secretItemsOf } from './endpoint-item';

/** The parts of an `UpdateItem` on an endpoint's item that a write chooses; the key and table are the registry's. */
export interface EndpointUpdate {
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * One write on an endpoint's item as read at `version`: the attributes it
 * sets and removes. Every write drops the expired secrets, stamps
 * `updated_at` and bumps `version`, and holds only if the item is still at the
 * version read (the breaker bumps it too), so a write computed from a stale
 * read never lands.
 */
class ItemWrite {
  private readonly sets = new Map<string, unknown>();
  private readonly removes = new Set<string>();

  public constructor(private readonly current: Endpoint, now: Date, secrets: readonly EndpointSecret[] = signingSecrets(current.secrets, now)) {
    this.set(A.secrets, secretItemsOf(secrets));
    this.set(A.updatedAt, now.toISOString());
  }

  public set(attribute: string, value: unknown): this {
    this.removes.delete(attribute);
    this.sets.set(attribute, value);
    return this;
  }

  public remove(attribute: string): this {
    this.sets.delete(attribute);
    this.removes.add(attribute);
    return this;
  }

  public toUpdate(): EndpointUpdate {
    const names: Record<string, string> = { '#version': A.version };
    const values: Record<string, unknown> = { ':expected': this.current.version, ':next': this.current.version + 1 };
    const setParts = ['#version = :next'];
    let index = 0;
    for (const [attribute, value] of this.sets) {
      names[`#a${index}`] = attribute;
      values[`:v${index}`] = value;
      setParts.push(`#a${index} = :v${index}`);
      index += 1;
    }
    const removeParts = [...this.removes].map((attribute) => {
      names[`#a${index}`] = attribute;
      index += 1;
      return `#a${index - 1}`;
    });
    return {
      UpdateExpression: `SET ${setParts.join(', ')}${removeParts.length > 0 ? ` REMOVE ${removeParts.join(', ')}` : ''}`,
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
}

/**
 * The write of a `PATCH`: each field given replaces the stored one (an empty
 * description removes it, a `null` partner too). `enabled: true` clears the disabled reason and
 * closes the circuit, so an endpoint that comes back starts afresh;
 * `enabled: false` on an enabled endpoint records the operator as the reason
 * (an endpoint already disabled keeps its reason, e.g. `gone`).
 *
 * @example
 * await doc.send(new UpdateCommand({ TableName, Key, ...changeUpdate(endpoint, { enabled: true }, now) }));
 */
export function changeUpdate(current: Endpoint, change: EndpointChange, now: Date): EndpointUpdate {
  const write = new ItemWrite(current, now);
  if (change.url !== undefined) write.set(A.url, change.url);
  if (change.description !== undefined) {
    if (change.description === '') write.remove(A.description);
    else write.set(A.description, change.description);
  }
  if (change.partner === null) write.remove(A.partner);
  else if (change.partner !== undefined) write.set(A.partner, change.partner);
  if (change.headers !== undefined) write.set(A.headers, { ...change.headers });
  if (change.body !== undefined) write.set(A.body, change.body);
  if (change.circuit?.failureThreshold !== undefined) write.set(A.failureThreshold, change.circuit.failureThreshold);
  if (change.circuit?.cooldownSeconds !== undefined) write.set(A.cooldownSeconds, change.circuit.cooldownSeconds);
  if (change.enabled === true) {
    write
      .set(A.enabled, true)
      .remove(A.disabledReason)
      .set(A.circuitState, CIRCUIT_STATE.closed)
      .set(A.consecutiveFailures, 0)
      .remove(A.openedAtMs)
      .remove(A.probeUntilMs);
  } else if (change.enabled === false && current.enabled) {
    write.set(A.enabled, false).set(A.disabledReason, 'operator');
  }
  return write.toUpdate();
}

/** The write of a secret rotation: `fresh` signs first, the replaced one beside it until its overlap ends. */
export function rotateSecretUpdate(current: Endpoint, fresh: string, now: Date): EndpointUpdate {
  return new ItemWrite(current, now, rotatedSecrets(current.secrets, fresh, now)).toUpdate();
}

/** The write of a token rotation: the old token stops working as this lands. */
export function rotateTokenUpdate(current: Endpoint, token: string, now: Date): EndpointUpdate {
  return new ItemWrite(current, now).set(A.inboundToken, token).toUpdate();
}
