import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/**
 * The JSON log record of every function: `level`, `message`, `service`,
 * `request_id` (the invocation's, when there is one), `cold_start: true` on
 * the lines of an instance's first invocation, then the keys the code adds.
 *
 * CloudWatch Logs bills every byte ingested, and Powertools' standard record
 * repeats on every line what the log event already says: the time (each event
 * carries its own timestamp, `@timestamp` in Logs Insights), the function's
 * ARN, name and memory (the log group and stream say which function), the
 * sampling rate and the X-Ray trace id (tracing is off). That context was
 * about 600 bytes of every line, more than the event itself. What
 * stays is what the saved Logs Insights queries and a trail through one
 * invocation need: `service` (they group by it) and the request id (it ties
 * a line to the invocation's `REPORT` line).
 *
 * @example
 * const logger = new Logger({ serviceName: 'ingest', logFormatter: new CompactLogFormatter() });
 * // {"level":"INFO","message":"batch accepted","service":"ingest","request_id":"…","queue":"payments","accepted":100,"rejected":0}
 */
export class CompactLogFormatter extends LogFormatter {
  public formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    // Empty values (undefined) are dropped when the item is printed, so the keys below appear only when they say something.
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        service: attributes.serviceName,
        request_id: context?.awsRequestId,
        cold_start: context?.coldStart === true ? true : undefined,
      },
    }).addAttributes(additionalLogAttributes);
  }
}
