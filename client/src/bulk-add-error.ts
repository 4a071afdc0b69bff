import { JobPipelineError } from './errors.js';

/** One job's outcome in `addBulk`: the job accepted, or why it was refused. */
export type BulkAddResult<J> = { readonly job: J; readonly error?: undefined } | { readonly job?: undefined; readonly error: JobPipelineError };

/**
 * `addBulk` with some jobs refused (code `jobs_refused`). `results` has one
 * entry per job, in the order given: `{ job }` for each accepted one (it will
 * run: keep it), `{ error }` for each refused one. When a request for a later
 * chunk of 100 failed as a whole, its jobs and any after it carry that error
 * (code `not_sent` for those never sent).
 *
 * @example
 * try {
 *   await queue.addBulk(jobs);
 * } catch (error) {
 *   if (!(error instanceof BulkAddError)) throw error;
 *   const accepted = error.jobs; // these run
 *   const refused = error.results.flatMap((result, index) => (result.error ? [{ index, error: result.error }] : []));
 * }
 */
export class BulkAddError<J = unknown> extends JobPipelineError {
  public readonly results: readonly BulkAddResult<J>[];

  public constructor(results: readonly BulkAddResult<J>[], status: number | undefined) {
    const refused = results.filter((result) => result.error !== undefined);
    const first = refused[0]?.error;
    super(`${refused.length} of ${results.length} jobs were refused${first === undefined ? '' : `; the first: ${first.message}`}`, {
      ...(status === undefined ? {} : { status }),
      code: 'jobs_refused',
      details: { accepted: results.length - refused.length, rejected: refused.length },
    });
    this.name = 'BulkAddError';
    this.results = results;
  }

  /** The accepted jobs, in order. */
  public get jobs(): J[] {
    return this.results.flatMap((result) => (result.job === undefined ? [] : [result.job]));
  }
}
