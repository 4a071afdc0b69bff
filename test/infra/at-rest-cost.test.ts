import { describe, expect, it } from 'vitest';
import { atRestMonthlyCost } from '../../bench/at-rest-cost';
import type { CfnTemplate } from '../../local/cloud/template';
import { resourceAt, resourcesOf, synthPipeline } from './support';

const QUEUE = 'webhook-delivery';

describe('the at-rest cost of the pipeline stack', () => {
  const { template } = synthPipeline();
  const atRest = atRestMonthlyCost(template.toJSON() as CfnTemplate);
  const count = (type: string): number => Object.keys(resourcesOf(template, type)).length;

  it('prices every mapping, alarm, secret and dashboard the template declares, and skips nothing', () => {
    // Assess
    const { idle_polls, alarms, secrets, dashboards } = atRest.by_item;
    expect(idle_polls.count).toBe(count('AWS::Lambda::EventSourceMapping'));
    expect(alarms.count).toBe(count('AWS::CloudWatch::Alarm'));
    expect(alarms.metrics).toBeGreaterThan(alarms.count);
    expect(secrets.count).toBe(count('AWS::SecretsManager::Secret'));
    expect(dashboards.count).toBe(count('AWS::CloudWatch::Dashboard'));
    expect(atRest.skipped).toEqual([]);
  });

  it('prices each scheduled rule\'s function, the order-processing FIFO mapping at the FIFO price, and no provisioned concurrency', () => {
    // Prepare
    const scheduledRules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((rule) => typeof rule.Properties?.ScheduleExpression === 'string');

    // Assess
    expect(atRest.by_item.schedules.count).toBe(scheduledRules.length);
    expect(atRest.by_item.schedules.estimated).toBe(true);
    expect(atRest.by_item.idle_polls.fifo).toBe(1);
    expect(atRest.by_item.provisioned_concurrency).toEqual({ count: 0, usd_per_month: 0, gb_seconds_per_month: 0 });
  });

  it(`adds the provisioned instances of -c provisionedConcurrency.${QUEUE}=3 at the consumer's memory, and nothing else`, () => {
    // Prepare
    const { template: provisioned } = synthPipeline({ context: { [`provisionedConcurrency.${QUEUE}`]: '3' } });
    const [, consumer] = resourceAt(provisioned, 'AWS::Lambda::Function', `JobPipeline/Consumers/${QUEUE}/Handler/Function`);
    const memoryGb = Number(consumer.Properties?.MemorySize) / 1024;

    // Act
    const withProvisioned = atRestMonthlyCost(provisioned.toJSON() as CfnTemplate);

    // Assess
    const { provisioned_concurrency } = withProvisioned.by_item;
    expect(provisioned_concurrency.count).toBe(3);
    expect(provisioned_concurrency.gb_seconds_per_month).toBeCloseTo(3 * memoryGb * 730 * 3600, 3);
    expect(provisioned_concurrency.usd_per_month).toBeGreaterThan(0);
    expect(withProvisioned.usd_per_month - atRest.usd_per_month).toBeCloseTo(provisioned_concurrency.usd_per_month, 9);
  });
});
