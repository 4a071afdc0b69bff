import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARTNER_LIMITS, readPipelineContext, type ContextReader } from '../../lib/pipeline-context';

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
      logRetention: RetentionDays.ONE_MONTH,
      reconcileAfterSeconds: 900,
      alarmEmails: [],
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

  it('fails naming every queue without a target and the -c options that fix it', () => {
    // Act
    const read = () => readPipelineContext(reader({ 'targets.payments': 'https://pay.example.com' }), [...QUEUES, 'email']);

    // Assess
    expect(read).toThrow(/no processor target for queues order-processing, email/);
    expect(read).toThrow(/-c targets\.<queue>=URL/);
    expect(read).toThrow(/-c defaultTarget=URL/);
  });

  it('refuses a target that is not an http(s) URL', () => {
    expect(() => readPipelineContext(reader({ 'targets.payments': 'ftp://x', defaultTarget: 'https://x.example.com' }), QUEUES)).toThrow(
      /targets\.payments must be an http\(s\) URL; got "ftp:\/\/x"/,
    );
    expect(() => readPipelineContext(reader({ defaultTarget: 'not a url' }), QUEUES)).toThrow(/defaultTarget must be an http\(s\) URL/);
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
