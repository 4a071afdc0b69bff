import { QueryDefinition, QueryString, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/core/errors';

/** Logs Insights reads at most this many log groups in one query. */
export const MAX_QUERY_LOG_GROUPS = 50;

/** What an operator replaces in the trail query with the job id they look for. */
export const JOB_ID_PLACEHOLDER = 'JOB_ID';

/** Properties of {@link LogQueries}. */
export interface LogQueriesProps {
  /** The folder the queries are saved in (Logs Insights shows `<folder>/<query>`), e.g. the stack name. */
  readonly folder: string;
  /** The consumers' log groups: where `job dead-lettered` is logged. */
  readonly consumerLogGroups: readonly ILogGroup[];
  /** Every function's log group (consumers included): a job's trail crosses them. */
  readonly functionLogGroups: readonly ILogGroup[];
}

/**
 * Saved CloudWatch Logs Insights queries over the functions' structured logs
 * (Powertools JSON: `level`, `message`, `service`, and the keys each handler adds):
 *
 * - **dead-lettered jobs by reason**, over the consumers' log groups: the
 *   consumer logs `job dead-lettered` with `job_id`, `attempt`, `category` and
 *   `reason`; counted by consumer (`service`), category and reason, with the
 *   latest job id of each as an example;
 * - **one job's trail by id**, over every function's log group: each line
 *   that names the job, oldest first: its own lines (`job_id`) and the
 *   consumer's `batch done` line, which lists the batch's completed jobs in
 *   `completed_jobs`. The match is on the line's text, as a job id inside a
 *   list is no field of its own. Replace {@link JOB_ID_PLACEHOLDER} with the id.
 *
 * @example
 * new LogQueries(this, 'LogQueries', { folder: 'JobPipeline-dev', consumerLogGroups, functionLogGroups });
 */
export class LogQueries extends Construct {
  /** Dead-lettered jobs by reason. */
  public readonly deadLetteredByReason: QueryDefinition;
  /** One job's trail by id. */
  public readonly jobTrail: QueryDefinition;

  public constructor(scope: Construct, id: string, props: LogQueriesProps) {
    super(scope, id);
    for (const [name, groups] of [
      ['consumerLogGroups', props.consumerLogGroups],
      ['functionLogGroups', props.functionLogGroups],
    ] as const) {
      if (groups.length === 0 || groups.length > MAX_QUERY_LOG_GROUPS) {
        throw new ConfigError(
          `LogQueries ${id}: ${name} must hold 1–${MAX_QUERY_LOG_GROUPS} log groups (a Logs Insights query reads at most ${MAX_QUERY_LOG_GROUPS}); got ${groups.length}`,
        );
      }
    }

    this.deadLetteredByReason = new QueryDefinition(this, 'DeadLetteredByReason', {
      queryDefinitionName: `${props.folder}/dead-lettered jobs by reason`,
      queryString: new QueryString({
        fields: ['@timestamp', 'service', 'job_id', 'attempt', 'category', 'reason'],
        filterStatements: ['message = "job dead-lettered"'],
        statsStatements: ['count(*) as jobs, max(attempt) as max_attempt, latest(job_id) as latest_job by service, category, reason'],
        sort: 'jobs desc',
      }),
      logGroups: [...props.consumerLogGroups],
    });

    this.jobTrail = new QueryDefinition(this, 'JobTrail', {
      queryDefinitionName: `${props.folder}/one job's trail by id`,
      queryString: new QueryString({
        fields: ['@timestamp', 'service', 'level', 'message', 'queue', 'attempt', 'category', 'reason', 'correlation_id', '@logStream'],
        filterStatements: [`@message like "${JOB_ID_PLACEHOLDER}"`],
        sort: '@timestamp asc',
        limit: 1000,
      }),
      logGroups: [...props.functionLogGroups],
    });
  }
}
