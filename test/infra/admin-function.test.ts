import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { lanesOf } from '../../functions/core/lanes';
import { parseCatalog } from '../../functions/core/queue-config';
import { deadLetterQueueName, laneQueueName } from '../../functions/core/queue-names';
import { parseConfig, queueSettingsOf } from '../../functions/core/runtime-config';
import { adminConfigSchema } from '../../functions/handlers/workflows/admin/admin-config';
import { ADMIN_ROUTES } from '../../functions/handlers/workflows/admin/admin-routes';
import { ADMIN_FUNCTION_ROUTES } from '../../lib/admin-function';
import { catalog } from '../../lib/catalog';
import { PROJECT_ROOT } from '../../lib/pipeline-function';
import {
  actionsOf,
  environmentOf,
  referencedId,
  resourceAt,
  resourceListOf,
  resourcesOf,
  statementsOfRole,
  synthPipeline,
} from './support';

const definitions = parseCatalog(catalog);
const { stack, template } = synthPipeline();
const [adminId, adminFunction] = resourceAt(template, 'AWS::Lambda::Function', 'JobPipeline/AdminFunction/Handler/Function');
const [roleId] = resourceAt(template, 'AWS::IAM::Role', 'JobPipeline/AdminFunction/Handler/Role');
const statements = statementsOfRole(template, roleId);

const queueIdNamed = (name: string): string => {
  const match = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).find(([, queue]) => queue.Properties?.QueueName === name);
  if (!match) throw new Error(`no queue named ${name}`);
  return match[0];
};
const laneIds = definitions.flatMap((definition) => lanesOf(definition).map((lane) => queueIdNamed(laneQueueName('jobs-dev', definition, lane))));
const deadLetterIds = definitions.map((definition) => queueIdNamed(deadLetterQueueName('jobs-dev', definition)));

/** Every logical id a value refers to (`Ref`, `Fn::GetAtt`, anywhere inside a `Fn::Join`). */
function idsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') return node.Ref.startsWith('AWS::') ? [] : [node.Ref];
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return [String(getAtt[0])];
  return Object.values(node).flatMap((child) => (Array.isArray(child) ? child.flatMap(idsIn) : idsIn(child)));
}

/** The resources the admin role may call an action on, as the ids they refer to (`*` as itself), sorted. */
function targets(action: string): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes(action))
    .flatMap((statement) => resourceListOf(statement).map((resource) => (resource === '*' ? '*' : JSON.stringify(resource))))
    .sort();
}
const targetIds = (action: string): string[] =>
  statements
    .filter((statement) => actionsOf(statement).includes(action))
    .flatMap((statement) => resourceListOf(statement).flatMap(idsIn))
    .sort();

