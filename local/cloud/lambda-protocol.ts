/**
 * Messages between the Lambda host and one function instance (a worker
 * thread). Payloads travel as JSON text, as they do between Lambda and a
 * runtime, so a handler gets a fresh copy of its event and returns only what
 * JSON can carry.
 */

/** What an instance is started with (`workerData`). */
export interface InstanceData {
  /** Absolute directory of the bundle (Lambda's task root). */
  readonly assetDir: string;
  /** The `Handler` setting, e.g. `index.handler`. */
  readonly handler: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** An error as Lambda reports it. */
export interface SerializedError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** Host to instance: run one invocation. */
export interface InvokeMessage {
  readonly kind: 'invoke';
  readonly requestId: string;
  /** The event as JSON text. */
  readonly event: string;
  /** When the invocation times out, in epoch milliseconds (for `getRemainingTimeInMillis`). */
  readonly deadlineMs: number;
  /** The ARN the invocation was made with (`context.invokedFunctionArn`): qualified when made through an alias or version. */
  readonly invokedFunctionArn: string;
  /** The version that runs (`context.functionVersion`): `$LATEST`, or the one an alias points at. */
  readonly functionVersion: string;
}

/** Instance to host. */
export type InstanceMessage =
  | { readonly kind: 'ready'; readonly initMs: number }
  | { readonly kind: 'init-error'; readonly error: SerializedError }
  | { readonly kind: 'result'; readonly requestId: string; readonly payload: string }
  | { readonly kind: 'error'; readonly requestId: string; readonly error: SerializedError };

/**
 * An error in Lambda's own form (`errorType`, `errorMessage`, `trace`), from
 * anything thrown.
 */
export function serializeError(thrown: unknown, fallbackType = 'Error'): SerializedError {
  if (thrown instanceof Error) {
    return {
      errorType: thrown.name || fallbackType,
      errorMessage: thrown.message,
      trace: (thrown.stack ?? '').split('\n').filter((line) => line.trim() !== ''),
    };
  }
  return { errorType: fallbackType, errorMessage: typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown), trace: [] };
}
