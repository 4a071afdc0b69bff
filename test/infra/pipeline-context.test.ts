import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors';
import type { QueueDefinitionInput } from '../../functions/core/queue-config';
import { DEFAULT_PARTNER_LIMITS, PLACEHOLDER_TARGET_HOST, readPipelineContext, type ContextReader } from '../../lib/pipeline-context';
import { PipelineStack } from '../../lib/pipeline-stack';
import { TEST_CONTEXT, testApp } from './support';

const reader =
  (context: Record<string, unknown>): ContextReader =>
  (key) =>
    context[key];

const QUEUES = ['payments', 'order-processing'];

describe('readPipelineContext', () => {
  it('defaults to the dev stage, a default partner and everything off', () => {
    // Act
    const context = readPipelineContext(reader({ defaultTarget: 'https://processor.example.com/jobs/' }), QUEUES);

    // Assess
    expect(context).toMatchObject({
      stage: 'dev',
      production: false,
      namePrefix: 'jobs-dev',
      corsOrigins: [],
      allowLoopbackTargets: false,
      allowPrivateTargets: false,
      logLevel: 'INFO',
      sourceMaps: false,
      logRetention: RetentionDays.ONE_MONTH,
      reconcileAfterSeconds: 900,
      alarmEmails: [],
      targetProblems: [],
    });
    expect(context.partners).toEqual([{ name: 'default', ...DEFAULT_PARTNER_LIMITS }]);
  });

  it('appends the queue name to defaultTarget and prefers a queue’s own target', () => {
    // Act
    const context = readPipelineContext(
      reader({ defaultTarget: 'https://processor.example.com/jobs/', 'targets.payments': 'https://pay.example.com/run' }),
      QUEUES,
    );

    // Assess
    expect(context.targets).toEqual({
      payments: 'https://pay.example.com/run',
      'order-processing': 'https://processor.example.com/jobs/order-processing',
    });
  });

  it('takes targets as an object from cdk.json too', () => {
    // Act
    const context = readPipelineContext(
      reader({ targets: { payments: 'https://a.example.com', 'order-processing': 'https://b.example.com' } }),
      QUEUES,
    );

    // Assess
    expect(context.targets['order-processing']).toBe('https://b.example.com');
  });

  it('reports every queue without a target and the -c options that fix it, with a placeholder target', () => {
    // Act
    const context = readPipelineContext(reader({ 'targets.payments': 'https://pay.example.com' }), [...QUEUES, 'email']);

    // Assess
    expect(context.targetProblems).toHaveLength(1);
    const [problem] = context.targetProblems;
    expect(problem).toMatch(/^no processor target for queues order-processing, email\. /);
    expect(problem).toMatch(/-c targets\.<queue>=URL/);
    expect(problem).toMatch(/-c defaultTarget=URL/);
    expect(context.targets).toEqual({
      payments: 'https://pay.example.com',
      'order-processing': `https://${PLACEHOLDER_TARGET_HOST}/order-processing`,
      email: `https://${PLACEHOLDER_TARGET_HOST}/email`,
    });
  });

  it('reports a target that is not an http(s) URL', () => {
    // Act
    const oneQueue = readPipelineContext(reader({ 'targets.payments': 'ftp://x', defaultTarget: 'https://x.example.com' }), QUEUES);
    const byDefault = readPipelineContext(reader({ defaultTarget: 'not a url' }), QUEUES);

    // Assess
    expect(oneQueue.targetProblems).toEqual([expect.stringMatching(/^context targets\.payments must be an http\(s\) URL; got "ftp:\/\/x"/)]);
    expect(oneQueue.targets.payments).toBe(`https://${PLACEHOLDER_TARGET_HOST}/payments`);
    expect(byDefault.targetProblems).toEqual([expect.stringMatching(/^context defaultTarget must be an http\(s\) URL/)]);
  });

  it.each([
    ['http://127.0.0.1:4000/in?token=s3cret', '127.0.0.1:4000', 'loopback', /-c allowLoopbackTargets=true/],
    ['http://localhost:4000/in', 'localhost:4000', 'loopback', /-c allowLoopbackTargets=true/],
    ['http://[::1]/in', '[::1]', 'loopback', /-c allowLoopbackTargets=true/],
    ['https://10.0.0.5/in', '10.0.0.5', 'private', /-c allowPrivateTargets=true/],
    ['https://100.64.0.9/in', '100.64.0.9', 'cgnat', /-c allowPrivateTargets=true/],
    ['http://169.254.169.254/latest', '169.254.169.254', 'metadata', /No setting allows it/],
    ['http://[fe80::1]/in', '[fe80::1]', 'link-local', /No setting allows it/],
    ['http://0/in', '0.0.0.0', 'unspecified', /No setting allows it/],
  ])('refuses the target %s by default, naming queue, host, why and the fix', (url, host, addressClass, fix) => {
    // Act
    const context = readPipelineContext(reader({ defaultTarget: 'https://x.example.com', 'targets.payments': url }), QUEUES);

    // Assess
    expect(context.targetProblems).toEqual([
      expect.stringContaining(`context targets.payments (queue payments) points at ${host}, a ${addressClass} address, where the consumers refuse to deliver.`),
    ]);
    expect(context.targetProblems[0]).toMatch(fix);
    expect(context.targetProblems[0]).not.toContain('s3cret');
    expect(context.targets.payments).toBe(`https://${PLACEHOLDER_TARGET_HOST}/payments`);
  });

  it('names every queue a refused defaultTarget serves', () => {
    // Act
    const context = readPipelineContext(reader({ defaultTarget: 'http://192.168.1.20:8080/jobs' }), QUEUES);

    // Assess
    expect(context.targetProblems).toEqual([
      expect.stringMatching(/^context defaultTarget \(queues payments, order-processing\) points at 192\.168\.1\.20:8080, a private address/),
    ]);
  });

  it('lets a loopback or private target through when its context allows it, and nothing more', () => {
    // Act
    const loopback = readPipelineContext(reader({ defaultTarget: 'http://127.0.0.1:4000/deliveries', allowLoopbackTargets: 'true' }), QUEUES);
    const internal = readPipelineContext(reader({ defaultTarget: 'https://10.0.0.5/jobs', allowPrivateTargets: 'true' }), QUEUES);
    const metadata = readPipelineContext(
      reader({ defaultTarget: 'http://169.254.169.254/', allowLoopbackTargets: 'true', allowPrivateTargets: 'true' }),
      QUEUES,
    );
    const privateWithLoopback = readPipelineContext(reader({ defaultTarget: 'https://10.0.0.5/jobs', allowLoopbackTargets: 'true' }), QUEUES);

    // Assess
    expect(loopback.targetProblems).toEqual([]);
    expect(loopback.targets.payments).toBe('http://127.0.0.1:4000/deliveries/payments');
    expect(internal.targetProblems).toEqual([]);
    expect(metadata.targetProblems).toHaveLength(1);
    expect(privateWithLoopback.targetProblems).toHaveLength(1);
  });

  it('leaves host names to the consumer, which checks what they resolve to', () => {
    // Act
    const context = readPipelineContext(reader({ defaultTarget: 'https://hooks.internal.example/jobs' }), QUEUES);

    // Assess
    expect(context.targetProblems).toEqual([]);
  });

  it('reads partners and their limits from strings, as -c passes them', () => {
    // Act
    const context = readPipelineContext(
      reader({
        defaultTarget: 'https://x.example.com',
        partners: 'acme, globex',
        'partner.acme.rate': '20',
        'partner.acme.burst': '40',
        'partner.acme.quota': '5000',
      }),
      QUEUES,
    );

    // Assess
    expect(context.partners).toEqual([
      { name: 'acme', rateLimit: 20, burstLimit: 40, quotaPerDay: 5000 },
      { name: 'globex', ...DEFAULT_PARTNER_LIMITS },
    ]);
  });

  it.each([
    [{ partners: 'Acme' }, /partner name "Acme"/],
    [{ partners: 'acme,acme' }, /listed twice/],
    [{ partners: 'acme', 'partner.acme.rate': '0' }, /partner\.acme\.rate must be a whole number from 1 to 500; got "0"/],
    [{ partners: 'acme', 'partner.acme.rate': '600' }, /partner\.acme\.rate must be a whole number from 1 to 500/],
    [{ stage: 'Production_1' }, /stage must be 1–15 lowercase/],
    [{ stage: 'a-very-long-stage-name' }, /stage must be 1–15/],
    [{ logLevel: 'verbose' }, /logLevel must be one of DEBUG, INFO, WARN, ERROR; got "VERBOSE"/],
    [{ logRetentionDays: '31' }, /logRetentionDays must be one of CloudWatch's retention periods/],
    [{ allowLoopbackTargets: 'yes' }, /allowLoopbackTargets must be true or false/],
    [{ reconcileAfterSeconds: '5' }, /reconcileAfterSeconds must be a whole number from 30/],
    [{ alarmEmail: 'ops.example.com' }, /alarmEmail must be email addresses separated by commas; got "ops\.example\.com"\. Fix: -c alarmEmail=/],
    [{ alarmEmail: 'ops@example.com,OPS@example.com' }, /alarmEmail lists "OPS@example\.com" twice/],
  ])('refuses %j with a message naming the value and the fix', (context, message) => {
    expect(() => readPipelineContext(reader({ defaultTarget: 'https://x.example.com', ...context }), QUEUES)).toThrow(message);
  });

  it('treats prod as production, with longer log retention', () => {
    // Act
    const context = readPipelineContext(reader({ defaultTarget: 'https://x.example.com', stage: 'prod' }), QUEUES);

    // Assess
    expect(context.production).toBe(true);
    expect(context.namePrefix).toBe('jobs-prod');
    expect(context.logRetention).toBe(RetentionDays.THREE_MONTHS);
  });

  it('reads booleans and lists whether given as strings or JSON values', () => {
    // Act
    const context = readPipelineContext(
      reader({
        defaultTarget: 'https://x.example.com',
        allowLoopbackTargets: 'true',
        allowPrivateTargets: true,
        cors: ['https://app.example.com'],
      }),
      QUEUES,
    );

    // Assess
    expect(context.allowLoopbackTargets).toBe(true);
    expect(context.allowPrivateTargets).toBe(true);
    expect(context.corsOrigins).toEqual(['https://app.example.com']);
  });

  it('takes alarmEmail as one address or a comma list', () => {
    // Act
    const one = readPipelineContext(reader({ defaultTarget: 'https://x.example.com', alarmEmail: 'ops@example.com' }), QUEUES);
    const several = readPipelineContext(reader({ defaultTarget: 'https://x.example.com', alarmEmail: ' ops@example.com, oncall@example.org ' }), QUEUES);

    // Assess
    expect(one.alarmEmails).toEqual(['ops@example.com']);
    expect(several.alarmEmails).toEqual(['ops@example.com', 'oncall@example.org']);
  });
});

/** A one-queue catalog: the stack builds in well under a second. */
const A_QUEUE: QueueDefinitionInput = {
  name: 'payments',
  description: 'payment intents',
  concurrency: 2,
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 2000 },
  timeoutMs: 30_000,
};