describe('AdminFunction in the pipeline stack', () => {
  it('gets the environment its handler checks at module load: the ingest side plus QUEUE_ARN_BASE and CONSUMER_FUNCTIONS', () => {
    // Act
    const config = parseConfig(adminConfigSchema, environmentOf(template, adminFunction));

    // Assess
    expect(config.QUEUES).toEqual(definitions.map(queueSettingsOf));
    expect(config.QUEUE_NAME_PREFIX).toBe('jobs-dev');
    expect(config.QUEUE_URL_BASE).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012');
    expect(config.QUEUE_ARN_BASE).toBe('arn:aws:sqs:eu-west-1:123456789012');
    const consumers = Object.fromEntries(
      definitions.map((definition) => [
        definition.name,
        `${resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/Consumers/${definition.name}/Handler/Function`)[0]}-ref`,
      ]),
    );
    expect(config.CONSUMER_FUNCTIONS).toEqual(consumers);
    expect([config.ALLOW_LOOPBACK_TARGETS, config.ALLOW_PRIVATE_TARGETS]).toEqual([false, false]);
    expect(adminFunction.Properties).toMatchObject({ Timeout: 60, MemorySize: 512 });
    expect(JSON.stringify(adminFunction.Properties?.Environment)).toContain('"Ref":"AWS::Partition"');
  });

  it('gets the consumers\' target allowances, so a registered endpoint passes the guard its deliveries will', () => {
    // Act
    const { template: local } = synthPipeline({ context: { allowLoopbackTargets: 'true', allowPrivateTargets: 'true' } });

    // Assess
    const [, fn] = resourceAt(local, 'AWS::Lambda::Function', 'JobPipeline/AdminFunction/Handler/Function');
    const config = parseConfig(adminConfigSchema, environmentOf(local, fn));
    expect([config.ALLOW_LOOPBACK_TARGETS, config.ALLOW_PRIVATE_TARGETS]).toEqual([true, true]);
  });

  it('answers every admin route of the handler, each AWS_IAM without an API key', () => {
    // The lib's list and the handler's route table are one contract.
    expect([...ADMIN_FUNCTION_ROUTES].sort()).toEqual(Object.keys(ADMIN_ROUTES).sort());

    const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
    const pathOfResource = (id: string): string => {
      const resource = resources[id];
      if (!resource) return '';
      const parent = referencedId(resource.Properties?.ParentId);
      return `${parent && resources[parent] ? pathOfResource(parent) : ''}/${String(resource.Properties?.PathPart)}`;
    };
    const adminMethods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))
      .filter((method) => JSON.stringify(method.Properties?.Integration).includes(`"${adminId}"`))
      .map((method) => {
        expect(method.Properties).toMatchObject({
          AuthorizationType: 'AWS_IAM',
          ApiKeyRequired: false,
          Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
        });
        return `${String(method.Properties?.HttpMethod)} ${pathOfResource(referencedId(method.Properties?.ResourceId) ?? '')}`;
      });
    expect(adminMethods.sort()).toEqual([...ADMIN_FUNCTION_ROUTES].sort());
  });

  it('lets operators’ invoke policy call every admin route', () => {
    const [, policy] = resourceAt(template, 'AWS::IAM::ManagedPolicy', 'JobPipeline/Admin/InvokePolicy');
    const document = JSON.stringify(policy.Properties?.PolicyDocument);
    for (const route of ADMIN_FUNCTION_ROUTES) {
      const [method, routePath] = route.split(' ');
      expect(document, route).toContain(`/${method}${routePath?.replace(/\{[^}]+\}/g, '*')}"`);
    }
  });

  it('may read every lane and send to it, and nothing else on the lanes', () => {
    expect(targetIds('sqs:SendMessage')).toEqual([...laneIds].sort());
    expect(targetIds('sqs:GetQueueAttributes')).toEqual([...laneIds, ...deadLetterIds].sort());
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:PurgeQueue']) {
      expect(targetIds(action), action).toEqual([...deadLetterIds].sort());
    }
  });

  it('may redrive each DLQ with a message move task: the task actions on the DLQ, SendMessage on the destination lane', () => {
    for (const action of ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks']) {
      expect(targetIds(action), action).toEqual([...deadLetterIds].sort());
    }
    // SQS checks ReceiveMessage, DeleteMessage and GetQueueAttributes on the source of a task too.
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
      expect(targetIds(action), action).toEqual(expect.arrayContaining(deadLetterIds));
    }
    // The destination of a whole-queue redrive is the queue's `normal` lane (or its only one).
    for (const definition of definitions) {
      const lane = definition.lanes ? 'normal' : 'default';
      expect(targetIds('sqs:SendMessage')).toContain(queueIdNamed(laneQueueName('jobs-dev', definition, lane)));
    }
    expect(targets('sqs:CancelMessageMoveTask')).toEqual([]);
  });

  it('may read and change job records and endpoints, query the table and only its failed index, and scan for cleaning', () => {
    const [tableId] = resourceAt(template, 'AWS::DynamoDB::Table', 'JobPipeline/Jobs/Table');
    for (const action of ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']) {
      expect(targets(action), action).toEqual([JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] })]);
    }
    const query = targets('dynamodb:Query');
    expect(query).toHaveLength(2);
    expect(query.join()).toContain('/index/failed');
    expect(query.join()).not.toContain('/index/schedule');
    for (const action of ['dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem']) expect(targets(action), action).toEqual([]);
  });

  it('may switch exactly the consumers’ event source mappings, by ARN', () => {
    const mappingIds = Object.keys(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).sort();
    expect(mappingIds).toHaveLength(definitions.reduce((sum, definition) => sum + lanesOf(definition).length, 0));
    expect(targetIds('lambda:UpdateEventSourceMapping')).toEqual(mappingIds);
    for (const resource of statements.filter((statement) => actionsOf(statement).includes('lambda:UpdateEventSourceMapping')).flatMap(resourceListOf)) {
      expect(JSON.stringify(resource)).toContain(':event-source-mapping:');
    }
  });

  it('has * only where Lambda takes no resource: lambda:ListEventSourceMappings, alone in its statement', () => {
    const wildcards = statements.filter((statement) => resourceListOf(statement).some((resource) => JSON.stringify(resource).includes('*')));
    expect(wildcards).toEqual([{ Effect: 'Allow', Action: 'lambda:ListEventSourceMappings', Resource: '*' }]);
    expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
  });

  it('is granted an IAM action for each SDK command its code sends, and nothing more', () => {
    // Prepare: the SDK commands in every module the admin entry point imports.
    const commands = commandsReachedFrom(path.join(PROJECT_ROOT, 'functions', 'handlers', 'admin.ts'));
    // Reached through shared modules, but no admin route calls them (checked by reading the routes' workflows).
    const notCalled: Record<string, string> = {
      Put: 'creating a job (ingest); an endpoint is registered in a transaction',
      GetSecretValue: 'the signing secret (consumers)',
      CancelMessageMoveTask: 'no admin route cancels a move task',
    };

    // Act
    const needed = new Set([...commands].filter((command) => notCalled[command] === undefined).flatMap(actionOf));
    const granted = new Set(statements.flatMap(actionsOf).filter((action) => !action.startsWith('logs:')));

    // Assess
    expect([...needed].sort()).toEqual([...granted].sort());
  });

  it('leaves no unacknowledged cdk-nag finding, and acknowledges only the one wildcard', () => {
    const result = new AwsSolutionsChecks(stack.node.root).validateScope(stack.node.root);
    expect(result.violations.map((violation) => violation.ruleName)).toEqual([]);
    const role = stack.node.findChild('AdminFunction').node.findChild('Handler').node.findChild('Role');
    const acknowledged = role.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules').flatMap((entry) => Object.keys(entry.data as object));
    expect(acknowledged.map((id) => id.replace(/^annotation::/i, ''))).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});

