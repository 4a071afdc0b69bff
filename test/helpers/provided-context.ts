/**
 * What the integration global setup hands every test file: where the
 * emulators it started listen.
 */
export interface EmulatorEndpoints {
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  /** The SQS emulator's base for `queueUrl(base, name)`. */
  readonly queueUrlBase: string;
}

declare module 'vitest' {
  // Merged into vitest's own interface, which types `provide` and `inject`.
  export interface ProvidedContext {
    emulators: EmulatorEndpoints;
  }
}
