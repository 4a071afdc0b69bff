import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/adapters/emf-metrics';
import { lanesOf } from '../../functions/core/lanes';
import { parseCatalog } from '../../functions/core/queue-config';
import { deadLetterQueueName, laneQueueName } from '../../functions/core/queue-names';
import { catalog } from '../../lib/catalog';
import { PIPELINE_METRICS } from '../../lib/operations-dashboard';
import { resourceAt, resourcesOf, synthPipeline, type TemplateResource } from './support';

const definitions = parseCatalog(catalog);
const { template } = synthPipeline();
const [, dashboard] = resourceAt(template, 'AWS::CloudWatch::Dashboard', 'JobPipeline/Dashboard/Dashboard');

/** The dashboard body with each reference written as `<logicalId>` or `<logicalId.Attr>`, parsed. */
function bodyOf(resource: TemplateResource): { widgets: Widget[] } {
  const flat = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === 'string') return `<${node.Ref}>`;
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${String(getAtt[0])}.${String(getAtt[1])}>`;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flat).join(String(join[0]));
    throw new Error(`unexpected ${JSON.stringify(value)}`);
  };
  return JSON.parse(flat(resource.Properties?.DashboardBody)) as { widgets: Widget[] };
}

interface Widget {
  readonly type: string;
  readonly width: number;
  readonly properties: { readonly title?: string; readonly markdown?: string; readonly metrics?: unknown[][]; readonly alarms?: string[] };
}

const widgets = bodyOf(dashboard).widgets;
const graphOf = (title: string): Widget => {
  const widget = widgets.find((candidate) => candidate.properties.title === title);
  if (!widget) throw new Error(`no widget titled ${title}`);
  return widget;
};
const queueIdNamed = (name: string): string => {
  const match = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).find(([, queue]) => queue.Properties?.QueueName === name);
  if (!match) throw new Error(`no queue named ${name}`);
  return match[0];
};

/** The dimensions of each of a widget's metrics in the EMF namespace with this name. */
function emfDimensions(widget: Widget, metric: string): Record<string, string>[] {
  return (widget.properties.metrics ?? [])
    .filter((entry) => entry[0] === METRICS_NAMESPACE && entry[1] === metric)
    .map((entry) => {
      const pairs = entry.slice(2).filter((item): item is string => typeof item === 'string');
      return Object.fromEntries(pairs.flatMap((item, index) => (index % 2 === 0 ? [[item, pairs[index + 1] ?? '']] : [])));
    });
}

describe('OperationsDashboard in the pipeline stack', () => {
  it('is one dashboard named after the stage, with every alarm in its status widget', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(dashboard.Properties?.DashboardName).toBe('jobs-dev-operations');
    const alarmIds = Object.keys(resourcesOf(template, 'AWS::CloudWatch::Alarm')).sort();
    const shown = widgets.filter((widget) => widget.type === 'alarm').flatMap((widget) => widget.properties.alarms ?? []);
    expect(shown.map((arn) => /^<(\w+)\.Arn>$/.exec(arn)?.[1]).sort()).toEqual(alarmIds);
    template.hasOutput('DashboardName', {});
  });

  it.each(definitions.map((definition) => [definition.name, definition] as const))(
    '%s has its row: depth and age per lane, throughput, failures, DLQ and timing',
    (name, definition) => {
      const lanes = lanesOf(definition).map((lane) => `<${queueIdNamed(laneQueueName('jobs-dev', definition, lane))}.QueueName>`);
      const dlq = `<${queueIdNamed(deadLetterQueueName('jobs-dev', definition))}.QueueName>`;
      const [functionId] = resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/Consumers/${name}/Handler/Function`);
      const metricsOf = (title: string) => JSON.stringify(graphOf(`${name}: ${title}`).properties.metrics);

      const depth = metricsOf('depth');
      for (const lane of lanes) {
        expect(depth).toContain(`"ApproximateNumberOfMessagesVisible","QueueName","${lane}"`);
        expect(depth).toContain(`"ApproximateNumberOfMessagesNotVisible","QueueName","${lane}"`);
        expect(metricsOf('oldest message (s)')).toContain(`"ApproximateAgeOfOldestMessage","QueueName","${lane}"`);
        expect(metricsOf('throughput / min')).toContain(`"NumberOfMessagesSent","QueueName","${lane}"`);
      }
      const emf = (title: string, metric: string) =>
        expect(emfDimensions(graphOf(`${name}: ${title}`), metric), `${title} ${metric}`).toContainEqual({ service: METRICS_SERVICE, queue: name });
      emf('throughput / min', 'JobsCompleted');
      for (const metric of ['JobsFailed', 'JobsRetried', 'JobsDeadLettered']) emf('failures / min', metric);
      expect(metricsOf('failures / min')).toContain(`"Errors","FunctionName","<${functionId}>"`);
      expect(metricsOf('failures / min')).toContain(`"Throttles","FunctionName","<${functionId}>"`);
      expect(metricsOf('dead-letter queue')).toContain(`"ApproximateNumberOfMessagesVisible","QueueName","${dlq}"`);
      for (const metric of ['ProcessingTime', 'QueueWait']) emf('timing (ms)', metric);
      expect(JSON.stringify(graphOf(`${name}: oldest message (s)`).properties)).toContain(`"value":${definition.oldestMessageAlarmSeconds}`);
    },
  );

  it('lays each queue’s graphs out in one 24-column row', () => {
    for (const definition of definitions) {
      const row = widgets.filter((widget) => widget.properties.title?.startsWith(`${definition.name}: `));
      expect(row.reduce((sum, widget) => sum + widget.width, 0), definition.name).toBe(24);
    }
  });

  it('reads the EMF metrics under the namespace and dimensions the consumers publish with', () => {
    expect(PIPELINE_METRICS.namespace).toBe(METRICS_NAMESPACE);
    expect(PIPELINE_METRICS.service).toBe(METRICS_SERVICE);
    const body = JSON.stringify(widgets);
    for (const metric of PIPELINE_METRICS.names) expect(body).toContain(`"${METRICS_NAMESPACE}","${metric}"`);
  });
});
