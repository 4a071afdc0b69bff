import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../functions/core/queue-config';
import { catalog } from '../../lib/catalog';
import { JOB_ID_PLACEHOLDER, LogQueries, MAX_QUERY_LOG_GROUPS } from '../../lib/log-queries';
import { referencedId, resourceAt, resourcesOf, synthPipeline, testStack } from './support';

const definitions = parseCatalog(catalog);
const { template } = synthPipeline();

const logGroupOf = (functionPath: string): string => resourceAt(template, 'AWS::Logs::LogGroup', `JobPipeline/${functionPath}/Logs`)[0];
const consumerGroups = definitions.map((definition) => logGroupOf(`Consumers/${definition.name}/Handler`));
const otherGroups = ['Ingest', 'JobStatus', 'Health', 'Sweeper', 'Reconciler', 'StuckDetector', 'AdminFunction/Handler'].map(logGroupOf);
const queryNamed = (name: string) => {
  const query = Object.values(resourcesOf(template, 'AWS::Logs::QueryDefinition')).find((candidate) => candidate.Properties?.Name === name);
  if (!query) throw new Error(`no query named ${name}`);
  return { text: String(query.Properties?.QueryString), groups: (query.Properties?.LogGroupNames as unknown[]).map(referencedId).sort() };
};

describe('LogQueries in the pipeline stack', () => {
  it('saves "dead-lettered jobs by reason" over every consumer’s log group', () => {
    // Act
    const query = queryNamed('JobPipeline-dev/dead-lettered jobs by reason');

    // Assess
    expect(query.groups).toEqual([...consumerGroups].sort());
    expect(query.text).toContain('| filter message = "job dead-lettered"');
    expect(query.text).toMatch(/\| stats count\(\*\) as jobs.* by service, category, reason/);
    expect(query.text).toContain('| sort jobs desc');
  });

  it('saves "one job\'s trail by id" over every function’s log group', () => {
    // Act
    const query = queryNamed("JobPipeline-dev/one job's trail by id");

    // Assess
    expect(query.groups).toEqual([...otherGroups, ...consumerGroups].sort());
    expect(query.groups).toHaveLength(Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).length);
    expect(query.text).toContain(`| filter @message like "${JOB_ID_PLACEHOLDER}"`);
    expect(query.text).toContain('| sort @timestamp asc');
  });

  it('saves just these two queries', () => {
    template.resourceCountIs('AWS::Logs::QueryDefinition', 2);
  });
});

describe('LogQueries', () => {
  it('refuses more log groups than one Logs Insights query reads, naming the count', () => {
    const stack = testStack();
    const groups = Array.from({ length: MAX_QUERY_LOG_GROUPS + 1 }, (_, index) => new LogGroup(stack, `Group${index}`));
    expect(() => new LogQueries(stack, 'Queries', { folder: 'x', consumerLogGroups: groups.slice(0, 1), functionLogGroups: groups })).toThrow(
      /functionLogGroups must hold 1–50 log groups .*; got 51/,
    );
  });
});
