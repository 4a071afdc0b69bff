import { LocalCloudError } from '../errors';
import type { SerializedError } from './lambda-protocol';

/** A failed invocation, in Lambda's terms: `errorType` is also the error's `name`. */
export class LambdaInvocationError extends LocalCloudError {
  readonly errorType: string;
  /** The message as Lambda reports it, without the function name. */
  readonly errorMessage: string;
  readonly trace: readonly string[];

  constructor(functionName: string, error: SerializedError) {
    super(`${functionName}: ${error.errorType}: ${error.errorMessage}`, { context: { functionName, errorType: error.errorType } });
    this.name = error.errorType;
    this.errorType = error.errorType;
    this.errorMessage = error.errorMessage;
    this.trace = error.trace;
  }
}
