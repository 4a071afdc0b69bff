import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors';
import { lanesOf } from '../../functions/core/lanes';
import { parseCatalog } from '../../functions/core/queue-config';
import { laneQueueName } from '../../functions/core/queue-names';
import { parseConfig } from '../../functions/core/runtime-config';
import { adminConfigSchema } from '../../functions/handlers/workflows/admin/admin-config';
import { AdminFunction } from '../../lib/admin-function';
import { catalog } from '../../lib/catalog';
import { JobQueues } from '../../lib/job-queues';
import { JobsTable } from '../../lib/jobs-table';
import { QueueConsumer } from '../../lib/queue-consumer';
import { SigningSecret } from '../../lib/signing-secret';
import { aQueueDefinition } from '../helpers/factories';
import {
  actionsOf,
  environmentOf,
  pathOf,
  resourceAt,
  resourceListOf,
  resourcesOf,
  statementsOfRole,
  synthPipeline,
  testStack,
  type TemplateResource,
} from './support';

const definitions = parseCatalog(catalog);
const QUEUE = 'webhook-delivery';
const others = definitions.filter((definition) => definition.name !== QUEUE);

/** What a deployment would make of a mapping's `FunctionName`: `Ref`s replaced by `refs`, then `Fn::Split`, `Fn::Select`, `Fn::Join`. */
function evaluate(value: unknown, refs: Readonly<Record<string, string>>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => evaluate(item, refs));
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') {
    const resolved = refs[node.Ref];
    if (resolved === undefined) throw new Error(`no value for Ref ${node.Ref}`);
    return resolved;
  }
  if (node['Fn::Split'] !== undefined) {
    const [separator, text] = evaluate(node['Fn::Split'], refs) as [string, string];
    return text.split(separator);
  }
  if (node['Fn::Select'] !== undefined) {
    const [index, list] = evaluate(node['Fn::Select'], refs) as [number, string[]];
    return list[index];
  }
  if (node['Fn::Join'] !== undefined) {
    const [separator, parts] = evaluate(node['Fn::Join'], refs) as [string, string[]];
    return parts.join(separator);
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

/** The consumer mappings of the queues in `queues`, by logical id. */
function mappingsOf(resources: Record<string, TemplateResource>, queues: readonly string[]): Record<string, TemplateResource> {
  return Object.fromEntries(
    Object.entries(resources).filter(([, mapping]) => queues.some((queue) => pathOf(mapping).startsWith(`JobPipeline/Consumers/${queue}/`))),
  );
}

describe('the pipeline stack without provisioned concurrency', () => {
  const { template } = synthPipeline();

  it('has no version or alias, and every mapping invokes its consumer function itself', () => {
    template.resourceCountIs('AWS::Lambda::Alias', 0);
    template.resourceCountIs('AWS::Lambda::Version', 0);
    for (const definition of definitions) {
      const [functionId] = resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/Consumers/${definition.name}/Handler/Function`);
      const mappings = Object.values(mappingsOf(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'), [definition.name]));
      expect(mappings).toHaveLength(lanesOf(definition).length);
      for (const mapping of mappings) expect(mapping.Properties?.FunctionName).toEqual({ Ref: functionId });
    }
  });
});

describe('the pipeline stack with -c provisionedConcurrency.webhook-delivery=3', () => {
  const plain = synthPipeline().template;
  const { stack, template } = synthPipeline({ context: { [`provisionedConcurrency.${QUEUE}`]: '3' } });
  const [functionId] = resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/Consumers/${QUEUE}/Handler/Function`);
  const [aliasId, alias] = resourceAt(template, 'AWS::Lambda::Alias', `JobPipeline/Consumers/${QUEUE}/Alias`);
  const mappings = mappingsOf(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'), [QUEUE]);

  it('publishes one version of that consumer and puts the alias live on it with 3 provisioned instances', () => {
    template.resourceCountIs('AWS::Lambda::Version', 1);
    template.resourceCountIs('AWS::Lambda::Alias', 1);
    const [versionId, version] = resourceAt(template, 'AWS::Lambda::Version', `JobPipeline/Consumers/${QUEUE}/Handler/Function/CurrentVersion`);
    expect(version.Properties?.FunctionName).toEqual({ Ref: functionId });
    expect(alias.Properties).toEqual({
      FunctionName: { Ref: functionId },
      FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 3 },
    });
  });

  it('maps each of its lanes to the alias: the mapping invokes <function name>:live', () => {
    // Prepare: the alias's Ref is its ARN.
    const refs = { [aliasId]: 'arn:aws:lambda:eu-west-1:123456789012:function:jobs-dev-webhook-delivery-AbC123:live' };
    const definition = definitions.find((candidate) => candidate.name === QUEUE);
    if (definition === undefined) throw new Error(`no ${QUEUE} in the catalog`);
    const laneIds = Object.entries(resourcesOf(template, 'AWS::SQS::Queue'))
      .filter(([, queue]) => lanesOf(definition).some((lane) => queue.Properties?.QueueName === laneQueueName('jobs-dev', definition, lane)))
      .map(([id]) => id)
      .sort();

    // Assess
    expect(Object.keys(mappings)).toHaveLength(lanesOf(definition).length);
    for (const mapping of Object.values(mappings)) {
      expect(evaluate(mapping.Properties?.FunctionName, refs)).toBe('jobs-dev-webhook-delivery-AbC123:live');
      expect(JSON.stringify(mapping.Properties?.FunctionName)).not.toContain(`"${functionId}"`);
    }
    expect(Object.values(mappings).map((mapping) => (mapping.Properties?.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).sort()).toEqual(laneIds);
  });

  it('leaves the other consumers and their mappings exactly as without it', () => {
    const queues = others.map((definition) => definition.name);
    expect(mappingsOf(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'), queues)).toEqual(
      mappingsOf(resourcesOf(plain, 'AWS::Lambda::EventSourceMapping'), queues),
    );
    for (const queue of queues) {
      const [id, fn] = resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/Consumers/${queue}/Handler/Function`);
      const [plainId, plainFn] = resourceAt(plain, 'AWS::Lambda::Function', `JobPipeline/Consumers/${queue}/Handler/Function`);
      expect([id, fn.Properties?.ReservedConcurrentExecutions]).toEqual([plainId, plainFn.Properties?.ReservedConcurrentExecutions]);
    }
  });

  it('lets the consumer\'s pause guard and the admin function switch the alias\'s mappings', () => {
    const [consumerRole] = resourceAt(template, 'AWS::IAM::Role', `JobPipeline/Consumers/${QUEUE}/Handler/Role`);
    const [adminRole] = resourceAt(template, 'AWS::IAM::Role', 'JobPipeline/AdminFunction/Handler/Role');
    for (const roleId of [consumerRole, adminRole]) {
      const updated = JSON.stringify(
        statementsOfRole(template, roleId)
          .filter((statement) => actionsOf(statement).includes('lambda:UpdateEventSourceMapping'))
          .flatMap(resourceListOf),
      );
      for (const mappingId of Object.keys(mappings)) expect(updated).toContain(`{"Ref":"${mappingId}"}`);
    }
  });

  it('gives the admin function the alias ARN for that queue and the function name for the others', () => {
    // Act
    const [, admin] = resourceAt(template, 'AWS::Lambda::Function', 'JobPipeline/AdminFunction/Handler/Function');
    const config = parseConfig(adminConfigSchema, environmentOf(template, admin));

    // Assess
    const expected = Object.fromEntries(
      definitions.map((definition) => [
        definition.name,
        definition.name === QUEUE
          ? `${aliasId}-ref`
          : `${resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/Consumers/${definition.name}/Handler/Function`)[0]}-ref`,
      ]),
    );
    expect(config.CONSUMER_FUNCTIONS).toEqual(expected);
    expect(stack.resolve(stack.consumers.get(QUEUE)?.mappingTarget)).toEqual({ Ref: aliasId });
  });

  it('leaves no cdk-nag finding', () => {
    const result = new AwsSolutionsChecks(stack.node.root).validateScope(stack.node.root);
    expect(result.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});

describe('the pipeline stack with provisioned concurrency above a consumer\'s reserved concurrency', () => {
  it('refuses to build, naming the queue, both numbers and the fix', () => {
    // Act: report-generation runs one job at a time (reserved concurrency 1).
    const thrown = (() => {
      try {
        synthPipeline({ context: { provisionedConcurrency: { 'report-generation': 2 } } });
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(
      /report-generation consumer's provisionedConcurrency 2 is more than its reserved concurrency 1, which Lambda refuses\. Fix: -c provisionedConcurrency\.report-generation=1 or less/,
    );
  });
});

describe('AdminFunction environment room for alias ARNs', () => {
  /** Enough queues that their names' room (not `PipelineFunction`'s 256 bytes for any unresolved value) decides. */
  const QUEUE_NAMES = ['payments', 'email', 'order-routing', 'data-export'] as const;

  /**
   * Builds an admin function over four consumers, `provisioned` with provisioned
   * concurrency, its QUEUES variable `padding` bytes; true when it fits Lambda's limit.
   */
  function fits(provisioned: readonly string[], padding: number): boolean {
    const stack = testStack();
    const jobs = new JobsTable(stack, 'Jobs');
    const queues = new Map<string, JobQueues>();
    const consumers = new Map<string, QueueConsumer>();
    for (const name of QUEUE_NAMES) {
      const definition = aQueueDefinition({ name, concurrency: 4 });
      const queueSet = new JobQueues(stack, `Queues-${name}`, { definition, namePrefix: 'jobs-test' });
      queues.set(name, queueSet);
      consumers.set(
        name,
        new QueueConsumer(stack, name, {
          queues: queueSet,
          jobs,
          signingSecret: new SigningSecret(stack, `Secret-${name}`, { queueName: name }),
          targetUrl: `https://processor.example.com/${name}`,
          queueUrlBase: 'https://sqs.eu-west-1.amazonaws.com/123456789012',
          provisionedConcurrency: provisioned.includes(name) ? 2 : undefined,
        }),
      );
    }
    try {
      new AdminFunction(stack, 'Admin', {
        jobs,
        queues,
        consumers,
        environment: { TABLE_NAME: 'jobs', QUEUE_URL_BASE: 'https://sqs.example', QUEUE_NAME_PREFIX: 'jobs-test', QUEUES: 'x'.repeat(padding) },
      });
      return true;
    } catch (error) {
      // Only the admin function's own check counts; any other error fails the test.
      if (error instanceof ConfigError && /AdminFunction Admin: its environment would be about/.test(error.message)) return false;
      throw error;
    }
  }

  it('counts a consumer with provisioned concurrency with 76 bytes more room than a function name (140 against 64)', () => {
    // Prepare: the largest QUEUES that still fits beside four plain consumers' function names.
    let low = 0;
    let high = 4096;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (fits([], middle)) low = middle;
      else high = middle;
    }
    expect(low).toBeGreaterThan(1000);

    // Act / Assess: with one alias ARN among them, 76 bytes less fits and one byte more does not.
    expect(fits(['email'], low)).toBe(false);
    expect(fits(['email'], low - 76)).toBe(true);
    expect(fits(['email'], low - 75)).toBe(false);
    expect(fits(['email', 'data-export'], low - 76)).toBe(false);
  });
});
