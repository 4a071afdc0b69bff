import { endpointReader } from '../adapters/endpoint-reader';
import { createIngestHandler } from './factories/ingest-api';
import { partnerApiRuntime } from './runtime';
import { inboundQueueOf } from './workflows/inbound-callback';

const runtime = partnerApiRuntime(process.env, 'ingest');

/**
 * Lambda entry: `POST /jobs/{queue}` and `POST /jobs/{queue}/batch`, seed
 * 000's `POST /api/payments/intent/queue`, and the public inbound callbacks
 * `POST /webhook/{user_id}/{token}`. The registry is only read here (an
 * endpoint a job or a callback names), on the runtime's DynamoDB client.
 */
export const handler = createIngestHandler({
  ...runtime,
  endpoints: endpointReader({ client: runtime.dynamodb, tableName: runtime.config.TABLE_NAME }),
  inboundQueue: inboundQueueOf(runtime.config.QUEUES),
});
