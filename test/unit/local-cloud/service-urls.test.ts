import { describe, expect, it } from 'vitest';
import { resolveString } from '../../../local/cloud/intrinsics';
import { localizeUrl, serviceUrlRewrites } from '../../../local/cloud/service-urls';
import { aTemplate, localOf, PSEUDO, QUEUE_URL_BASE } from './template-factory';

const rewrites = serviceUrlRewrites(PSEUDO, {
  queueUrlBase: QUEUE_URL_BASE,
  sqsEndpoint: 'http://127.0.0.1:4566',
  api: { restApiId: 'abc123', stageName: 'v1', url: 'http://127.0.0.1:3000' },
});

describe('localizeUrl', () => {
  it('turns QUEUE_URL_BASE, built the way the stack builds it, into the emulator base, so base/<name> is the queue URL', () => {
    // Prepare: Fn::Join and Fn::Sub forms of the same base.
    const { scope } = localOf(aTemplate({}));
    const joined = resolveString(
      { 'Fn::Join': ['', ['https://sqs.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: 'AWS::AccountId' }]] },
      scope,
    );
    const substituted = resolveString({ 'Fn::Sub': 'https://sqs.${AWS::Region}.${AWS::URLSuffix}/${AWS::AccountId}' }, scope);

    // Act and assess
    expect(localizeUrl(joined, rewrites)).toBe(QUEUE_URL_BASE);
    expect(localizeUrl(substituted, rewrites)).toBe(QUEUE_URL_BASE);
    expect(localizeUrl(`${joined}/jobs-dev-email`, rewrites)).toBe(`${QUEUE_URL_BASE}/jobs-dev-email`);
  });

  it('turns the bare SQS endpoint and an execute-api stage URL into their local stand-ins', () => {
    // Act and assess
    expect(localizeUrl('https://sqs.us-east-1.amazonaws.com', rewrites)).toBe('http://127.0.0.1:4566');
    expect(localizeUrl('https://abc123.execute-api.us-east-1.amazonaws.com/v1/', rewrites)).toBe('http://127.0.0.1:3000/');
  });

  it('leaves other values alone, including ones that only start like a service URL', () => {
    // Act and assess
    expect(localizeUrl('https://hooks.example.com/jobs', rewrites)).toBe('https://hooks.example.com/jobs');
    expect(localizeUrl('https://sqs.us-east-1.amazonaws.com.evil.example/x', rewrites)).toBe('https://sqs.us-east-1.amazonaws.com.evil.example/x');
    expect(localizeUrl('jobs-dev', rewrites)).toBe('jobs-dev');
  });
});
