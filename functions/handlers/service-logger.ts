import { Logger } from '@aws-lambda-powertools/logger';
import { CompactLogFormatter } from './compact-log-formatter';

/** A logger named after the function, the way every handler logs, writing the short record of {@link CompactLogFormatter}. */
export function serviceLogger(service: string): Logger {
  return new Logger({ serviceName: service, logFormatter: new CompactLogFormatter() });
}