/** The app collects the errors, as the CLI does, instead of throwing on them at synth as it does under test. */
const COLLECT_ERRORS = { '@aws-cdk/core:failSynthOnValidationErrors': false } as const;

describe('PipelineStack target problems', () => {
  it('turns a missing target into an error annotation instead of a throw, and synthesizes with placeholders', () => {
    // Prepare
    const app = testApp(COLLECT_ERRORS);

    // Act
    const construct = () => new PipelineStack(app, 'JobPipeline', { catalog: [A_QUEUE] });
    expect(construct).not.toThrow();
    const stack = app.node.findChild('JobPipeline') as PipelineStack;

    // Assess
    Annotations.fromStack(stack).hasError('/JobPipeline', Match.stringLikeRegexp('^no processor target for queue payments\\. Fix: '));
    expect(stack.settings.targets.payments).toBe(`https://${PLACEHOLDER_TARGET_HOST}/payments`);
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  it('reports a refused target as an error annotation', () => {
    // Act
    const stack = new PipelineStack(testApp({ ...COLLECT_ERRORS, defaultTarget: 'http://127.0.0.1:4000/deliveries' }), 'JobPipeline', { catalog: [A_QUEUE] });

    // Assess
    Annotations.fromStack(stack).hasError('/JobPipeline', Match.stringLikeRegexp('points at 127\\.0\\.0\\.1:4000, a loopback address'));
  });

  it('has no error annotation when every target is good', () => {
    // Act
    const stack = new PipelineStack(testApp({ ...COLLECT_ERRORS, ...TEST_CONTEXT }), 'JobPipeline', { catalog: [A_QUEUE] });

    // Assess
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('readPipelineContext provisioned concurrency', () => {
  const read = (context: Record<string, unknown>) => readPipelineContext(reader({ defaultTarget: 'https://x.example.com', ...context }), QUEUES);

  it('gives no queue provisioned concurrency by default', () => {
    expect(read({}).provisionedConcurrency).toEqual({});
  });

  it('reads provisionedConcurrency.<queue> from strings, as -c passes them', () => {
    // Act
    const context = read({ 'provisionedConcurrency.payments': '3' });

    // Assess
    expect(context.provisionedConcurrency).toEqual({ payments: 3 });
  });

  it('takes a provisionedConcurrency object from cdk.json too, the flat key winning', () => {
    // Act
    const nested = read({ provisionedConcurrency: { payments: 2, 'order-processing': 1 } });
    const both = read({ provisionedConcurrency: { payments: 2 }, 'provisionedConcurrency.payments': '5' });

    // Assess
    expect(nested.provisionedConcurrency).toEqual({ payments: 2, 'order-processing': 1 });
    expect(both.provisionedConcurrency).toEqual({ payments: 5 });
  });

  it.each([
    [{ 'provisionedConcurrency.payments': '0' }, /provisionedConcurrency\.payments must be a whole number from 1 to 1000; got "0"\. Fix: -c provisionedConcurrency\.payments=/],
    [{ 'provisionedConcurrency.payments': '1.5' }, /provisionedConcurrency\.payments must be a whole number from 1 to 1000; got "1\.5"/],
    [{ 'provisionedConcurrency.payments': 'x' }, /provisionedConcurrency\.payments must be a whole number from 1 to 1000; got "x"/],
    [{ 'provisionedConcurrency.payments': '1001' }, /provisionedConcurrency\.payments must be a whole number from 1 to 1000; got "1001"/],
    [{ provisionedConcurrency: { 'order-processing': 0 } }, /provisionedConcurrency\.order-processing must be a whole number from 1 to 1000; got 0/],
    [{ provisionedConcurrency: { 'order-routing': 2 } }, /provisionedConcurrency names "order-routing", not a catalog queue; the catalog's queues are payments, order-processing\. Fix: /],
    [{ provisionedConcurrency: 3 }, /provisionedConcurrency must be an object of queue names to numbers; got 3\. Fix: -c provisionedConcurrency\.payments=2/],
  ])('refuses %j with a message naming the value and the fix', (context, message) => {
    expect(() => read(context)).toThrow(ConfigError);
    expect(() => read(context)).toThrow(message);
  });
});
