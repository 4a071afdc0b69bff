import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { apiDefinition, type ApiDefinition } from '../../../local/cloud/api-definition';
import { startApiGateway, type ApiGateway, type ApiGatewayOptions } from '../../../local/cloud/http/api-gateway';
import { localResources } from '../../../local/cloud/local-resources';
import type { CfnTemplate } from '../../../local/cloud/template';
import { AdminApi } from '../../../lib/admin-api';
import { IngestApi, type IngestApiProps } from '../../../lib/ingest-api';

/** The region of the stand-in stack. */
export const STACK_REGION = 'us-east-1';

/** The operator credentials the local gateway checks SigV4 against in these tests. */
export const STACK_ADMIN = { accessKeyId: 'AKIDLOCALADMIN', secretAccessKey: 'local-admin-secret' };

/**
 * The stack's own REST API (ingest and admin routes, gateway responses,
 * models) around stand-in functions named `Ingest`, `JobStatus`, `Health`
 * and `Health2` (the admin status routes), as a synthesized template;
 * `queues` with a data schema get their own typed routes.
 */
export function stackTemplate(partners: IngestApiProps['partners'], queues: IngestApiProps['queues'] = []): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Demo', { env: { region: STACK_REGION } });
  const fn = (id: string) => new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = 1') });
  const ingestApi = new IngestApi(stack, 'Api', { ingestFunction: fn('Ingest'), jobStatusFunction: fn('JobStatus'), healthFunction: fn('Health'), partners, queues });
  new AdminApi(stack, 'Admin', { api: ingestApi.api, statusFunction: fn('Health2') });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/** The template's REST API as the local cloud reads it: routes, keys, throttles and gateway responses. */
export function stackApiDefinition(template: CfnTemplate): ApiDefinition {
  const { scope } = localResources({
    template,
    pseudo: { region: STACK_REGION, accountId: '000000000000', partition: 'aws', urlSuffix: 'amazonaws.com', stackName: 'Demo', stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/Demo/1' },
    queueUrlBase: 'http://127.0.0.1:1/000000000000',
  });
  const functionByArn = new Map(
    Object.entries(template.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([logicalId]) => [scope.resource(logicalId)?.attributes.Arn ?? '', logicalId]),
  );
  const defined = apiDefinition(template, scope, (arn) => functionByArn.get(arn));
  if (defined === undefined) throw new Error('the stack has no REST API');
  return defined;
}

/** The local gateway on a random port, serving `api` as the local cloud does, with {@link STACK_ADMIN} as the operator. */
export function startStackGateway(api: ApiDefinition, invoke: ApiGatewayOptions['invoke']): Promise<ApiGateway> {
  return startApiGateway({
    port: 0,
    stage: api.stageName,
    routes: api.routes,
    apiKeys: api.apiKeys,
    methodThrottles: api.methodThrottles,
    gatewayResponses: api.gatewayResponses,
    iamCredentials: [STACK_ADMIN],
    region: STACK_REGION,
    invoke,
  });
}
