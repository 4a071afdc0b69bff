import type { PseudoParameters } from '../../../local/cloud/intrinsics';
import { localResources, type LocalResources } from '../../../local/cloud/local-resources';
import type { CfnResource, CfnTemplate } from '../../../local/cloud/template';

/** The pseudo parameters of the local cloud, for a stack named `Demo`. */
export const PSEUDO: PseudoParameters = {
  region: 'us-east-1',
  accountId: '000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  stackName: 'Demo',
  stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/Demo/1',
};

/** The emulator-shaped queue URL base the tests resolve queue URLs under. */
export const QUEUE_URL_BASE = 'http://sqs.us-east-1.local@127.0.0.1:4566/000000000000';

/** A template of the given resources (and optional other sections). */
export function aTemplate(resources: Record<string, CfnResource>, rest: Omit<CfnTemplate, 'Resources'> = {}): CfnTemplate {
  return { Resources: resources, ...rest };
}

/** Local values and a resolve scope over a template. */
export function localOf(template: CfnTemplate): LocalResources {
  return localResources({ template, pseudo: PSEUDO, queueUrlBase: QUEUE_URL_BASE });
}

/** A standard queue resource. */
export function aQueue(properties: Record<string, unknown> = {}): CfnResource {
  return { Type: 'AWS::SQS::Queue', Properties: properties };
}

/** A function resource with a bundled asset. */
export function aFunction(properties: Record<string, unknown> = {}, assetPath = 'asset.abc'): CfnResource {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: { Handler: 'index.handler', Runtime: 'nodejs24.x', Code: { S3Bucket: 'b', S3Key: 'abc.zip' }, ...properties },
    Metadata: { 'aws:asset:path': assetPath },
  };
}
