import { describe, expect, it } from 'vitest';
import {
  categoryOf,
  ConfigError,
  InvalidRequestError,
  JobFailedError,
  JobNotFoundError,
  JobTimeoutError,
  NonRetryableError,
  PipelineError,
  TransitionConflictError,
} from '../../../functions/core/errors';

describe('error classes', () => {
  it('sets name, message, cause and context on a PipelineError', () => {
    // Prepare
    const cause = new Error('socket hang up');

    // Act
    const error = new PipelineError('send failed', { cause, context: { queue: 'payments' } });

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PipelineError');
    expect(error.message).toBe('send failed');
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ queue: 'payments' });
  });

  it('gives an empty context and no cause by default', () => {
    // Act
    const error = new PipelineError('x');

    // Assess
    expect(error.context).toEqual({});
    expect(error.cause).toBeUndefined();
  });

  it('keeps category and Retry-After on a JobFailedError', () => {
    // Act
    const error = new JobFailedError('slow down', 'rate_limited', { retryAfterMs: 5000, context: { status: 429 } });

    // Assess
    expect(error.name).toBe('JobFailedError');
    expect(error.category).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(5000);
    expect(error.context).toEqual({ status: 429 });
  });

  it.each([
    ['NonRetryableError', new NonRetryableError('gone', { cause: 'c' }), JobFailedError, 'non_retryable'],
    ['JobTimeoutError', new JobTimeoutError(30_000, { cause: 'c' }), JobFailedError, 'timeout'],
  ] as const)('%s is a JobFailedError with its category', (name, error, parent, category) => {
    // Assess
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(parent);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toBeInstanceOf(Error);
    expect(error.category).toBe(category);
    expect(error.cause).toBe('c');
  });

  it('says the timeout in a JobTimeoutError message', () => {
    // Act / Assess
    expect(new JobTimeoutError(30_000).message).toContain('30000 ms');
  });

  it('keeps details on an InvalidRequestError', () => {
    // Prepare
    const details = [{ field: 'priority', message: 'bad' }];

    // Act
    const error = new InvalidRequestError('invalid body', details, { context: { queue: 'payments' } });

    // Assess
    expect(error.name).toBe('InvalidRequestError');
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.details).toBe(details);
    expect(error.context).toEqual({ queue: 'payments' });
  });

  it('names ConfigError', () => {
    // Act
    const error = new ConfigError('bad entry', { context: { queue: 'x' } });

    // Assess
    expect(error.name).toBe('ConfigError');
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.context).toEqual({ queue: 'x' });
  });

  it('puts the job id in a JobNotFoundError, merged with the given context', () => {
    // Act
    const error = new JobNotFoundError('job-1', { context: { queue: 'payments' } });

    // Assess
    expect(error.name).toBe('JobNotFoundError');
    expect(error.message).toBe('job job-1 does not exist');
    expect(error.context).toEqual({ jobId: 'job-1', queue: 'payments' });
  });

  it('puts job id and transition in a TransitionConflictError', () => {
    // Prepare
    const cause = new Error('ConditionalCheckFailedException');

    // Act
    const error = new TransitionConflictError('job-1', 'complete', { cause });

    // Assess
    expect(error.name).toBe('TransitionConflictError');
    expect(error.message).toBe('job job-1 cannot complete from its current state');
    expect(error.context).toEqual({ jobId: 'job-1', transition: 'complete' });
    expect(error.cause).toBe(cause);
  });
});

describe('categoryOf', () => {
  it('keeps the category of a JobFailedError', () => {
    // Act / Assess
    expect(categoryOf(new JobFailedError('bad request', 'validation'))).toBe('validation');
    expect(categoryOf(new JobFailedError('down', 'server'))).toBe('server');
  });

  it('gives non_retryable for a NonRetryableError and timeout for a JobTimeoutError', () => {
    // Act / Assess
    expect(categoryOf(new NonRetryableError('order gone'))).toBe('non_retryable');
    expect(categoryOf(new JobTimeoutError(1000))).toBe('timeout');
  });

  it('trusts a twin from another bundle by its category', () => {
    // Prepare: a second bundled copy of errors.ts makes instanceof fail
    class JobFailedError extends Error {
      public readonly category = 'auth';
      public constructor() {
        super('forbidden');
        this.name = 'JobFailedError';
      }
    }
    const twin = new JobFailedError();

    // Act / Assess
    expect(categoryOf(twin)).toBe('auth');
  });

  it('recognises a foreign NonRetryableError by name alone', () => {
    // Prepare: a plain object, as a copy that lost its category would look
    const foreign = { name: 'NonRetryableError', message: 'order gone' };

    // Act / Assess
    expect(categoryOf(foreign)).toBe('non_retryable');
  });

  it('ignores a category that is not one of ours', () => {
    // Act / Assess
    expect(categoryOf({ name: 'JobFailedError', category: 'cosmic_rays' })).toBe('server');
  });

  it.each(['AbortError', 'TimeoutError'])('classifies a %s DOMException as timeout', (name) => {
    // Prepare: what fetch rejects with on AbortController.abort() / AbortSignal.timeout()
    const error = new DOMException('The operation was aborted.', name);

    // Act / Assess
    expect(categoryOf(error)).toBe('timeout');
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'])(
    'classifies code %s as network',
    (code) => {
      // Prepare
      const error = Object.assign(new Error(`connect ${code}`), { code });

      // Act / Assess
      expect(categoryOf(error)).toBe('network');
    },
  );

  it("classifies undici's fetch failed with a coded cause as network", () => {
    // Prepare: the shape Node's fetch rejects with for a refused connection
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', syscall: 'connect' }),
    });

    // Act / Assess
    expect(categoryOf(error)).toBe('network');
  });

  it('classifies a DNS failure inside fetch failed as network', () => {
    // Prepare
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND example.invalid'), { code: 'ENOTFOUND' }),
    });

    // Act / Assess
    expect(categoryOf(error)).toBe('network');
  });

  it('classifies fetch failed without a code as server, so it is retried', () => {
    // Prepare: e.g. fetch's "bad port"
    const error = new TypeError('fetch failed', { cause: new Error('bad port') });

    // Act / Assess
    expect(categoryOf(error)).toBe('server');
  });

  it('does not take codes that only share a first letter for network', () => {
    // Act / Assess
    expect(categoryOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('server');
    expect(categoryOf(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe('server');
    expect(categoryOf(Object.assign(new Error('x'), { code: 'ENOTFOUNDX' }))).toBe('server');
  });

  it('classifies a plain Error as server', () => {
    // Act / Assess
    expect(categoryOf(new Error('boom'))).toBe('server');
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'does not look up a name of %s on Object.prototype',
    (name) => {
      // Prepare
      const error = { name, message: 'odd' };

      // Act / Assess
      expect(categoryOf(error)).toBe('server');
    },
  );

  it.each([undefined, null, 'a string', 42, true, Symbol('s')])('classifies a thrown non-error %s as server', (thrown) => {
    // Act / Assess
    expect(categoryOf(thrown)).toBe('server');
  });
});
