import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEndpointRegistry } from '../adapters/dynamodb-endpoint-registry';
import { generateSigningSecret } from '../processors/webhook-signature';
import { createIngestHandler } from './factories/ingest-api';
import { partnerApiRuntime } from './runtime';
import { inboundQueueOf } from './workflows/inbound-callback';

const runtime = partnerApiRuntime(process.env, 'ingest');

/**
 * Lambda entry: `POST /jobs/{queue}` and `POST /jobs/{queue}/batch`, seed
 * 000's `POST /api/payments/intent/queue`, and the public inbound callbacks
 * `POST /webhook/{user_id}/{token}`. The registry is read only here (an
 * endpoint a job or a callback names); its secret maker is never called.
 */
export const handler = createIngestHandler({
  ...runtime,
  endpoints: new DynamoDbEndpointRegistry({ client: new DynamoDBClient({}), tableName: runtime.config.TABLE_NAME, newSecret: generateSigningSecret }),
  inboundQueue: inboundQueueOf(runtime.config.QUEUES),
});
