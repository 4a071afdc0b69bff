import { describe, expect, it } from 'vitest';
import { resolveValue } from '../../../local/cloud/intrinsics';
import { aFunction, aQueue, aTemplate, localOf, QUEUE_URL_BASE } from './template-factory';

describe('localResources', () => {
  it('names resources without an explicit name after the stack and logical id, within the service limits', () => {
    // Prepare
    const { scope } = localOf(
      aTemplate({
        Work: aQueue(),
        Ordered: aQueue({ FifoQueue: true }),
        AVeryLongLogicalIdForAFunctionThatGoesOnAndOnAndOnBeyondSixtyFour: aFunction(),
      }),
    );

    // Act
    const work = scope.resource('Work');
    const ordered = scope.resource('Ordered');
    const fn = scope.resource('AVeryLongLogicalIdForAFunctionThatGoesOnAndOnAndOnBeyondSixtyFour');

    // Assess
    expect(work?.attributes.QueueName).toMatch(/^Demo-Work-[A-Z0-9]{12}$/);
    expect(work?.ref).toBe(`${QUEUE_URL_BASE}/${work?.attributes.QueueName}`);
    expect(ordered?.attributes.QueueName).toMatch(/^Demo-Ordered-[A-Z0-9]{12}\.fifo$/);
    expect(fn?.ref.length).toBeLessThanOrEqual(64);
  });

  it('gives the same generated names and ids on every start', () => {
    // Prepare
    const template = aTemplate({ Work: aQueue(), Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} } });

    // Act
    const first = localOf(template).scope;
    const second = localOf(template).scope;

    // Assess
    expect(second.resource('Work')).toEqual(first.resource('Work'));
    expect(second.resource('Api')?.attributes.RootResourceId).toBe(first.resource('Api')?.attributes.RootResourceId);
  });

  it('makes secret ARNs end in a six-character suffix after the name, as Secrets Manager does', () => {
    // Prepare
    const { scope } = localOf(aTemplate({ Signing: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'signing/payments' } } }));

    // Act
    const arn = resolveValue({ Ref: 'Signing' }, scope);

    // Assess
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:signing\/payments-[a-z0-9]{6}$/);
  });

  it('uses a name that is itself an intrinsic', () => {
    // Prepare
    const { scope } = localOf(aTemplate({ Work: aQueue({ QueueName: { 'Fn::Sub': '${AWS::StackName}-work' } }) }));

    // Act and assess
    expect(scope.resource('Work')?.attributes.QueueName).toBe('Demo-work');
  });
});
