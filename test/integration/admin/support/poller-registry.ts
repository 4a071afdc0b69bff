import type { EventSourcePoller } from '../../../../local/event-source-poller';
import type { MappingRegistry, MappingState } from '../../../../local/cloud/http/lambda-control-api';

/** One poller to serve as a mapping. */
export interface RegisteredPoller {
  readonly functionName: string;
  readonly eventSourceArn: string;
  readonly poller: EventSourcePoller;
  readonly batchSize: number;
  readonly maximumConcurrency: number;
}

/**
 * A mapping registry over a test pipeline's real event source pollers, for
 * the Lambda control API: enabling or disabling a mapping flips its poller.
 */
export class PollerRegistry implements MappingRegistry {
  private readonly entries = new Map<string, { state: MappingState; poller: EventSourcePoller }>();

  /** Registers pollers as one function's mappings. */
  public add(pollers: readonly RegisteredPoller[]): void {
    for (const registered of pollers) {
      const uuid = crypto.randomUUID();
      this.entries.set(uuid, {
        poller: registered.poller,
        state: {
          uuid,
          functionName: registered.functionName,
          functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${registered.functionName}`,
          eventSourceArn: registered.eventSourceArn,
          enabled: registered.poller.enabled,
          batchSize: registered.batchSize,
          maximumBatchingWindowInSeconds: 0,
          maximumConcurrency: registered.maximumConcurrency,
          reportBatchItemFailures: true,
          lastModified: new Date(),
        },
      });
    }
  }

  public list(filter: { functionName?: string; eventSourceArn?: string }): MappingState[] {
    return [...this.entries.values()]
      .map((entry) => entry.state)
      .filter(
        (state) =>
          (filter.functionName === undefined || filter.functionName === state.functionName || filter.functionName === state.functionArn) &&
          (filter.eventSourceArn === undefined || filter.eventSourceArn === state.eventSourceArn),
      );
  }

  public get(uuid: string): MappingState | undefined {
    return this.entries.get(uuid)?.state;
  }

  public async update(uuid: string, change: { enabled?: boolean }): Promise<MappingState> {
    const entry = this.entries.get(uuid);
    if (entry === undefined) throw new Error(`no mapping ${uuid}`);
    if (change.enabled !== undefined && change.enabled !== entry.state.enabled) await entry.poller.setEnabled(change.enabled);
    entry.state = { ...entry.state, ...(change.enabled === undefined ? {} : { enabled: change.enabled }), lastModified: new Date() };
    return entry.state;
  }
}
