import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ConsumerDeps } from '../workflows/consumer-deps';
import { BatchProcessor } from '../workflows/process-batch';

/**
 * A queue's consumer Lambda: an SQS batch in, the messages to return out
 * (`ReportBatchItemFailures`).
 */
export function createConsumerHandler(deps: ConsumerDeps) {
  const processor = new BatchProcessor(deps);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const { batchItemFailures } = await processor.process(event, { invokedFunctionArn: context.invokedFunctionArn });
      return { batchItemFailures };
    });
}
