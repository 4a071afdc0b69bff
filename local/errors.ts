/**
 * Errors of the local cloud: emulators that will not start, provisioning that
 * does not match what the emulator built, event source mappings set up wrong.
 * Each carries the values needed to fix it, and keeps its cause.
 */
export class LocalCloudError extends Error {
  /** Values that help explain the failure (ports, names, exit codes). */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LocalCloudError';
    this.context = { ...options.context };
  }
}

/** An emulator did not start, or died while starting. */
export class EmulatorStartError extends LocalCloudError {
  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options);
    this.name = 'EmulatorStartError';
  }
}

/** Tables or queues could not be provisioned as asked. */
export class ProvisionError extends LocalCloudError {
  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options);
    this.name = 'ProvisionError';
  }
}

/** An event source mapping's settings are outside what Lambda accepts. */
export class PollerConfigError extends LocalCloudError {
  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options);
    this.name = 'PollerConfigError';
  }
}

/**
 * A handler's `SQSBatchResponse` was malformed; like Lambda, the poller then
 * treats the whole batch as failed.
 */
export class BatchResponseError extends LocalCloudError {
  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options);
    this.name = 'BatchResponseError';
  }
}
