/** A problem the ops CLI reports to its user and exits 1 on: bad arguments, a refused request, no connection. */
export class OpsError extends Error {
  public constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'OpsError';
  }
}