/** The `new XCommand(` names in a module and every project module it imports, transitively. */
function commandsReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const commands = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/new (\w+)Command\(/g)) commands.add(match[1] ?? '');
    for (const match of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), match[1] ?? '');
      const found = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      if (found) visit(found);
    }
  };
  visit(entry);
  return commands;
}

/**
 * The IAM actions an SDK command needs (batch calls need their single call's action; a transaction
 * needs the action of each kind of write it holds).
 */
function actionOf(command: string): string[] {
  const known: Record<string, string | string[]> = {
    Get: 'dynamodb:GetItem',
    Put: 'dynamodb:PutItem',
    Update: 'dynamodb:UpdateItem',
    UpdateItem: 'dynamodb:UpdateItem',
    Delete: 'dynamodb:DeleteItem',
    BatchGet: 'dynamodb:BatchGetItem',
    BatchWrite: 'dynamodb:BatchWriteItem',
    // The registry's transactions: a registration puts two items, a removal deletes them.
    TransactWrite: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
    Query: 'dynamodb:Query',
    Scan: 'dynamodb:Scan',
    SendMessage: 'sqs:SendMessage',
    SendMessageBatch: 'sqs:SendMessage',
    ReceiveMessage: 'sqs:ReceiveMessage',
    DeleteMessageBatch: 'sqs:DeleteMessage',
    ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
    GetQueueAttributes: 'sqs:GetQueueAttributes',
    PurgeQueue: 'sqs:PurgeQueue',
    StartMessageMoveTask: 'sqs:StartMessageMoveTask',
    ListMessageMoveTasks: 'sqs:ListMessageMoveTasks',
    CancelMessageMoveTask: 'sqs:CancelMessageMoveTask',
    ListEventSourceMappings: 'lambda:ListEventSourceMappings',
    UpdateEventSourceMapping: 'lambda:UpdateEventSourceMapping',
    GetSecretValue: 'secretsmanager:GetSecretValue',
  };
  const action = known[command];
  if (action === undefined) throw new Error(`the admin code sends ${command}Command: add its IAM action to this table, and grant it`);
  return typeof action === 'string' ? [action] : action;
}
